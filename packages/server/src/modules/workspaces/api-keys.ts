import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';

export type KeyScope = 'write' | 'admin';

export interface Principal {
  workspaceId: string;
  scope: KeyScope;
  keyId: string;
}

export interface CreatedKey {
  id: string;
  workspaceId: string;
  scope: KeyScope;
  /** The secret itself: shown once, stored only as a hash. */
  key: string;
  prefix: string;
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
  args: { workspaceId: string; scope: KeyScope; key: string; label?: string; now: number },
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

/**
 * Resolves a presented key to its workspace and scope. Cached briefly: tracking calls arrive
 * thousands of times a second; a revocation takes effect within the cache's lifetime.
 */
export class KeyResolver {
  readonly #db: Db;
  readonly #cache = new Map<string, { principal: Principal | null; until: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(db: Db, now: () => number, ttlMs = 5000) {
    this.#db = db;
    this.#now = now;
    this.#ttlMs = ttlMs;
  }

  async resolve(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    // The cache keeps real time (not the injected clock): it is an operational detail.
    const now = this.#now();
    const hit = this.#cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const row = await this.#db
      .selectFrom('api_keys')
      .select(['id', 'workspace_id', 'scope'])
      .where('key_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const principal = row
      ? { workspaceId: row.workspace_id, scope: row.scope, keyId: row.id }
      : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { principal, until: now + this.#ttlMs });
    return principal;
  }

  forget(): void {
    this.#cache.clear();
  }
}
