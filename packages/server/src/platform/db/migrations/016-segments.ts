import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Segments: a workspace's saved definitions (admin data, so in the main file, not the derived
 * one). `definition` is the condition tree as the API took it; `version` counts its edits. A
 * name is unique in its workspace so marketers and the CLI can tell segments apart by name.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big } = columnTypes(dialect);
  await sql`create table segments (
    id text primary key, workspace_id text not null references workspaces(id),
    name text not null, description text, definition ${json} not null,
    version integer not null, created_at ${big} not null, updated_at ${big} not null,
    unique (workspace_id, name))`.execute(db);
}
