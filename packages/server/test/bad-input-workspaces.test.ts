import type { CustomField, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace, insertKey } from '../src/modules/workspaces/index.js';
import { engines } from './support/engines.js';
import { expectRefused, rowCounts } from './support/rejections.js';
import { ADMIN_KEY, json, startTestServer, type TestServer } from './support/test-server.js';

async function byEmail(t: TestServer, email: string, key = ADMIN_KEY): Promise<Profile[]> {
  await t.settle();
  const res = await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`, { key });
  expect(res.status).toBe(200);
  return (await json<{ data: Profile[] }>(res)).data;
}

const declared: CustomField[] = [
  { name: 'age', type: 'number' },
  { name: 'tier', type: 'enum', values: ['gold', 'silver'] },
  { name: 'vip', type: 'boolean' },
  { name: 'birthday', type: 'date' },
];
const misfits: [trait: string, value: unknown][] = [
  ['age', 'old'],
  ['age', true],
  ['age', ''],
  ['tier', 'platinum'],
  ['tier', 1],
  ['vip', 'maybe'],
  ['vip', 2],
  ['birthday', 'not a date'],
  ['birthday', { year: 1990 }],
];

describe.each(engines)('traits that do not fit their declared field on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    for (const f of declared) {
      expect((await t.api('/api/v1/custom-fields', { method: 'POST', body: f })).status).toBe(201);
    }
  });
  afterAll(async () => t?.stop());

  it.each(misfits)('identify with %s = %j -> 400 naming the trait', async (trait, value) => {
    await expectRefused(
      t,
      () =>
        t.send('/v1/identify', {
          userId: 'u-cf',
          traits: { email: 'cf@example.com', [trait]: value },
        }),
      { status: 400, code: 'validation_failed', field: `traits.${trait}` },
    );
  });

  it('names the batch item and stores none of the batch', async () => {
    const batch = [0, 1, 2, 3, 4].map((i) => ({
      type: 'identify',
      userId: `u-cf-${i}`,
      traits: { age: i === 3 ? 'forty' : String(40 + i) },
    }));
    await expectRefused(t, () => t.send('/v1/batch', { batch }), {
      status: 400,
      code: 'validation_failed',
      field: 'batch.3.traits.age',
    });
  });

  it('checks context.traits on any call', async () => {
    for (const path of ['/v1/track', '/v1/page']) {
      await expectRefused(
        t,
        () =>
          t.send(path, {
            userId: 'u-cf',
            event: 'Product Viewed',
            context: { traits: { tier: 'platinum' } },
          }),
        { status: 400, code: 'validation_failed', field: 'context.traits.tier' },
      );
    }
  });

  it('stores coercible values coerced', async () => {
    const res = await t.send('/v1/identify', {
      userId: 'u-cf-ok',
      messageId: 'cf-ok',
      traits: {
        email: 'cf-ok@example.com',
        age: '42',
        tier: 'gold',
        vip: 'true',
        birthday: '1990-05-17',
      },
    });
    expect(res.status).toBe(200);
    const [p, ...rest] = await byEmail(t, 'cf-ok@example.com');
    expect(rest).toEqual([]);
    expect(p?.traits).toEqual({
      email: 'cf-ok@example.com',
      age: 42,
      tier: 'gold',
      vip: true,
      birthday: '1990-05-17T00:00:00.000Z',
    });
    const events = await json<{ data: { payload: { traits?: Record<string, unknown> } }[] }>(
      await t.api(`/api/v1/profiles/${p?.id}/events`),
    );
    expect(events.data.map((e) => e.payload.traits?.age)).toEqual([42]);
  });
});

describe.each(engines)('another workspace on %s', (engine) => {
  let t: TestServer;
  let seed: Profile;
  const other = { write: 'cbw_other_workspace_write', admin: 'cba_other_workspace_admin' };
  beforeAll(async () => {
    t = await startTestServer(engine);
    const db = t.server.services.database.db;
    await ensureWorkspace(db, { id: 'ws-other', name: 'Other store', now: Date.now() });
    for (const scope of ['write', 'admin'] as const) {
      await insertKey(db, { workspaceId: 'ws-other', scope, key: other[scope], now: Date.now() });
    }
    expect(
      (
        await t.api('/api/v1/custom-fields', {
          method: 'POST',
          body: { name: 'age', type: 'number' },
        })
      ).status,
    ).toBe(201);
    await t.send('/v1/identify', {
      userId: 'seed-u',
      traits: { email: 'seed@example.com', first_name: 'Seed' },
    });
    await t.send('/v1/track', {
      userId: 'seed-u',
      event: 'Order Completed',
      properties: { order_id: 'seed-1', total: 25 },
    });
    [seed] = (await byEmail(t, 'seed@example.com')) as [Profile];
    expect(seed.computed.order_count).toBe(1);
  });
  afterAll(async () => t?.stop());

  it("cannot read, export or erase the default workspace's profiles", async () => {
    for (const [method, path] of [
      ['GET', `/api/v1/profiles/${seed.id}`],
      ['GET', `/api/v1/profiles/${seed.id}/events`],
      ['GET', `/api/v1/profiles/${seed.id}/export`],
      ['DELETE', `/api/v1/profiles/${seed.id}`],
    ] as const) {
      await expectRefused(t, () => t.api(path, { method, key: other.admin }), {
        status: 404,
        code: 'not_found',
        mentions: seed.id,
      });
    }
    expect(await byEmail(t, 'seed@example.com', other.admin)).toEqual([]);
    const byUser = await t.api('/api/v1/profiles?userId=seed-u', { key: other.admin });
    expect(await byUser.json()).toEqual({ data: [], nextCursor: null });
    // Nor does browsing or searching the list show it.
    for (const query of ['', '?q=seed']) {
      const listed = await t.api(`/api/v1/profiles${query}`, { key: other.admin });
      expect(await listed.json()).toEqual({ data: [], nextCursor: null });
    }
    await expectRefused(
      t,
      () => t.api('/api/v1/custom-fields/age', { method: 'DELETE', key: other.admin }),
      {
        status: 404,
        code: 'not_found',
        mentions: 'age',
      },
    );
    const fields = await t.api('/api/v1/custom-fields', { key: other.admin });
    expect(await fields.json()).toEqual({ data: [] });
    const still = await json<Profile>(await t.api(`/api/v1/profiles/${seed.id}`));
    expect(still).toEqual(seed);
  });

  it("never lets its events reach the default workspace's profiles", async () => {
    const before = await rowCounts(t);
    const sent = [
      t.send(
        '/v1/identify',
        {
          userId: 'seed-u',
          traits: { email: 'seed@example.com', first_name: 'Intruder', age: 'n/a' },
        },
        other.write,
      ),
      t.send(
        '/v1/track',
        {
          userId: 'seed-u',
          event: 'Order Completed',
          properties: { order_id: 'seed-1', total: 999 },
        },
        other.write,
      ),
      t.send(
        '/v1/batch',
        { batch: [{ type: 'alias', userId: 'seed-u', previousId: 'x-1' }] },
        other.write,
      ),
    ];
    // The default workspace's `age` field does not apply here: "n/a" is accepted as sent.
    for (const res of await Promise.all(sent)) expect(res.status).toBe(200);
    const after = await rowCounts(t);
    expect(after.events).toBe(before.events + 3);

    const db = t.server.services.database.db;
    const rows = await db
      .selectFrom('events')
      .leftJoin('event_profiles', 'event_profiles.seq', 'events.seq')
      .select(['workspace_id', 'profile_id'])
      .execute();
    const seedEvents = rows.filter((r) => r.profile_id === seed.id);
    expect(seedEvents).toHaveLength(2);
    expect(seedEvents.every((r) => r.workspace_id === 'default')).toBe(true);
    expect(rows.filter((r) => r.workspace_id === 'ws-other')).toHaveLength(3);

    expect(await json<Profile>(await t.api(`/api/v1/profiles/${seed.id}`))).toEqual(seed);
    expect(await byEmail(t, 'seed@example.com')).toEqual([seed]);
    const [theirs, ...more] = await byEmail(t, 'seed@example.com', other.admin);
    expect(more).toEqual([]);
    expect(theirs?.id).not.toBe(seed.id);
    expect(theirs?.traits).toEqual({
      email: 'seed@example.com',
      first_name: 'Intruder',
      age: 'n/a',
    });
    expect(theirs?.computed).toMatchObject({ order_count: 1, total_spent: 999 });
    // ...and the default workspace's admin key cannot see theirs either.
    expect((await t.api(`/api/v1/profiles/${theirs?.id}`)).status).toBe(404);
  });
});
