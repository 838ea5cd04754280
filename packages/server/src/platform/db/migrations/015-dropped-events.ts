import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import type { MigrationContext } from './index.js';

/**
 * Events a processor batch dropped (they predate an erasure, or name nobody) whose log rows are
 * still to be deleted: an outbox in the derived file, written with the batch. A SQLite batch
 * on the processor thread's connection cannot delete from the log itself - an append committed
 * since it read the log would make that write fail every time under steady ingestion - so it
 * records them here and deletes them in a transaction of their own right after (ADR 0015).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const table =
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.dropped_events`) : sql`dropped_events`;
  const seqKey = dialect === 'sqlite' ? sql`integer primary key` : sql`bigint primary key`;
  await sql`create table ${table} (seq ${seqKey})`.execute(db);
}
