import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Profile } from '@comeback/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import {
  adminGet,
  assertBuilt,
  freePort,
  health,
  killAll,
  postTracking,
  readStoredEvents,
  runCli,
  settled,
  startServe,
} from './harness.js';
import { makeWorkload, sendBatches } from './workload.js';

/** The CLI as an operator meets it: first start, restarts, shutdown, and the other commands. */
const tempDirs: string[] = [];
const databases: TestDatabase[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-cli-'));
  tempDirs.push(dir);
  return dir;
}

async function database(engine: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const db = await freshDatabase(engine);
  databases.push(db);
  return db;
}

beforeAll(() => assertBuilt());
afterEach(() => killAll());
afterAll(async () => {
  await killAll();
  for (const db of databases.splice(0)) await db.drop();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const createdKey = (scope: 'write' | 'admin') =>
  new RegExp(`^Created ${scope} key for workspace "default" \\(shown once\\): (\\S+)$`, 'gm');

async function profilesOf(url: string, userId: string, adminKey: string): Promise<Profile[]> {
  const res = await adminGet(url, `/api/v1/profiles?userId=${userId}`, adminKey);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Profile[] }).data;
}

describe('comeback serve in an empty directory', () => {
  it('creates its database and keys on first start, stops on SIGTERM, and keeps both', async () => {
    const cwd = tempDir();
    // No DATABASE_URL and no keys: the defaults an operator gets with `npm start`.
    const env = { PORT: String(await freePort()), HOST: '127.0.0.1' };
    const first = await startServe({ cwd, env });
    expect(fs.existsSync(path.join(cwd, 'comeback-data', 'comeback.db'))).toBe(true);

    const writeKeys = [...first.process.stdout.matchAll(createdKey('write'))].map((m) => m[1]);
    const adminKeys = [...first.process.stdout.matchAll(createdKey('admin'))].map((m) => m[1]);
    expect(writeKeys).toHaveLength(1);
    expect(adminKeys).toHaveLength(1);
    const writeKey = writeKeys[0] ?? '';
    const adminKey = adminKeys[0] ?? '';
    expect(writeKey).toMatch(/^cbw_/);
    expect(adminKey).toMatch(/^cba_/);
    expect(first.url).toBe(`http://127.0.0.1:${env.PORT}`);

    const h = await health(first.url);
    expect(h).toMatchObject({ status: 'ok', database: 'sqlite' });
    const track = await postTracking(first.url, '/v1/track', writeKey, {
      userId: 'first-start-user',
      event: 'Order Completed',
      properties: { order_id: 'first-order', total: 42.5 },
    });
    expect(track.status).toBe(200);
    await settled(first.url);
    const before = await profilesOf(first.url, 'first-start-user', adminKey);
    expect(before).toHaveLength(1);
    expect(before[0]?.computed).toMatchObject({ order_count: 1, total_spent: 42.5 });
    // The wrong key for the job is refused: the admin key is not a write key.
    const wrong = await postTracking(first.url, '/v1/track', adminKey, {
      userId: 'x',
      event: 'E',
    });
    expect(wrong.status).toBeGreaterThanOrEqual(400);

    expect(await first.process.stop('SIGTERM', 5_000)).toEqual({ code: 0, signal: null });

    const second = await startServe({ cwd, env });
    expect(second.process.stdout).not.toMatch(/Created \w+ key/);
    expect(fs.readdirSync(cwd)).toEqual(['comeback-data']);
    const after = await profilesOf(second.url, 'first-start-user', adminKey);
    expect(after.map((p) => [p.id, p.computed.order_count])).toEqual([[before[0]?.id, 1]]);
    const again = await postTracking(second.url, '/v1/track', writeKey, {
      userId: 'first-start-user',
      event: 'Order Completed',
      properties: { order_id: 'second-order', total: 10 },
    });
    expect(again.status).toBe(200);
    await settled(second.url);
    const [latest] = await profilesOf(second.url, 'first-start-user', adminKey);
    expect(latest?.computed).toMatchObject({ order_count: 2, total_spent: 52.5 });
    expect(await second.process.stop('SIGTERM', 5_000)).toEqual({ code: 0, signal: null });
  });
});

