import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Events the processor could not apply: recorded and skipped, so one never blocks the rest. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const big = sql`bigint`;
  const serial =
    dialect === 'postgres'
      ? sql`bigint generated always as identity primary key`
      : sql`integer primary key autoincrement`;
  await sql`create table processor_failures (
    id ${serial}, seq ${big} not null unique, workspace_id text not null, message_id text not null,
    error text not null, failed_at ${big} not null)`.execute(db);
}
