import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { inMainFileTransaction } from '../../platform/db/main-file-transaction.js';
import type { OutgoingDeliveryTable } from '../../platform/db/schema-messaging.js';
import type { Result } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { SecretBox } from '../../platform/secret-box.js';
import {
  postSigned,
  WEBHOOK_TIMEOUT_MS,
  type FetchLike,
  type PostResult,
} from './webhook-channel.js';
import { collectWebhookBatch } from './webhook-collector.js';
import { disableIn, readDeliveryLog, type DeliveryView } from './webhook-subscriptions.js';

export type { DeliveryStatus, DeliveryView } from './webhook-subscriptions.js';

export interface DispatcherOptions {
  fetch?: FetchLike;
  /** Events (and segment changes, and deliveries) handled per transaction / claim. */
  batch?: number;
  /** How long a claimed delivery is ours; longer than the POST timeout. */
  leaseMs?: number;
  /** Tries before a delivery is marked failed (8: the last about 2 hours after the first). */
  maxAttempts?: number;
  timeoutMs?: number;
}

type DeliveryRow = Selectable<OutgoingDeliveryTable>;

const BACKOFF_BASE_MS = 60_000;
const BACKOFF_CAP_MS = 6 * 60 * 60 * 1000;
const MAX_ERROR = 1000;

const clip = (s: string) => (s.length > MAX_ERROR ? s.slice(0, MAX_ERROR) : s);
/** 1 min after the first failure, doubling, at most 6 hours. */
export const backoffMs = (failures: number) =>
  Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1), BACKOFF_CAP_MS);

/**
 * Outgoing webhook subscriptions at work. `collect` turns what happened (events the processor
 * has applied, so their profile is known, and segment entries and exits) into one delivery row
 * per matching subscription, committed with its cursors: collecting twice delivers once, and a
 * crash between the two loses nothing. `deliver` leases due deliveries (PostgreSQL: `FOR UPDATE
 * SKIP LOCKED`, so many dispatchers share the work) and POSTs each, signed with its
 * subscription's secret: at least once, the delivery id as `idempotency-key` for receivers to
 * drop a repeat. A failure is retried 1 minute later, doubling up to 6 hours, until
 * `maxAttempts`; a subscriber answering 410 Gone is disabled.
 */
export class WebhookDispatcher {
  readonly #database: Database;
  readonly #box: SecretBox;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #fetch: FetchLike;
  readonly #batch: number;
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #workerId = `wd_${randomBytes(6).toString('hex')}`;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #stopping = false;
  #poked = false;

  constructor(
    database: Database,
    secretBox: SecretBox,
    clock: Clock,
    logger: Logger,
    opts: DispatcherOptions = {},
  ) {
    this.#database = database;
    this.#box = secretBox;
    this.#clock = clock;
    this.#logger = logger;
    this.#fetch = opts.fetch ?? fetch;
    this.#batch = Math.max(1, Math.min(1000, opts.batch ?? 200));
    this.#timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    this.#leaseMs = Math.max(opts.leaseMs ?? 60_000, this.#timeoutMs + 5_000);
    this.#maxAttempts = Math.max(1, opts.maxAttempts ?? 8);
  }

