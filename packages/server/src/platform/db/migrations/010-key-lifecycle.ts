import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Keys get a lifecycle: where each came from (`origin`: the environment, generated on a first
 * start, the admin API or the CLI; `unknown` for keys made before this migration) so that a new
 * COMEBACK_WRITE_KEY / COMEBACK_API_KEY can replace the previous one, and when each was last
 * used (updated at most once a minute per key and process).
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`alter table api_keys add column origin text not null default 'unknown'
    check (origin in ('environment', 'start', 'api', 'cli', 'unknown'))`);
  await run(sql`alter table api_keys add column last_used_at bigint`);
  // Keys generated on a first start said so in their label.
  await run(
    sql`update api_keys set origin = 'start' where label = 'created on start: the workspace had no such key'`,
  );
}
