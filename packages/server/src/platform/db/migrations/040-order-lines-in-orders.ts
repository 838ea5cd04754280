import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * An order's lines move from a table of their own (`order_lines`, a row per line with its key
 * and a product index) into a JSON array on the order's row (`profile_orders.lines`), in line
 * order, each line an object with the former columns' names (`product_id`, `variant_id`,
 * `sku`, `name`, `category`, `price`, `quantity`; absent when unknown). Lines are written whole
 * with their order and only ever read with it: the processor spent half of its time on 21-line
 * orders inserting their rows, two B-tree entries each (ADR 0025). Cancelled or not, an order
 * keeps its lines; a report without lines keeps those stored.
 *
 * SQLite: both tables are in the derived file, so the one transaction below writes that file
 * only and is atomic; run again after a crash before the migration was recorded, it finds the
 * column added and `order_lines` gone and does nothing.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json } = columnTypes(dialect);
  if (dialect === 'postgres') {
    await sql`alter table profile_orders add column lines ${json}`.execute(db);
    await sql`update profile_orders as o set lines = (
        select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
          'product_id', l.product_id, 'variant_id', l.variant_id, 'sku', l.sku, 'name', l.name,
          'category', l.category, 'price', l.price, 'quantity', l.quantity)) order by l.line_no)
        from order_lines as l where l.workspace_id = o.workspace_id and l.order_id = o.order_id)
      where exists (select 1 from order_lines as l
        where l.workspace_id = o.workspace_id and l.order_id = o.order_id)`.execute(db);
    await sql`drop table order_lines`.execute(db);
    return;
  }
  const orders = sql.raw(`${DERIVED_SCHEMA}.profile_orders`);
  await db.transaction().execute(async (trx) => {
    const tables = await sql<{ n: number }>`select count(*) as n
      from ${sql.raw(`${DERIVED_SCHEMA}.sqlite_master`)}
      where type = 'table' and name = 'order_lines'`.execute(trx);
    if (Number(tables.rows[0]?.n ?? 0) === 0) return;
    await sql`alter table ${orders} add column lines ${json}`.execute(trx);
    // json_group_array's ORDER BY (SQLite 3.44) keeps the lines in their order; json_patch
    // with '{}' drops the null members, as the processor's writer leaves them out.
    await sql`update ${orders} as o set lines = (
        select json_group_array(json_patch('{}', json_object(
          'product_id', l.product_id, 'variant_id', l.variant_id, 'sku', l.sku, 'name', l.name,
          'category', l.category, 'price', l.price, 'quantity', l.quantity)) order by l.line_no)
        from ${sql.raw(`${DERIVED_SCHEMA}.order_lines`)} as l
        where l.workspace_id = o.workspace_id and l.order_id = o.order_id)
      where exists (select 1 from ${sql.raw(`${DERIVED_SCHEMA}.order_lines`)} as l
        where l.workspace_id = o.workspace_id and l.order_id = o.order_id)`.execute(trx);
    await sql`drop table ${sql.raw(`${DERIVED_SCHEMA}.order_lines`)}`.execute(trx);
  });
}
