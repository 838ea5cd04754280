import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import {
  expectEnvelope,
  expectRefused,
  raw,
  rowCounts,
  type Refusal,
} from './support/rejections.js';
import { ADMIN_KEY, WRITE_KEY, startTestServer, type TestServer } from './support/test-server.js';

/** One valid call per tracking endpoint: each case below breaks exactly one thing of it. */
const valid: Record<string, Record<string, unknown>> = {
  '/v1/track': { userId: 'u-bad', event: 'Product Viewed', properties: { product_id: 'p-1' } },
  '/v1/identify': { userId: 'u-bad', traits: { email: 'bad@example.com' } },
  '/v1/page': { anonymousId: 'a-bad', name: 'Home', properties: { path: '/' } },
  '/v1/screen': { anonymousId: 'a-bad', name: 'Home', properties: {} },
  '/v1/alias': { userId: 'u-bad', previousId: 'a-bad' },
  '/v1/group': { userId: 'u-bad', groupId: 'g-1', traits: { name: 'Acme' } },
  '/v1/batch': {
    batch: [0, 1, 2, 3, 4].map((i) => ({ type: 'track', userId: 'u-bad', event: `E${i}` })),
  },
};
const endpoints = Object.keys(valid);
const single = endpoints.filter((p) => p !== '/v1/batch');

