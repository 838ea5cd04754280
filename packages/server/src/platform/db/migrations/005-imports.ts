import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Bulk imports: import jobs (with the checkpoint a resumed import continues after, committed in
 * the same transaction as each chunk), saved field mappings, and the ledger of records imports
 * brought (which tells an updated record from a new one, and an unchanged product from a
 * changed one).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big, keyed } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);

  await run(sql`create table import_jobs (
    id text primary key, workspace_id text not null references workspaces(id),
    kind text not null, format text, file_path text not null, file_name text not null,
    fingerprint text not null, mapping ${json}, mapping_name text, source ${json} not null,
    status text not null, checkpoint ${json}, rows ${big} not null default 0,
    bytes ${big} not null default 0, total_bytes ${big} not null default 0, summary ${json},
    error text, runner text, remove_file integer not null default 0, rejected_path text,
    created_at ${big} not null, started_at ${big}, finished_at ${big}, updated_at ${big} not null)`);
  await run(sql`create index import_jobs_recent on import_jobs (workspace_id, created_at)`);
  await run(sql`create index import_jobs_fingerprint on import_jobs (workspace_id, fingerprint)`);
  await run(sql`create table import_mappings (
    workspace_id text not null references workspaces(id), name text not null,
    kind text not null, mapping ${json} not null, created_at ${big} not null,
    updated_at ${big} not null, primary key (workspace_id, name))${keyed}`);
  await run(sql`create table import_ledger (
    workspace_id text not null, kind text not null, key text not null, digest text not null,
    job_id text not null, updated_at ${big} not null,
    primary key (workspace_id, kind, key))${keyed}`);
}
