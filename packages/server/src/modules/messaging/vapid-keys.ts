import webpush from 'web-push';
import type { Database } from '../../platform/db/database.js';
import { isRecord } from '../../platform/json.js';
import type { SecretBox } from '../../platform/secret-box.js';

export interface VapidKeyPair {
  /** The uncompressed P-256 point, base64url: the browser's `applicationServerKey`. */
  publicKey: string;
  privateKey: string;
}

const VAPID_SETTING = 'vapid-keys';

/**
 * The instance's one VAPID key pair. Browsers bind every subscription to the public key, so it
 * must never change: made on first use, kept sealed (SecretBox) in `settings`. Of processes
 * starting at once, the first insert wins and every process reads that one back.
 */
export class VapidKeys {
  readonly #database: Database;
  readonly #box: SecretBox;
  #loaded: Promise<VapidKeyPair> | null = null;

  constructor(database: Database, box: SecretBox) {
    this.#database = database;
    this.#box = box;
  }

  get(): Promise<VapidKeyPair> {
    this.#loaded ??= this.#load().catch((error: unknown) => {
      this.#loaded = null; // a passing database error must not stick
      throw error;
    });
    return this.#loaded;
  }

  async publicKey(): Promise<string> {
    return (await this.get()).publicKey;
  }

  async #load(): Promise<VapidKeyPair> {
    const db = this.#database.db;
    const read = () =>
      db.selectFrom('settings').select('value').where('key', '=', VAPID_SETTING).executeTakeFirst();
    let row = await read();
    if (row === undefined) {
      const fresh = webpush.generateVAPIDKeys();
      const pair: VapidKeyPair = { publicKey: fresh.publicKey, privateKey: fresh.privateKey };
      await db
        .insertInto('settings')
        .values({ key: VAPID_SETTING, value: this.#box.seal(JSON.stringify(pair)) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      row = await read();
      if (row === undefined) throw new Error('the VAPID keys vanished right after being stored');
    }
    // Opening throws under another instance secret: a configuration error, not to be hidden.
    const parsed: unknown = JSON.parse(this.#box.open(row.value));
    if (
      !isRecord(parsed) ||
      typeof parsed.publicKey !== 'string' ||
      typeof parsed.privateKey !== 'string'
    )
      throw new Error('the stored VAPID keys are malformed');
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
  }
}