  /** Collects until caught up; returns how many deliveries it created. */
  async collect(): Promise<number> {
    let created = 0;
    for (;;) {
      // Deliveries and cursors live in the main file: no lock on the derived file (database.ts).
      const step = await inMainFileTransaction(this.#database, (trx) =>
        collectWebhookBatch(trx, this.#database.dialect, this.#batch, this.#clock),
      );
      created += step.created;
      if (!step.more) return created;
    }
  }

  /** Sends every delivery due now, batch after batch; returns how many POSTs it made. */
  async deliver(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.#claim(this.#clock.now());
      if (claimed.length === 0) return sent;
      await Promise.all(claimed.map((d) => this.#deliverOne(d)));
      sent += claimed.length;
    }
  }

  /** Collects and delivers until nothing more is due now. */
  async drain(): Promise<void> {
    for (;;) {
      const created = await this.collect();
      const sent = await this.deliver();
      if (created === 0 && sent === 0) return;
    }
  }

  async #claim(now: number): Promise<DeliveryRow[]> {
    const due = this.#database.db
      .selectFrom('outgoing_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(this.#batch);
    const lockedDue = this.#database.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    // The attempt is counted as it is claimed: a dispatcher dying mid-POST still used one.
    return this.#database.db
      .updateTable('outgoing_deliveries')
      .set((eb) => ({
        locked_by: this.#workerId,
        locked_until: now + this.#leaseMs,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', 'in', lockedDue)
      .returningAll()
      .execute();
  }

  async #deliverOne(d: DeliveryRow): Promise<void> {
    const subscription =
      d.subscription_id === null
        ? undefined
        : await this.#database.db
            .selectFrom('webhook_subscriptions')
            .select(['secret', 'disabled_at'])
            .where('id', '=', d.subscription_id)
            .executeTakeFirst();
    if (!subscription || subscription.disabled_at !== null) {
      await this.#finish(d, { status: 'cancelled', last_error: 'the subscription is disabled' });
      return;
    }
    // PostgreSQL hands jsonb back parsed: send what was stored, as JSON text.
    const body = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload);
    let result: PostResult;
    try {
      result = await postSigned(this.#fetch, {
        url: d.url,
        body,
        secret: this.#box.open(subscription.secret),
        now: this.#clock.now(),
        timeoutMs: this.#timeoutMs,
        headers: {
          'comeback-delivery-id': d.id,
          'idempotency-key': d.id,
          ...(d.subscription_id !== null ? { 'comeback-subscription-id': d.subscription_id } : {}),
        },
      });
    } catch (error) {
      // A secret sealed under another instance secret: no retry can help.
      this.#logger.error({ err: error, delivery: d.id }, 'webhook delivery could not be signed');
      await this.#finish(d, { status: 'failed', last_error: 'the signing secret does not open' });
      return;
    }
    const now = this.#clock.now();
    if (result.kind === 'answered' && result.status >= 200 && result.status < 300) {
      await this.#finish(d, {
        status: 'delivered',
        delivered_at: now,
        last_status_code: result.status,
        last_error: null,
      });
      return;
    }
    const code = result.kind === 'answered' ? result.status : null;
    const error =
      result.kind === 'answered' ? `subscriber answered ${result.status}` : result.error;
    if (code === 410) {
      await this.#finish(
        d,
        {
          status: 'failed',
          last_status_code: code,
          last_error: `${error} (gone): subscription disabled`,
        },
        true,
      );
      return;
    }
    if (Number(d.attempts) >= this.#maxAttempts) {
      await this.#finish(d, {
        status: 'failed',
        last_status_code: code,
        last_error: clip(`${error}; gave up after ${Number(d.attempts)} attempts`),
      });
      return;
    }
    const wait = Math.max(
      backoffMs(Number(d.attempts)),
      result.kind === 'answered' ? (result.retryAfterMs ?? 0) : 0,
    );
    await this.#finish(d, {
      status: 'pending',
      next_attempt_at: now + wait,
      last_status_code: code,
      last_error: clip(error),
    });
  }

  /** Moves a delivery we hold on; `disable` also disables its subscription (410 Gone). */
  async #finish(
    d: DeliveryRow,
    set: Partial<Pick<DeliveryRow, 'status' | 'next_attempt_at' | 'delivered_at'>> &
      Partial<Pick<DeliveryRow, 'last_status_code' | 'last_error'>>,
    disable = false,
  ): Promise<void> {
    const now = this.#clock.now();
    await this.#database.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('outgoing_deliveries')
        .set({ ...set, locked_by: null, locked_until: null, updated_at: now })
        .where('id', '=', d.id)
        .where('locked_by', '=', this.#workerId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return; // the lease ran out and another took it on
      if (disable && d.subscription_id !== null)
        await disableIn(trx, d.workspace_id, d.subscription_id, now);
    });
  }

  /** A subscription's delivery log, newest first; null when there is no such subscription. */
  deliveries(
    workspaceId: string,
    subscriptionId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Result<{ data: DeliveryView[]; nextCursor: string | null } | null>> {
    return readDeliveryLog(this.#database, workspaceId, subscriptionId, page);
  }

  /** Polls every `pollMs` (sooner after `notify`) until `stop`. */
  start(pollMs = 1000): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#loop = this.#run(pollMs);
  }

  /** Something may be due (a batch was processed, a subscription created): look now. */
  notify(): void {
    this.#poked = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(pollMs: number): Promise<void> {
    while (!this.#stopping) {
      this.#poked = false;
      try {
        await this.drain();
      } catch (error) {
        this.#logger.error({ err: error }, 'webhook dispatch failed; retrying at the next poll');
      }
      if (this.#stopping || this.#poked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}
