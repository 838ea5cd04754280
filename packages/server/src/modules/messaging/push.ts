import { ECDH, createHash, randomBytes } from 'node:crypto';
import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { isRecord } from '../../platform/json.js';
import type { SecretBox } from '../../platform/secret-box.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { safeTapUrl } from './inbox.js';

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

export interface WebPushOptions {
  subscriptions: PushSubscriptions;
  vapidKeys: VapidKeys;
  /** `mailto:` address or `https:` URL the push services may contact (config.vapidSubject). */
  subject: string;
  clock: Clock;
  /** The HTTPS agent (tests: one that trusts the local push service's certificate). */
  agent?: Agent;
  timeoutMs?: number;
}

/** One day: a reminder older than that is no longer worth a notification. */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;
/**
 * Push services take at most 4096 bytes of encrypted payload; aes128gcm adds 103 of its own
 * (header, tag, padding delimiter) to the JSON.
 */
const MAX_PLAINTEXT_BYTES = 3900;

/** The JSON a service worker receives: `{ id, title, body, url }`. */
export function pushPayload(message: OutgoingMessage): string {
  const make = (body: string) =>
    JSON.stringify({
      id: message.id,
      // A title is one line on the notification; a runaway one must not crowd out the body.
      title: message.subject === null ? null : Array.from(message.subject).slice(0, 250).join(''),
      body,
      url: safeTapUrl(message.extra.url),
    });
  let chars = Array.from(message.text);
  let payload = make(message.text);
  // A long body is cut (at a code point) rather than refused by the push service.
  while (Buffer.byteLength(payload) > MAX_PLAINTEXT_BYTES && chars.length > 0) {
    chars = chars.slice(0, Math.floor(chars.length * 0.9));
    payload = make(`${chars.join('')}…`);
  }
  return payload;
}

/** At most 32 base64url characters (RFC 8030 Topic): the id itself, or a digest of it. */
export function pushTopic(messageId: string): string {
  return /^[A-Za-z0-9_-]{1,32}$/.test(messageId)
    ? messageId
    : createHash('sha256').update(messageId).digest('base64url').slice(0, 32);
}

type Attempt =
  | { kind: 'accepted'; id: string; location: string | null }
  | { kind: 'gone' }
  | { kind: 'transient'; reason: string; retryAfterMs?: number }
  | { kind: 'refused'; reason: string };

/**
 * Web push (RFC 8030 with VAPID, RFC 8292; payload encrypted aes128gcm, RFC 8291) to every
 * subscription of the profile named by `to`. The Topic is derived from the outbox id, so a
 * resend replaces a copy still waiting at the push service instead of adding a second one.
 */
export class WebPushChannel implements Channel {
  readonly kind = 'push' as const;
  readonly provider = 'web-push';
  readonly #options: WebPushOptions;

  constructor(options: WebPushOptions) {
    const subject = options.subject;
    if (!/^mailto:[^\s@]+@[^\s@]+$/.test(subject) && !/^https:\/\/[^\s]+$/.test(subject))
      throw new Error('the VAPID subject must be a mailto: address or an https: URL');
    this.#options = options;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const { subscriptions, vapidKeys, subject } = this.#options;
    const targets = await subscriptions.list(message.workspaceId, message.to);
    if (targets.length === 0) return { ok: false, permanent: true, reason: 'no push subscription' };
    const keys = await vapidKeys.get();
    const payload = pushPayload(message);
    const topic = pushTopic(message.id);
    const attempts = await Promise.all(
      targets.map((target) => this.#sendTo(target, payload, topic, { subject, ...keys })),
    );
    for (const [i, attempt] of attempts.entries()) {
      const target = targets[i];
      if (attempt.kind === 'gone' && target)
        await subscriptions.forget(message.workspaceId, target.id);
    }
    const accepted = attempts.flatMap((a) => (a.kind === 'accepted' ? [a] : []));
    if (accepted.length > 0) {
      await subscriptions.markSent(
        message.workspaceId,
        accepted.map((a) => a.id),
      );
      const location = accepted.find((a) => a.location !== null)?.location;
      return {
        ok: true,
        providerMessageId: `${accepted.length} accepted${location ? ` ${location}` : ''}`,
      };
    }
    const transient = attempts.flatMap((a) => (a.kind === 'transient' ? [a] : []));
    if (transient.length > 0) {
      const waits = transient.flatMap((a) =>
        a.retryAfterMs === undefined ? [] : [a.retryAfterMs],
      );
      return {
        ok: false,
        permanent: false,
        reason: transient[0]?.reason ?? 'push service unavailable',
        ...(waits.length > 0 ? { retryAfterMs: Math.max(...waits) } : {}),
      };
    }
    const refused = attempts.find((a) => a.kind === 'refused');
    if (refused) return { ok: false, permanent: true, reason: refused.reason };
    return { ok: false, permanent: true, reason: 'no push subscription' };
  }

  async #sendTo(
    target: StoredPushSubscription,
    payload: string,
    topic: string,
    vapidDetails: { subject: string; publicKey: string; privateKey: string },
  ): Promise<Attempt> {
    try {
      const result = await webpush.sendNotification(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        payload,
        {
          vapidDetails,
          TTL: PUSH_TTL_SECONDS,
          urgency: 'normal',
          topic,
          contentEncoding: 'aes128gcm',
          timeout: this.#options.timeoutMs ?? 10_000,
          ...(this.#options.agent ? { agent: this.#options.agent } : {}),
        },
      );
      const location = result.headers.location;
      return {
        kind: 'accepted',
        id: target.id,
        location: typeof location === 'string' ? location.slice(0, 300) : null,
      };
    } catch (error) {
      if (!(error instanceof webpush.WebPushError))
        return {
          kind: 'transient',
          reason: `push service unreachable: ${String(error)}`.slice(0, 300),
        };
      const status = error.statusCode;
      const said = `push service answered ${status}${error.body ? `: ${error.body}` : ''}`.slice(
        0,
        300,
      );
      if (status === 404 || status === 410) return { kind: 'gone' };
      if (status === 429 || status >= 500) {
        const retryAfterMs = this.#retryAfterMs(error.headers['retry-after']);
        return {
          kind: 'transient',
          reason: said,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      return { kind: 'refused', reason: said };
    }
  }

  /** `Retry-After` in seconds or as an HTTP date; bounded to a day. */
  #retryAfterMs(header: unknown): number | undefined {
    if (typeof header !== 'string' || header.length > 100) return undefined;
    const ms = /^\d+$/.test(header.trim())
      ? Number(header.trim()) * 1000
      : Date.parse(header) - this.#options.clock.now();
    return Number.isFinite(ms) && ms > 0 ? Math.min(ms, PUSH_TTL_SECONDS * 1000) : undefined;
  }

  async close(): Promise<void> {
    // Each send is its own request; the agent, if any, belongs to the caller.
  }
}
