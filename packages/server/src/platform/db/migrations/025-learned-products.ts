import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * What the recommendation fit learned about each product from all order lines
 * (modules/insights/recommend/product-facts.ts): the title and category it is sold under, for
 * stores without an imported catalog, and why it is not merchandise (postage, a fee, a manual
 * adjustment), so the per-request path drops those lines exactly as the fit did; and how often
 * its buyers buy it again, which ranks "buy again".
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  await sql`create table learned_products (
    workspace_id text not null,
    product_id text not null,
    title text,
    category text,
    non_product text,
    orders integer not null,
    repeat_rate ${t.real},
    primary key (workspace_id, product_id))${t.keyed}`.execute(db);
}
