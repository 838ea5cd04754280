import { randomUUID } from 'node:crypto';
import type { ChannelKind } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import {
  channelsFromMap,
  type Channel,
  type ChannelResolver,
  type OutgoingMessage,
  type SendOutcome,
} from './channel.js';
import type { ClaimedMessage, MessageKind, Outbox } from './outbox.js';

/**
 * Asked for every message at the instant it is sent (consent, suppression, quiet hours...),
 * not when it was queued: a person who unsubscribed in between gets nothing.
 */
export type SendGate = (m: {
  workspaceId: string;
  profileId: string | null;
  channel: ChannelKind;
  kind: MessageKind;
  to: string;
}) => Promise<{ ok: true } | { ok: false; reason: string }>;

export interface SenderOptions {
  gate: SendGate;
  /** The one-click unsubscribe link for a marketing message; null when it has none. */
  unsubscribeUrl: (m: {
    id: string;
    workspaceId: string;
    profileId: string | null;
    channel: ChannelKind;
    kind: string;
  }) => string | null;
  /** Adds an address to the suppression list (a hard bounce). */
  suppress: (
    workspaceId: string,
    channel: ChannelKind,
    address: string,
    reason: string,
    now: number,
  ) => Promise<void>;
  /** Messages in flight at once (default 8: more than an SMTP pool's connections). */
  concurrency?: number;
  /** Messages claimed per round (default 50). */
  batch?: number;
  /** How long a claim lasts; longer than any provider call (default 60 s). */
  leaseMs?: number;
  /** Provider calls before a message is given up as failed (default 6). */
  maxAttempts?: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** 1 min after the first attempt, then 2, 4, ... capped at 1 h; never before `retryAfterMs`. */
export function retryDelay(attempts: number, retryAfterMs = 0): number {
  const backoff = Math.min(HOUR, MINUTE * 2 ** Math.max(0, attempts - 1));
  return Math.max(backoff, Math.min(retryAfterMs, 24 * HOUR));
}

/**
 * Drains the outbox through the channel adapters. Each claimed message is gated, marked
 * 'sending' (committed), sent, then marked 'sent', retried with backoff, or failed. `drain`
 * sends what is due at the clock's instant (tests); `start` polls, `notify` wakes it early.
 */
export class MessageSender {
  readonly workerId = `sender-${randomUUID().slice(0, 8)}`;
  readonly #outbox: Outbox;
  readonly #channels: ChannelResolver;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #options: Required<SenderOptions>;
  #timer: NodeJS.Timeout | undefined;
  #pollMs = 1000;
  #started = false;
  #stopped = false;
  #running: Promise<number> | undefined;
  #again = false;

  constructor(
    outbox: Outbox,
    /** A resolver (per workspace), or the same channels for every workspace. */
    channels: ChannelResolver | ReadonlyMap<ChannelKind, Channel>,
    clock: Clock,
    logger: Logger,
    options: SenderOptions,
  ) {
    this.#outbox = outbox;
    this.#channels = 'channelFor' in channels ? channels : channelsFromMap(channels);
    this.#clock = clock;
    this.#log = logger;
    this.#options = {
      concurrency: 8,
      batch: 50,
      leaseMs: 60_000,
      maxAttempts: 6,
      ...options,
    };
    const { concurrency, batch, leaseMs, maxAttempts } = this.#options;
    if (![concurrency, batch, leaseMs, maxAttempts].every((n) => Number.isInteger(n) && n >= 1))
      throw new Error('sender options: concurrency, batch, leaseMs, maxAttempts must be ≥ 1');
  }

  /** Sends everything due now; returns how many messages were handled. One drain at a time. */
  drain(): Promise<number> {
    if (this.#running) {
      // Whatever was queued since the drain under way began is picked up by one more round.
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drainRounds().finally(() => (this.#running = undefined));
    return this.#running;
  }

  start(pollMs = 1000): void {
    if (this.#started) return;
    this.#started = true;
    this.#pollMs = pollMs;
    this.#schedule(0);
  }

  /** Wakes a started sender now (a message was just queued). */
  notify(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#stopped) return;
      this.drain()
        .catch((error: unknown) => this.#log.error({ err: error }, 'message sender tick failed'))
        .finally(() => {
          if (!this.#stopped) this.#schedule(this.#pollMs);
        });
    }, ms);
  }

  async #drainRounds(): Promise<number> {
    let handled = 0;
    for (;;) {
      this.#again = false;
      const claimed = await this.#outbox.claimDue(
        this.#clock.now(),
        this.workerId,
        this.#options.batch,
        this.#options.leaseMs,
      );
      if (claimed.length === 0 && !this.#again) return handled;
      const recorded: { id: string; providerMessageId: string }[] = [];
      await this.#pool(claimed, (m) => this.#handle(m, recorded));
      await this.#recordAll(recorded);
      handled += claimed.length;
    }
  }

  /** Runs `work` over `items` with at most `concurrency` at once. */
  async #pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < items.length; i = next++) {
        const item = items[i];
        if (item !== undefined) await work(item);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#options.concurrency, items.length) }, worker),
    );
  }

  /**
   * The round's record-only messages, marked sent in one commit. A crash before it leaves them
   * claimed: their lease runs out and they are recorded again, which delivers nothing twice.
   */
  async #recordAll(recorded: { id: string; providerMessageId: string }[]): Promise<void> {
    try {
      await this.#outbox.markRecordedMany(recorded, this.workerId, this.#clock.now());
    } catch (error) {
      this.#log.error({ err: error, messages: recorded.length }, 'recording messages failed');
    }
  }

