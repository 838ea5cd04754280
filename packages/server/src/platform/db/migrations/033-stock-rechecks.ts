import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * A product's stock crossing zero changes "viewed an out-of-stock product" for everyone who
 * viewed it, without an event of theirs. The catalog writer records each crossing in
 * `stock_crossings` (main file, in the transaction that writes the stock); the processor works
 * them off in its batches and keeps how far it got in `segment_stock_progress` (derived file on
 * SQLite, beside the membership it writes), so each crossing is applied exactly once.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  const derived = (name: string) =>
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.${name}`) : sql.raw(name);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`create table stock_crossings (
    seq ${t.serial},
    workspace_id text not null,
    product_id text not null,
    out_of_stock integer not null,
    at ${t.big} not null)`);
  await run(sql`create table ${derived('segment_stock_progress')} (
    name text primary key,
    crossing_seq ${t.big} not null,
    after_event_seq ${t.big} not null,
    end_event_seq ${t.big} not null)`);
}
