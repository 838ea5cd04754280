import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Scheduled SFTP pulls: the folders Comeback polls (credentials sealed with the instance secret)
 * and one row per remote file version (name, size, mtime) it has taken, so a file is imported
 * once however often it is listed, and a move that failed is finished on the next run.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big, serial } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);

  await run(sql`create table sftp_sources (
    id text primary key, workspace_id text not null references workspaces(id),
    name text not null, host text not null, port integer not null, username text not null,
    sealed_auth text not null, auth_methods text not null, host_fingerprint text,
    seen_fingerprint text, remote_dir text not null, file_pattern text not null,
    import_kind text not null, format text, mapping_name text, schedule text not null,
    timezone text not null, enabled integer not null, next_run_at ${big},
    last_run_at ${big}, last_success_at ${big}, last_error text, last_error_at ${big},
    locked_by text, locked_until ${big}, created_at ${big} not null, updated_at ${big} not null)`);
  await run(sql`create index sftp_sources_workspace on sftp_sources (workspace_id)`);
  await run(sql`create table sftp_files (
    id ${serial}, source_id text not null, workspace_id text not null, name text not null,
    size ${big} not null, mtime ${big} not null, status text not null,
    attempts integer not null default 0, summary ${json}, error text, moved_to text,
    move_error text, started_at ${big} not null, finished_at ${big}, moved_at ${big},
    unique (source_id, name, size, mtime))`);
  await run(sql`create index sftp_files_source on sftp_files (source_id, id)`);
}
