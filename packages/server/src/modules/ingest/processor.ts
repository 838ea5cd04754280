import type { Database, Db, Trx } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { prepareEventBatch, type ProfileStore } from '../profiles/index.js';
import type { EventLog } from './event-log.js';
import { LagStats } from './lag-stats.js';

const CURSOR = 'profiles';

const isSqliteBusy = (error: unknown): boolean =>
  error instanceof Error &&
  'code' in error &&
  typeof error.code === 'string' &&
  error.code.startsWith('SQLITE_BUSY');

/** The log range a batch read, known once it has been read. */
interface Attempt {
  range?: { first: number; last: number };
}

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
  readonly #gatherMs: number;
  readonly #yieldMs: number;
  readonly #onBatch: ((lagsMs: number[]) => void) | undefined;
  readonly #store: ProfileStore;
  #applied = 0;
  /** While the cursor is below this seq, batches hold one event (finding a failing one). */
  #isolateThrough = 0;
  readonly #failures = new Map<number, number>();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #dirty = true;

  constructor(
    database: Database,
    log: EventLog,
    clock: Clock,
    logger: Logger,
    opts: {
      batchSize: number;
      gatherMs: number;
      store: ProfileStore;
      /**
       * Pause after each batch: in a thread of its own the processor must leave SQLite's write
       * lock free for a moment, or appends from the main thread could wait behind a backlog.
       */
      yieldMs?: number;
      /** Told each committed batch's lags (the processor thread reports them to /health). */
      onBatch?: (lagsMs: number[]) => void;
    },
  ) {
    this.#database = database;
    this.#log = log;
    this.#clock = clock;
    this.#logger = logger;
    this.#batchSize = opts.batchSize;
    this.#gatherMs = opts.gatherMs;
    this.#yieldMs = opts.yieldMs ?? 0;
    this.#onBatch = opts.onBatch;
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

  /**
   * Applies one batch; returns how many events it consumed (0: caught up). A batch that fails
   * is retried one event at a time to find the event at fault; an event that fails on its own
   * three times running is recorded in `processor_failures` and skipped, so one bad event never
   * holds up the ones behind it (a transient database error fails fewer times than that).
   */
  async runOnce(): Promise<number> {
    const limit = this.#isolateThrough > 0 ? 1 : this.#batchSize;
    const attempt: Attempt = {};
    try {
      const { consumed, lastSeq } = await this.#applyBatch(limit, attempt);
      if (lastSeq >= this.#isolateThrough) this.#isolateThrough = 0;
      this.#failures.clear();
      return consumed;
    } catch (error) {
      const attempted = attempt.range;
      if (attempted === undefined || isSqliteBusy(error)) throw error; // nothing read: the database itself failed
      if (limit > 1) {
        this.#logger.warn({ err: error, ...attempted }, 'batch failed; applying it event by event');
        this.#isolateThrough = attempted.last;
        return this.runOnce();
      }
      const failures = (this.#failures.get(attempted.first) ?? 0) + 1;
      this.#failures.set(attempted.first, failures);
      if (failures < 3) throw error;
      await this.#park(attempted.first, error);
      return 1;
    }
  }

  /**
   * Two phases. Reading and working out the changes happen outside any write transaction (on
   * SQLite, outside the one write lock that appends also need); the short write transaction
   * then commits only if the cursor has not moved and no erasure happened meanwhile - else the
   * batch is worked out again from fresh state.
   */
  async #applyBatch(
    limit: number,
    attempt: Attempt,
  ): Promise<{ consumed: number; lastSeq: number }> {
    const db = this.#database.db;
    for (;;) {
      const now = this.#clock.now();
      // Phase 1, one snapshot, no write lock: what the batch is and what it changes.
      const read = await db
        .transaction()
        .setAccessMode('read only')
        .execute(async (snapshot) => {
          const erasureMark = await this.#erasureMark(snapshot);
          const position = await this.#readCursor(snapshot);
          const rows = await this.#log.readAfter(snapshot, position, limit);
          const first = rows[0];
          const last = rows[rows.length - 1];
          if (!first || !last) return { erasureMark, position, rows, prepared: undefined };
          // Known before preparing: an event that fails while being worked out is isolated too.
          attempt.range = { first: first.seq, last: last.seq };
          const prepared = await prepareEventBatch(
            snapshot,
            this.#store,
            rows.map((r) => r.event),
            now,
          );
          return { erasureMark, position, rows, prepared };
        });
      const { erasureMark, position, rows, prepared } = read;
      const first = rows[0];
      const last = rows[rows.length - 1];
      if (!first || !last || !prepared) return { consumed: 0, lastSeq: position };
      const committed = await db.transaction().execute(async (trx) => {
        const current = await this.#lockCursor(trx, now);
        if (current !== position || (await this.#erasureMark(trx)) !== erasureMark) return false;
        await prepared.write(trx);
        await this.#moveCursor(trx, last.seq, now);
        return true;
      });
      if (!committed) continue;
      // Lag is measured on the same (injected) clock that stamped receivedAt, after the commit.
      const appliedAt = this.#clock.now();
      const lagsMs = rows.map((r) => appliedAt - r.receivedAt);
      for (const ms of lagsMs) this.lag.record(ms);
      this.#onBatch?.(lagsMs);
      this.#applied += rows.length;
      return { consumed: rows.length, lastSeq: last.seq };
    }
  }

  async #readCursor(db: Db | Trx): Promise<number> {
    const row = await db
      .selectFrom('processor_cursors')
      .select('position')
      .where('name', '=', CURSOR)
      .executeTakeFirst();
    return Number(row?.position ?? 0);
  }

  async #erasureMark(db: Db | Trx): Promise<number> {
    const row = await db
      .selectFrom('erasures')
      .select((eb) => eb.fn.max('id').as('mark'))
      .executeTakeFirst();
    return Number(row?.mark ?? 0);
  }

  async #lockCursor(trx: Trx, now: number): Promise<number> {
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
    return Number((await cursorQuery.executeTakeFirstOrThrow()).position);
  }

  async #moveCursor(trx: Trx, position: number, now: number): Promise<void> {
    await trx
      .updateTable('processor_cursors')
      .set({ position, updated_at: now })
      .where('name', '=', CURSOR)
      .execute();
  }

  /** Records the event at `seq` as failed and moves the cursor past it, in one transaction. */
  async #park(seq: number, error: unknown): Promise<void> {
    const now = this.#clock.now();
    await this.#database.db.transaction().execute(async (trx) => {
      const position = await this.#lockCursor(trx, now);
      const [row] = await this.#log.readAfter(trx, position, 1);
      if (row?.seq !== seq) return; // another worker got past it meanwhile
      await trx
        .insertInto('processor_failures')
        .values({
          seq,
          workspace_id: row.event.workspaceId,
          message_id: row.event.messageId,
          error: String(error).slice(0, 2000),
          failed_at: now,
        })
        .onConflict((oc) => oc.column('seq').doNothing())
        .execute();
      await this.#moveCursor(trx, seq, now);
    });
    this.#failures.delete(seq);
    this.#logger.error({ err: error, seq }, 'event could not be applied; recorded and skipped');
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
          await new Promise<void>((resolve) =>
            this.#yieldMs > 0 ? setTimeout(resolve, this.#yieldMs) : setImmediate(resolve),
          );
          // A backlog, or finding a failing event one at a time: keep going.
          if (n >= this.#batchSize || this.#isolateThrough > 0) continue;
          if (n > 0) {
            // Traffic is flowing: let a little more arrive, so each commit carries more events
            // and writes each hot page once (fewer, larger transactions; lag stays ~gatherMs).
            await new Promise((resolve) => setTimeout(resolve, this.#gatherMs));
            continue;
          }
        } catch (error) {
          if (isSqliteBusy(error)) {
            // The main thread is appending: try again in a moment (not an error).
            await new Promise((resolve) => setTimeout(resolve, 1));
            continue;
          }
          this.#logger.error({ err: error }, 'processor batch failed; retrying');
          // A transient fault (the database restarting) must pass before an event is parked
          // for failing three times: space the retries out.
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
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
