import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * A product's stock crossing zero re-checks "viewed an out-of-stock product" for the profiles
 * that viewed it (segment-stock-rechecks.ts). Without an index that meant reading the whole log
 * for each crossing; this partial index holds only the views, by the product they name, so a
 * crossing reads its product's views and nothing else. Its expression and predicate are what
 * the re-check's query writes, literally (an engine uses an expression index only for the same
 * expression, and a partial one only when the query's terms imply its predicate).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const product =
    dialect === 'postgres'
      ? sql`(payload -> 'properties' ->> 'product_id')`
      : sql`json_extract(payload, '$.properties.product_id')`;
  await sql`create index events_product_views on events (workspace_id, ${product}, seq)
    where type = 'track' and event = 'Product Viewed'`.execute(db);
}
