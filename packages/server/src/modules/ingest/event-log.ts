import { CompiledQuery, sql } from 'kysely';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import { loggedEventOf } from '../profiles/index.js';
import { slotOf } from '../../platform/db/processor-slots.js';
import type { AppendRow } from './event-normalizer.js';

const INSERT_SQL = `insert into events
  (workspace_id, message_id, type, event, user_id, anonymous_id, timestamp, received_at, payload,
   time_adjusted)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (workspace_id, message_id) do nothing`;

/** The PostgreSQL append: arrays in column order; answers how many rows were new. */
const PG_APPEND_SQL = `with added as (
    insert into events
      (workspace_id, message_id, type, event, user_id, anonymous_id, timestamp, received_at,
       payload, time_adjusted)
    select w, m, ty, e, u, a, ts, r, p, adj
      from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
        $7::int8[], $8::int8[], $9::jsonb[], $10::int4[])
        with ordinality as t(w, m, ty, e, u, a, ts, r, p, adj, n)
      order by n -- seq order is the order the calls were sent in
    on conflict (workspace_id, message_id) do nothing
    returning 1)
  select count(*)::int as added from added`;

const isBusy = (error: unknown): boolean =>
  error instanceof Error &&
  'code' in error &&
  typeof error.code === 'string' &&
  error.code.startsWith('SQLITE_BUSY');

const eventColumns = (r: AppendRow) => ({
  workspace_id: r.workspaceId,
  message_id: r.messageId,
  type: r.type,
  event: r.event,
  user_id: r.userId,
  anonymous_id: r.anonymousId,
  timestamp: r.timestamp,
  received_at: r.receivedAt,
  payload: r.payload,
  time_adjusted: r.timeAdjusted ? 1 : null,
});

/** Arbitrary but fixed: the advisory lock that orders appends on PostgreSQL. */
const APPEND_LOCK = 7_301_001;

/**
 * The append-only event log. Duplicates are dropped by the unique (workspace, messageId) key in
 * the insert itself, never by a read-then-write, so concurrent duplicates are stored once.
 */
export class EventLog {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  /**
   * Appends rows in one transaction; resolves after commit with how many were new, or 'busy'
   * when another connection (the processor thread) holds SQLite's write lock: waiting for it
   * would block the event loop, so the caller retries shortly instead.
   */
  async append(rows: AppendRow[]): Promise<number | 'busy'> {
    const database = this.#database;
    if (database.dialect === 'sqlite') {
      // Never wait for the write lock here: that would block the event loop (see 'busy').
      const nonBlocking = { during: ['busy_timeout = 0'], after: ['busy_timeout = 5000'] };
      try {
        return await database.sqlite.exclusiveTransaction(
          () => {
            const insert = database.sqlite.statement(INSERT_SQL);
            let added = 0;
            for (const r of rows) {
              added += insert.run(
                r.workspaceId,
                r.messageId,
                r.type,
                r.event,
                r.userId,
                r.anonymousId,
                r.timestamp,
                r.receivedAt,
                r.payload,
                r.timeAdjusted ? 1 : null,
              ).changes;
            }
            return added;
          },
          nonBlocking,
          'deferred',
        );
      } catch (error) {
        if (isBusy(error)) return 'busy';
        throw error;
      }
    }
    return database.db.transaction().execute(async (trx) => {
      // Appends are serialised so that seq order is commit order: the processor's cursor can
      // then never skip a row that commits late with a smaller seq.
      await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
      // One statement of fixed text, an array per column: planned once, whatever the count
      // (a multi-row VALUES of 5,000 parameters was planned anew for every request).
      const columns = [
        rows.map((r) => r.workspaceId),
        rows.map((r) => r.messageId),
        rows.map((r) => r.type),
        rows.map((r) => r.event),
        rows.map((r) => r.userId),
        rows.map((r) => r.anonymousId),
        rows.map((r) => r.timestamp),
        rows.map((r) => r.receivedAt),
        rows.map((r) => r.payload),
        rows.map((r) => (r.timeAdjusted ? 1 : null)),
      ];
      const result = await trx.executeQuery<{ added: number }>(
        CompiledQuery.raw(PG_APPEND_SQL, columns),
      );
      return Number(result.rows[0]?.added ?? 0);
    });
  }

  /**
   * Appends inside the caller's transaction, with whatever else it writes (a webhook's delivery
   * record and catalog changes): all of it commits or none. Duplicates are skipped by key.
   */
  async appendWithin(trx: Trx, rows: AppendRow[]): Promise<number> {
    if (!rows.length) return 0;
    if (this.#database.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
    }
    let added = 0;
    for (let i = 0; i < rows.length; i += 200) {
      const result = await trx
        .insertInto('events')
        .values(rows.slice(i, i + 200).map(eventColumns))
        .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  }

  async readAfter(trx: Trx | Db, position: number, limit: number) {
    return this.#read(trx, position, limit);
  }

  /**
   * The events of one processor slot's workspaces after `position`, in log order (PostgreSQL;
   * the index `events_slot_seq` serves it).
   */
  async readSlotAfter(trx: Trx, slot: number, position: number, limit: number) {
    return this.#read(trx, position, limit, slot);
  }

  /** The last seq in the log, as the caller's snapshot sees it. */
  async headSeq(trx: Trx | Db): Promise<number> {
    const row = await trx
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async #read(trx: Trx | Db, position: number, limit: number, slot?: number) {
    const rows = await trx
      .selectFrom('events')
      .select([
        'seq',
        'workspace_id',
        'message_id',
        'type',
        'event',
        'user_id',
        'anonymous_id',
        'timestamp',
        'received_at',
        'payload',
      ])
      .$if(slot !== undefined, (q) => q.where(slotOf('workspace_id'), '=', slot ?? 0))
      .where('seq', '>', position)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      receivedAt: r.received_at,
      event: loggedEventOf(r),
    }));
  }

  async head(): Promise<{ seq: number; oldestAfter: (pos: number) => Promise<number | null> }> {
    const db = this.#database.db;
    return {
      seq: await this.headSeq(db),
      oldestAfter: async (pos) => {
        const r = await db
          .selectFrom('events')
          .select('received_at')
          .where('seq', '>', pos)
          .orderBy('seq')
          .limit(1)
          .executeTakeFirst();
        return r?.received_at ?? null;
      },
    };
  }
}