const without = (o: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const withItem3 = (item: Record<string, unknown>) => ({
  batch: [0, 1, 2, 3, 4].map((i) =>
    i === 3 ? item : { type: 'track', userId: 'u-bad', event: `E${i}` },
  ),
});
const pad = (bytes: number) => 'x'.repeat(bytes);

interface Case extends Refusal {
  name: string;
  path: string;
  /** A string is sent as is (malformed JSON, empty body). */
  body: unknown;
}
/** A 400 whose details name `field`. */
const bad = (what: string, path: string, body: unknown, field: string): Case => ({
  name: `${path}: ${what}`,
  path,
  body,
  status: 400,
  code: 'validation_failed',
  field,
});

const cases: Case[] = [
  ...endpoints.flatMap((p) => [
    bad('malformed JSON', p, '{"userId": "u-bad", ', 'body'),
    bad('empty body', p, '', 'body'),
    bad('a JSON array as body', p, '[]', 'body'),
    bad('JSON null as body', p, 'null', 'body'),
  ]),
  bad('event: 5', '/v1/track', { ...valid['/v1/track'], event: 5 }, 'event'),
  bad('no event', '/v1/track', without(valid['/v1/track'] ?? {}, 'event'), 'event'),
  bad('properties: []', '/v1/track', { ...valid['/v1/track'], properties: [] }, 'properties'),
  bad(
    'timestamp: yesterday',
    '/v1/track',
    { ...valid['/v1/track'], timestamp: 'yesterday' },
    'timestamp',
  ),
  bad('userId: {}', '/v1/track', { ...valid['/v1/track'], userId: {} }, 'userId'),
  bad('messageId: ""', '/v1/track', { ...valid['/v1/track'], messageId: '' }, 'messageId'),
  bad('traits: "x"', '/v1/identify', { ...valid['/v1/identify'], traits: 'x' }, 'traits'),
  bad(
    'anonymousId: []',
    '/v1/identify',
    { ...valid['/v1/identify'], anonymousId: [] },
    'anonymousId',
  ),
  bad('context: "x"', '/v1/identify', { ...valid['/v1/identify'], context: 'x' }, 'context'),
  bad('sentAt: 12', '/v1/page', { ...valid['/v1/page'], sentAt: 12 }, 'sentAt'),
  bad('name: 5', '/v1/page', { ...valid['/v1/page'], name: 5 }, 'name'),
  bad('properties: "x"', '/v1/screen', { ...valid['/v1/screen'], properties: 'x' }, 'properties'),
  bad('previousId: {}', '/v1/alias', { ...valid['/v1/alias'], previousId: {} }, 'previousId'),
  bad('traits: []', '/v1/group', { ...valid['/v1/group'], traits: [] }, 'traits'),
  // Missing ids.
  ...single
    .filter((p) => p !== '/v1/alias')
    .map((p) =>
      bad(
        'no userId and no anonymousId',
        p,
        without(valid[p] ?? {}, 'userId', 'anonymousId'),
        'userId',
      ),
    ),
  bad('blank userId', '/v1/track', { ...valid['/v1/track'], userId: '  ' }, 'userId'),
  bad('no previousId', '/v1/alias', { userId: 'u-bad' }, 'previousId'),
  bad('no userId', '/v1/alias', { anonymousId: 'a-2', previousId: 'a-bad' }, 'userId'),
  bad('no groupId', '/v1/group', { userId: 'u-bad' }, 'groupId'),
  // Batches: the failing item is named by its index, and none of the good ones is stored.
  bad(
    'item 3 with event: 5',
    '/v1/batch',
    withItem3({ type: 'track', userId: 'u', event: 5 }),
    'batch.3.event',
  ),
  bad(
    'item 3 without ids',
    '/v1/batch',
    withItem3({ type: 'track', event: 'E3' }),
    'batch.3.userId',
  ),
  bad(
    'item 3 with a bad timestamp',
    '/v1/batch',
    withItem3({ type: 'page', userId: 'u', timestamp: 'yesterday' }),
    'batch.3.timestamp',
  ),
  bad(
    'item 3 an alias without previousId',
    '/v1/batch',
    withItem3({ type: 'alias', userId: 'u' }),
    'batch.3.previousId',
  ),
  bad(
    'item 3 of an unknown type',
    '/v1/batch',
    withItem3({ type: 'purchase', userId: 'u' }),
    'batch.3.type',
  ),
  bad(
    'item 3 without a type',
    '/v1/batch',
    withItem3({ userId: 'u', event: 'E3' }),
    'batch.3.type',
  ),
  bad('an empty batch', '/v1/batch', { batch: [] }, 'batch'),
  bad('batch is not an array', '/v1/batch', { batch: { type: 'track' } }, 'batch'),
  bad('no batch', '/v1/batch', { sentAt: '2026-01-01T00:00:00Z' }, 'batch'),
  // Sizes.
  ...single.map((p) => ({
    name: `${p}: an event over 32 KB`,
    path: p,
    body: { ...valid[p], context: { blob: pad(33 * 1024) } },
    status: 413,
    code: 'payload_too_large' as const,
    field: 'body',
    mentions: '32 KB',
  })),
  {
    // Fewer than 32 K characters, but over 32 KB once encoded as UTF-8 (2 bytes per "é").
    name: '/v1/batch: an event over 32 KB in UTF-8 bytes, not in characters',
    path: '/v1/batch',
    body: {
      batch: [
        { type: 'track', userId: 'u-bad', event: 'E', properties: { note: 'é'.repeat(17_000) } },
      ],
    },
    status: 413,
    code: 'payload_too_large',
    field: 'batch.0',
    mentions: '32 KB',
  },
  {
    name: '/v1/batch: a batch over 500 KB',
    path: '/v1/batch',
    body: {
      batch: Array.from({ length: 26 }, (_, i) => ({
        type: 'track',
        userId: 'u-bad',
        event: `E${i}`,
        properties: { blob: pad(20 * 1024) },
      })),
    },
    status: 413,
    code: 'payload_too_large',
    field: 'body',
    mentions: '500 KB',
  },
  {
    name: '/v1/batch: item 3 over 32 KB',
    path: '/v1/batch',
    body: withItem3({
      type: 'track',
      userId: 'u',
      event: 'Big',
      properties: { b: pad(33 * 1024) },
    }),
    status: 413,
    code: 'payload_too_large',
    field: 'batch.3',
    mentions: '32 KB',
  },
];

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const keyings = [
  ['no key', undefined, 401, 'unauthorized'],
  ['Basic without a user name', basic(''), 401, 'unauthorized'],
  ['an unknown key', basic('cbw_not_a_key_at_all'), 401, 'unauthorized'],
  ['an unknown Bearer key', 'Bearer cbw_not_a_key_at_all', 401, 'unauthorized'],
  ['an admin key', basic(ADMIN_KEY), 403, 'forbidden'],
  ['an admin key as Bearer', `Bearer ${ADMIN_KEY}`, 403, 'forbidden'],
] as const;
const authCases = endpoints.flatMap((path) =>
  keyings.map(([what, authorization, status, code]) => ({
    name: `${path}: ${what}`,
    path,
    authorization,
    status,
    code,
  })),
);

describe.each(engines)('bad tracking input on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    // The valid calls themselves are accepted: each refusal below is due to the one change.
    for (const p of endpoints) expect((await t.send(p, valid[p])).status).toBe(200);
  });
  afterAll(async () => t?.stop());

  it.each(cases)('$name -> $status', async (c) => {
    await expectRefused(t, () => t.send(c.path, c.body), c);
  });

  it.each(authCases)('$name -> $status', async (c) => {
    await expectRefused(
      t,
      () =>
        raw(t, c.path, {
          body: JSON.stringify(valid[c.path]),
          headers: {
            'content-type': 'application/json',
            ...(c.authorization !== undefined ? { authorization: c.authorization } : {}),
          },
        }),
      { status: c.status, code: c.code, field: 'authorization' },
    );
  });

  it('refuses a body that is not JSON', async () => {
    await expectRefused(
      t,
      () =>
        raw(t, '/v1/track', {
          body: 'userId=u&event=E',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic(WRITE_KEY),
          },
        }),
      { status: 400, code: 'validation_failed', field: 'content-type' },
    );
  });
});

