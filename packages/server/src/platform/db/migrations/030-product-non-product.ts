import { sql, type Kysely } from 'kysely';

/**
 * The catalog's own word on whether a product is merchandise (`non_product`: 1 postage, a fee,
 * an adjustment; 0 merchandise whatever its name; null: the learned rules of
 * modules/insights/recommend/product-facts.ts decide). A nullable column without a default
 * rewrites nothing on either engine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table products add column non_product integer`.execute(db);
}
