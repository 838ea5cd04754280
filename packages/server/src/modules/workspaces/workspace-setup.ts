import type { Db } from '../../platform/db/database.js';
import { generateKey, hashKey, insertKey, type CreatedKey, type KeyScope } from './api-keys.js';
import { ensureInstanceSecret } from './instance-secret.js';

export const DEFAULT_WORKSPACE_ID = 'default';

export interface Bootstrap {
  workspaceId: string;
  /** Keys generated during this start, to print once; empty when nothing was created. */
  createdKeys: CreatedKey[];
  secret: string;
  /** What an operator should know about this start (logged): replaced keys, a moved secret. */
  notes: string[];
}

const VARIABLE: Record<KeyScope, string> = {
  write: 'COMEBACK_WRITE_KEY',
  admin: 'COMEBACK_API_KEY',
};

/**
 * Start-up ensures the default workspace. A key given in the environment is ensured on every
 * start (idempotent) and replaces the key an earlier value of the same variable had created;
 * otherwise a key is generated for each scope that has no active key. Then the instance secret
 * (see instance-secret.ts): the variable, or the secret file (`secretFile`).
 */
export async function bootstrapWorkspace(
  db: Db,
  opts: {
    writeKey?: string;
    apiKey?: string;
    secret?: string;
    /**
     * Where the generated instance secret lives (config's instanceSecretFile); null or omitted
     * only for an in-memory database (or a caller that gives `secret`).
     */
    secretFile?: string | null;
    now: number;
    generateKeys?: boolean;
  },
): Promise<Bootstrap> {
  const created: CreatedKey[] = [];
  const notes: string[] = [];
  await ensureWorkspace(db, { id: DEFAULT_WORKSPACE_ID, name: 'Default store', now: opts.now });

  for (const [scope, given] of [
    ['write', opts.writeKey],
    ['admin', opts.apiKey],
  ] as const) {
    if (given !== undefined) {
      notes.push(...(await ensureEnvironmentKey(db, scope, given, opts.now)));
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
          origin: 'start',
        }),
      );
    }
  }
  const secret = await ensureInstanceSecret(db, {
    file: opts.secretFile ?? null,
    ...(opts.secret !== undefined ? { given: opts.secret } : {}),
  });
  return {
    workspaceId: DEFAULT_WORKSPACE_ID,
    createdKeys: created,
    secret: secret.secret,
    notes: [...notes, ...secret.notes],
  };
}

/**
 * The key in COMEBACK_WRITE_KEY / COMEBACK_API_KEY exists (marked as from the environment),
 * and every other active key an earlier value of that variable created is revoked: rotating
 * the variable rotates the key. A key revoked since (API, CLI) stays revoked.
 */
async function ensureEnvironmentKey(
  db: Db,
  scope: KeyScope,
  given: string,
  now: number,
): Promise<string[]> {
  const notes: string[] = [];
  const key = await insertKey(db, {
    workspaceId: DEFAULT_WORKSPACE_ID,
    scope,
    key: given,
    now,
    origin: 'environment',
    label: `from ${VARIABLE[scope]}`,
  });
  if (key.workspaceId !== DEFAULT_WORKSPACE_ID || key.scope !== scope) {
    notes.push(
      `${VARIABLE[scope]} is already a ${key.scope} key of workspace "${key.workspaceId}"; ` +
        'it was left as it is: give the variable a key of its own',
    );
    return notes;
  }
  // Keys made before origins were recorded are adopted when the variable still names them.
  await db
    .updateTable('api_keys')
    .set({ origin: 'environment' })
    .where('id', '=', key.id)
    .where('origin', '=', 'unknown')
    .execute();
  const row = await db
    .selectFrom('api_keys')
    .select('revoked_at')
    .where('id', '=', key.id)
    .executeTakeFirstOrThrow();
  if (row.revoked_at !== null) {
    // Never undo a revocation (a leaked key must stay dead); keep the earlier keys meanwhile.
    notes.push(`${VARIABLE[scope]} names a revoked key; it stays revoked: set a new value`);
    return notes;
  }
  const replaced = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('workspace_id', '=', DEFAULT_WORKSPACE_ID)
    .where('scope', '=', scope)
    .where('origin', '=', 'environment')
    .where('key_hash', '<>', hashKey(given))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const count = Number(replaced.numUpdatedRows);
  if (count > 0) {
    notes.push(`revoked ${count} ${scope} key(s) that an earlier ${VARIABLE[scope]} had created`);
  }
  return notes;
}

async function hasActiveKey(db: Db, scope: KeyScope): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where('workspace_id', '=', DEFAULT_WORKSPACE_ID)
    .where('scope', '=', scope)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
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
