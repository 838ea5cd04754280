import net from 'node:net';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppendQueue, EventLog, type AppendRow } from '../src/modules/ingest/index.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { AppError } from '../src/platform/errors.js';
import { engines, freshDatabase, type Engine, type TestDatabase } from './support/engines.js';
import {
  ADMIN_KEY,
  WRITE_KEY,
  json,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

/**
 * Sends only the head of a request (and `sent` bytes of a body announced as `length`), then
 * waits for the status line. Resolves with the head of the answer, or rejects after `ms`.
 */
function headOnly(
  url: string,
  opts: { authorization: string; length: number; path?: string },
  ms = 5000,
) {
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${ms} ms (the server waits for the body)`));
    }, ms);
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', () => undefined);
    socket.write(
      `POST ${opts.path ?? '/v1/batch'} HTTP/1.1\r\nhost: ${hostname}\r\n` +
        `content-type: application/json\r\ncontent-length: ${opts.length}\r\n` +
        `authorization: ${opts.authorization}\r\n\r\n{"batch":[`,
    );
  });
}

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

describe.each(engines)('tracking authenticates before reading the body on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it.each([
    ['an unknown key', basic('cbw_not_a_key_at_all_000000'), '401 '],
    ['a malformed header', 'Token abc', '401 '],
    ['an admin key', `Bearer ${ADMIN_KEY}`, '403 '],
  ])(
    '%s with a 480 KB body announced and unsent: refused at once',
    async (_, authorization, status) => {
      const head = await headOnly(t.url, { authorization, length: 480 * 1024 });
      expect(head.startsWith(`HTTP/1.1 ${status}`)).toBe(true);
      // The body is not read to its end: the connection closes after the answer.
      expect(head.toLowerCase()).toContain('connection: close');
    },
  );

  it('a valid key in the header still waits for the body, and the call is stored', async () => {
    await expect(
      headOnly(t.url, { authorization: basic(WRITE_KEY), length: 1000 }, 300),
    ).rejects.toThrow(/no answer/);
    const res = await t.send('/v1/track', { userId: 'u-edge', event: 'Ok', writeKey: 'ignored' });
    expect(res.status).toBe(200);
  });

  it('without a header, the key is taken from the body (sendBeacon) as before', async () => {
    const res = await fetch(`${t.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ writeKey: WRITE_KEY, userId: 'u-beacon', event: 'Beacon' }),
    });
    expect(res.status).toBe(200);
    const bad = await fetch(`${t.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ writeKey: 'cbw_nope', userId: 'u-beacon', event: 'Beacon' }),
    });
    expect(bad.status).toBe(401);
  });

  it('the admin API also refuses a bad key before a large upload is read', async () => {
    const head = await headOnly(t.url, {
      authorization: 'Bearer cba_not_a_key_at_all_00000',
      length: 900 * 1024,
      path: '/api/v1/products/batch',
    });
    expect(head.startsWith('HTTP/1.1 401 ')).toBe(true);
  });
});

/** Holds the event log's write lock from another connection, as a long commit would. */
async function holdAppendLock(engine: Engine, url: string): Promise<() => Promise<void>> {
  if (engine === 'sqlite') {
    const other = new BetterSqlite3(url.slice('sqlite:'.length));
    other.exec('begin immediate');
    return async () => {
      other.exec('rollback');
      other.close();
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('select pg_advisory_lock(7301001)'); // EventLog's APPEND_LOCK
  return async () => {
    await client.query('select pg_advisory_unlock(7301001)');
    await client.end();
  };
}

const row = (id: string): AppendRow => ({
  workspaceId: 'default',
  messageId: id,
  type: 'track',
  event: 'E',
  userId: 'u',
  anonymousId: null,
  timestamp: 1,
  receivedAt: 1,
  payload: '{}',
});

const refusal = (p: Promise<void>) =>
  p.then(
    () => 'accepted',
    (error: unknown) =>
      error instanceof AppError
        ? { code: error.failure.code, retryAfter: error.retryAfterSeconds }
        : error,
  );

describe.each(engines)('ingestion sheds load on queue time on %s', (engine) => {
  let handle: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database?.close();
    await handle?.drop();
  });

  async function queue(now: () => number) {
    handle = await freshDatabase(engine);
    database = openDatabase(handle.url);
    await migrateToLatest(database);
    return new AppendQueue(new EventLog(database), {
      maxPending: 50_000,
      maxWaitMs: 2000,
      now,
      onAppended: () => undefined,
    });
  }

  it('answers 429 with Retry-After once the oldest waiting request waited past the bound', async () => {
    let now = 0;
    const q = await queue(() => now);
    const release = await holdAppendLock(engine, handle.url);
    const first = q.append([row('m1')]);
    now = 1500;
    const second = q.append([row('m2')]); // within the bound: joins
    now = 2001;
    expect(await refusal(q.append([row('m3')]))).toEqual({ code: 'rate_limited', retryAfter: 2 });
    expect(q.pending).toBe(2); // few events: the size bound alone would have admitted it
    await release();
    await Promise.all([first, second]);
    // Nothing waits any more: the next request is admitted however late it is.
    now = 10_000;
    await q.append([row('m4')]);
    const stored = await database.db
      .selectFrom('events')
      .select('message_id')
      .orderBy('seq')
      .execute();
    expect(stored.map((r) => r.message_id)).toEqual(['m1', 'm2', 'm4']);
  });

  it('answers 429 while commits themselves take longer than the bound', async () => {
    let now = 0;
    const q = await queue(() => now);
    const release = await holdAppendLock(engine, handle.url);
    const slow = q.append([row('s1')]);
    // The commit waits 2.5 s for the write lock (on the injected clock).
    await new Promise((r) => setTimeout(r, 50));
    now = 2500;
    await release();
    await slow;
    // An idle queue admits, so the time is measured anew; behind it, the slow average refuses.
    const lock2 = await holdAppendLock(engine, handle.url);
    const next = q.append([row('s2')]);
    const refused = await refusal(q.append([row('s3')]));
    await lock2();
    await next;
    expect(refused).toEqual({ code: 'rate_limited', retryAfter: 2 });
  });
});

describe.each(engines)('the 429 reaches HTTP clients on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { background: false, config: { ingestMaxWaitMs: 100 } });
  });
  afterAll(async () => t?.stop());

  it('with Retry-After, before the waiting clients time out', async () => {
    const url = t.server.services.config.databaseUrl;
    const release = await holdAppendLock(engine, url);
    const waiting = t.send('/v1/track', { userId: 'u-wait', event: 'Waits' });
    while (t.server.services.appendQueue.pending === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 150));
    const shed = await t.send('/v1/track', { userId: 'u-shed', event: 'Shed' });
    expect(shed.status).toBe(429);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(await json(shed)).toMatchObject({ error: { code: 'rate_limited' } });
    await release();
    expect((await waiting).status).toBe(200);
  });
});
