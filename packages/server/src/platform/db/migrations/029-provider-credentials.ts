import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * A workspace's own provider accounts (SMTP, Twilio, WhatsApp): one row per workspace and
 * provider, the credentials as one JSON document sealed with the instance secret (SecretBox),
 * so a copy of the database alone reveals none of them. Main file on SQLite, like the rest of
 * messaging.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { big, keyed } = columnTypes(dialect);
  await sql`create table provider_credentials (
    workspace_id text not null references workspaces(id), provider text not null,
    sealed text not null, updated_at ${big} not null,
    primary key (workspace_id, provider))${keyed}`.execute(db);
}
