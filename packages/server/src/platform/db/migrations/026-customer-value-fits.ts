import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Customer value, off the request path and as of the store's data: a fit is requested
 * (queued, running, succeeded or failed, with its progress) and run by the job queue; a run
 * records when the store's data ends and the time it was computed as of; each prediction says
 * whether the fit behind it identified dropout (`quality`, and why not).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { big, real, serial } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);

  await run(sql`create table customer_value_fits (
    id ${serial}, workspace_id text not null, status text not null, progress ${real} not null,
    stage text, requested_at ${big} not null, started_at ${big}, finished_at ${big},
    run_id ${big}, error text)`);
  await run(sql`create index customer_value_fits_latest on customer_value_fits (workspace_id, id)`);
  await run(sql`alter table insights_model_runs add column data_ends_at ${big}`);
  await run(sql`alter table insights_model_runs add column as_of ${big}`);
  await run(
    sql`alter table customer_value_predictions add column quality text not null default 'good'`,
  );
  await run(sql`alter table customer_value_predictions add column quality_reason text`);
}
