import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { JourneyEnrollmentTable } from '../../platform/db/schema-journeys.js';
import { isRecord, readJsonObject } from '../../platform/json.js';
import type { EnrollmentContext, EnrollmentSignal, EnrollmentState } from './engine-types.js';

/**
 * An enrollment's id: `enr_`, the entry instant (ms, 12 hex digits), then 20 hex digits of a
 * digest of what makes the enrollment unique (journey, profile, entry key). Ordered by entry
 * time, new enrollments and their step rows (keyed by it) are written together at the end of
 * their indexes rather than on random pages; derived from the entry, a replay of the same
 * entries at the same instants (the demo, a backtest) gets the same ids and so the same random
 * splits. 80 bits of digest per instant: two entries of one millisecond do not collide.
 */
export function newEnrollmentId(
  at: number,
  journeyId: string,
  profileId: string,
  entryKey: string,
): string {
  const time = Math.max(0, Math.floor(at)).toString(16).padStart(12, '0');
  const digest = createHash('sha256')
    .update(`${journeyId}\u0000${profileId}\u0000${entryKey}`)
    .digest('hex')
    .slice(0, 20);
  return `enr_${time}${digest}`;
}

const jsonOf = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function signalOf(value: unknown): EnrollmentSignal | null {
  if (!isRecord(value)) return null;
  const { event, messageId, at } = value;
  return typeof event === 'string' && typeof messageId === 'string' && typeof at === 'number'
    ? { event, messageId, at }
    : null;
}

/** The context as the entry wrote it; a trigger event without its parts is left out. */
function contextOf(value: unknown): EnrollmentContext {
  const trigger = isRecord(value) && isRecord(value.trigger) ? value.trigger : {};
  const e = isRecord(trigger.event) ? trigger.event : null;
  const event =
    e && typeof e.name === 'string' && typeof e.messageId === 'string' && typeof e.at === 'number'
      ? { name: e.name, messageId: e.messageId, at: e.at, properties: readJsonObject(e.properties) }
      : undefined;
  return {
    trigger: {
      type: typeof trigger.type === 'string' ? trigger.type : 'unknown',
      ...(event ? { event } : {}),
      ...(typeof trigger.segment === 'string' ? { segment: trigger.segment } : {}),
    },
  };
}

/** The stored `context` column (JSON text on SQLite, JSONB on PostgreSQL), read. */
export function storedContextOf(raw: unknown): EnrollmentContext {
  return contextOf(jsonOf(raw));
}

export function stateOf(row: JourneyEnrollmentTable): EnrollmentState {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    journeyId: row.journey_id,
    version: Number(row.version),
    profileId: row.profile_id,
    node: row.node ?? '',
    visit: Number(row.visit),
    signalSeq: Number(row.signal_seq),
    signal: signalOf(jsonOf(row.signal)),
    armedNode: row.armed_node,
    armedSince: row.armed_since === null ? null : Number(row.armed_since),
    enteredAt: Number(row.entered_at),
    holdout: Number(row.holdout) === 1,
    context: contextOf(jsonOf(row.context)),
  };
}

/**
 * Takes up to `limit` due enrollments of active journeys. On PostgreSQL each is leased for
 * `leaseMs` under `FOR UPDATE SKIP LOCKED`, so workers share the queue instead of computing the
 * same enrollments; the lease only saves work - the commit's guard is what keeps it exactly once.
 */
export async function claimDue(
  database: Database,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<EnrollmentState[]> {
  if (database.dialect === 'sqlite') {
    const rows = await database.db
      .selectFrom('journey_enrollments as e')
      .innerJoin('journeys as j', 'j.id', 'e.journey_id')
      .selectAll('e')
      .where('e.due_at', '<=', now)
      .where('e.status', '=', 'active')
      .where('j.status', '=', 'active')
      .orderBy('e.due_at')
      .limit(limit)
      .execute();
    return rows.map(stateOf);
  }
  // One statement: the rows are locked, skipped by other workers, and leased as they are read.
  const leased = await sql<JourneyEnrollmentTable>`
    update journey_enrollments set lease_until = ${now + leaseMs}
    where id in (
      select e.id from journey_enrollments e join journeys j on j.id = e.journey_id
      where e.due_at <= ${now} and e.status = 'active' and j.status = 'active'
        and (e.lease_until is null or e.lease_until <= ${now})
      order by e.due_at limit ${limit} for update of e skip locked)
    returning *`.execute(database.db);
  return leased.rows.map(stateOf).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Where an enrollment goes after a pass. The move is guarded (enrollment-moves.ts): it applies
 * only if nobody else moved the enrollment since it was read - the same visit (no other pass
 * ran), the same signal (no event arrived meanwhile) and still active (no goal, no archive).
 * When the guard fails the caller writes nothing else for it, and it is looked at again.
 */
export interface EnrollmentMove {
  node: string | null;
  visit: number;
  dueAt: number | null;
  armedNode: string | null;
  armedSince: number | null;
  waitingEvent: string | null;
  status: 'active' | 'completed' | 'exited';
  endReason: string | null;
  holdout: boolean;
  lastMessage: { id: string; at: number } | null;
}
