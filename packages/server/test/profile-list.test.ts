/**
 * GET /api/v1/profiles without an identifier: a store browses its customers, newest first, a
 * page at a time, and searches them by email, user id or name prefix. The identifier lookup
 * keeps its behaviour.
 */
import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { engines } from './support/engines.js';
import { json, startTestServer, WRITE_KEY, type TestServer } from './support/test-server.js';

interface Page {
  data: Profile[];
  nextCursor: string | null;
}
interface ErrorBody {
  error: { code: string; details: { field: string; message: string }[] };
}

const people = [
  { userId: 'ana-7', email: 'ana@example.com', first_name: 'Ana', last_name: 'Lopez' },
  { userId: 'u-2', email: 'bob@example.com', first_name: 'Bob', last_name: 'Anand' },
  { userId: 'u-3', email: 'carla@example.com', first_name: 'Carla', last_name: 'Diaz' },
  { userId: 'u-4', email: 'dan@example.com', name: 'Daniel Ortega' },
  { userId: 'u-5', email: 'x_y@example.com', first_name: 'Xavier' },
  { userId: 'u-6', email: 'xzy@example.com', first_name: 'Xena' },
  // JSON writes the quote escaped and the Hebrew as it is: both found all the same.
  { userId: 'u-7', email: 'liam@example.com', first_name: 'Liam', last_name: 'O"Brien' },
  { userId: 'u-8', email: 'dana@example.com', first_name: 'דנה', last_name: 'כהן' },
];

describe.each(engines)('listing and searching profiles on %s', (engine) => {
  let t: TestServer;
  const clock = new ManualClock(Date.parse('2026-05-01T10:00:00Z'));
  const all = new Set<string>();

  const page = async (query: string): Promise<Page> => {
    const res = await t.api(`/api/v1/profiles?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return json<Page>(res);
  };
  const walk = async (query: string, limit: number, from: string | null = null) => {
    const seen: Profile[] = [];
    let cursor = from;
    for (let i = 0; i < 100; i++) {
      const p: Page = await page(
        `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(p.data.length).toBeLessThanOrEqual(limit);
      seen.push(...p.data);
      cursor = p.nextCursor;
      if (cursor === null) return seen;
    }
    throw new Error('paging did not end');
  };

  beforeAll(async () => {
    t = await startTestServer(engine, { clock });
    for (const { userId, ...traits } of people) {
      await t.send('/v1/identify', { userId, traits });
      await t.settle();
      clock.advance(1000);
    }
    // 20 more, several created in the same millisecond: pages break ties by id.
    for (let i = 0; i < 20; i++) {
      await t.send('/v1/identify', {
        userId: `bulk-${String(i).padStart(2, '0')}`,
        traits: { email: `bulk-${i}@shop.test` },
      });
      if (i % 4 === 3) {
        await t.settle();
        clock.advance(1000);
      }
    }
    await t.settle();
    const everyone = await page('limit=100');
    for (const p of everyone.data) all.add(p.id);
  });
  afterAll(async () => t?.stop());

  it('lists every profile once, newest first, across pages (ties in time included)', async () => {
    expect(all.size).toBe(28);
    const seen = await walk('', 7);
    expect(seen.map((p) => p.id).sort()).toEqual([...all].sort());
    const times = seen.map((p) => Date.parse(p.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('keeps paging stable while profiles are created', async () => {
    const first = await page('limit=10');
    clock.advance(1000);
    await t.send('/v1/identify', { userId: 'late-1', traits: { email: 'late@example.com' } });
    await t.settle();
    const rest = await walk('', 10, first.nextCursor);
    const ids = [...first.data, ...rest].map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...all].sort());
    // The new one is at the top of a fresh listing.
    const top = await page('limit=1');
    expect(top.data[0]?.traits.email).toBe('late@example.com');
  });

  it('searches email, user id and name prefixes, ignoring case', async () => {
    const emails = async (q: string) =>
      (await walk(`q=${encodeURIComponent(q)}`, 2)).map((p) => p.traits.email).sort();
    // "an": Ana (email, user id, first name) and Bob Anand (last name); not Daniel or Carla.
    expect(await emails('an')).toEqual(['ana@example.com', 'bob@example.com']);
    expect(await emails('ANA')).toEqual(['ana@example.com', 'bob@example.com']);
    expect(await emails('ana-')).toEqual(['ana@example.com']);
    expect(await emails('carla d')).toEqual(['carla@example.com']);
    expect(await emails('Daniel O')).toEqual(['dan@example.com']);
    expect(await emails('bulk-1')).toHaveLength(11);
    expect(await emails('nobody')).toEqual([]);
    expect(await emails('o"b')).toEqual(['liam@example.com']);
    expect(await emails('liam o"')).toEqual(['liam@example.com']);
    expect(await emails('דנה כ')).toEqual(['dana@example.com']);
    expect(await emails('כהן')).toEqual(['dana@example.com']);
    // LIKE's wildcards in q match themselves only.
    expect(await emails('x_')).toEqual(['x_y@example.com']);
    expect(await emails('%')).toEqual([]);
  });

  it('keeps the identifier lookup as it was', async () => {
    const res = await page('email=ANA@example.com');
    expect(res.data.map((p) => p.traits.email)).toEqual(['ana@example.com']);
    expect(res.nextCursor).toBeNull();
  });

  it('refuses what it cannot honour, naming the field', async () => {
    const refused = async (query: string, field: string) => {
      const res = await t.api(`/api/v1/profiles?${query}`);
      expect(res.status).toBe(400);
      const body = await json<ErrorBody>(res);
      expect(body.error.details.map((d) => d.field)).toContain(field);
    };
    await refused('cursor=bm90LWEtY3Vyc29y', 'querystring.cursor');
    await refused('cursor=a%20b', 'querystring.cursor');
    await refused('limit=101', 'querystring.limit');
    await refused('email=ana@example.com&q=an', 'querystring.q');
    await refused(`q=${'a'.repeat(201)}`, 'querystring.q');
  });

  it('needs an admin key, and says so in plain English', async () => {
    const res = await t.api('/api/v1/profiles?q=an', { key: WRITE_KEY });
    expect(res.status).toBe(403);
    const body = await json<{ error: { message: string } }>(res);
    // The refusal reads as English: "an admin key", "a write key".
    expect(body.error.message).toBe('this endpoint needs an admin key; a write key was sent');
  });
});
