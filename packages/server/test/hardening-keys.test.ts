import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import {
  KEY_USE_WRITE_INTERVAL_MS,
  KeyResolver,
  bootstrapWorkspace,
  ensureWorkspace,
  generateKey,
  hashKey,
  insertKey,
  listKeys,
  revokeKey,
} from '../src/modules/workspaces/index.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';
import {
  ADMIN_KEY,
  WRITE_KEY,
  json,
  startTestServer,
  type TestServer,
} from './support/test-server.js';
import { assertBuilt, runCli } from './process/harness.js';

interface ShownKey {
  id: string;
  scope: 'write' | 'admin';
  prefix: string;
  label: string | null;
  origin: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  current: boolean;
}

const listed = async (t: TestServer, key = ADMIN_KEY) => {
  const res = await t.api('/api/v1/keys', { key });
  expect(res.status).toBe(200);
  return (await json<{ data: ShownKey[] }>(res)).data;
};

const createKey = async (t: TestServer, scope: 'write' | 'admin', key = ADMIN_KEY) => {
  const res = await t.api('/api/v1/keys', { method: 'POST', body: { scope }, key });
  expect(res.status).toBe(201);
  return json<{ id: string; key: string }>(res);
};

describe.each(engines)('listing and revoking keys through the API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('lists prefix, scope, origin, created and last used, never the key or its hash', async () => {
    expect((await t.send('/v1/track', { userId: 'u-k', event: 'Seen' })).status).toBe(200);
    await t.server.services.keys.flushUses();
    const res = await t.api('/api/v1/keys');
    const text = await res.text();
    for (const secret of [WRITE_KEY, ADMIN_KEY]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashKey(secret));
    }
    const keys = (JSON.parse(text) as { data: ShownKey[] }).data;
    const write = keys.find((k) => k.scope === 'write');
    const admin = keys.find((k) => k.scope === 'admin');
    expect(write).toMatchObject({ prefix: WRITE_KEY.slice(0, 8), origin: 'environment' });
    expect(write?.lastUsedAt).not.toBeNull();
    expect(write?.current).toBe(false);
    expect(admin).toMatchObject({ prefix: ADMIN_KEY.slice(0, 8), current: true, revokedAt: null });
    expect(Object.keys(admin ?? {}).sort()).toEqual(
      [
        'createdAt',
        'current',
        'id',
        'label',
        'lastUsedAt',
        'origin',
        'prefix',
        'revokedAt',
        'scope',
      ].sort(),
    );
  });

  it('revokes a key: it answers 401 at once, although it was just looked up (cached)', async () => {
    const created = await createKey(t, 'write');
    expect((await t.send('/v1/track', { userId: 'u-r', event: 'E' }, created.key)).status).toBe(
      200,
    );
    const res = await t.api(`/api/v1/keys/${created.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect((await json<ShownKey>(res)).revokedAt).not.toBeNull();
    const after = await t.send('/v1/track', { userId: 'u-r', event: 'E' }, created.key);
    expect(after.status).toBe(401);
    expect((await listed(t)).find((k) => k.id === created.id)?.revokedAt).not.toBeNull();
    // Revoking again changes nothing and still answers with the key.
    expect((await t.api(`/api/v1/keys/${created.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('refuses to revoke the last admin key (the caller stands on it), allows it once another exists', async () => {
    const me = (await listed(t)).find((k) => k.current);
    const refused = await t.api(`/api/v1/keys/${me?.id}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({
      error: { code: 'conflict', details: [{ field: 'id' }] },
    });
    expect((await t.api('/api/v1/keys')).status).toBe(200);

    const second = await createKey(t, 'admin');
    expect((await t.api(`/api/v1/keys/${me?.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.api('/api/v1/keys')).status).toBe(401);
    // The other admin key is now the last one: it cannot revoke itself.
    const own = (await listed(t, second.key)).find((k) => k.current);
    const last = await t.api(`/api/v1/keys/${own?.id}`, { method: 'DELETE', key: second.key });
    expect(last.status).toBe(409);
  });

  it('answers 404 for an unknown key and for a key of another workspace', async () => {
    const db = t.server.services.database.db;
    await ensureWorkspace(db, { id: 'ws-keys-other', name: 'other', now: 0 });
    const other = await insertKey(db, {
      workspaceId: 'ws-keys-other',
      scope: 'write',
      key: generateKey('write'),
      now: 0,
    });
    // The test before revoked ADMIN_KEY.
    const key = await createAdminKeyDirectly(t.server.services.database);
    for (const id of [other.id, 'no-such-key']) {
      const res = await t.api(`/api/v1/keys/${id}`, { method: 'DELETE', key });
      expect(res.status).toBe(404);
      expect(await json(res)).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await listKeys(db, 'ws-keys-other'))[0]?.revokedAt).toBeNull();
  });
});

/** An admin key made straight in the database (when the test before revoked the others). */
async function createAdminKeyDirectly(database: Database): Promise<string> {
  const key = generateKey('admin');
  await insertKey(database.db, { workspaceId: 'default', scope: 'admin', key, now: 0 });
  return key;
}

describe.each(engines)('key lifecycle in storage on %s', (engine) => {
  let handle: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database?.close();
    await handle?.drop();
  });
  const open = async () => {
    handle = await freshDatabase(engine);
    database = openDatabase(handle.url);
    await migrateToLatest(database);
  };
  const boot = (keys: { writeKey?: string; apiKey?: string }) =>
    bootstrapWorkspace(database.db, {
      now: 1000,
      secret: 'instance-secret-for-key-tests',
      ...keys,
    });

  it('a new COMEBACK_API_KEY / COMEBACK_WRITE_KEY revokes the key the previous value created', async () => {
    await open();
    const old = { writeKey: `cbw_old_${'w'.repeat(24)}`, apiKey: `cba_old_${'a'.repeat(24)}` };
    const fresh = { writeKey: `cbw_new_${'w'.repeat(24)}`, apiKey: `cba_new_${'a'.repeat(24)}` };
    await boot(old);
    const made = await insertKey(database.db, {
      workspaceId: 'default',
      scope: 'admin',
      key: generateKey('admin'),
      now: 1000,
    });
    const second = await boot(fresh);
    expect(second.notes.join('\n')).toMatch(/revoked 1 write key/);
    const keys = new KeyResolver(database.db, () => 0);
    expect(await keys.resolve(old.writeKey)).toBeNull();
    expect(await keys.resolve(old.apiKey)).toBeNull();
    expect(await keys.resolve(fresh.writeKey)).toMatchObject({ scope: 'write' });
    expect(await keys.resolve(fresh.apiKey)).toMatchObject({ scope: 'admin' });
    // Keys made by other means are not the variable's to replace.
    expect((await listKeys(database.db)).find((k) => k.id === made.id)?.revokedAt).toBeNull();
    // Starting again with the same values changes nothing.
    expect((await boot(fresh)).notes).toEqual([]);
    await keys.close();
  });

  it('adopts a key made before origins were recorded when the variable still names it', async () => {
    await open();
    const legacy = `cba_legacy_${'x'.repeat(24)}`;
    await ensureWorkspace(database.db, { id: 'default', name: 'd', now: 0 });
    await insertKey(database.db, {
      workspaceId: 'default',
      scope: 'admin',
      key: legacy,
      now: 1,
      origin: 'unknown',
    });
    await boot({ apiKey: legacy });
    await boot({ apiKey: `cba_rotated_${'y'.repeat(24)}` });
    expect(await new KeyResolver(database.db, () => 0).resolve(legacy)).toBeNull();
  });

  it('an environment key that was revoked stays revoked at the next start', async () => {
    await open();
    const apiKey = `cba_env_${'z'.repeat(24)}`;
    await boot({ apiKey });
    const [key] = (await listKeys(database.db)).filter((k) => k.scope === 'admin');
    const revoked = await revokeKey(database, {
      id: key?.id ?? '',
      now: 2000,
      keepOneAdmin: false,
    });
    expect(revoked.ok).toBe(true);
    const again = await boot({ apiKey });
    expect(again.notes.join('\n')).toMatch(/COMEBACK_API_KEY names a revoked key/);
    expect(await new KeyResolver(database.db, () => 0).resolve(apiKey)).toBeNull();
  });

  it('writes "last used" at most once a minute per key, off the request', async () => {
    await open();
    const key = generateKey('write');
    await ensureWorkspace(database.db, { id: 'default', name: 'd', now: 0 });
    await insertKey(database.db, { workspaceId: 'default', scope: 'write', key, now: 0 });
    let wall = 1_000_000;
    let stamp = 5_000;
    const resolver = new KeyResolver(database.db, () => wall, { stampNow: () => stamp });
    const lastUsed = async () => (await listKeys(database.db))[0]?.lastUsedAt;

    await resolver.resolve(key);
    expect(await lastUsed()).toBeNull(); // not written while the request is served
    await resolver.flushUses();
    expect(await lastUsed()).toBe(5_000);

    stamp = 6_000;
    wall += KEY_USE_WRITE_INTERVAL_MS - 1;
    for (let i = 0; i < 50; i++) await resolver.resolve(key);
    await resolver.flushUses();
    expect(await lastUsed()).toBe(5_000);

    wall += 1;
    await resolver.resolve(key);
    await resolver.flushUses();
    expect(await lastUsed()).toBe(6_000);
    await resolver.close();
  });

  it('the storage guard keeps the last admin key unless told otherwise', async () => {
    await open();
    await boot({ apiKey: `cba_only_${'q'.repeat(24)}` });
    const [admin] = (await listKeys(database.db)).filter((k) => k.scope === 'admin');
    const kept = await revokeKey(database, { id: admin?.id ?? '', now: 1, keepOneAdmin: true });
    expect(kept.ok ? 'revoked' : kept.error.code).toBe('conflict');
    // Two admins revoking each other's keys at once: exactly one succeeds.
    const other = await insertKey(database.db, {
      workspaceId: 'default',
      scope: 'admin',
      key: generateKey('admin'),
      now: 1,
    });
    const both = await Promise.all(
      [admin?.id ?? '', other.id].map((id) =>
        revokeKey(database, { id, now: 2, keepOneAdmin: true }),
      ),
    );
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(
      (await listKeys(database.db)).filter((k) => k.scope === 'admin' && k.revokedAt === null),
    ).toHaveLength(1);
  });
});

