import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Messaging (ADR 0019): templates and their immutable versions, consent per channel with its
 * history, the suppression list, and the outbox with each message's status changes. All of it
 * is first-hand data (what a marketer saved, what a person agreed to, what was sent), so on
 * SQLite it lives in the main file, never the derived one: nothing here can be re-derived
 * from the event log. Profile ids are not foreign keys for that reason (profiles are derived).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big, serial } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`create table message_templates (
    id text primary key, workspace_id text not null references workspaces(id),
    name text not null, channel text not null, version integer not null,
    created_at ${big} not null, updated_at ${big} not null,
    unique (workspace_id, name))`);
  // One row per saved version; a message names the version it was rendered from.
  await run(sql`create table message_template_versions (
    template_id text not null references message_templates(id) on delete cascade,
    version integer not null, definition ${json} not null, created_at ${big} not null,
    primary key (template_id, version))`);
  await run(sql`create table consents (
    workspace_id text not null references workspaces(id),
    profile_id text not null, channel text not null, status text not null,
    source text not null, proof ${json}, updated_at ${big} not null,
    primary key (profile_id, channel))`);
  await run(sql`create table consent_changes (
    seq ${serial}, workspace_id text not null, profile_id text not null,
    channel text not null, status text not null, source text not null, proof ${json},
    at ${big} not null)`);
  await run(sql`create index consent_changes_profile on consent_changes (profile_id, seq)`);
  // Addresses no message may go to (hard bounces, complaints, manual), per channel.
  await run(sql`create table suppressions (
    workspace_id text not null references workspaces(id), channel text not null,
    address text not null, reason text not null, detail text, created_at ${big} not null,
    primary key (workspace_id, channel, address))`);
  await run(sql`create table messages (
    id text primary key, workspace_id text not null references workspaces(id),
    profile_id text, channel text not null, kind text not null,
    template_id text, template_version integer, language text,
    dedupe_key text not null, to_address text not null,
    subject text, html text, body_text text not null, extra ${json},
    status text not null, attempts integer not null default 0,
    next_attempt_at ${big} not null, locked_by text, locked_until ${big},
    provider_message_id text, last_error text,
    created_at ${big} not null, updated_at ${big} not null, sent_at ${big},
    unique (workspace_id, dedupe_key))`);
  await run(sql`create index messages_due on messages (status, next_attempt_at)`);
  await run(sql`create index messages_profile on messages (profile_id, created_at)`);
  await run(sql`create index messages_workspace on messages (workspace_id, created_at)`);
  // Provider status webhooks (Twilio, Meta) name the message by the provider's id.
  await run(sql`create index messages_provider on messages (provider_message_id)`);
  await run(sql`create table message_status_changes (
    seq ${serial}, message_id text not null references messages(id) on delete cascade,
    status text not null, at ${big} not null, detail text)`);
  await run(
    sql`create index message_status_changes_message on message_status_changes (message_id, seq)`,
  );
}
