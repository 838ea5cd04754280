import { sql, type Kysely } from 'kysely';

/**
 * Every marketing send asks when the profile's counted messages on its channel went out (the
 * frequency budget). Through `messages_profile` each candidate row was read whole, rendered
 * HTML included, and the read grew with every message the profile had ever received; this
 * index holds every column the question filters on and returns, so it is answered from the
 * index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index messages_budget on messages
    (profile_id, channel, kind, workspace_id, status, sent_at, next_attempt_at)`.execute(db);
}
