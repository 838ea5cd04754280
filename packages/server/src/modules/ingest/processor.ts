import type { Database } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { applyEventBatch, type ProfileStore } from '../profiles/index.js';
import type { EventLog } from './event-log.js';
import { LagStats } from './lag-stats.js';

const CURSOR = 'profiles';

/**
 * Applies appended events to profiles, in log order, a batch per transaction together with its
 * cursor: after a crash it resumes exactly after the last committed batch, and a batch is either
 * wholly applied or not at all. On PostgreSQL the cursor row is locked for the batch, so any
 * number of worker processes can run this loop and only one applies a given batch.
 */
export class Processor {
  readonly lag = new LagStats();
  readonly #database: Database;
  readonly #log: EventLog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #store: ProfileStore;
  #applied = 0;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #dirty = true;

  constructor(
    database: Database,
    log: EventLog,
    clock: Clock,
    logger: Logger,
    opts: { batchSize: number; store: ProfileStore },
  ) {
    this.#database = database;
    this.#log = log;
    this.#clock = clock;
    this.#logger = logger;
    this.#batchSize = opts.batchSize;
    this.#store = opts.store;
  }

  get applied(): number {
    return this.#applied;
  }

  async position(): Promise<number> {
    const row = await this.#database.db
      .selectFrom('processor_cursors')
      .select('position')
      .where('name', '=', CURSOR)
      .executeTakeFirst();
    return Number(row?.position ?? 0);
  }

  /** Applies one batch; returns how many events it consumed (0: caught up). */
  async runOnce(): Promise<number> {
    const now = this.#clock.now();
    const lags: number[] = [];
    const consumed = await this.#database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('processor_cursors')
        .values({ name: CURSOR, position: 0, updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      let cursorQuery = trx
        .selectFrom('processor_cursors')
        .select('position')
        .where('name', '=', CURSOR);
      if (this.#database.dialect === 'postgres') cursorQuery = cursorQuery.forUpdate();
      const position = Number((await cursorQuery.executeTakeFirstOrThrow()).position);
      const rows = await this.#log.readAfter(trx, position, this.#batchSize);
      if (rows.length === 0) return 0;
      await applyEventBatch(
        trx,
        this.#store,
        rows.map((r) => r.event),
        now,
      );
      const last = rows[rows.length - 1]?.seq ?? position;
      await trx
        .updateTable('processor_cursors')
        .set({ position: last, updated_at: now })
        .where('name', '=', CURSOR)
        .execute();
      for (const r of rows) lags.push(r.receivedAt);
      return rows.length;
    });
    // Lag is measured on the same (injected) clock that stamped receivedAt, after the commit.
    const appliedAt = this.#clock.now();
    for (const receivedAt of lags) this.lag.record(appliedAt - receivedAt);
    this.#applied += consumed;
    return consumed;
  }

  /** Runs until caught up with everything appended before the call. */
  async catchUp(): Promise<void> {
    while ((await this.runOnce()) > 0) {
      /* keep going */
    }
  }

  notify(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  start(pollMs = 200): void {
    this.#loop = (async () => {
      while (!this.#stopping) {
        try {
          this.#dirty = false;
          const n = await this.runOnce();
          // On SQLite every query completes synchronously: without this yield a backlog would
          // hold the event loop (HTTP, timers, signals) until it was fully applied.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (n > 0) continue;
        } catch (error) {
          this.#logger.error({ err: error }, 'processor batch failed; retrying');
        }
        if (this.#dirty || this.#stopping) continue;
        // Woken by an in-process append, or polls for appends by other processes.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = undefined;
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
  }
}
