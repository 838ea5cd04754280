import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Dashboard users (people, beside the API keys scripts use). A user is one email across the
 * instance and joins workspaces with a role; `password_hash` is self-describing
 * (`scrypt$N$r$p$salt$hash`) so its parameters can grow later. A session row holds only the
 * SHA-256 of its cookie token, so a copy of the database opens no session; it ends on logout,
 * after 12 idle hours (`last_seen_at`) or at `expires_at` (7 days after sign-in).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { big } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);
  await run(sql`create table users (
    id text primary key, email text not null unique, name text, locale text not null,
    password_hash text not null, created_at ${big} not null, last_login_at ${big})`);
  await run(sql`create table user_workspaces (
    user_id text not null references users(id) on delete cascade,
    workspace_id text not null references workspaces(id),
    role text not null check (role in ('owner', 'editor', 'viewer')),
    created_at ${big} not null, primary key (user_id, workspace_id))`);
  await run(sql`create index user_workspaces_workspace on user_workspaces (workspace_id, role)`);
  await run(sql`create table sessions (
    token_hash text primary key, user_id text not null references users(id) on delete cascade,
    csrf_token text not null, created_at ${big} not null, expires_at ${big} not null,
    last_seen_at ${big} not null)`);
  await run(sql`create index sessions_user on sessions (user_id)`);
}
