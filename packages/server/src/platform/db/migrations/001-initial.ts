import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Workspaces and keys, the event log, profiles with identity and computed fields, jobs. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const json = dialect === 'postgres' ? sql`jsonb` : sql`text`;
  const big = sql`bigint`;
  const real = dialect === 'postgres' ? sql`double precision` : sql`real`;
  const serial =
    dialect === 'postgres'
      ? sql`bigint generated always as identity primary key`
      : sql`integer primary key autoincrement`;
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  // Tables keyed by text are one B-tree on SQLite when WITHOUT ROWID (else a rowid tree plus a
  // key index, both rewritten on every upsert).
  const keyed = dialect === 'sqlite' ? sql` without rowid` : sql``;

  await run(sql`create table workspaces (
    id text primary key, name text not null, currency text not null default 'USD',
    created_at ${big} not null)`);
  await run(sql`create table api_keys (
    id text primary key, workspace_id text not null references workspaces(id),
    scope text not null check (scope in ('write','admin')), key_hash text not null unique,
    prefix text not null, label text, created_at ${big} not null, revoked_at ${big})`);
  await run(sql`create table settings (key text primary key, value text not null)`);

  // The append-only log. AUTOINCREMENT (SQLite) and identity (PostgreSQL) never reuse a seq,
  // even after erasure deletes the newest rows, so the processor's cursor stays valid.
  await run(sql`create table events (
    seq ${serial}, workspace_id text not null, message_id text not null, type text not null,
    event text, user_id text, anonymous_id text, timestamp ${big} not null,
    received_at ${big} not null, payload ${json} not null, profile_id text)`);
  await run(sql`create unique index events_message_id on events (workspace_id, message_id)`);
  // Partial: events not yet applied (profile_id null) cost no index work at append time.
  await run(
    sql`create index events_profile on events (workspace_id, profile_id, seq) where profile_id is not null`,
  );
  await run(sql`create table processor_cursors (
    name text primary key, position ${big} not null, updated_at ${big} not null)`);

  await run(sql`create table profiles (
    id text primary key, workspace_id text not null, created_at ${big} not null,
    updated_at ${big} not null, traits ${json} not null, trait_times ${json} not null,
    order_count integer not null default 0, total_spent ${real} not null default 0,
    refunded_total ${real} not null default 0, first_order_at ${big}, last_order_at ${big},
    last_seen_at ${big}, last_product_viewed text, last_product_viewed_at ${big},
    categories_bought ${json} not null, products_bought ${json} not null,
    recreated_after_erasure integer not null default 0)${keyed}`);
  await run(sql`create index profiles_workspace on profiles (workspace_id, created_at)`);
  await run(sql`create table identifiers (
    workspace_id text not null, kind text not null, value text not null,
    profile_id text not null, created_at ${big} not null,
    primary key (workspace_id, kind, value))${keyed}`);
  await run(sql`create index identifiers_profile on identifiers (profile_id)`);
  await run(sql`create table profile_merges (
    id ${serial}, workspace_id text not null, from_profile_id text not null,
    into_profile_id text not null, reason text not null, event_seq ${big},
    merged_at ${big} not null)`);
  await run(sql`create index profile_merges_into on profile_merges (into_profile_id)`);
  await run(sql`create table profile_orders (
    workspace_id text not null, order_id text not null, profile_id text not null,
    total ${real} not null, refunded ${real} not null default 0, currency text,
    ordered_at ${big} not null, primary key (workspace_id, order_id))${keyed}`);
  await run(sql`create index profile_orders_profile on profile_orders (profile_id)`);
  await run(sql`create table custom_fields (
    workspace_id text not null, name text not null, type text not null, enum_values ${json},
    description text, created_at ${big} not null, primary key (workspace_id, name))`);
  await run(sql`create table erasures (
    id ${serial}, workspace_id text not null, identifier_hash text not null,
    profile_id text not null, erased_at ${big} not null)`);
  await run(sql`create index erasures_identifier on erasures (workspace_id, identifier_hash)`);

  await run(sql`create table jobs (
    id ${serial}, workspace_id text, kind text not null, dedupe_key text unique,
    payload ${json} not null, run_at ${big} not null, status text not null default 'pending',
    attempts integer not null default 0, max_attempts integer not null default 5,
    locked_by text, locked_until ${big}, last_error text, created_at ${big} not null,
    updated_at ${big} not null)`);
  await run(sql`create index jobs_due on jobs (status, run_at)`);
}
