import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { JobQueue } from '../src/platform/jobs/job-queue.js';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const lookup = async (t: TestServer, q: string) => {
  await t.settle();
  return (await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?${q}`))).data;
};
const eventCount = async (t: TestServer) =>
  Number(
    (
      await t.server.services.database.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(engines)('GDPR export and erasure on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('exports everything about a person, then erases it for good', async () => {
    const past = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await t.send('/v1/identify', {
      userId: 'u-gdpr',
      anonymousId: 'a-gdpr',
      timestamp: past(10),
      traits: { email: 'gdpr@example.com', phone: '+44 20 7946 0958' },
    });
    await t.send('/v1/track', {
      userId: 'u-gdpr',
      event: 'Order Completed',
      timestamp: past(9),
      properties: { order_id: 'G-1', total: 12 },
    });
    await t.send('/v1/identify', { userId: 'u-keep', traits: { email: 'keep@example.com' } });
    const [p] = await lookup(t, 'email=gdpr@example.com');
    const exported = await json<{
      profile: Profile;
      events: unknown[];
      orders: { orderId: string }[];
    }>(await t.api(`/api/v1/profiles/${p?.id}/export`));
    expect(exported.profile.id).toBe(p?.id);
    expect(exported.profile.recreatedAfterErasure).toBe(false);
    expect(exported.events).toHaveLength(2);
    expect(exported.orders.map((o) => o.orderId)).toEqual(['G-1']);

    const before = await eventCount(t);
    const erased = await t.api(`/api/v1/profiles/${p?.id}`, { method: 'DELETE' });
    expect(erased.status).toBe(200);
    expect((await t.api(`/api/v1/profiles/${p?.id}`)).status).toBe(404);
    expect(await lookup(t, 'email=gdpr@example.com')).toEqual([]);
    expect(await lookup(t, 'phone=+442079460958')).toEqual([]);
    expect(await eventCount(t)).toBe(before - 2);
    const rows = await t.server.services.database.db.selectFrom('erasures').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    // Erasure records hold hashes, never the identifier itself.
    expect(JSON.stringify(rows)).not.toContain('gdpr@example.com');
    expect(await lookup(t, 'email=keep@example.com')).toHaveLength(1);

    // A late delivery from before the erasure must not bring the person back...
    await t.send('/v1/track', {
      userId: 'u-gdpr',
      event: 'Order Completed',
      timestamp: past(8),
      properties: { order_id: 'G-2', total: 5 },
    });
    expect(await lookup(t, 'userId=u-gdpr')).toEqual([]);
    expect(await eventCount(t)).toBe(before - 2);
    // ...while the same person coming back afterwards starts a fresh profile with new data only.
    await t.send('/v1/identify', { userId: 'u-gdpr', traits: { first_name: 'Back' } });
    const [fresh] = await lookup(t, 'userId=u-gdpr');
    expect(fresh?.id).not.toBe(p?.id);
    expect(fresh?.traits).toEqual({ first_name: 'Back' });
    expect(fresh?.computed.order_count).toBe(0);
    expect(fresh?.recreatedAfterErasure).toBe(true);
    expect((await t.api(`/api/v1/profiles/${p?.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe.each(engines)('typed custom fields on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('declares fields and coerces traits to their types', async () => {
    const fields = [
      { name: 'shoe_size', type: 'number' },
      { name: 'vip', type: 'boolean' },
      { name: 'birthday', type: 'date' },
      { name: 'skin_type', type: 'enum', values: ['dry', 'oily', 'mixed'] },
      { name: 'interests', type: 'list' },
      { name: 'crm_id', type: 'string' },
    ];
    for (const f of fields)
      expect((await t.api('/api/v1/custom-fields', { method: 'POST', body: f })).status).toBe(201);
    // Declaring the same definition again is harmless.
    expect((await t.api('/api/v1/custom-fields', { method: 'POST', body: fields[0] })).status).toBe(
      201,
    );
    const listed = await json<{ data: { name: string }[] }>(await t.api('/api/v1/custom-fields'));
    expect(listed.data.map((f) => f.name)).toEqual([
      'birthday',
      'crm_id',
      'interests',
      'shoe_size',
      'skin_type',
      'vip',
    ]);

    const res = await t.send('/v1/identify', {
      userId: 'u-typed',
      traits: {
        email: 'typed@example.com',
        shoe_size: '38.5',
        vip: 'true',
        birthday: '1990-05-17',
        skin_type: 'dry',
        interests: 'serums, masks',
        crm_id: 1234,
        untyped: { kept: true },
      },
    });
    expect(res.status).toBe(200);
    const [p] = await lookup(t, 'email=typed@example.com');
    expect(p?.traits).toEqual({
      email: 'typed@example.com',
      shoe_size: 38.5,
      vip: true,
      birthday: '1990-05-17T00:00:00.000Z',
      skin_type: 'dry',
      interests: ['serums', 'masks'],
      crm_id: '1234',
      untyped: { kept: true },
    });
    // context.traits on a track call are checked the same way.
    const bad = await t.send('/v1/track', {
      userId: 'u-typed',
      event: 'X',
      context: { traits: { skin_type: 'scaly' } },
    });
    expect(bad.status).toBe(400);
    expect(
      (await json<{ error: { details: { field: string }[] } }>(bad)).error.details[0]?.field,
    ).toBe('context.traits.skin_type');
    expect((await t.api('/api/v1/custom-fields/vip', { method: 'DELETE' })).status).toBe(204);
    expect((await t.api('/api/v1/custom-fields/vip', { method: 'DELETE' })).status).toBe(404);
  });
});

