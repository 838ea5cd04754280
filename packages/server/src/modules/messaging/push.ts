import { createHash } from 'node:crypto';
import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { Clock } from '../../platform/clock.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { safeTapUrl } from './inbox.js';
import type { PushSubscriptions, StoredPushSubscription } from './push-subscriptions.js';
import type { VapidKeys } from './vapid-keys.js';

// The key pair and the subscription store live in their own files; their names stay importable
// from here, where callers and tests have always taken them.
export { VapidKeys, type VapidKeyPair } from './vapid-keys.js';
export {
  MAX_ENDPOINT_LENGTH,
  MAX_SUBSCRIPTIONS_PER_PROFILE,
  PushSubscriptions,
  isKnownPushService,
  type PushSubscriptionInput,
  type PushSubscriptionOptions,
  type StoredPushSubscription,
} from './push-subscriptions.js';

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
