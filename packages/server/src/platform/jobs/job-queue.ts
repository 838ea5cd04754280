import { sql } from 'kysely';
import type { Database, Db, Trx } from '../db/database.js';
import { readJsonObject } from '../json.js';

export interface NewJob {
  kind: string;
  runAt: number;
  payload?: Record<string, unknown>;
  /** Jobs with the same key exist once: scheduling a timer twice is harmless. */
  dedupeKey?: string;
  workspaceId?: string;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  workspaceId: string | null;
  payload: Record<string, unknown>;
  runAt: number;
  attempts: number;
  maxAttempts: number;
  /** The worker holding the lease; only it may complete or fail the job. */
  lockedBy: string;
}

/**
 * Jobs and timers live in the same database as the state they change, so "change state and
 * schedule the next timer" is one transaction. Claims lease a job to one worker: on PostgreSQL
 * with `FOR UPDATE SKIP LOCKED` (many workers never block on each other); on SQLite the single
 * writer makes the claiming UPDATE atomic by itself.
 */
export class JobQueue {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async enqueue(job: NewJob, now: number, trx?: Trx | Db): Promise<void> {
    const db = trx ?? this.#database.db;
    await db
      .insertInto('jobs')
      .values({
        kind: job.kind,
        workspace_id: job.workspaceId ?? null,
        dedupe_key: job.dedupeKey ?? null,
        payload: JSON.stringify(job.payload ?? {}),
        run_at: job.runAt,
        status: 'pending',
        attempts: 0,
        max_attempts: job.maxAttempts ?? 5,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
  }

  /** Leases up to `limit` due jobs to `workerId` until `now + leaseMs`. */
  async claimDue(now: number, workerId: string, limit: number, leaseMs = 60_000) {
    // A job whose workers keep dying mid-run would be retried forever: park it instead.
    await this.#database.db
      .updateTable('jobs')
      .set({
        status: 'failed',
        locked_by: null,
        locked_until: null,
        last_error: 'its worker stopped before finishing, on every attempt',
        updated_at: now,
      })
      .where('status', '=', 'running')
      .where('locked_until', '<', now)
      .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
      .execute();
    const due = this.#database.db
      .selectFrom('jobs')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
          // A worker that died mid-job loses its lease; the job becomes claimable again.
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit);
    const lockedDue = this.#database.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    const rows = await this.#database.db
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: workerId,
        locked_until: now + leaseMs,
        attempts: sql`attempts + 1`,
        updated_at: now,
      })
      .where('id', 'in', lockedDue)
      .returningAll()
      .execute();
    return rows
      .map((r): ClaimedJob => ({
        id: Number(r.id),
        kind: r.kind,
        workspaceId: r.workspace_id,
        payload: readJsonObject(r.payload),
        runAt: r.run_at,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        lockedBy: workerId,
      }))
      .sort((a, b) => a.runAt - b.runAt || a.id - b.id);
  }

  /**
   * Marks the job done if `job`'s worker still holds its lease; false when the lease had
   * expired and another worker took the job over (that worker's outcome counts).
   */
  async complete(
    job: ClaimedJob,
    now: number,
    trx?: Trx,
    opts: { forgetPayload?: boolean } = {},
  ): Promise<boolean> {
    const r = await (trx ?? this.#database.db)
      .updateTable('jobs')
      .set({
        status: 'done',
        locked_by: null,
        locked_until: null,
        updated_at: now,
        ...(opts.forgetPayload ? { payload: '{}' } : {}),
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', job.lockedBy)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Retries with exponential backoff until `maxAttempts`, then parks the job as failed. */
  async fail(job: ClaimedJob, error: string, now: number): Promise<boolean> {
    const final = job.attempts >= job.maxAttempts;
    const r = await this.#database.db
      .updateTable('jobs')
      .set({
        status: final ? 'failed' : 'pending',
        run_at: final ? job.runAt : now + Math.min(3_600_000, 1000 * 2 ** job.attempts),
        locked_by: null,
        locked_until: null,
        last_error: error.slice(0, 2000),
        updated_at: now,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', job.lockedBy)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async nextDueAt(): Promise<number | null> {
    const row = await this.#database.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('run_at').as('next'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? null : Number(row.next);
  }
}