describe.each(engines)('graceful shutdown under load on %s', (engine) => {
  const WRITE_KEY = 'cbw_process_shutdown_write_01';
  const ADMIN_KEY = 'cba_process_shutdown_admin_01';

  it('exits 0 on SIGTERM and keeps every acknowledged event', async () => {
    const db = await database(engine);
    const env = {
      DATABASE_URL: db.url,
      COMEBACK_WRITE_KEY: WRITE_KEY,
      COMEBACK_API_KEY: ADMIN_KEY,
    };
    const work = makeWorkload(`shutdown-${engine}`, 300, { perBatch: 20 });
    const server = await startServe({ env });
    let signalled = false;
    const sent = await sendBatches(server.url, WRITE_KEY, work.batches, {
      concurrency: 8,
      onAck: (acked) => {
        if (acked === 40) {
          signalled = true;
          server.process.child.kill('SIGTERM');
        }
      },
    });
    expect(signalled).toBe(true);
    const exit = await server.process.waitExit(10_000, 'after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    // Requests after the signal are refused, never acknowledged and dropped.
    expect(sent.acked.size).toBeLessThan(work.batches.length);
    expect(sent.acked.size + sent.failed.size).toBeLessThanOrEqual(work.batches.length);

    const restarted = await startServe({ env });
    await settled(restarted.url);
    const stored = await readStoredEvents(db.url);
    const lost = work.batches
      .filter((b) => sent.acked.has(b.index))
      .flatMap((b) => b.calls.map((c) => c.messageId))
      .filter((id) => stored.counts.get(id) !== 1);
    expect(lost, 'acknowledged messageIds missing after a graceful stop').toEqual([]);
    expect([...stored.counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(stored.unassigned).toBe(0);
    expect(await restarted.process.stop('SIGTERM', 5_000)).toEqual({ code: 0, signal: null });
  });
});

describe('the other commands', () => {
  it('--help lists serve, migrate and keys', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'keys']) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it.each(engines)(
    'migrate applies the migrations to a fresh %s database, then none',
    async (e) => {
      const db = await database(e);
      const first = await runCli(['migrate'], { env: { DATABASE_URL: db.url } });
      expect(first).toMatchObject({ code: 0, signal: null });
      expect(first.stdout).toMatch(/^Applied: 001-initial\b/m);
      const second = await runCli(['migrate'], { env: { DATABASE_URL: db.url } });
      expect(second).toMatchObject({ code: 0, stdout: 'Database is up to date\n' });
    },
  );

  it.each(engines)('keys create prints keys that a server on %s accepts', async (e) => {
    const db = await database(e);
    const env = { DATABASE_URL: db.url };
    const admin = await runCli(['keys', 'create', '--scope', 'admin'], { env });
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toMatch(/^cba_\S+\n$/);
    const write = await runCli(['keys', 'create', '--scope', 'write', '--label', 'shop'], { env });
    expect(write.code, write.stderr).toBe(0);
    expect(write.stdout).toMatch(/^cbw_\S+\n$/);

    const server = await startServe({ env });
    const adminKey = admin.stdout.trim();
    const writeKey = write.stdout.trim();
    const res = await postTracking(server.url, '/v1/identify', writeKey, {
      userId: 'cli-key-user',
      traits: { email: 'cli@example.com' },
    });
    expect(res.status).toBe(200);
    await settled(server.url);
    const found = await profilesOf(server.url, 'cli-key-user', adminKey);
    expect(found.map((p) => p.traits.email)).toEqual(['cli@example.com']);
    const unknown = await adminGet(server.url, '/api/v1/profiles?userId=x', 'cba_not_a_key_at_all');
    expect(unknown.status).toBe(401);
    expect(await server.process.stop('SIGTERM', 5_000)).toEqual({ code: 0, signal: null });
  });

  it('keys create --workspace makes a second store whose keys see only its own data', async () => {
    const db = await database('sqlite');
    const env = { DATABASE_URL: db.url };
    const key = async (scope: string, workspace?: string) => {
      const args = [
        'keys',
        'create',
        '--scope',
        scope,
        ...(workspace ? ['--workspace', workspace] : []),
      ];
      const res = await runCli(args, { env });
      expect(res.code, res.stderr).toBe(0);
      return res.stdout.trim();
    };
    const [shopWrite, shopAdmin, mainAdmin] = [
      await key('write', 'shop-two'),
      await key('admin', 'shop-two'),
      await key('admin'),
    ];
    const server = await startServe({ env });
    const res = await postTracking(server.url, '/v1/identify', shopWrite, {
      userId: 'second-store-user',
      traits: { email: 's2@example.com' },
    });
    expect(res.status).toBe(200);
    await settled(server.url);
    expect((await profilesOf(server.url, 'second-store-user', shopAdmin)).length).toBe(1);
    expect(await profilesOf(server.url, 'second-store-user', mainAdmin)).toEqual([]);
    const bad = await runCli(['keys', 'create', '--scope', 'write', '--workspace', 'Bad!'], {
      env,
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--workspace must be/);
    expect(await server.process.stop('SIGTERM', 5_000)).toEqual({ code: 0, signal: null });
  });

  it('keys create --scope nope fails with a message', async () => {
    const db = await database('sqlite');
    const res = await runCli(['keys', 'create', '--scope', 'nope'], {
      env: { DATABASE_URL: db.url },
    });
    expect(res.code).not.toBe(0);
    expect(res.code).not.toBeNull();
    expect(res.stderr).toMatch(/--scope must be write or admin \(got nope\)/);
    expect(res.stdout).not.toMatch(/cb[wa]_/);
  });
});
