import type { Clock } from '../../platform/clock.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signing.js';
import type { WebhookSecrets } from './webhook-subscriptions.js';

export type FetchLike = typeof fetch;

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A Retry-After beyond this is taken as this: a subscriber cannot park a message for days. */
const MAX_RETRY_AFTER_MS = 6 * 60 * 60 * 1000;

/** What one signed POST came to. */
export type PostResult =
  | { kind: 'answered'; status: number; retryAfterMs?: number }
  | { kind: 'unreachable'; error: string };

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or junk. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  if (value.length > 100) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/**
 * POSTs `body` signed with `secret` at `now`. Redirects are not followed (a POST redirected
 * elsewhere is a misconfigured endpoint, and following one could send the payload anywhere);
 * the answer's body is never read (only its status matters), so a huge answer costs nothing.
 */
export async function postSigned(
  fetchImpl: FetchLike,
  args: {
    url: string;
    body: string;
    secret: string;
    now: number;
    headers: Record<string, string>;
    timeoutMs: number;
  },
): Promise<PostResult> {
  try {
    const response = await fetchImpl(args.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(args.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Comeback-Webhooks/1',
        ...args.headers,
        [SIGNATURE_HEADER]: signWebhook(args.secret, args.body, args.now),
      },
      body: args.body,
    });
    await response.body?.cancel().catch(() => undefined);
    const after = retryAfterMs(response.headers.get('retry-after'), args.now);
    return {
      kind: 'answered',
      status: response.status,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return { kind: 'unreachable', error: message.slice(0, 500) };
  }
}

/** Whether an HTTP status is worth trying again (timeout, rate limit, server trouble). */
export const isTransientStatus = (status: number) =>
  status === 408 || status === 429 || status >= 500;

/**
 * The webhook channel: a message's rendered text (which must be JSON) is POSTed to
 * `extra.webhookUrl`, signed with the workspace's channel secret (WebhookSecrets). The outbox
 * id travels as `comeback-message-id` and `idempotency-key`, so a resend after a crash is
 * recognisable; `comeback-profile-id` names the recipient (the message's `to`).
 */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook' as const;
  readonly provider = 'http';
  readonly #secrets: WebhookSecrets;
  readonly #clock: Clock;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;

  constructor(
    secrets: WebhookSecrets,
    clock: Clock,
    opts: { fetch?: FetchLike; timeoutMs?: number } = {},
  ) {
    this.#secrets = secrets;
    this.#clock = clock;
    this.#fetch = opts.fetch ?? fetch;
    this.#timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const url = message.extra.webhookUrl;
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || url.length > 2000)
      return { ok: false, permanent: true, reason: 'no webhook URL (extra.webhookUrl)' };
    try {
      JSON.parse(message.text);
    } catch {
      return { ok: false, permanent: true, reason: 'the rendered body is not JSON' };
    }
    const secret = await this.#secrets.secretFor(message.workspaceId);
    const result = await postSigned(this.#fetch, {
      url,
      body: message.text,
      secret,
      now: this.#clock.now(),
      timeoutMs: this.#timeoutMs,
      headers: {
        'comeback-message-id': message.id,
        'idempotency-key': message.id,
        'comeback-profile-id': encodeURIComponent(message.to),
      },
    });
    if (result.kind === 'unreachable')
      return { ok: false, permanent: false, reason: `webhook unreachable: ${result.error}` };
    const { status } = result;
    if (status >= 200 && status < 300) return { ok: true, providerMessageId: message.id };
    const reason = `webhook answered ${status}`;
    if (status === 410) return { ok: false, permanent: true, reason: `${reason} (gone)` };
    if (isTransientStatus(status))
      return {
        ok: false,
        permanent: false,
        reason,
        ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
      };
    return { ok: false, permanent: true, reason };
  }

  async close(): Promise<void> {
    // Nothing held open: each POST is its own request.
  }
}
