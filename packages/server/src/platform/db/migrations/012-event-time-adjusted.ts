import { sql, type Kysely } from 'kysely';

/**
 * Events dated more than a day after their receipt are recorded at their receipt time; this
 * marks them (1) so the events API can say so. Null for every other event: adding a nullable
 * column without a default rewrites nothing on either engine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column time_adjusted integer`.execute(db);
}
