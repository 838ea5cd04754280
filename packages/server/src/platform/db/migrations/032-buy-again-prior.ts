import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Each product's part of the learned "buy again" score (modules/insights/recommend/
 * buy-again-ranker.ts): how often it is rebought, lately and overall, and what sells now, as the
 * weights the fit learned from the store's next orders make of them. The per-customer weights
 * live in the fit's run parameters. Nullable, no default: nothing is rewritten; a product
 * without a prior ranks with the average one until the next fit.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  await sql`alter table learned_products add column buy_again_prior ${t.real}`.execute(db);
}