/**
 * Backpressure: with room for 100 pending events, 20 concurrent batches of 60 cannot all wait for
 * the same commit; the ones that do not fit are refused with 429 + Retry-After and none of their
 * events is stored, while every acknowledged event is. A round where every batch happened to fit
 * between two commits proves nothing, so rounds repeat until one batch was refused.
 */
describe.each(engines)('ingest backpressure on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { config: { ingestMaxPending: 100 } });
  });
  afterAll(async () => t?.stop());

  it('answers 429 with Retry-After past the pending limit and stores exactly the acknowledged', async () => {
    const acked = new Set<string>();
    const refused: Record<string, unknown>[][] = [];
    for (let round = 0; round < 20 && refused.length === 0; round++) {
      const batches = Array.from({ length: 20 }, (_, b) =>
        Array.from({ length: 60 }, (_, i) => ({
          type: 'track',
          userId: `u-rl-${b}`,
          event: 'Product Viewed',
          messageId: `rl-${round}-${b}-${i}`,
        })),
      );
      const responses = await Promise.all(batches.map((batch) => t.send('/v1/batch', { batch })));
      for (const [b, res] of responses.entries()) {
        const batch = batches[b] ?? [];
        if (res.status === 200) {
          expect(await res.json()).toEqual({ success: true });
          for (const e of batch) acked.add(String(e.messageId));
          continue;
        }
        expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
        await expectEnvelope(res, { status: 429, code: 'rate_limited', mentions: 'retry' });
        refused.push(batch);
      }
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(0);

    const stored = async () => {
      await rowCounts(t); // settles
      const rows = await t.server.services.database.db
        .selectFrom('events')
        .select('message_id')
        .where('message_id', 'like', 'rl-%')
        .execute();
      return new Set(rows.map((r) => r.message_id));
    };
    expect(await stored()).toEqual(acked);

    // A refused batch sent again once the queue has drained is accepted and stored.
    const retried = refused[0] ?? [];
    expect((await t.send('/v1/batch', { batch: retried })).status).toBe(200);
    for (const e of retried) acked.add(String(e.messageId));
    expect(await stored()).toEqual(acked);
  });
});
