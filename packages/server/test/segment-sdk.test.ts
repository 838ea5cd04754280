import type { Profile } from '@comeback/contracts';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { rowCounts } from './support/rejections.js';
import { WRITE_KEY, json, startTestServer, type TestServer } from './support/test-server.js';

interface Wire {
  requests: { url: string; authorization: string | undefined; items: number }[];
  statuses: number[];
  errors: unknown[];
}

/** The real client, pointed at the test server, with every request and response recorded. */
function client(t: TestServer, writeKey: string, flushAt: number): [Analytics, Wire] {
  const analytics = new Analytics({
    writeKey,
    host: t.url,
    flushAt,
    // Only full batches and closeAndFlush send: the batching is then deterministic.
    flushInterval: 60_000,
    maxRetries: 2,
  });
  const wire: Wire = { requests: [], statuses: [], errors: [] };
  analytics.on('http_request', (r) => {
    const body = JSON.parse(r.body) as { batch: unknown[] };
    wire.requests.push({
      url: r.url,
      authorization: r.headers.Authorization,
      items: body.batch.length,
    });
  });
  analytics.on('http_response', (r) => wire.statuses.push(r.status));
  analytics.on('error', (e) => wire.errors.push(e));
  return [analytics, wire];
}

const at = (iso: string) => new Date(iso);
const near = (actual: string | null | undefined, iso: string) => {
  // The server corrects each timestamp for the sender's clock (receivedAt - sentAt): a few ms.
  expect(Math.abs(Date.parse(actual ?? '') - Date.parse(iso))).toBeLessThan(5_000);
};

describe.each(engines)('the real @segment/analytics-node client against %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('identifies, tracks and orders through /v1/batch into one profile', async () => {
    const [analytics, wire] = client(t, WRITE_KEY, 4);
    const userId = 'sdk-sam';
    // Browsing before signing up, then identify joins the anonymous id to the customer.
    analytics.track({
      anonymousId: 'sdk-anon-1',
      event: 'Product Viewed',
      properties: { product_id: 'p-cam', name: 'Camera', category: 'Cameras' },
      timestamp: at('2026-03-01T09:00:00Z'),
    });
    analytics.identify({
      userId,
      anonymousId: 'sdk-anon-1',
      traits: { email: 'sam@example.com', first_name: 'Sam' },
      timestamp: at('2026-03-01T09:05:00Z'),
    });
    analytics.page({ userId, name: 'Checkout', category: 'Shop', properties: { path: '/co' } });
    analytics.track({
      userId,
      event: 'Product Viewed',
      properties: { product_id: 'p-lens', category: 'Contact Lenses' },
      timestamp: at('2026-03-02T10:00:00Z'),
    });
    analytics.track({
      userId,
      event: 'Order Completed',
      properties: {
        order_id: 'sdk-1001',
        total: 59.9,
        currency: 'USD',
        products: [{ product_id: 'p-lens', category: 'Contact Lenses', price: 59.9, quantity: 1 }],
      },
      timestamp: at('2026-03-03T10:00:00Z'),
    });
    analytics.track({
      userId,
      event: 'Order Completed',
      properties: {
        order_id: 'sdk-1002',
        total: 40.1,
        currency: 'USD',
        products: [{ product_id: 'p-cam', category: 'Cameras', price: 20.05, quantity: 2 }],
      },
      timestamp: at('2026-04-01T18:30:00Z'),
    });
    analytics.group({ userId, groupId: 'acme', traits: { name: 'Acme' } });
    await analytics.closeAndFlush({ timeout: 20_000 });
    await t.settle();

    expect(wire.errors).toEqual([]);
    expect(wire.statuses).toEqual(wire.requests.map(() => 200));
    // Seven calls, four to a batch: one full batch and the rest on close.
    expect(wire.requests.map((r) => r.items)).toEqual([4, 3]);
    for (const r of wire.requests) {
      expect(r.url).toBe(`${t.url}/v1/batch`);
      expect(r.authorization).toBe(`Basic ${btoa(`${WRITE_KEY}:`)}`);
    }

    const res = await t.api('/api/v1/profiles?email=sam@example.com');
    const { data } = await json<{ data: Profile[] }>(res);
    expect(data).toHaveLength(1);
    const p = data[0] as Profile;
    expect(p.traits).toEqual({ email: 'sam@example.com', first_name: 'Sam' });
    expect(p.identifiers).toEqual(
      expect.arrayContaining([
        { kind: 'user_id', value: userId },
        { kind: 'anonymous_id', value: 'sdk-anon-1' },
        { kind: 'email', value: 'sam@example.com' },
      ]),
    );
    expect(p.identifiers).toHaveLength(3);
    expect(p.computed).toMatchObject({
      order_count: 2,
      total_spent: 100,
      average_order_value: 50,
      categories_bought: ['Cameras', 'Contact Lenses'],
      products_bought: ['p-cam', 'p-lens'],
      last_product_viewed: 'p-lens',
      refunded_total: 0,
    });
    near(p.computed.first_order_at, '2026-03-03T10:00:00Z');
    near(p.computed.last_order_at, '2026-04-01T18:30:00Z');

    const events = await json<{
      data: { type: string; event: string | null; payload: Record<string, unknown> }[];
    }>(await t.api(`/api/v1/profiles/${p.id}/events?limit=50`));
    expect(events.data.map((e) => e.event ?? e.type).sort()).toEqual(
      [
        'Order Completed',
        'Order Completed',
        'Product Viewed',
        'Product Viewed',
        'group',
        'identify',
        'page',
      ].sort(),
    );
    for (const e of events.data) {
      expect(e.payload.context).toMatchObject({ library: { name: '@segment/analytics-node' } });
      expect(String(e.payload.messageId)).not.toMatch(/^srv-/);
    }
    const order = events.data.find(
      (e) => (e.payload.properties as { order_id?: string } | undefined)?.order_id === 'sdk-1002',
    );
    expect(order?.payload.properties).toEqual({
      order_id: 'sdk-1002',
      total: 40.1,
      currency: 'USD',
      products: [{ product_id: 'p-cam', category: 'Cameras', price: 20.05, quantity: 2 }],
    });
  });

  it('stores nothing from a client with an unknown write key, which sees the 401', async () => {
    const before = await rowCounts(t);
    const [analytics, wire] = client(t, 'cbw_unknown_key_for_the_sdk', 10);
    analytics.identify({ userId: 'sdk-nobody', traits: { email: 'nobody@example.com' } });
    analytics.track({ userId: 'sdk-nobody', event: 'Order Completed', properties: { total: 5 } });
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(wire.requests.map((r) => r.url)).toEqual([`${t.url}/v1/batch`]);
    expect(wire.statuses).toEqual([401]);
    // The client reports each undelivered call.
    expect(wire.errors).toEqual([
      expect.objectContaining({ code: 'delivery_failure' }),
      expect.objectContaining({ code: 'delivery_failure' }),
    ]);
    expect(await rowCounts(t)).toEqual(before);
  });
});
