import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Each customer's RFM scores and group (modules/insights/rfm.ts), replaced by each customer-value
 * fit; read by segments (`rfm.*` fields) like the predictions beside it in the main file.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  await sql`create table profile_rfm (
    workspace_id text not null,
    profile_id text not null,
    recency_score integer not null,
    frequency_score integer not null,
    monetary_score integer not null,
    rfm_group text not null,
    computed_at ${t.big} not null,
    primary key (workspace_id, profile_id))${t.keyed}`.execute(db);
}