describe.each(engines)('the test clock on %s', (engine) => {
  let t: TestServer;
  const clock = new ManualClock(Date.parse('2026-03-27T09:00:00Z'));
  beforeAll(async () => {
    t = await startTestServer(engine, { clock, config: { clock: 'manual' } });
  });
  afterAll(async () => t?.stop());

  it('advances time, applies what was sent and runs what falls due', async () => {
    const now = await json<{ now: string }>(await t.api('/clock'));
    expect(now.now).toBe('2026-03-27T09:00:00.000Z');
    const ran: string[] = [];
    t.server.services.jobs.register('test.reminder', async (job) => {
      ran.push(`${String(job.payload.who)}@${new Date(clock.now()).toISOString()}`);
    });
    const queue = new JobQueue(t.server.services.database);
    await queue.enqueue(
      { kind: 'test.reminder', runAt: clock.now() + 2 * 86_400_000, payload: { who: 'ana' } },
      clock.now(),
    );
    await t.send('/v1/identify', { userId: 'u-clock', traits: { email: 'clock@example.com' } });

    const advanced = await t.api('/clock/advance', { method: 'POST', body: { by: 'P3D' } });
    expect(advanced.status).toBe(200);
    // Across the EU daylight-saving change (29 March): three days are 72 hours of UTC time.
    expect((await json<{ now: string }>(advanced)).now).toBe('2026-03-30T09:00:00.000Z');
    // The job ran at its own due instant, not at the end of the jump.
    expect(ran).toEqual(['ana@2026-03-29T09:00:00.000Z']);
    const [p] = (
      await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?email=clock@example.com'))
    ).data;
    expect(p?.computed.last_seen_at).toBe('2026-03-27T09:00:00.000Z');

    const bad = await t.api('/clock/advance', { method: 'POST', body: { by: 'three days' } });
    expect(bad.status).toBe(400);
    expect(
      (await json<{ error: { details: { field: string }[] } }>(bad)).error.details[0]?.field,
    ).toBe('by');
  });
});

describe('the test clock is absent unless asked for', () => {
  it('answers 404 on a system clock', async () => {
    const t = await startTestServer('sqlite');
    try {
      expect((await t.api('/clock')).status).toBe(404);
      expect((await t.api('/clock/advance', { method: 'POST', body: { by: 'P1D' } })).status).toBe(
        404,
      );
    } finally {
      await t.stop();
    }
  });
});
