import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Recommendations, replenishment and life stage, learned from each store's own orders: every
 * fit (when, on how much data, with which parameters), the fitted models (neighbour lists per
 * product, popularity overall and per category, complementary and next categories, repurchase
 * intervals, replacement cycles) and what they say about each profile (replenishment due dates,
 * next likely category, replacement due).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big, real, serial, keyed } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);

  await run(sql`create table recommendation_runs (
    id ${serial}, workspace_id text not null, model text not null, fitted_at ${big} not null,
    duration_ms ${real} not null, orders integer not null, lines integer not null,
    customers integer not null, products integer not null, parameters ${json} not null,
    details ${json} not null, signature text not null)`);
  await run(
    sql`create index recommendation_runs_latest on recommendation_runs (workspace_id, model, id)`,
  );
  await run(sql`create table item_neighbours (
    workspace_id text not null, product_id text not null, strategy text not null,
    rank integer not null, related_id text not null, score ${real} not null,
    support integer not null, primary key (workspace_id, product_id, strategy, rank))${keyed}`);
  await run(sql`create table popular_products (
    workspace_id text not null, category text not null, rank integer not null,
    product_id text not null, score ${real} not null,
    primary key (workspace_id, category, rank))${keyed}`);
  await run(sql`create table category_links (
    workspace_id text not null, category text not null, kind text not null,
    rank integer not null, related_category text not null, score ${real} not null,
    support integer not null, gap_days ${real},
    primary key (workspace_id, category, kind, rank))${keyed}`);
  await run(sql`create table product_replenishment (
    workspace_id text not null, product_id text not null, interval_days ${real} not null,
    source text not null, learned_days ${real}, p25_days ${real}, p75_days ${real},
    customers integer not null, buyers integer not null, repeat_share ${real} not null,
    primary key (workspace_id, product_id))${keyed}`);
  await run(sql`create table category_replacement (
    workspace_id text not null, category text not null, cycle_days ${real} not null,
    p25_days ${real} not null, p75_days ${real} not null, customers integer not null,
    primary key (workspace_id, category))${keyed}`);
  await run(sql`create table profile_replenishment (
    workspace_id text not null, profile_id text not null, product_id text not null,
    last_bought_at ${big} not null, last_quantity ${real} not null, purchases integer not null,
    interval_days ${real} not null, due_at ${big} not null, source text not null,
    primary key (workspace_id, profile_id, product_id))${keyed}`);
  // "Who is due in the next 4 days": segments and journey triggers read by due time.
  await run(
    sql`create index profile_replenishment_due on profile_replenishment (workspace_id, due_at)`,
  );
  await run(sql`create table profile_insights (
    workspace_id text not null, profile_id text not null, next_replenishment_due_at ${big},
    next_replenishment_product text, next_likely_category text,
    next_likely_category_probability ${real}, next_likely_category_at ${big},
    replacement_category text, replacement_due_at ${big}, computed_at ${big} not null,
    primary key (workspace_id, profile_id))${keyed}`);
}
