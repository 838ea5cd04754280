import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Journeys: a workspace's saved flows (admin data, so in the main file on SQLite, like
 * segments). `draft` is the definition being edited; each activation of a changed draft freezes
 * it as a row of `journey_versions`, which enrollments will run on while the draft moves on.
 * The primary key (journey_id, version) is what makes two racing activations create one version.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big } = columnTypes(dialect);
  await sql`create table journeys (
    id text primary key, workspace_id text not null references workspaces(id),
    name text not null, status text not null, draft ${json} not null,
    active_version integer, created_at ${big} not null, updated_at ${big} not null,
    unique (workspace_id, name))`.execute(db);
  await sql`create table journey_versions (
    journey_id text not null references journeys(id) on delete cascade,
    version integer not null, definition ${json} not null, activated_at ${big} not null,
    primary key (journey_id, version))`.execute(db);
}
