import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { bulkInsert, bulkTable, type BulkValue } from '../../platform/db/bulk-write.js';
import type { EnrollmentState, StepRecord } from './engine-types.js';
import type { EnrollmentMove } from './enrollment-store.js';

const STEPS = bulkTable({
  table: 'journey_steps',
  columns: [
    { name: 'enrollment_id', pgType: 'text' },
    { name: 'visit', pgType: 'int4' },
    { name: 'workspace_id', pgType: 'text' },
    { name: 'journey_id', pgType: 'text' },
    { name: 'node', pgType: 'text' },
    { name: 'step_type', pgType: 'text' },
    { name: 'outcome', pgType: 'text' },
    { name: 'next_node', pgType: 'text' },
    { name: 'reason', pgType: 'text' },
    { name: 'message_id', pgType: 'text' },
    { name: 'at', pgType: 'int8' },
    { name: 'detail', pgType: 'jsonb' },
  ],
});

/** The trace rows of one batch, in one statement (a few on SQLite). */
export async function insertStepRows(
  database: Database,
  trx: Trx,
  rows: { enrollment: EnrollmentState; records: StepRecord[] }[],
  now: number,
): Promise<void> {
  const values: BulkValue[][] = [];
  for (const { enrollment: e, records } of rows)
    records.forEach((r, i) =>
      values.push([
        e.id,
        e.visit + i,
        e.workspaceId,
        e.journeyId,
        r.node,
        r.stepType,
        r.outcome,
        r.next,
        r.reason,
        r.messageId,
        now,
        JSON.stringify(r.detail),
      ]),
    );
  await bulkInsert(database, trx, STEPS, values);
}

/** Moves per SQLite statement: one JSON parameter each, so only the text's size bounds it. */
const SQLITE_MOVES = 500;

/**
 * The guarded moves of one batch (see EnrollmentMove), each row under its own guard (the visit
 * and signal as read, still active): on PostgreSQL one UPDATE over the batch's rows; on SQLite
 * one UPDATE ... FROM over the batch as a JSON array (a statement of fixed text, up to 500 rows)
 * rather than one statement per enrollment. Each answers the ids it moved: an enrollment not
 * answered was moved by someone else first.
 */
export async function moveEnrollments(
  database: Database,
  trx: Trx,
  moves: { enrollment: EnrollmentState; move: EnrollmentMove }[],
  now: number,
): Promise<Set<string>> {
  const moved = new Set<string>();
  if (moves.length === 0) return moved;
  if (database.dialect === 'sqlite') {
    for (let i = 0; i < moves.length; i += SQLITE_MOVES)
      for (const id of await moveOnSqlite(trx, moves.slice(i, i + SQLITE_MOVES), now))
        moved.add(id);
    return moved;
  }
  const col = <T>(f: (m: (typeof moves)[number]) => T): T[] => moves.map(f);
  const result = await sql<{ id: string }>`
    update journey_enrollments e set
      node = v.node, visit = v.visit, due_at = v.due_at, armed_node = v.armed_node,
      armed_since = v.armed_since, waiting_event = v.waiting_event, status = v.status,
      end_reason = v.end_reason,
      ended_at = case when v.status = 'active' then null else ${now}::int8 end,
      holdout = v.holdout, signal = null, lease_until = null, updated_at = ${now}::int8,
      last_message_id = coalesce(v.last_message_id, e.last_message_id),
      last_message_at = coalesce(v.last_message_at, e.last_message_at)
    from unnest(
      ${col((m) => m.enrollment.id)}::text[], ${col((m) => m.enrollment.visit)}::int4[],
      ${col((m) => m.enrollment.signalSeq)}::int8[], ${col((m) => m.move.node)}::text[],
      ${col((m) => m.move.visit)}::int4[], ${col((m) => m.move.dueAt)}::int8[],
      ${col((m) => m.move.armedNode)}::text[], ${col((m) => m.move.armedSince)}::int8[],
      ${col((m) => m.move.waitingEvent)}::text[], ${col((m) => m.move.status)}::text[],
      ${col((m) => m.move.endReason)}::text[], ${col((m) => (m.move.holdout ? 1 : 0))}::int4[],
      ${col((m) => m.move.lastMessage?.id ?? null)}::text[],
      ${col((m) => m.move.lastMessage?.at ?? null)}::int8[]
    ) as v(id, old_visit, signal_seq, node, visit, due_at, armed_node, armed_since,
           waiting_event, status, end_reason, holdout, last_message_id, last_message_at)
    where e.id = v.id and e.visit = v.old_visit and e.signal_seq = v.signal_seq
      and e.status = 'active'
    returning e.id`.execute(trx);
  for (const r of result.rows) moved.add(r.id);
  return moved;
}

/**
 * SQLite's form of the batch move: the rows as one JSON array of arrays (`->>` gives each
 * value its SQL type back: text, integer or null), joined to the table by primary key. The
 * same columns and guard as PostgreSQL's; a move without a message keeps the last one.
 */
async function moveOnSqlite(
  trx: Trx,
  moves: { enrollment: EnrollmentState; move: EnrollmentMove }[],
  now: number,
): Promise<string[]> {
  const rows = moves.map(({ enrollment: e, move: m }) => [
    e.id,
    e.visit,
    e.signalSeq,
    m.node,
    m.visit,
    m.dueAt,
    m.armedNode,
    m.armedSince,
    m.waitingEvent,
    m.status,
    m.endReason,
    m.holdout ? 1 : 0,
    m.lastMessage?.id ?? null,
    m.lastMessage?.at ?? null,
  ]);
  const result = await sql<{ id: string }>`
    update journey_enrollments as e set
      node = v.node, visit = v.visit, due_at = v.due_at, armed_node = v.armed_node,
      armed_since = v.armed_since, waiting_event = v.waiting_event, status = v.status,
      end_reason = v.end_reason,
      ended_at = case when v.status = 'active' then null else ${now} end,
      holdout = v.holdout, signal = null, lease_until = null, updated_at = ${now},
      last_message_id = coalesce(v.last_message_id, e.last_message_id),
      last_message_at = coalesce(v.last_message_at, e.last_message_at)
    from (
      select value ->> 0 as id, value ->> 1 as old_visit, value ->> 2 as signal_seq,
        value ->> 3 as node, value ->> 4 as visit, value ->> 5 as due_at,
        value ->> 6 as armed_node, value ->> 7 as armed_since, value ->> 8 as waiting_event,
        value ->> 9 as status, value ->> 10 as end_reason, value ->> 11 as holdout,
        value ->> 12 as last_message_id, value ->> 13 as last_message_at
      from json_each(${JSON.stringify(rows)})
    ) as v
    where e.id = v.id and e.visit = v.old_visit and e.signal_seq = v.signal_seq
      and e.status = 'active'
    returning id`.execute(trx);
  return result.rows.map((r) => r.id);
}
