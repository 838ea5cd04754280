import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Live segment membership, written by the processor in the same transaction as the events and
 * definition changes that cause it (ADR 0018), so on SQLite it lives in the derived file beside
 * the profiles it is computed from.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  const table = (name: string) =>
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.${name}`) : sql.raw(name);
  const index = (name: string) =>
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.${name}`) : sql.raw(name);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`create table ${table('segment_memberships')} (
    segment_id text not null,
    profile_id text not null,
    workspace_id text not null,
    entered_at ${t.big} not null,
    cause text not null,
    primary key (segment_id, profile_id))${t.keyed}`);
  await run(
    sql`create index ${index('segment_memberships_profile')} on segment_memberships (profile_id)`,
  );
  await run(sql`create table ${table('segment_changes')} (
    seq ${t.serial},
    workspace_id text not null,
    segment_id text not null,
    profile_id text not null,
    kind text not null,
    at ${t.big} not null,
    cause text not null)`);
  await run(
    sql`create index ${index('segment_changes_segment')} on segment_changes (segment_id, seq)`,
  );
  await run(
    sql`create index ${index('segment_changes_profile')} on segment_changes (profile_id, seq)`,
  );
  // When a profile's answer can next change with time alone (a window sliding): one row per
  // segment and profile, re-checked by the processor at that instant (no periodic sweep).
  await run(sql`create table ${table('segment_timers')} (
    segment_id text not null,
    profile_id text not null,
    workspace_id text not null,
    due_at ${t.big} not null,
    primary key (segment_id, profile_id))${t.keyed}`);
  await run(sql`create index ${index('segment_timers_due')} on segment_timers (due_at)`);
  await run(sql`create index ${index('segment_timers_profile')} on segment_timers (profile_id)`);
  await run(sql`create table ${table('segment_states')} (
    segment_id text primary key,
    workspace_id text not null,
    version integer not null,
    evaluated_at ${t.big} not null)`);
}
