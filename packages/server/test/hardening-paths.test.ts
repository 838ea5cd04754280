import net from 'node:net';
import type { ImportJobView, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace, insertKey } from '../src/modules/workspaces/index.js';
import { engines } from './support/engines.js';
import { bearer, expectEnvelope, expectRefused, raw } from './support/rejections.js';
import {
  ADMIN_KEY,
  WRITE_KEY,
  json,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

/**
 * User-given names that walk into prototypes (issue 9, items 1 and 11): dotted import columns,
 * mapping targets, JSON keys and trait names are ordinary names - never a way into
 * Object.prototype, and never silently dropped because a plain object inherits them.
 */
const OTHER = { write: 'cbw_hardening_other_write', admin: 'cba_hardening_other_admin' };

/**
 * JSON text of `n` levels of objects: nested(1) is `{"v":1}`. Built as text: 10,000 levels
 * would overflow the test's own JSON.stringify.
 */
const nested = (n: number): string => `${'{"a":'.repeat(n - 1)}{"v":1}${'}'.repeat(n - 1)}`;

/** The server's own reading of whether any object in the process grew a `userId`. */
const prototypeIsClean = () =>
  !Object.hasOwn(Object.prototype, 'userId') &&
  !Object.hasOwn(Object.prototype, 'polluted') &&
  (Object.create(Object.prototype) as Record<string, unknown>).userId === undefined;

describe.each(engines)('prototype-walking names on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    const db = t.server.services.database.db;
    const now = t.server.services.clock.now();
    await ensureWorkspace(db, { id: 'ws-b', name: 'Another store', now });
    for (const scope of ['write', 'admin'] as const) {
      await insertKey(db, { workspaceId: 'ws-b', scope, key: OTHER[scope], now });
    }
  });
  afterAll(async () => {
    // Should the fix regress, do not leave the pollution to the next test in this process.
    for (const k of ['userId', 'polluted']) Reflect.deleteProperty(Object.prototype, k);
    await t?.stop();
  });

  const upload = async (query: string, body: string, type = 'text/csv') => {
    const res = await fetch(`${t.url}/api/v1/imports?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': type },
      body,
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await json<ImportJobView>(res);
    for (let i = 0; i < 300; i++) {
      const job = await json<ImportJobView>(await t.api(`/api/v1/imports/${id}`));
      if (job.status === 'done' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not finish`);
  };

  const profilesOf = async (query: string, key = OTHER.admin) =>
    (await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?${query}`, { key }))).data;

  it('refuses a __proto__ key in a JSON body with 400 naming where it is', async () => {
    const body = '{"anonymousId":"p-1","event":"E","properties":{"a":{"__proto__":{"x":1}}}}';
    for (const type of ['application/json', 'text/plain']) {
      const res = await fetch(`${t.url}/v1/track`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WRITE_KEY}`, 'content-type': type },
        body,
      });
      expect(res.status).toBe(400);
      const { error } = await json<{ error: { code: string; message: string } }>(res);
      expect(error.code).toBe('validation_failed');
      expect(error.message).toContain('properties.a.__proto__');
    }
    // A body that is simply not JSON keeps the parser's own message.
    const broken = await t.send('/v1/track', '{"__proto__": ');
    expect(broken.status).toBe(400);
    expect((await json<{ error: { message: string } }>(broken)).error.message).toContain(
      'not valid JSON',
    );
    expect(prototypeIsClean()).toBe(true);
  });

  it("a two-line CSV with a context.__proto__.userId column changes no other workspace's calls", async () => {
    const job = await upload(
      'kind=events&name=evil.csv',
      'anonymousId,event,context.__proto__.userId\nvisitor-a,Viewed,pwned\n',
    );
    expect(prototypeIsClean()).toBe(true);

    // Two anonymous visitors of another store stay two anonymous people.
    for (const anonymousId of ['b-visitor-1', 'b-visitor-2']) {
      const res = await t.send('/v1/track', { anonymousId, event: 'Viewed' }, OTHER.write);
      expect(res.status).toBe(200);
    }
    await t.settle();
    const stored = await t.server.services.database.db
      .selectFrom('events')
      .leftJoin('event_profiles', 'event_profiles.seq', 'events.seq')
      .select(['anonymous_id', 'user_id', 'profile_id'])
      .where('workspace_id', '=', 'ws-b')
      .execute();
    expect(stored.map((e) => e.user_id)).toEqual([null, null]);
    expect(new Set(stored.map((e) => e.profile_id)).size).toBe(2);
    expect(await profilesOf('userId=pwned')).toEqual([]);
    // The file itself is refused at its header, naming the column, before anything is written.
    expect(job.status).toBe('failed');
    expect(job.error).toContain('column "context.__proto__.userId"');
    expect(job.error).toContain('__proto__ cannot be a field name');
  });

  it('refuses prototype segments hidden in JSON lines, row by row, naming the key', async () => {
    const lines = [
      JSON.stringify({ email: 'fine@example.com', traits: { tier: 'gold' } }),
      '{"email":"evil@example.com","traits":{"__proto__":{"polluted":"yes"}}}',
      '{"email":"evil2@example.com","traits":{"constructor":{"prototype":{"polluted":"yes"}}}}',
    ].join('\n');
    const job = await upload('kind=customers&format=jsonl', lines, 'application/x-ndjson');
    expect(job.status).toBe('done');
    expect(job.summary).toMatchObject({ imported: 1, rejected: 2 });
    expect(job.summary?.errors.map((e) => e.message)).toEqual([
      'traits.__proto__: __proto__ cannot be a field name',
      'column "traits.constructor.prototype.polluted": constructor cannot be a field name',
    ]);
    // Events as sent: a __proto__ key is refused wherever it is, as the HTTP API refuses it.
    const calls = [
      '{"type":"track","anonymousId":"j-1","event":"E","context":{"__proto__":{"userId":"pwned"}}}',
      '{"type":"track","anonymousId":"j-2","event":"E","context":{"traits":{"constructor":"ok"}}}',
    ].join('\n');
    const events = await upload('kind=events&format=jsonl', calls, 'application/x-ndjson');
    expect(events.summary).toMatchObject({ imported: 1, rejected: 1 });
    expect(events.summary?.errors.map((e) => e.message)).toEqual([
      'context.__proto__: __proto__ cannot be a field name',
    ]);
    expect(prototypeIsClean()).toBe(true);
  });

  it('answers 400 naming the column for mapping targets through __proto__, constructor or prototype', async () => {
    const columns = [
      { source: 'anon', target: 'anonymousId' },
      { source: 'evil', target: 'context.__proto__.userId' },
    ];
    const envelope = await expectRefused(
      t,
      () =>
        t.api('/api/v1/import-mappings', {
          method: 'POST',
          body: { name: 'evil', kind: 'events', columns },
        }),
      { status: 400, code: 'validation_failed', field: 'columns.1.target', mentions: '"evil"' },
    );
    expect(envelope.error.message).toContain('__proto__ cannot be a field name');
    const viaConstructor = await t.api('/api/v1/import-mappings', {
      method: 'POST',
      body: {
        name: 'evil-2',
        kind: 'customers',
        columns: [
          { source: 'mail', target: 'email' },
          { source: 'x', target: 'traits.constructor.prototype.polluted' },
        ],
        constants: { 'traits.prototype': 'x' },
      },
    });
    await expectEnvelope(viaConstructor, {
      status: 400,
      code: 'validation_failed',
      field: 'columns.1.target',
    });
    const list = await json<{ data: unknown[] }>(await t.api('/api/v1/import-mappings'));
    expect(list.data).toEqual([]);
  });

  it('keeps traits named constructor, toString, valueOf and hasOwnProperty, last writer winning', async () => {
    const traits = {
      email: 'names@example.com',
      constructor: 'c-1',
      toString: 't-1',
      valueOf: 'v-1',
      hasOwnProperty: 'h-1',
    };
    const at = (t0: string) => ({ userId: 'u-names', timestamp: t0 });
    expect((await t.send('/v1/identify', { ...at('2024-01-01T00:00:00Z'), traits })).status).toBe(
      200,
    );
    const later = { toString: 't-2', hasOwnProperty: 'h-2' };
    const sent = await t.send('/v1/identify', { ...at('2024-01-02T00:00:00Z'), traits: later });
    expect(sent.status).toBe(200);
    // An older call loses against the stored stamps, inherited names included.
    const older = { valueOf: 'v-0', constructor: 'c-0' };
    const old = await t.send('/v1/identify', { ...at('2023-12-01T00:00:00Z'), traits: older });
    expect(old.status).toBe(200);
    await t.settle();
    const [profile] = await profilesOf('userId=u-names', ADMIN_KEY);
    expect(profile?.traits).toMatchObject({
      constructor: 'c-1',
      toString: 't-2',
      valueOf: 'v-1',
      hasOwnProperty: 'h-2',
    });
  });

  it('refuses product attributes nested deeper than 32 levels with a 400 naming attributes', async () => {
    const post = (attributes: string) =>
      raw(t, '/api/v1/products', {
        headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' },
        body: `{"id":"deep-1","title":"Deep","attributes":${attributes}}`,
      });
    await expectRefused(t, () => post(nested(10_000)), {
      status: 400,
      code: 'validation_failed',
      field: 'attributes',
      mentions: 'nested deeper than 32 levels',
    });
    await expectRefused(t, () => post(nested(33)), {
      status: 400,
      code: 'validation_failed',
      field: 'attributes',
    });
    expect((await post(nested(32))).status).toBeLessThan(300);
  });

  it('refuses tracking properties nested deeper than 32 levels, naming the field', async () => {
    const call = (properties: string) =>
      `"userId":"u-deep","event":"Viewed","properties":${properties}`;
    await expectRefused(t, () => t.send('/v1/track', `{${call(nested(33))}}`), {
      status: 400,
      code: 'validation_failed',
      field: 'properties',
      mentions: 'nested deeper than 32 levels',
    });
    const batch = `{"batch":[{"type":"track",${call(nested(40))}}]}`;
    await expectRefused(t, () => t.send('/v1/batch', batch), {
      status: 400,
      code: 'validation_failed',
      field: 'batch.0.properties',
    });
    expect((await t.send('/v1/track', `{${call(nested(32))}}`)).status).toBe(200);
  });
});

