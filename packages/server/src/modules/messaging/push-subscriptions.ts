import { ECDH, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';

/** What a browser's `PushSubscription.toJSON()` gives (`expirationTime` is ignored). */
export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface StoredPushSubscription {
  id: string;
  profileId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: number;
}

export const MAX_ENDPOINT_LENGTH = 2000;
/** A person's browsers and devices; beyond it the oldest subscription goes. */
export const MAX_SUBSCRIPTIONS_PER_PROFILE = 10;
const P256DH_BYTES = 65;
const AUTH_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The push services of the browsers. Our server POSTs to whatever endpoint a client token
 * registers, so only these hosts are accepted: an endpoint cannot aim our requests at an
 * internal address.
 */
const PUSH_SERVICE_HOSTS = [
  'fcm.googleapis.com', // Chrome, Edge on Android, Samsung Internet, Opera, Brave
  'android.googleapis.com',
  'updates.push.services.mozilla.com', // Firefox
  'push.services.mozilla.com',
  'web.push.apple.com', // Safari
  'push.apple.com',
  'notify.windows.com', // Edge on Windows (wns2-*.notify.windows.com)
];

export function isKnownPushService(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return PUSH_SERVICE_HOSTS.some((known) => host === known || host.endsWith(`.${known}`));
}

export interface PushSubscriptionOptions {
  /** Which endpoints to accept (tests: a local push service); default the browsers' services. */
  isPushService?: (url: URL) => boolean;
}

const invalid = (field: string, message: string) =>
  fail('validation_failed', `${field}: ${message}`, [{ field, message }]);

/** The key's bytes when it is unpadded (or padded) base64url of exactly `bytes` bytes. */
function keyBytes(value: unknown, bytes: number): Buffer | null {
  if (typeof value !== 'string' || value.length > 200) return null;
  const bare = value.replace(/={1,2}$/, '');
  if (!B64URL.test(bare)) return null;
  const decoded = Buffer.from(bare, 'base64url');
  return decoded.length === bytes && decoded.toString('base64url') === bare ? decoded : null;
}

function isP256Point(key: Buffer): boolean {
  if (key[0] !== 0x04) return false;
  try {
    ECDH.convertKey(key, 'prime256v1', undefined, undefined, 'uncompressed');
    return true;
  } catch {
    return false;
  }
}

/** Web push subscriptions per profile; one row per (workspace, endpoint). */
export class PushSubscriptions {
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #isPushService: (url: URL) => boolean;

  constructor(database: Database, clock: Clock, options: PushSubscriptionOptions = {}) {
    this.#database = database;
    this.#clock = clock;
    this.#isPushService = options.isPushService ?? isKnownPushService;
  }

  /**
   * Adds (or refreshes) a browser's subscription for the profile. The same endpoint again moves
   * it to this profile with its new keys: a shared computer where someone else signed in.
   */
  async add(
    workspaceId: string,
    profileId: string,
    input: PushSubscriptionInput,
    userAgent: string | null = null,
  ): Promise<Result<StoredPushSubscription>> {
    const endpoint: unknown = input.endpoint;
    if (typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT_LENGTH)
      return invalid('endpoint', `must be a URL of at most ${MAX_ENDPOINT_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return invalid('endpoint', 'must be an absolute https URL');
    }
    if (url.protocol !== 'https:' || url.username !== '' || url.password !== '')
      return invalid('endpoint', 'must be an https URL without credentials');
    if (!this.#isPushService(url))
      return invalid('endpoint', `${url.hostname} is not a known browser push service`);
    const p256dh = keyBytes(input.keys?.p256dh, P256DH_BYTES);
    if (p256dh === null || !isP256Point(p256dh))
      return invalid(
        'keys.p256dh',
        'must be an uncompressed P-256 public key (65 bytes, base64url)',
      );
    const auth = keyBytes(input.keys?.auth, AUTH_BYTES);
    if (auth === null) return invalid('keys.auth', 'must be 16 bytes, base64url');
    const now = this.#clock.now();
    const values = {
      profile_id: profileId,
      p256dh: p256dh.toString('base64url'),
      auth: auth.toString('base64url'),
      user_agent: userAgent === null ? null : userAgent.slice(0, 300),
      created_at: now,
    };
    const db = this.#database.db;
    await db
      .insertInto('push_subscriptions')
      .values({
        id: `psub_${randomBytes(12).toString('hex')}`,
        workspace_id: workspaceId,
        endpoint,
        last_sent_at: null,
        ...values,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'endpoint']).doUpdateSet(values))
      .execute();
    await this.#keepNewest(workspaceId, profileId);
    const row = await db
      .selectFrom('push_subscriptions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('endpoint', '=', endpoint)
      .executeTakeFirstOrThrow();
    return ok(storedOf(row));
  }

  async list(workspaceId: string, profileId: string): Promise<StoredPushSubscription[]> {
    const rows = await this.#database.db
      .selectFrom('push_subscriptions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(storedOf);
  }

  /** Unsubscribes one of the profile's browsers; false when it held no such endpoint. */
  async remove(workspaceId: string, profileId: string, endpoint: string): Promise<boolean> {
    const result = await this.#database.db
      .deleteFrom('push_subscriptions')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .where('endpoint', '=', endpoint)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The push service said the subscription is gone (404/410). */
  async forget(workspaceId: string, id: string): Promise<void> {
    await this.#database.db
      .deleteFrom('push_subscriptions')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
  }

  async markSent(workspaceId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#database.db
      .updateTable('push_subscriptions')
      .set({ last_sent_at: this.#clock.now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids)
      .execute();
  }

  async #keepNewest(workspaceId: string, profileId: string): Promise<void> {
    const extra = (await this.list(workspaceId, profileId)).slice(MAX_SUBSCRIPTIONS_PER_PROFILE);
    if (extra.length === 0) return;
    await this.#database.db
      .deleteFrom('push_subscriptions')
      .where('workspace_id', '=', workspaceId)
      .where(
        'id',
        'in',
        extra.map((s) => s.id),
      )
      .execute();
  }
}

function storedOf(row: {
  id: string;
  profile_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
}): StoredPushSubscription {
  return {
    id: row.id,
    profileId: row.profile_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    createdAt: Number(row.created_at),
  };
}
