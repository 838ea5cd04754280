import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Store data: the catalog (products, variants, stock per location, back-in-stock and price-drop
 * events), orders as linked records (the order row grows from `profile_orders`, plus lines,
 * refunds and fulfilments) and store connectors with their webhook delivery log.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big, real, serial, keyed } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);

  await run(sql`create table products (
    workspace_id text not null, id text not null, title text not null, url text, image_url text,
    categories ${json} not null, price ${real}, currency text, stock integer,
    active integer not null default 1, consumable integer not null default 0, usage_days integer,
    attributes ${json} not null, source text not null, source_updated_at ${big} not null,
    created_at ${big} not null, updated_at ${big} not null,
    primary key (workspace_id, id))${keyed}`);
  await run(sql`create table product_variants (
    workspace_id text not null, product_id text not null, id text not null, sku text,
    title text, price ${real}, stock integer, inventory_item_id text,
    active integer not null default 1, updated_at ${big} not null,
    primary key (workspace_id, product_id, id))${keyed}`);
  await run(sql`create index product_variants_sku on product_variants (workspace_id, sku)`);
  await run(
    sql`create index product_variants_item on product_variants (workspace_id, inventory_item_id)`,
  );
  await run(sql`create table inventory_levels (
    workspace_id text not null, inventory_item_id text not null, location_id text not null,
    available integer not null, source_updated_at ${big} not null,
    primary key (workspace_id, inventory_item_id, location_id))${keyed}`);
  await run(sql`create table catalog_events (
    seq ${serial}, workspace_id text not null, kind text not null, product_id text not null,
    variant_id text, details ${json} not null, occurred_at ${big} not null)`);
  await run(sql`create index catalog_events_workspace on catalog_events (workspace_id, seq)`);

  for (const column of [
    sql`status text not null default 'placed'`,
    sql`order_number text`,
    sql`customer_id text`,
    sql`subtotal ${real}`,
    sql`discount ${real}`,
    sql`tax ${real}`,
    sql`shipping ${real}`,
    sql`checkout_id text`,
    sql`source_updated_at ${big} not null default 0`,
    sql`cancelled_at ${big}`,
    sql`fulfilled_at ${big}`,
    sql`delivered_at ${big}`,
    sql`updated_at ${big} not null default 0`,
  ]) {
    await run(sql`alter table profile_orders add column ${column}`);
  }
  await run(sql`create table order_lines (
    workspace_id text not null, order_id text not null, line_no integer not null,
    product_id text, variant_id text, sku text, name text, category text, price ${real},
    quantity ${real} not null, primary key (workspace_id, order_id, line_no))${keyed}`);
  await run(sql`create index order_lines_product on order_lines (workspace_id, product_id)`);
  await run(sql`create table order_refunds (
    workspace_id text not null, refund_id text not null, order_id text not null,
    amount ${real} not null, refunded_at ${big} not null, reason text, lines ${json} not null,
    primary key (workspace_id, refund_id))${keyed}`);
  await run(sql`create index order_refunds_order on order_refunds (workspace_id, order_id)`);
  await run(sql`create table order_fulfilments (
    workspace_id text not null, fulfilment_id text not null, order_id text not null,
    status text not null, tracking_company text, tracking_number text, tracking_url text,
    shipped_at ${big}, delivered_at ${big}, source_updated_at ${big} not null,
    primary key (workspace_id, fulfilment_id))${keyed}`);
  await run(
    sql`create index order_fulfilments_order on order_fulfilments (workspace_id, order_id)`,
  );

  await run(sql`create table connectors (
    id text primary key, workspace_id text not null references workspaces(id),
    platform text not null, name text not null, sealed_secret text not null,
    created_at ${big} not null, disabled_at ${big})`);
  await run(sql`create index connectors_workspace on connectors (workspace_id)`);
  await run(sql`create table webhook_deliveries (
    connector_id text not null, delivery_id text not null, topic text not null,
    received_at ${big} not null, outcome text not null, events integer not null default 0,
    error text, primary key (connector_id, delivery_id))${keyed}`);
  await run(
    sql`create index webhook_deliveries_recent on webhook_deliveries (connector_id, received_at)`,
  );
  await run(sql`create table data_requests (
    id ${serial}, workspace_id text not null, connector_id text, kind text not null,
    identifiers ${json} not null, payload ${json} not null, received_at ${big} not null)`);
}