  async #handle(
    m: ClaimedMessage,
    recorded: { id: string; providerMessageId: string }[],
  ): Promise<void> {
    try {
      await this.#send(m, recorded);
    } catch (error) {
      // A database error mid-way: the lease runs out and the message is claimed again.
      this.#log.error({ err: error, message: m.id }, 'sending a message failed');
    }
  }

  /** What the channel is given: the message with its one-click unsubscribe URL. */
  #outgoing(m: ClaimedMessage, attempt: number): OutgoingMessage {
    const unsubscribeUrl =
      m.kind === 'marketing'
        ? this.#options.unsubscribeUrl({
            id: m.id,
            workspaceId: m.workspaceId,
            profileId: m.profileId,
            channel: m.channel,
            kind: m.kind,
          })
        : null;
    return {
      id: m.id,
      workspaceId: m.workspaceId,
      channel: m.channel,
      to: m.to,
      subject: m.subject,
      html: m.html,
      text: m.text,
      unsubscribeUrl,
      extra: m.extra,
      attempt,
    };
  }

  async #send(
    m: ClaimedMessage,
    recorded: { id: string; providerMessageId: string }[],
  ): Promise<void> {
    const outbox = this.#outbox;
    const clock = this.#clock;
    const worker = m.lockedBy;
    if (m.resumed && m.attempts >= this.#options.maxAttempts) {
      await outbox.markFailed(
        m.id,
        worker,
        'failed',
        'its sender stopped mid-send on every attempt',
        clock.now(),
      );
      return;
    }
    const verdict = await this.#options.gate({
      workspaceId: m.workspaceId,
      profileId: m.profileId,
      channel: m.channel,
      kind: m.kind,
      to: m.to,
    });
    if (!verdict.ok) {
      await outbox.markFailed(m.id, worker, 'suppressed', verdict.reason, clock.now());
      return;
    }
    const channel = await this.#channels.channelFor(m.workspaceId, m.channel);
    if (!channel) {
      await outbox.markFailed(
        m.id,
        worker,
        'failed',
        `no ${m.channel} provider configured`,
        clock.now(),
      );
      return;
    }
    if (channel.recordsOnly === true) {
      const result = await channel.send(this.#outgoing(m, m.attempts + 1));
      if (result.ok) {
        recorded.push({ id: m.id, providerMessageId: result.providerMessageId });
        return;
      }
    }
    // Committed before the call: a crash from here on leaves 'sending', resent after the lease.
    if (!(await outbox.markSending(m.id, worker, clock.now()))) return;
    const attempt = m.attempts + 1;
    let outcome: SendOutcome;
    try {
      outcome = await channel.send(this.#outgoing(m, attempt));
    } catch (error) {
      // An adapter that throws is treated as a transient failure: it may be a network fault.
      this.#log.warn({ err: error, message: m.id, provider: channel.provider }, 'send threw');
      outcome = { ok: false, permanent: false, reason: `${channel.provider}: ${String(error)}` };
    }
    const now = clock.now();
    if (outcome.ok) {
      await outbox.markSent(m.id, worker, outcome.providerMessageId, now);
      return;
    }
    if (outcome.permanent) {
      await outbox.markFailed(m.id, worker, 'failed', outcome.reason, now);
      if (outcome.suppress === true)
        await this.#options.suppress(m.workspaceId, m.channel, m.to, outcome.reason, now);
      return;
    }
    if (attempt >= this.#options.maxAttempts) {
      await outbox.markFailed(
        m.id,
        worker,
        'failed',
        `gave up after ${attempt} attempts: ${outcome.reason}`,
        now,
      );
      return;
    }
    const at = now + retryDelay(attempt, outcome.retryAfterMs);
    await outbox.markRetry(m.id, worker, outcome.reason, at, now);
  }
}
