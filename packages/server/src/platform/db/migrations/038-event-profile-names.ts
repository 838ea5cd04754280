import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import type { MigrationContext } from './index.js';

/**
 * Each applied track event's name and time beside its profile in `event_profiles`, indexed by
 * (profile, name, time) (ADR 0018). A segment's event conditions and its timers ask "this
 * profile's events named X in this window": through (profile_id, seq) that meant reading every
 * event of the profile from the log, payload and all, to look at its name and time; through this
 * index only the matching events are visited, and a condition without property filters never
 * reads the log at all. Only track events carry a name, and only they are in the index.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const derived = (name: string) =>
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.${name}`) : sql.raw(name);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`alter table ${derived('event_profiles')} add column event text`);
  await run(sql`alter table ${derived('event_profiles')} add column at bigint`);
  // Both engines take UPDATE ... FROM (SQLite since 3.33).
  await run(sql`update event_profiles
    set event = case when e.type = 'track' then e.event end, at = e.timestamp
    from events as e where e.seq = event_profiles.seq`);
  await run(sql`create index ${derived('event_profiles_event')}
    on event_profiles (profile_id, event, at) where event is not null`);
}
