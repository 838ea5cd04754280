import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const order = (
  userId: string,
  orderId: string,
  total: number,
  extra: Record<string, unknown> = {},
) => ({
  userId,
  event: 'Order Completed',
  messageId: `order-${orderId}-${Math.random()}`,
  timestamp: '2026-03-01T10:00:00.000Z',
  properties: {
    order_id: orderId,
    total,
    currency: 'USD',
    products: [
      {
        product_id: 'p-lens',
        sku: 'LENS-30',
        category: 'Contact Lenses',
        price: total,
        quantity: 1,
      },
    ],
    ...extra,
  },
});

async function profileByEmail(t: TestServer, email: string): Promise<Profile[]> {
  await t.settle();
  const res = await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`);
  expect(res.status).toBe(200);
  return (await json<{ data: Profile[] }>(res)).data;
}

describe.each(engines)('tracking to profiles on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('joins anonymous browsing to the customer on identify and computes order fields', async () => {
    const anon = 'anon-ana';
    expect(
      (
        await t.send('/v1/track', {
          anonymousId: anon,
          event: 'Product Viewed',
          timestamp: '2026-02-28T09:00:00Z',
          properties: { product_id: 'p-lens' },
        })
      ).status,
    ).toBe(200);
    expect((await t.send('/v1/page', { anonymousId: anon, name: 'Home' })).status).toBe(200);
    expect(
      (
        await t.send('/v1/identify', {
          anonymousId: anon,
          userId: 'u-ana',
          traits: { email: ' Ana@Example.COM ', first_name: 'Ana' },
        })
      ).status,
    ).toBe(200);
    expect((await t.send('/v1/track', order('u-ana', 'A-1', 59.9))).status).toBe(200);
    expect(
      (
        await t.send('/v1/track', {
          ...order('u-ana', 'A-2', 40.1),
          timestamp: '2026-04-01T10:00:00.000Z',
        })
      ).status,
    ).toBe(200);

    const [p, ...others] = await profileByEmail(t, 'ana@example.com');
    expect(others).toHaveLength(0);
    expect(p?.traits).toMatchObject({ first_name: 'Ana' });
    expect(p?.identifiers).toEqual(
      expect.arrayContaining([
        { kind: 'user_id', value: 'u-ana' },
        { kind: 'anonymous_id', value: anon },
        { kind: 'email', value: 'ana@example.com' },
      ]),
    );
    expect(p?.computed).toMatchObject({
      order_count: 2,
      total_spent: 100,
      average_order_value: 50,
      first_order_at: '2026-03-01T10:00:00.000Z',
      last_order_at: '2026-04-01T10:00:00.000Z',
      categories_bought: ['Contact Lenses'],
      products_bought: ['p-lens'],
      last_product_viewed: 'p-lens',
    });
    const events = await json<{ data: { event: string | null; type: string }[] }>(
      await t.api(`/api/v1/profiles/${p?.id}/events?limit=10`),
    );
    expect(events.data.map((e) => e.event ?? e.type)).toEqual([
      'Order Completed',
      'Order Completed',
      'identify',
      'page',
      'Product Viewed',
    ]);
  });

  it('stores a messageId once, also when the duplicates arrive concurrently', async () => {
    const call = { ...order('u-dup', 'D-1', 10), messageId: 'dup-1' };
    const results = await Promise.all(Array.from({ length: 20 }, () => t.send('/v1/track', call)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    await t.send('/v1/batch', {
      batch: [
        { ...call, type: 'track' },
        { ...call, type: 'track' },
      ],
    });
    await t.send('/v1/identify', { userId: 'u-dup', traits: { email: 'dup@example.com' } });
    const [p] = await profileByEmail(t, 'dup@example.com');
    const events = await json<{ data: unknown[] }>(await t.api(`/api/v1/profiles/${p?.id}/events`));
    expect(events.data).toHaveLength(2);
    expect(p?.computed.order_count).toBe(1);
  });

  it('counts one order once even when reported under two messageIds', async () => {
    await t.send('/v1/track', order('u-twice', 'T-1', 25));
    await t.send('/v1/track', order('u-twice', 'T-1', 25));
    await t.send('/v1/identify', { userId: 'u-twice', traits: { email: 'twice@example.com' } });
    const [p] = await profileByEmail(t, 'twice@example.com');
    expect(p?.computed).toMatchObject({ order_count: 1, total_spent: 25 });
  });

  it('corrects refunds: partial lowers spend, full also takes the order back', async () => {
    await t.send('/v1/identify', { userId: 'u-ref', traits: { email: 'ref@example.com' } });
    await t.send('/v1/track', order('u-ref', 'R-1', 100));
    await t.send('/v1/track', order('u-ref', 'R-2', 50));
    await t.send('/v1/track', {
      userId: 'u-ref',
      event: 'Order Refunded',
      properties: { order_id: 'R-1', total: 30 },
    });
    let [p] = await profileByEmail(t, 'ref@example.com');
    expect(p?.computed).toMatchObject({ order_count: 2, total_spent: 120, refunded_total: 30 });
    await t.send('/v1/track', {
      userId: 'u-ref',
      event: 'Order Refunded',
      properties: { order_id: 'R-2' },
    });
    [p] = await profileByEmail(t, 'ref@example.com');
    expect(p?.computed).toMatchObject({
      order_count: 1,
      total_spent: 70,
      refunded_total: 80,
      average_order_value: 70,
    });
  });

  it('merges two known profiles that turn out to be one person, with a recorded merge', async () => {
    await t.send('/v1/identify', {
      anonymousId: 'anon-phone',
      traits: { phone: '+1 (555) 010-0199', loyalty: 'gold' },
    });
    await t.send('/v1/identify', { userId: 'u-merge', traits: { email: 'merge@example.com' } });
    await t.send('/v1/track', order('u-merge', 'M-1', 20));
    await t.send('/v1/track', {
      anonymousId: 'anon-phone',
      ...order('x', 'M-2', 30),
      userId: undefined,
    });
    const before = await profileByEmail(t, 'merge@example.com');
    expect(before).toHaveLength(1);
    // The customer logs in on the phone's browser: both profiles are one person.
    await t.send('/v1/identify', { anonymousId: 'anon-phone', userId: 'u-merge' });
    const [p] = await profileByEmail(t, 'merge@example.com');
    expect(p?.computed).toMatchObject({ order_count: 2, total_spent: 50 });
    expect(p?.traits).toMatchObject({ loyalty: 'gold', email: 'merge@example.com' });
    expect(p?.identifiers).toEqual(
      expect.arrayContaining([{ kind: 'phone', value: '+15550100199' }]),
    );
    expect(p?.mergedFrom).toHaveLength(1);
    const old = await t.api(`/api/v1/profiles/${p?.mergedFrom[0]}`);
    expect((await json<Profile>(old)).id).toBe(p?.id);
    const events = await json<{ data: unknown[] }>(await t.api(`/api/v1/profiles/${p?.id}/events`));
    expect(events.data).toHaveLength(5);
  });

  it('never merges two logged-in customers who shared a browser', async () => {
    await t.send('/v1/identify', {
      anonymousId: 'shared-laptop',
      userId: 'u-first',
      traits: { email: 'first@example.com' },
    });
    await t.send('/v1/identify', {
      anonymousId: 'shared-laptop',
      userId: 'u-second',
      traits: { email: 'second@example.com' },
    });
    const [first] = await profileByEmail(t, 'first@example.com');
    const [second] = await profileByEmail(t, 'second@example.com');
    expect(first?.id).toBeDefined();
    expect(second?.id).toBeDefined();
    expect(first?.id).not.toBe(second?.id);
  });

  it('never gives one profile two user ids, whichever identifier links them', async () => {
    await t.send('/v1/identify', {
      userId: 'u-c1',
      traits: { customer_id: 'shop-7', email: 'c1@example.com' },
    });
    await t.send('/v1/identify', {
      userId: 'u-c2',
      traits: { customer_id: 'shop-7', email: 'c2@example.com' },
    });
    await t.settle();
    const byUser = async (u: string) =>
      (await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?userId=${u}`))).data;
    const [one] = await byUser('u-c1');
    const [two] = await byUser('u-c2');
    expect(one?.id).not.toBe(two?.id);
    expect(one?.identifiers.filter((i) => i.kind === 'user_id')).toEqual([
      { kind: 'user_id', value: 'u-c1' },
    ]);
    expect(one?.identifiers).toContainEqual({ kind: 'customer_id', value: 'shop-7' });
    expect(two?.identifiers.filter((i) => i.kind !== 'email')).toEqual([
      { kind: 'user_id', value: 'u-c2' },
    ]);
  });

  it('corrects the event time for the sender clock skew (sentAt) and keeps context', async () => {
    const now = Date.now();
    // The device clock runs one hour fast: it says the event happened at 12:00 and was sent 12:00:05.
    const skew = 3_600_000;
    await t.send('/v1/track', {
      userId: 'u-skew',
      event: 'Product Viewed',
      messageId: 'skew-1',
      timestamp: new Date(now + skew - 5000).toISOString(),
      sentAt: new Date(now + skew).toISOString(),
      context: { ip: '203.0.113.9', library: { name: 'test' } },
      properties: { product_id: 'p-1' },
    });
    await t.send('/v1/identify', { userId: 'u-skew', traits: { email: 'skew@example.com' } });
    const [p] = await profileByEmail(t, 'skew@example.com');
    const events = await json<{ data: { timestamp: string; payload: Record<string, unknown> }[] }>(
      await t.api(`/api/v1/profiles/${p?.id}/events`),
    );
    const viewed = events.data.find((e) => e.payload.messageId === 'skew-1');
    const corrected = Date.parse(viewed?.timestamp ?? '');
    expect(Math.abs(corrected - (now - 5000))).toBeLessThan(2000);
    expect(viewed?.payload.context).toEqual({ ip: '203.0.113.9', library: { name: 'test' } });
    expect(viewed?.payload.originalTimestamp).toBe(new Date(now + skew - 5000).toISOString());
  });

  it('keeps fields Segment SDKs send that the spec does not list, and leaves group traits alone', async () => {
    await t.api('/api/v1/custom-fields', {
      method: 'POST',
      body: { name: 'employees', type: 'number' },
    });
    const res = await t.send('/v1/group', {
      userId: 'u-loose',
      groupId: 'acme',
      messageId: 'loose-1',
      channel: 'server',
      _metadata: { nodeVersion: '20' },
      // A group's traits describe the company, not the person: not checked as profile fields.
      traits: { employees: 'about fifty' },
    });
    expect(res.status).toBe(200);
    await t.send('/v1/identify', { userId: 'u-loose', traits: { email: 'loose@example.com' } });
    const [p] = await profileByEmail(t, 'loose@example.com');
    const events = await json<{ data: { payload: Record<string, unknown> }[] }>(
      await t.api(`/api/v1/profiles/${p?.id}/events`),
    );
    const group = events.data.find((e) => e.payload.messageId === 'loose-1');
    expect(group?.payload).toMatchObject({
      channel: 'server',
      _metadata: { nodeVersion: '20' },
      groupId: 'acme',
    });
    expect(p?.traits.employees).toBeUndefined();
  });

  it('pages through events with a cursor', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => ({
      type: 'track',
      userId: 'u-page',
      event: `E${i}`,
      messageId: `page-${i}`,
    }));
    expect((await t.send('/v1/batch', { batch })).status).toBe(200);
    await t.send('/v1/identify', { userId: 'u-page', traits: { email: 'page@example.com' } });
    const [p] = await profileByEmail(t, 'page@example.com');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page: { data: { event: string | null; type: string }[]; nextCursor: string | null } =
        await json(await t.api(`/api/v1/profiles/${p?.id}/events?limit=10${q}`));
      seen.push(...page.data.map((e) => e.event ?? e.type));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(26);
    expect(seen[0]).toBe('identify');
    expect(seen[25]).toBe('E0');
  });
});