describe('keys given in the environment', () => {
  const base = { DATABASE_URL: 'sqlite::memory:' };
  it('need at least 24 characters', () => {
    const result = readConfig({ ...base, COMEBACK_API_KEY: 'cba_short_key_1234' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.join('\n')).toMatch(
        /COMEBACK_API_KEY: must be at least 24 characters/,
      );
    expect(readConfig({ ...base, COMEBACK_WRITE_KEY: 'x'.repeat(23) }).ok).toBe(false);
    expect(readConfig({ ...base, COMEBACK_WRITE_KEY: 'x'.repeat(24) }).ok).toBe(true);
  });
  it('must differ from each other', () => {
    const same = 'k'.repeat(30);
    const result = readConfig({ ...base, COMEBACK_WRITE_KEY: same, COMEBACK_API_KEY: same });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(/COMEBACK_API_KEY: must differ/);
  });
});

describe.each(engines)('comeback keys list / revoke on %s', (engine) => {
  let handle: TestDatabase;
  beforeAll(async () => {
    assertBuilt();
    handle = await freshDatabase(engine);
  });
  afterAll(async () => handle?.drop());

  it('lists without the key and revokes by id', async () => {
    const env = { DATABASE_URL: handle.url, COMEBACK_SECRET: 'instance-secret-for-cli-tests' };
    const created = await runCli(['keys', 'create', '--scope', 'write', '--label', 'shop front'], {
      env,
    });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    const list = await runCli(['keys', 'list', '--workspace', 'default'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(key);
    expect(list.stdout).not.toContain(hashKey(key));
    const line = list.stdout.split('\n').find((l) => l.includes(key.slice(0, 8)));
    expect(line).toMatch(/write .*cli .*shop front/);
    const id = line?.split(/\s+/)[0] ?? '';

    const revoked = await runCli(['keys', 'revoke', id], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^Revoked write key/);
    const after = await runCli(['keys', 'list'], { env });
    expect(after.stdout.split('\n').find((l) => l.startsWith(id))).toMatch(
      /\d{4}-\d\d-\d\dT\S+Z\s+shop front$/,
    );

    const unknown = await runCli(['keys', 'revoke', 'no-such-key'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no key no-such-key/);
  });
});
