import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { startSftpServer, type TestSftpServer } from '../support/sftp-server.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

interface Source {
  id: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastError: string | null;
  seenHostFingerprint: string | null;
  authMethods: string[];
  enabled: boolean;
  files: { imported: number; failed: number; pendingMoves: number };
}
interface FileRow {
  id: number;
  name: string;
  status: 'importing' | 'imported' | 'failed';
  attempts: number;
  summary: { imported?: number; rows?: number; rejected?: number } | null;
  error: string | null;
  movedTo: string | null;
  moveError: string | null;
}
interface Profile {
  id: string;
  traits: Record<string, unknown>;
  computed: { order_count: number; total_spent: number };
}

const START = Date.parse('2025-06-02T08:00:00Z');
const CUSTOMERS = [
  'email,first_name,last_name,customer_id',
  'ana@example.com,Ana,Lima,c-1',
  'bo@example.com,Bo,Berg,c-2',
  '',
].join('\n');
const ORDERS = [
  'order_id,email,ordered_at,total,currency,line.sku,line.price,line.quantity',
  'o-1001,ana@example.com,2025-05-30T10:00:00Z,50,EUR,SKU-1,25,2',
  'o-1002,bo@example.com,2025-05-31T11:00:00Z,19.9,EUR,SKU-2,19.9,1',
  '',
].join('\n');

