import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Running journeys (ADR 0021). An enrollment is one profile's passage through one journey
 * version: where it is (`node`), how many steps it has executed (`visit`, the next step row's
 * number), when the engine looks at it next (`due_at`, the timer) and what it waits for. Each
 * executed step is a row of `journey_steps` keyed (enrollment, visit), written in the same
 * transaction that moves the enrollment and queues its message, so a replay finds it done.
 * `(journey_id, profile_id, entry_key)` makes one trigger (an event, a segment change) enroll a
 * profile at most once. First-hand data (what was sent and why): the main file on SQLite.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big, real } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`create table journey_enrollments (
    id text primary key, workspace_id text not null references workspaces(id),
    journey_id text not null references journeys(id) on delete cascade,
    version integer not null, profile_id text not null, entry_key text not null,
    entry_seq ${big},
    status text not null, node text, visit integer not null,
    context ${json} not null, due_at ${big}, lease_until ${big},
    armed_node text, armed_since ${big}, waiting_event text, signal_seq ${big} not null,
    signal ${json}, holdout integer not null, entered_at ${big} not null,
    updated_at ${big} not null, ended_at ${big}, end_reason text,
    last_message_id text, last_message_at ${big}, converted_at ${big}, revenue ${real},
    unique (journey_id, profile_id, entry_key))`);
  // The timer queue: only enrollments with somewhere to be are in it.
  await run(
    sql`create index journey_enrollments_due on journey_enrollments (due_at) where due_at is not null`,
  );
  await run(
    sql`create index journey_enrollments_profile on journey_enrollments (profile_id, status)`,
  );
  await run(
    sql`create index journey_enrollments_journey on journey_enrollments (journey_id, status)`,
  );
  await run(sql`create table journey_steps (
    enrollment_id text not null references journey_enrollments(id) on delete cascade,
    visit integer not null, workspace_id text not null, journey_id text not null,
    node text not null, step_type text not null, outcome text not null, next_node text,
    reason text, message_id text, at ${big} not null, detail ${json},
    primary key (enrollment_id, visit))`);
  await run(sql`create index journey_steps_journey on journey_steps (journey_id, node, outcome)`);
}
