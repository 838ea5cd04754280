import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { bulkInsert, bulkTable, type BulkValue } from '../../platform/db/bulk-write.js';
import type { EnrollmentState, StepRecord } from './engine-types.js';
import { moveEnrollment, type EnrollmentMove } from './enrollment-store.js';

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

/**
 * The guarded moves of one batch (see moveEnrollment): on PostgreSQL one UPDATE over the
 * batch's rows, answering the ids it moved; on SQLite (one process, no round trips) row by row.
 * An enrollment not answered was moved by someone else first.
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
    for (const { enrollment, move } of moves)
      if (await moveEnrollment(trx, enrollment, move, now)) moved.add(enrollment.id);
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
