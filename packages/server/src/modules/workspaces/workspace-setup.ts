import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import { generateKey, insertKey, type CreatedKey } from './api-keys.js';

export const DEFAULT_WORKSPACE_ID = 'default';

export interface Bootstrap {
  workspaceId: string;
  /** Keys generated during this start, to print once; empty when nothing was created. */
  createdKeys: CreatedKey[];
  secret: string;
}

/**
 * Start-up ensures the default workspace. Keys given in the environment are ensured on every
 * start (idempotent); otherwise a key is generated for each scope that has no active key.
 */
export async function bootstrapWorkspace(
  db: Db,
  opts: {
    writeKey?: string;
    apiKey?: string;
    secret?: string;
    now: number;
    generateKeys?: boolean;
  },
): Promise<Bootstrap> {
  const created: CreatedKey[] = [];
  await ensureWorkspace(db, { id: DEFAULT_WORKSPACE_ID, name: 'Default store', now: opts.now });

  for (const [scope, given] of [
    ['write', opts.writeKey],
    ['admin', opts.apiKey],
  ] as const) {
    if (given !== undefined) {
      await insertKey(db, { workspaceId: DEFAULT_WORKSPACE_ID, scope, key: given, now: opts.now });
    } else if (opts.generateKeys !== false && !(await hasActiveKey(db, scope))) {
      // A workspace without any key of a scope (a first start, or `keys create` run before it)
      // gets one, printed once by the caller.
      created.push(
        await insertKey(db, {
          workspaceId: DEFAULT_WORKSPACE_ID,
          scope,
          key: generateKey(scope),
          label: 'created on start: the workspace had no such key',
          now: opts.now,
        }),
      );
    }
  }
  return {
    workspaceId: DEFAULT_WORKSPACE_ID,
    createdKeys: created,
    secret: await ensureSecret(db, opts.secret),
  };
}

async function hasActiveKey(db: Db, scope: 'write' | 'admin'): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where('workspace_id', '=', DEFAULT_WORKSPACE_ID)
    .where('scope', '=', scope)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

async function ensureSecret(db: Db, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  await db
    .insertInto('settings')
    .values({ key: 'secret', value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'secret')
    .executeTakeFirstOrThrow();
  return row.value;
}

/** Creates the workspace unless it exists (idempotent). */
export async function ensureWorkspace(
  db: Db,
  args: { id: string; name: string; currency?: string; now: number },
): Promise<void> {
  await db
    .insertInto('workspaces')
    .values({
      id: args.id,
      name: args.name,
      currency: args.currency ?? 'USD',
      created_at: args.now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
