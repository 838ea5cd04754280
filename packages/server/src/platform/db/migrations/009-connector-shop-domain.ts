import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Hardening of store data and erasure: a connector remembers the one shop it serves (a Shopify
 * app's secret signs the webhooks of every shop that installed it, so the signature alone does
 * not say which shop a delivery is from), and the import ledger keeps only hashes of record keys
 * (they held customers' e-mail addresses in clear). Earlier ledger rows are dropped rather than
 * rehashed: they only tell an updated record from a new one, so the next import of a record
 * they knew counts it as imported instead of updated, and nothing else changes.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await sql`alter table connectors add column shop_domain text`.execute(db);
  await sql`delete from import_ledger`.execute(db);
}
