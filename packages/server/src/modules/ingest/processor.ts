import { sql } from 'kysely';
import { DERIVED_SCHEMA, type Database, type Trx } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { yieldToEventLoop } from '../../platform/event-loop.js';
import {
  prepareEventBatch,
  type PreparedBatch,
  type ProfileCache,
  type ProfileStore,
} from '../profiles/index.js';
import type { EventLog } from './event-log.js';
import { LagStats } from './lag-stats.js';
import { SlotCursors, type SlotClaim } from './processor-slots.js';
import {
  ensureOneCursor,
  moveOneCursor,
  parkFailedEvent,
  readOneCursor,
} from './processor-cursors.js';
import { SLOT_COUNT } from '../../platform/db/processor-slots.js';
import type { BatchParticipant } from './batch-participant.js';

export type { BatchParticipant } from './batch-participant.js';

const isSqliteBusy = (error: unknown): boolean =>
  error instanceof Error &&
  'code' in error &&
  typeof error.code === 'string' &&
  error.code.startsWith('SQLITE_BUSY');

type LogRow = Awaited<ReturnType<EventLog['readAfter']>>[number];

/** The log range a batch read, known once it has been read. */
interface Attempt {
  range?: { first: number; last: number };
}

/**
 * Applies appended events to profiles, in log order, a batch per transaction together with its
 * cursor: after a crash it resumes exactly after the last committed batch, and a batch is either
 * wholly applied or not at all. On PostgreSQL a batch claims slots of workspaces, each with its
 * cursor, locked to its commit: worker processes apply different slots at once (ADR 0027).
 */