/** Writes raw HTTP on a socket and returns the status and body Node's client would not send. */
function rawRequest(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', (e) => (text ? undefined : reject(e)));
    socket.on('close', () => {
      const [headers = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), body });
    });
  });
}

describe('requests Node refuses before routing', () => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer('sqlite')));
  afterAll(async () => t?.stop());

  const port = () => Number(new URL(t.url).port);
  const envelopeOf = (body: string) =>
    JSON.parse(body) as { error: { code: string; message: string; details: { field: string }[] } };

  it('answers an over-long URL with 414 in the error envelope', async () => {
    const url = `/api/v1/profiles?email=${'a'.repeat(20_000)}`;
    const res = await rawRequest(port(), `GET ${url} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(envelopeOf(res.body).error).toMatchObject({
      code: 'uri_too_long',
      details: [{ field: 'url' }],
    });
  });

  it('answers over-large headers with 431 in the error envelope', async () => {
    const cookie = `Cookie: ${'c'.repeat(20_000)}\r\n`;
    const res = await rawRequest(port(), `GET /health HTTP/1.1\r\nHost: x\r\n${cookie}\r\n`);
    expect(res.status).toBe(431);
    expect(envelopeOf(res.body).error).toMatchObject({
      code: 'headers_too_large',
      details: [{ field: 'headers' }],
    });
  });
});
