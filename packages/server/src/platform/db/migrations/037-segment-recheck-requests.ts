import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Profiles changed outside the event log (a shop's redaction removes the shop's events and
 * orders from profiles it keeps): the writer asks, in its own transaction, for their segments to
 * be re-checked, and the processor works the requests off in its batches (ADR 0018). Beside the
 * membership on SQLite (derived file), like everything the processor writes.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  const derived = (name: string) =>
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.${name}`) : sql.raw(name);
  await sql`create table ${derived('segment_recheck_requests')} (
    seq ${t.serial},
    workspace_id text not null,
    profile_id text not null,
    cause text not null)`.execute(db);
}