export class Processor {
  readonly lag = new LagStats();
  readonly #database: Database;
  readonly #log: EventLog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #maxBatchSize: number;
  /** The next batch's size: grows while behind (see start). */
  #limit: number;
  readonly #gatherMs: number;
  readonly #onBatch: ((lagsMs: number[]) => void) | undefined;
  readonly #store: ProfileStore;
  readonly #cache: ProfileCache | undefined;
  readonly #participants: readonly BatchParticipant[];
  /** PostgreSQL: a cursor per slot of workspaces, so that workers apply in parallel. */
  readonly #slots: SlotCursors | undefined;
  #applied = 0;
  #running: Promise<void> = Promise.resolve();
  /** For catchUp (PostgreSQL): the slots the last batch held, and it found none waiting. */
  #claimed: number[] = [];
  #nothingWaiting = false;
  #cursorReady = false;
  /** The outbox of dropped events may hold rows (checked once at start, then after drops). */
  #droppedPending = true;
  /** The derived file's data_version and the cursor as this processor last left them. */
  #dataVersion = -1;
  #knownPosition = -1;
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
      /**
       * While behind, batches grow up to this size. Only for a processor with a connection of
       * its own: on a shared connection a batch holds up everything else meanwhile.
       */
      maxBatchSize?: number;
      gatherMs: number;
      store: ProfileStore;
      /** Told each committed batch's lags (the processor thread reports them to /health). */
      onBatch?: (lagsMs: number[]) => void;
      /**
       * Profiles kept across batches: only for a SQLite processor with a connection of its own
       * (the processor thread), where data_version tells when anyone else wrote.
       */
      cache?: ProfileCache;
      /** Segment membership and the like, in each batch's transaction. */
      participants?: readonly BatchParticipant[];
    },
  ) {
    this.#database = database;
    this.#log = log;
    this.#clock = clock;
    this.#logger = logger;
    this.#batchSize = opts.batchSize;
    this.#maxBatchSize = Math.max(opts.batchSize, opts.maxBatchSize ?? opts.batchSize);
    this.#limit = opts.batchSize;
    this.#gatherMs = opts.gatherMs;
    this.#onBatch = opts.onBatch;
    this.#store = opts.store;
    this.#cache = opts.cache;
    this.#participants = opts.participants ?? [];
    this.#slots = database.dialect === 'postgres' ? new SlotCursors(database, log) : undefined;
  }

  get applied(): number {
    return this.#applied;
  }

  /** Below this seq every event is applied (PostgreSQL: the frontier of the slots). */
  async position(): Promise<number> {
    return readOneCursor(this.#database.db);
  }

  /**
   * Applies one batch; returns how many events it consumed (0: caught up). A batch that fails
   * is retried one event at a time to find the event at fault; an event that fails on its own
   * three times running is recorded in `processor_failures` and skipped, so one bad event never
   * holds up the ones behind it (a transient database error fails fewer times than that).
   */
  async runOnce(): Promise<number> {
    // One batch at a time per processor (the loop and a catchUp may both ask): its
    // participants keep per-batch state, and on SQLite the cache is the processor's.
    const run = this.#running.then(() => this.#runOnce());
    this.#running = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #runOnce(): Promise<number> {
    const limit = this.#isolateThrough > 0 ? 1 : this.#limit;
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
        return this.#runOnce();
      }
      const failures = (this.#failures.get(attempted.first) ?? 0) + 1;
      this.#failures.set(attempted.first, failures);
      if (failures < 3) throw error;
      await this.#park(attempted.first, error);
      return 1;
    }
  }

  /**
   * One transaction per batch: read the cursor, the events after it, work out and write every
   * change, move the cursor. On SQLite the processor's own connection begins it DEFERRED and
   * writes the derived file only (ADR 0015; events it drops go to an outbox, deleted from the
   * log right after the commit), so appends never wait for it. The derived file's
   * write lock is taken at the first write; if anyone else committed to that file since this
   * transaction first read it, SQLite refuses the write (SQLITE_BUSY) and the batch is done
   * again. On PostgreSQL the batch claims slots (processor-slots.ts).
   */
  async #applyBatch(
    limit: number,
    attempt: Attempt,
  ): Promise<{ consumed: number; lastSeq: number }> {
    const db = this.#database.db;
    const slots = this.#slots;
    if (!this.#cursorReady) {
      const now = this.#clock.now();
      await ensureOneCursor(db, now);
      await slots?.ensure(now);
      this.#cursorReady = true;
    }
    if (this.#droppedPending) await this.#deleteDropped();
    const now = this.#clock.now();
    let outcome: { rows: LogRow[]; prepared: PreparedBatch | undefined; position: number };
    try {
      outcome = await db.transaction().execute(async (trx) => {
        let position: number;
        let rows: LogRow[];
        let claims: SlotClaim[] | undefined;
        let moves: ReadonlyMap<number, number> = new Map();
        if (slots) {
          const claimed = await slots.claim(trx);
          claims = claimed.claims;
          this.#claimed = claims.map((c) => c.slot);
          this.#nothingWaiting = claimed.waitingSlots === 0;
          ({ rows, moves } = await slots.read(trx, claimed, limit));
          // Nothing to read (or every slot held by other workers): caught up, as seen here.
          position = Number.MAX_SAFE_INTEGER;
        } else {
          position = await readOneCursor(trx);
          await this.#checkCache(trx, position);
          rows = await this.#log.readAfter(trx, position, limit);
        }
        const scope = claims?.map((c) => c.slot);
        const first = rows[0];
        const last = rows[rows.length - 1];
        if (!first || !last) {
          if (claims?.length !== 0) {
            for (const p of this.#participants) await p.afterApply(trx, [], now, scope);
          }
          await slots?.move(trx, moves, now);
          await slots?.advanceFrontier(now, trx);
          return { rows, prepared: undefined, position };
        }
        // Known before preparing: an event that fails while being worked out is isolated too.
        attempt.range = { first: first.seq, last: last.seq };
        const prepared = await prepareEventBatch(
          trx,
          this.#store,
          rows.map((r) => r.event),
          now,
          this.#cache,
        );
        await prepared.write(trx);
        for (const p of this.#participants) await p.afterApply(trx, prepared.changes, now, scope);
        if (slots) {
          await slots.move(trx, moves, now);
          // Last, so the row is held only for the commit: a concurrent batch of other slots
          // waits that long to move it too, and its own change of the value commits with it.
          await slots.advanceFrontier(now, trx);
        } else await moveOneCursor(trx, last.seq, now);
        return { rows, prepared, position };
      });
    } catch (error) {
      // The cached objects may hold this batch's changes, which did not commit.
      this.#cache?.clear();
      for (const p of this.#participants) p.reset();
      throw error;
    }
    const { rows, prepared, position } = outcome;
    const last = rows[rows.length - 1];
    if (!last || !prepared) return { consumed: 0, lastSeq: position };
    prepared.remember();
    this.#knownPosition = last.seq;
    if (prepared.outcome.dropped > 0) {
      this.#droppedPending = true;
      await this.#deleteDropped();
    }
    // Lag is measured on the same (injected) clock that stamped receivedAt, after the commit.
    const appliedAt = this.#clock.now();
    const lagsMs = rows.map((r) => appliedAt - r.receivedAt);
    for (const ms of lagsMs) this.lag.record(ms);
    this.#onBatch?.(lagsMs);
    this.#applied += rows.length;
    return { consumed: rows.length, lastSeq: last.seq };
  }

  /**
   * Deletes the events batches recorded as dropped (ProfileStore.deleteEvents) from the log. The
   * batch has committed: a failure here is logged and the delete tried again before the next.
   */
  async #deleteDropped(): Promise<void> {
    try {
      await this.#store.deleteDroppedEvents(this.#database.db);
      this.#droppedPending = false;
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not yet delete dropped events; will retry');
    }
  }

  /**
   * The cache holds what this processor last committed. It is dropped when anyone else may
   * have written the derived state since: another processor (the cursor is not where this one
   * left it) or any other connection (SQLite's data_version of the derived file changed - an
   * erasure, a source removal, an import). Only a processor with a connection of its own
   * keeps a cache: writes made on a shared connection would not change data_version.
   */
  async #checkCache(trx: Trx, position: number): Promise<void> {
    const cache = this.#cache;
    if (!cache) return;
    const { rows } = await sql<{
      data_version: number;
    }>`pragma ${sql.raw(DERIVED_SCHEMA)}.data_version`.execute(trx);
    const version = Number(rows[0]?.data_version ?? -1);
    if (version !== this.#dataVersion || position !== this.#knownPosition) cache.clear();
    this.#dataVersion = version;
  }

  /** Records the event at `seq` as failed and moves the cursor past it, in one transaction. */
  async #park(seq: number, error: unknown): Promise<void> {
    const failure = { seq, error, now: this.#clock.now() };
    await this.#database.db
      .transaction()
      .execute((trx) => parkFailedEvent(trx, this.#log, this.#slots, failure));
    this.#failures.delete(seq);
    this.#logger.error({ err: error, seq }, 'event could not be applied; recorded and skipped');
  }

  /**
   * Runs until caught up with everything appended before the call. With slots (PostgreSQL),
   * until no slot has an event appended before the call left to apply (other workers may be
   * applying some: they are waited for) and every slot was held once since the call, for the
   * work no event announces (timers, consent changes), which is done per slot.
   */
  async catchUp(): Promise<void> {
    const slots = this.#slots;
    if (!slots) {
      while ((await this.runOnce()) > 0) {
        /* keep going */
      }
      return;
    }
    const head = await this.#log.headSeq(this.#database.db);
    const visited = new Set<number>();
    for (;;) {
      this.#claimed = [];
      const consumed = await this.runOnce();
      for (const slot of this.#claimed) visited.add(slot);
      if (consumed > 0) continue;
      if (visited.size >= SLOT_COUNT) {
        // Nothing waiting when the last batch claimed (after the call): nothing to wait for.
        if (this.#nothingWaiting || !(await slots.anyWaitingThrough(head))) return;
      }
      // Slots held by other batches: let them commit.
      await new Promise((resolve) => setTimeout(resolve, 5));
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
          const startedAt = this.#clock.now();
          const n = await this.runOnce();
          const tookMs = this.#clock.now() - startedAt;
          // Without this yield a backlog would hold the event loop on SQLite (see event-loop.ts).
          await yieldToEventLoop();
          // A backlog, or finding a failing event one at a time: keep going - with batches
          // twice as large each time, up to the bound (fewer commits, each hot page written
          // once per batch), until a batch is not full.
          if (n >= this.#limit) this.#limit = Math.min(this.#limit * 2, this.#maxBatchSize);
          else this.#limit = this.#batchSize;
          if (n >= this.#batchSize || this.#isolateThrough > 0) continue;
          if (n > 0) {
            // Traffic is flowing: let a little more arrive, so each commit carries more events
            // and writes each hot page once (fewer, larger transactions; lag stays ~gatherMs).
            // The batch's own time counts: a processor busy for gatherMs already let events
            // gather, and idling on top of it would leave it behind a steady stream.
            const waitMs = this.#gatherMs - tookMs;
            if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
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
