import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { UserRole } from '@comeback/contracts';
import type { Database, Db } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';

export type KeyScope = 'write' | 'admin';
/** Where a key came from: `environment` keys are replaced when their variable changes. */
export type KeyOrigin = 'environment' | 'start' | 'api' | 'cli' | 'unknown';

export interface Principal {
  workspaceId: string;
  scope: KeyScope;
  /** The key the request was made with; '' when a signed-in dashboard user made it. */
  keyId: string;
  /** The dashboard user behind a session cookie; absent for keys. */
  user?: PrincipalUser;
}

/** A signed-in dashboard user acting in `Principal.workspaceId` with their role there. */
export interface PrincipalUser {
  id: string;
  email: string;
  role: UserRole;
}

export interface CreatedKey {
  id: string;
  workspaceId: string;
  scope: KeyScope;
  /** The secret itself: shown once, stored only as a hash. */
  key: string;
  prefix: string;
}

/** What may be shown about a key: never the key or its hash. */
export interface KeyInfo {
  id: string;
  workspaceId: string;
  scope: KeyScope;
  /** The first 8 characters, to recognise a key by. */
  prefix: string;
  label: string | null;
  origin: KeyOrigin;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const SCOPE_PREFIX: Record<KeyScope, string> = { write: 'cbw_', admin: 'cba_' };

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(scope: KeyScope): string {
  return SCOPE_PREFIX[scope] + randomBytes(24).toString('base64url');
}

export async function insertKey(
  db: Db,
  args: {
    workspaceId: string;
    scope: KeyScope;
    key: string;
    label?: string;
    now: number;
    origin?: KeyOrigin;
  },
): Promise<CreatedKey> {
  const id = randomUUID();
  const prefix = args.key.slice(0, 8);
  // Idempotent on the hash: a key given through the environment is created once.
  await db
    .insertInto('api_keys')
    .values({
      id,
      workspace_id: args.workspaceId,
      scope: args.scope,
      key_hash: hashKey(args.key),
      prefix,
      label: args.label ?? null,
      created_at: args.now,
      revoked_at: null,
      origin: args.origin ?? 'api',
      last_used_at: null,
    })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .execute();
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'scope'])
    .where('key_hash', '=', hashKey(args.key))
    .executeTakeFirstOrThrow();
  return { id: row.id, workspaceId: row.workspace_id, scope: row.scope, key: args.key, prefix };
}

/** Keys of one workspace (or of all, for the CLI), active and revoked, oldest first. */
export async function listKeys(db: Db, workspaceId?: string): Promise<KeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select([
      'id',
      'workspace_id',
      'scope',
      'prefix',
      'label',
      'origin',
      'created_at',
      'last_used_at',
      'revoked_at',
    ])
    .$if(workspaceId !== undefined, (q) => q.where('workspace_id', '=', workspaceId ?? ''))
    .orderBy('workspace_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    scope: r.scope,
    prefix: r.prefix,
    label: r.label,
    origin: r.origin,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

export interface Revoked {
  key: KeyInfo;
  /** False when the key had been revoked before (revoking is idempotent). */
  changed: boolean;
  /** True when no active admin key is left in the key's workspace. */
  lastAdminKey: boolean;
}

/**
 * Revokes a key at once (in this process; other processes' caches within seconds).
 * `keepOneAdmin` refuses to revoke the workspace's last active admin key, which would lock
 * it out of the admin API - the API sets it (a caller cannot revoke the key it stands on
 * unless another admin key exists); the CLI, run by whoever holds the database, does not.
 */
export async function revokeKey(
  database: Database,
  args: { id: string; workspaceId?: string; now: number; keepOneAdmin: boolean },
): Promise<Result<Revoked>> {
  return database.db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom('api_keys')
      .select(['id', 'workspace_id', 'scope', 'revoked_at'])
      .where('id', '=', args.id)
      .$if(args.workspaceId !== undefined, (q) =>
        q.where('workspace_id', '=', args.workspaceId ?? ''),
      )
      .executeTakeFirst();
    if (!target) {
      return fail('not_found', `no key ${args.id}${args.workspaceId ? ' in this workspace' : ''}`, [
        { field: 'id', message: 'not found' },
      ]);
    }
    // The workspace's active admin keys, locked on PostgreSQL so that two admins revoking each
    // other's keys at once cannot both succeed (SQLite's write transaction is exclusive).
    const admins = await trx
      .selectFrom('api_keys')
      .select('id')
      .where('workspace_id', '=', target.workspace_id)
      .where('scope', '=', 'admin')
      .where('revoked_at', 'is', null)
      .$if(database.dialect === 'postgres', (q) => q.forUpdate())
      .execute();
    const othersActive = admins.filter((a) => a.id !== target.id).length;
    const active = target.revoked_at === null;
    if (active && target.scope === 'admin' && othersActive === 0 && args.keepOneAdmin) {
      return fail(
        'conflict',
        'this is the last active admin key of the workspace: create another admin key first ' +
          '(POST /api/v1/keys), then revoke this one',
        [{ field: 'id', message: 'the last active admin key cannot be revoked' }],
      );
    }
    if (active) {
      await trx
        .updateTable('api_keys')
        .set({ revoked_at: args.now })
        .where('id', '=', target.id)
        .where('revoked_at', 'is', null)
        .execute();
    }
    const [key] = (await listKeys(trx, target.workspace_id)).filter((k) => k.id === target.id);
    if (!key) throw new Error(`key ${target.id} vanished while being revoked`);
    return ok({
      key,
      changed: active,
      lastAdminKey: target.scope === 'admin' && othersActive === 0,
    });
  });
}
