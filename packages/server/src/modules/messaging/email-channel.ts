import { createTransport } from 'nodemailer';
import { SystemClock, type Clock } from '../../platform/clock.js';
import { isRecord } from '../../platform/json.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';

export interface EmailChannelOptions {
  /** `smtp://user:pass@host:587` or `smtps://...`. */
  smtpUrl: string;
  /** The From header: `Shop <news@shop.example>`. */
  from: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** Message-IDs are `<outbox id@messageIdDomain>`. */
  messageIdDomain: string;
  /** Messages per second to one recipient domain before sends are deferred (default 20). */
  perDomainPerSecond?: number;
  /** Pooled SMTP connections (default 5). */
  maxConnections?: number;
  /** Times the per-domain limit; the system clock when absent. */
  clock?: Clock;
}

/** Reply codes on RCPT that say the mailbox does not exist (a hard bounce to suppress). */
const HARD_BOUNCE_CODES = new Set([550, 551, 553]);
const MAX_REASON = 1000;
const MAX_EXTRA_HEADERS = 20;
/** Tracked domains beyond which idle (full) buckets are forgotten. */
const MAX_TRACKED_DOMAINS = 10_000;
/** One address, no list, no display name: what the outbox stores for an email. */
const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]{1,64}@[A-Za-z0-9.-]{1,255}$/;
const EXTRA_HEADER_NAME = /^X-[A-Za-z0-9-]{1,64}$/i;

const clip = (s: string) => (s.length > MAX_REASON ? `${s.slice(0, MAX_REASON)}…` : s);
const permanent = (reason: string, suppress = false): SendOutcome => ({
  ok: false,
  permanent: true,
  reason: clip(reason),
  ...(suppress ? { suppress: true } : {}),
});

/** The extra headers a message may carry: X- headers only, one line each. */
function extraHeaders(extra: Record<string, unknown>): Record<string, string> | string {
  const given = extra.headers;
  if (given === undefined) return {};
  if (!isRecord(given)) return 'extra.headers must be an object of header names to values';
  const entries = Object.entries(given);
  if (entries.length > MAX_EXTRA_HEADERS)
    return `extra.headers: at most ${MAX_EXTRA_HEADERS} headers`;
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!EXTRA_HEADER_NAME.test(name))
      return `extra.headers: ${JSON.stringify(name.slice(0, 80))} is not an X- header`;
    if (typeof value !== 'string' || value.length > 1000 || /[\r\n\0]/.test(value))
      return `extra.headers.${name}: must be one line of at most 1000 characters`;
    headers[name] = value;
  }
  return headers;
}

