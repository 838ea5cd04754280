import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Segment timers become one per profile (ADR 0018): the earliest instant at which any of its
 * workspace's segments can change its answer with time alone. The rows per segment and profile
 * are folded into it (the earliest of each profile's), so no pending re-check is lost.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  const derived = (name: string) =>
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.${name}`) : sql.raw(name);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`create table ${derived('segment_profile_timers')} (
    profile_id text primary key,
    workspace_id text not null,
    due_at ${t.big} not null)${t.keyed}`);
  await run(
    sql`create index ${derived('segment_profile_timers_due')} on segment_profile_timers (due_at)`,
  );
  await run(sql`insert into segment_profile_timers (profile_id, workspace_id, due_at)
    select profile_id, min(workspace_id), min(due_at) from segment_timers group by profile_id`);
  await run(sql`drop table segment_timers`);
}
