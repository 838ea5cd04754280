import { sql, type Kysely } from 'kysely';

/**
 * The overview counts the window's messages by channel and day (sent, delivered, failed).
 * Through `messages_workspace` every message of the window was read whole, rendered HTML
 * included: 1.5 s for 90 days of the demo store on a cold cache. This index holds every
 * column the count reads (the id for the delivery-receipt lookup), so it is answered from the
 * index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index messages_overview on messages
    (workspace_id, created_at, channel, sent_at, status, id)`.execute(db);
}