describe.each(engines)('scheduled SFTP pull on %s', (engine) => {
  let t: TestServer;
  let sftpd: TestSftpServer;
  const clock = new ManualClock(START);
  const userKey = ssh2.utils.generateKeyPairSync('ed25519');
  beforeAll(async () => {
    sftpd = await startSftpServer({ authorizedKey: userKey.public });
    t = await startTestServer(engine, { clock });
  });
  afterAll(async () => {
    await t?.stop();
    await sftpd?.stop();
  });
  // Each test's sources go with it, so later clock advances do not keep polling them.
  const created: string[] = [];
  afterEach(async () => {
    for (const id of created.splice(0)) {
      await t.api(`/api/v1/sftp-sources/${id}`, { method: 'DELETE' });
    }
  });

  const connection = () => ({
    host: '127.0.0.1',
    port: sftpd.port,
    username: sftpd.username,
    password: sftpd.password,
    hostFingerprint: sftpd.hostFingerprint,
  });
  const create = async (body: Record<string, unknown>) => {
    const res = await t.api('/api/v1/sftp-sources', {
      method: 'POST',
      body: { name: 'ERP', schedule: '*/15 * * * *', ...connection(), ...body },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const src = await json<Source>(res);
    created.push(src.id);
    return src;
  };
  const source = async (id: string) => json<Source>(await t.api(`/api/v1/sftp-sources/${id}`));
  const files = async (id: string) =>
    (await json<{ data: FileRow[] }>(await t.api(`/api/v1/sftp-sources/${id}/files`))).data;
  const runNow = async (id: string) => {
    const res = await t.api(`/api/v1/sftp-sources/${id}/run`, { method: 'POST' });
    expect(res.status, await res.clone().text()).toBe(200);
    return json<{ error: string | null; files: FileRow[] }>(res);
  };
  const advance = async (by: string) => {
    const res = await t.api('/clock/advance', { method: 'POST', body: { by } });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const profileByEmail = async (email: string) =>
    (await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?email=${email}`))).data[0];
  const nextQuarterAfter = (ms: number) => new Date((Math.floor(ms / 900_000) + 1) * 900_000);

  it('imports dropped customers and orders at the cron instant and moves them to processed/', async () => {
    const customers = await create({
      remoteDir: '/drop/customers',
      pattern: 'customers-*.csv',
      kind: 'customers',
    });
    const orders = await create({ remoteDir: '/drop/orders', kind: 'orders' });
    expect(customers.nextRunAt).toBe(nextQuarterAfter(clock.now()).toISOString());
    expect(customers.authMethods).toEqual(['password']);
    sftpd.drop('/drop/customers/customers-2025-06-02.csv', CUSTOMERS);
    sftpd.drop('/drop/customers/notes.txt', 'not for us');
    sftpd.drop('/drop/orders/orders-2025-06-02.csv', ORDERS);

    await advance('PT10M'); // 08:10: before the instant, nothing is pulled
    expect(sftpd.list('/drop/customers')).toContain('customers-2025-06-02.csv');
    await advance('PT10M'); // 08:20: the 08:15 run happened
    expect(sftpd.list('/drop/customers')).toEqual(['notes.txt', 'processed']);
    expect(sftpd.list('/drop/customers/processed')).toEqual(['customers-2025-06-02.csv']);
    expect(sftpd.list('/drop/orders/processed')).toEqual(['orders-2025-06-02.csv']);

    const ana = await profileByEmail('ana@example.com');
    expect(ana?.traits).toMatchObject({ first_name: 'Ana', last_name: 'Lima' });
    expect(ana?.computed).toMatchObject({ order_count: 1, total_spent: 50 });
    const order = await t.api('/api/v1/orders/o-1002');
    expect(order.status).toBe(200);

    const [logged] = await files(customers.id);
    expect(logged).toMatchObject({
      name: 'customers-2025-06-02.csv',
      status: 'imported',
      attempts: 1,
      movedTo: '/drop/customers/processed/customers-2025-06-02.csv',
      error: null,
    });
    expect(logged?.summary).toMatchObject({ rows: 2, rejected: 0 });
    const after = await source(customers.id);
    expect(after).toMatchObject({
      lastRunAt: '2025-06-02T08:15:00.000Z',
      lastError: null,
      nextRunAt: '2025-06-02T08:30:00.000Z',
      seenHostFingerprint: sftpd.hostFingerprint,
      files: { imported: 1, failed: 0, pendingMoves: 0 },
    });
    expect((await source(orders.id)).files.imported).toBe(1);
  });

  it('does not import a file twice: a second poll, the same file dropped again', async () => {
    const src = await create({ remoteDir: '/drop/again', kind: 'customers' });
    sftpd.drop('/drop/again/people.csv', CUSTOMERS);
    const first = await runNow(src.id);
    expect(first.files.map((f) => f.status)).toEqual(['imported']);
    await advance('PT15M'); // a scheduled poll with nothing new
    expect(await files(src.id)).toHaveLength(1);
    // The same version (name, size, mtime) appears again: moved aside, never imported again.
    const kept = path.join(sftpd.root, 'drop/again/processed/people.csv');
    sftpd.drop('/drop/again/people.csv', CUSTOMERS);
    fs.utimesSync(
      path.join(sftpd.root, 'drop/again/people.csv'),
      fs.statSync(kept).atime,
      fs.statSync(kept).mtime,
    );
    const second = await runNow(src.id);
    expect(second.error).toBeNull();
    expect(second.files).toHaveLength(1);
    expect(second.files[0]).toMatchObject({ id: first.files[0]?.id, attempts: 1 });
    expect(second.files[0]?.movedTo).toBe(`/drop/again/processed/${first.files[0]?.id}-people.csv`);
    expect(await files(src.id)).toHaveLength(1);
  });

  it('a move that failed is finished on the next run, without importing again', async () => {
    const src = await create({ remoteDir: '/drop/stuck', kind: 'customers' });
    sftpd.drop('/drop/stuck/people.csv', CUSTOMERS);
    sftpd.refuseRenames = true;
    try {
      const run = await runNow(src.id);
      expect(run.files[0]).toMatchObject({ status: 'imported', movedTo: null });
      expect(run.files[0]?.moveError).toMatch(/cannot move people.csv/);
      expect((await source(src.id)).files.pendingMoves).toBe(1);
    } finally {
      sftpd.refuseRenames = false;
    }
    const [before] = await files(src.id);
    const run = await runNow(src.id);
    expect(run.files[0]).toMatchObject({
      id: before?.id,
      status: 'imported',
      attempts: 1,
      movedTo: '/drop/stuck/processed/people.csv',
      moveError: null,
    });
    expect(run.files[0]?.summary).toEqual(before?.summary);
    expect(sftpd.list('/drop/stuck')).toEqual(['processed']);
  });

  it('uploads the rejected rows next to the processed file', async () => {
    const src = await create({ remoteDir: '/drop/partly', kind: 'customers' });
    sftpd.drop('/drop/partly/people.csv', `${CUSTOMERS},Nemo,,\n`);
    const run = await runNow(src.id);
    expect(run.files[0]).toMatchObject({ status: 'imported', moveError: null });
    expect(run.files[0]?.summary).toMatchObject({
      rows: 3,
      rejected: 1,
      rejectedFile: '/drop/partly/processed/people.csv.rejected.csv',
    });
    expect(sftpd.list('/drop/partly/processed')).toEqual(['people.csv', 'people.csv.rejected.csv']);
    const side = fs.readFileSync(
      path.join(sftpd.root, 'drop/partly/processed/people.csv.rejected.csv'),
      'utf8',
    );
    expect(side).toContain('no identity');
  });

  it('a crash after the import, before its outcome was recorded, does not import twice', async () => {
    const src = await create({ remoteDir: '/drop/crash', kind: 'customers' });
    const people = ['email,first_name', 'cy@example.com,Cy', ''].join('\n');
    sftpd.drop('/drop/crash/people.csv', people);
    const first = (await runNow(src.id)).files[0];
    expect(first?.summary).toMatchObject({ imported: 1 });
    // Put the world back as the crash left it: the row still `importing`, the file unmoved.
    const moved = path.join(sftpd.root, 'drop/crash/processed/people.csv');
    fs.renameSync(moved, path.join(sftpd.root, 'drop/crash/people.csv'));
    await t.server.services.database.db
      .updateTable('sftp_files')
      .set({
        status: 'importing',
        summary: null,
        finished_at: null,
        moved_to: null,
        moved_at: null,
      })
      .where('source_id', '=', src.id)
      .execute();
    const again = (await runNow(src.id)).files[0];
    // The same import job answered with its summary: nothing was imported a second time.
    expect(again).toMatchObject({ id: first?.id, status: 'imported', attempts: 2 });
    expect(again?.summary).toEqual(first?.summary);
    expect(sftpd.list('/drop/crash')).toEqual(['processed']);
    const cy = await profileByEmail('cy@example.com');
    expect(cy?.traits).toMatchObject({ first_name: 'Cy' });
  });

  it('logs in with a private key instead of a password', async () => {
    const src = await create({
      remoteDir: '/drop/keyed',
      kind: 'customers',
      password: undefined,
      privateKey: userKey.private,
    });
    expect(src.authMethods).toEqual(['privateKey']);
    sftpd.drop('/drop/keyed/people.csv', CUSTOMERS);
    const run = await runNow(src.id);
    expect(run.error).toBeNull();
    expect(run.files.map((f) => f.status)).toEqual(['imported']);
  });

  it('a garbage file ends in failed/ with the error in the file log', async () => {
    const src = await create({ remoteDir: '/drop/bad', pattern: '*.csv.gz', kind: 'customers' });
    sftpd.drop('/drop/bad/customers.csv.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    const run = await runNow(src.id);
    expect(run.error).toBeNull();
    expect(run.files[0]).toMatchObject({
      name: 'customers.csv.gz',
      status: 'failed',
      movedTo: '/drop/bad/failed/customers.csv.gz',
    });
    expect(run.files[0]?.error).toBeTruthy();
    expect(sftpd.list('/drop/bad/failed')).toEqual(['customers.csv.gz']);
    expect((await source(src.id)).files).toMatchObject({ imported: 0, failed: 1 });
  });

  it('a file whose saved mapping does not exist ends in failed/', async () => {
    const src = await create({ remoteDir: '/drop/unmapped', kind: 'customers', mapping: 'nope' });
    sftpd.drop('/drop/unmapped/people.csv', CUSTOMERS);
    const run = await runNow(src.id);
    expect(run.files[0]).toMatchObject({
      status: 'failed',
      movedTo: '/drop/unmapped/failed/people.csv',
    });
    expect(run.files[0]?.error).toMatch(/no saved mapping named nope/);
  });

  it('a wrong password: the source shows the error, nothing moves, the schedule goes on', async () => {
    const src = await create({ remoteDir: '/drop/locked', kind: 'customers', password: 'wrong' });
    sftpd.drop('/drop/locked/people.csv', CUSTOMERS);
    const at = Date.parse(src.nextRunAt ?? '');
    await advance('PT15M');
    const after = await source(src.id);
    expect(after.lastError).toMatch(/authentication failed for user erp/);
    expect(after.lastRunAt).toBe(new Date(at).toISOString());
    expect(after.nextRunAt).toBe(new Date(at + 900_000).toISOString());
    expect(sftpd.list('/drop/locked')).toEqual(['people.csv']);
    expect(await files(src.id)).toEqual([]);
    // Fixed: the next run takes the file and clears the error.
    await t.api(`/api/v1/sftp-sources/${src.id}`, {
      method: 'PATCH',
      body: { password: sftpd.password },
    });
    const run = await runNow(src.id);
    expect(run.error).toBeNull();
    expect((await source(src.id)).lastError).toBeNull();
  });

  it('refuses a server whose host key does not match the pinned one', async () => {
    const pinned = `SHA256:${'x'.repeat(43)}`;
    const src = await create({
      remoteDir: '/drop/pinned',
      kind: 'customers',
      hostFingerprint: pinned,
    });
    sftpd.drop('/drop/pinned/people.csv', CUSTOMERS);
    const run = await runNow(src.id);
    expect(run.error).toMatch(/host key mismatch/);
    expect(run.error).toContain(sftpd.hostFingerprint);
    expect((await source(src.id)).lastError).toMatch(/host key mismatch/);
    expect(sftpd.list('/drop/pinned')).toEqual(['people.csv']);
  });

  it('plans one run per instant; a new schedule or disabling replaces the planned run', async () => {
    const src = await create({ remoteDir: '/drop/planned', kind: 'customers' });
    const pending = async () =>
      t.server.services.database.db
        .selectFrom('jobs')
        .select(['run_at', 'dedupe_key'])
        .where('dedupe_key', 'like', `sftp:${src.id}:%`)
        .where('status', '=', 'pending')
        .execute();
    expect(await pending()).toHaveLength(1);
    await t.server.services.sftpSources.resumeSchedules(clock.now()); // harmless twice
    expect(await pending()).toHaveLength(1);
    const res = await t.api(`/api/v1/sftp-sources/${src.id}`, {
      method: 'PATCH',
      body: { schedule: '0 6 * * *', timezone: 'Europe/Berlin' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const changed = await json<Source>(res);
    const day = 86_400_000;
    const sixBerlin = Math.floor(clock.now() / day) * day + 4 * 3_600_000; // CEST: UTC+2
    const expected = sixBerlin > clock.now() ? sixBerlin : sixBerlin + day;
    expect(changed.nextRunAt).toBe(new Date(expected).toISOString());
    await advance('PT20M'); // the old quarter-hour job finds itself replaced and does nothing
    expect((await source(src.id)).lastRunAt).toBeNull();
    const off = await json<Source>(
      await t.api(`/api/v1/sftp-sources/${src.id}`, { method: 'PATCH', body: { enabled: false } }),
    );
    expect(off.nextRunAt).toBeNull();
    await advance('P1D');
    expect((await source(src.id)).lastRunAt).toBeNull();
    expect((await t.api(`/api/v1/sftp-sources/${src.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.api(`/api/v1/sftp-sources/${src.id}`)).status).toBe(404);
  });

  it('keeps credentials write-only and sealed', async () => {
    const src = await create({
      remoteDir: '/drop/secret',
      kind: 'customers',
      password: 'pa55-w0rd-XYZ',
    });
    const listed = await json<{ data: Record<string, unknown>[] }>(
      await t.api('/api/v1/sftp-sources'),
    );
    const mine = listed.data.find((s) => s.id === src.id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(mine)).not.toContain('pa55-w0rd-XYZ');
    expect(mine).not.toHaveProperty('password');
    const row = await t.server.services.database.db
      .selectFrom('sftp_sources')
      .select('sealed_auth')
      .where('id', '=', src.id)
      .executeTakeFirstOrThrow();
    expect(row.sealed_auth).not.toContain('pa55-w0rd-XYZ');
  });

  const bad = [
    { name: 'a bad cron expression', body: { schedule: 'every hour' }, field: 'schedule' },
    { name: 'a seconds field', body: { schedule: '*/5 * * * * *' }, field: 'schedule' },
    { name: 'an unknown time zone', body: { timezone: 'Mars/Olympus' }, field: 'timezone' },
    { name: 'no credentials', body: { password: undefined }, field: 'password' },
    { name: 'an unreadable key', body: { privateKey: 'not a key' }, field: 'privateKey' },
    { name: 'a pattern with a folder', body: { pattern: 'in/*.csv' }, field: 'pattern' },
    { name: 'an unknown kind', body: { kind: 'coupons' }, field: 'kind' },
    {
      name: 'a malformed fingerprint',
      body: { hostFingerprint: 'md5:ab' },
      field: 'hostFingerprint',
    },
    { name: 'a port out of range', body: { port: 70000 }, field: 'port' },
  ];
  it.each(bad)('refuses $name with 400 naming $field', async ({ body, field }) => {
    const res = await t.api('/api/v1/sftp-sources', {
      method: 'POST',
      body: { name: 'x', schedule: '@hourly', kind: 'customers', ...connection(), ...body },
    });
    expect(res.status).toBe(400);
    const error = (await json<{ error: { details: { field: string }[] } }>(res)).error;
    expect(error.details.map((d) => d.field)).toContain(field);
  });

  it('validates updates too and answers 404 for unknown sources', async () => {
    const src = await create({ remoteDir: '/drop/edit', kind: 'customers' });
    const res = await t.api(`/api/v1/sftp-sources/${src.id}`, {
      method: 'PATCH',
      body: { schedule: '61 * * * *' },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('schedule');
    const unpin = await t.api(`/api/v1/sftp-sources/${src.id}`, {
      method: 'PATCH',
      body: { password: null },
    });
    expect(unpin.status).toBe(400);
    for (const [method, suffix] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/run'],
      ['GET', '/files'],
    ] as const) {
      const r = await t.api(`/api/v1/sftp-sources/sftp_nope${suffix}`, {
        method,
        ...(method === 'PATCH' ? { body: { enabled: false } } : {}),
      });
      expect(r.status, `${method} ${suffix}`).toBe(404);
    }
  });
});
