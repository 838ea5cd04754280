import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Which profile each applied event belongs to, as an append-only table of its own instead of
 * `events.profile_id` updated in place: the processor inserts one small row per event rather
 * than rewriting log pages (and, on PostgreSQL, whole non-HOT tuples), and the log is never
 * written after its append (ADR 0016).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  // On SQLite an INTEGER PRIMARY KEY is the rowid itself: one B-tree, appended in order.
  const seqKey = dialect === 'sqlite' ? sql`integer primary key` : sql`bigint primary key`;
  await run(sql`create table event_profiles (seq ${seqKey}, profile_id text not null)`);
  await run(sql`insert into event_profiles (seq, profile_id)
    select seq, profile_id from events where profile_id is not null`);
  await run(sql`create index event_profiles_profile on event_profiles (profile_id, seq)`);
  await run(sql`drop index events_profile`);
  await run(sql`alter table events drop column profile_id`);
}
