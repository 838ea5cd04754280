import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Recommendations off the request path: a fit is requested (queued, running, succeeded or
 * failed, with its progress) and run by the job queue, like customer value's (migration 026).
 * A finished fit records what it wrote and when the store's data ends, so the API can say when
 * the data ends long before the clock.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { big, real, serial, json } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);

  await run(sql`create table recommendation_fits (
    id ${serial}, workspace_id text not null, status text not null, progress ${real} not null,
    stage text, force integer not null, requested_at ${big} not null, started_at ${big},
    finished_at ${big}, fitted integer, written ${json}, data_ends_at ${big}, as_of ${big},
    error text)`);
  await run(sql`create index recommendation_fits_latest on recommendation_fits (workspace_id, id)`);
}