/** SMTP error fields nodemailer attaches, read by checking rather than casting. */
function smtpErrorOf(error: unknown) {
  const e = isRecord(error) ? error : {};
  const text = (k: string) => (typeof e[k] === 'string' ? e[k] : undefined);
  return {
    responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
    command: text('command'),
    response: text('response'),
    code: text('code'),
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Maps an SMTP failure to the outbox's terms: bounce, give up, or try again later. */
export function outcomeOfSmtpError(error: unknown): SendOutcome {
  const e = smtpErrorOf(error);
  const reason = clip(
    e.responseCode !== undefined
      ? `smtp ${e.command ?? ''} ${e.response ?? e.responseCode}`.replace(/\s+/g, ' ')
      : `smtp ${e.code ?? 'error'}: ${e.message}`,
  );
  if (e.responseCode !== undefined && e.responseCode >= 500 && e.responseCode !== 503) {
    // A policy refusal (5.7.x: spam, blocked sender) is no proof the mailbox is gone.
    const policy = /^\d{3}[ -]5\.7\./.test(e.response ?? '');
    const hardBounce = e.command === 'RCPT TO' && HARD_BOUNCE_CODES.has(e.responseCode) && !policy;
    return permanent(reason, hardBounce);
  }
  // Nodemailer refused the envelope itself (an address it cannot use): retrying cannot help.
  if (e.code === 'EENVELOPE' && e.command === 'API') return permanent(reason);
  // 4xx, 503, connection and timeout errors: the same message may go through later.
  return { ok: false, permanent: false, reason };
}

/** A token bucket per recipient domain: `rate` sends a second, bursts of up to `rate`. */
class DomainLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly rate: number,
    private readonly clock: Clock,
  ) {}

  /** 0 when a send to `domain` may go now (and takes its token), else ms until one may. */
  take(domain: string): number {
    const now = this.clock.now();
    const b = this.#buckets.get(domain) ?? { tokens: this.rate, at: now };
    b.tokens = Math.min(this.rate, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    if (this.#buckets.size >= MAX_TRACKED_DOMAINS && !this.#buckets.has(domain)) this.#prune(now);
    this.#buckets.set(domain, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.rate) * 1000);
  }

  #prune(now: number): void {
    for (const [domain, b] of this.#buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.rate) this.#buckets.delete(domain);
  }

  clear(): void {
    this.#buckets.clear();
  }
}

/**
 * Email over SMTP (nodemailer, pooled connections). The Message-ID derives from the outbox id,
 * so a message resent after a crash carries the same Message-ID and can be recognised as a
 * duplicate. Marketing email carries RFC 8058 one-click unsubscribe headers.
 */
export class EmailChannel implements Channel {
  readonly kind = 'email' as const;
  readonly provider = 'smtp';
  readonly #transport;
  readonly #options: EmailChannelOptions;
  readonly #limiter: DomainLimiter;

  constructor(options: EmailChannelOptions) {
    if (!/^smtps?:\/\//i.test(options.smtpUrl))
      throw new Error('the SMTP URL must start with smtp:// or smtps://');
    if (!/^[A-Za-z0-9.-]{1,255}$/.test(options.messageIdDomain))
      throw new Error('the Message-ID domain must be a host name');
    const rate = options.perDomainPerSecond ?? 20;
    if (!(rate > 0)) throw new Error('perDomainPerSecond must be positive');
    this.#options = options;
    this.#limiter = new DomainLimiter(rate, options.clock ?? new SystemClock());
    this.#transport = createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: options.maxConnections ?? 5,
      // The outbox retries, with backoff and a record of each attempt; the pool must not too.
      maxRequeues: 0,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      // Well inside the sender's 60 s lease: a call is over before another sender may take it.
      socketTimeout: 40_000,
      ...(options.dkim ? { dkim: options.dkim } : {}),
    });
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    if (!SINGLE_ADDRESS.test(message.to))
      return permanent(`not a single email address: ${JSON.stringify(message.to.slice(0, 100))}`);
    const headers = extraHeaders(message.extra);
    if (typeof headers === 'string') return permanent(headers);
    if (message.unsubscribeUrl !== null) {
      if (!/^https?:\/\/[^\s<>]+$/.test(message.unsubscribeUrl))
        return permanent('the unsubscribe URL must be an http(s) URL without spaces or <>');
      headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    const domain = message.to.slice(message.to.lastIndexOf('@') + 1).toLowerCase();
    const waitMs = this.#limiter.take(domain);
    if (waitMs > 0)
      return {
        ok: false,
        permanent: false,
        reason: `rate limit for ${domain} reached`,
        retryAfterMs: waitMs,
      };
    const messageId = `<${message.id}@${this.#options.messageIdDomain}>`;
    try {
      const info = await this.#transport.sendMail({
        from: this.#options.from,
        to: message.to,
        subject: (message.subject ?? '').replace(/[\r\n]+/g, ' '),
        text: message.text,
        ...(message.html !== null ? { html: message.html } : {}),
        messageId,
        headers,
      });
      const queued = /\bqueued as ([A-Za-z0-9._:-]{1,100})/i.exec(String(info.response ?? ''));
      return { ok: true, providerMessageId: queued?.[1] ?? messageId };
    } catch (error) {
      return outcomeOfSmtpError(error);
    }
  }

  close(): Promise<void> {
    this.#transport.close();
    this.#limiter.clear();
    return Promise.resolve();
  }
}
