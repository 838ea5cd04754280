import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import type { MigrationContext } from './index.js';

/**
 * A `Product Viewed` event's `product_id` and `category` (each when the event carried it as a
 * string) beside its profile, name and time in `event_profiles` (ADR 0018). The affinity
 * conditions ("viewed 3 products of one category", "viewed a product now out of stock") and
 * stock re-checks read only these two properties of only these events: through the mapping
 * they no longer read each view's payload from the log and parse it, which was the larger part
 * of a live segment's cost under a burst of views. Other events keep them null.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const table =
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.event_profiles`) : sql.raw('event_profiles');
  await sql`alter table ${table} add column product_id text`.execute(db);
  await sql`alter table ${table} add column category text`.execute(db);
  const stringAt = (key: string) =>
    dialect === 'sqlite'
      ? sql`case when json_type(e.payload, ${`$.properties.${key}`}) = 'text'
          then json_extract(e.payload, ${`$.properties.${key}`}) end`
      : sql`case when jsonb_typeof(e.payload -> 'properties' -> ${key}) = 'string'
          then e.payload -> 'properties' ->> ${key} end`;
  // Both engines take UPDATE ... FROM (SQLite since 3.33); event names came with 038.
  await sql`update event_profiles
    set product_id = ${stringAt('product_id')}, category = ${stringAt('category')}
    from events as e
    where e.seq = event_profiles.seq and event_profiles.event = 'Product Viewed'`.execute(db);
}
