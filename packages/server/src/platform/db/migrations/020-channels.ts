import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * What the channels besides email keep (main file on SQLite, like the rest of messaging):
 * when each person last wrote to us (WhatsApp's 24-hour customer-service window), web push
 * subscriptions, the in-app inbox, and outgoing webhook subscriptions with their delivery log.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  // The last message a person sent us on a channel: free-form WhatsApp is allowed for 24 hours.
  await run(sql`create table conversation_windows (
    workspace_id text not null references workspaces(id), channel text not null,
    address text not null, last_inbound_at ${big} not null,
    primary key (workspace_id, channel, address))`);
  await run(sql`create table push_subscriptions (
    id text primary key, workspace_id text not null references workspaces(id),
    profile_id text not null, endpoint text not null, p256dh text not null, auth text not null,
    user_agent text, created_at ${big} not null, last_sent_at ${big},
    unique (workspace_id, endpoint))`);
  await run(sql`create index push_subscriptions_profile on push_subscriptions (profile_id)`);
  await run(sql`create table inbox_messages (
    id text primary key, workspace_id text not null references workspaces(id),
    profile_id text not null, title text, body text not null, url text, data ${json},
    created_at ${big} not null, read_at ${big}, archived_at ${big})`);
  await run(sql`create index inbox_messages_profile on inbox_messages (profile_id, created_at)`);
  // Zapier/Make/n8n-style subscriptions: every event of the listed types is POSTed, signed.
  await run(sql`create table webhook_subscriptions (
    id text primary key, workspace_id text not null references workspaces(id),
    url text not null, description text, event_types ${json} not null,
    secret text not null, created_at ${big} not null, disabled_at ${big})`);
  await run(sql`create table outgoing_deliveries (
    id text primary key, workspace_id text not null references workspaces(id),
    subscription_id text references webhook_subscriptions(id) on delete cascade,
    profile_id text, event_key text not null, event_type text not null, url text not null,
    payload ${json} not null, status text not null, attempts integer not null default 0,
    next_attempt_at ${big} not null, locked_by text, locked_until ${big},
    last_status_code integer, last_error text,
    created_at ${big} not null, updated_at ${big} not null, delivered_at ${big},
    unique (workspace_id, event_key))`);
  await run(
    sql`create index outgoing_deliveries_due on outgoing_deliveries (status, next_attempt_at)`,
  );
  await run(sql`create index outgoing_deliveries_profile on outgoing_deliveries (profile_id)`);
  await run(
    sql`create index outgoing_deliveries_subscription on outgoing_deliveries (subscription_id, created_at)`,
  );
}
