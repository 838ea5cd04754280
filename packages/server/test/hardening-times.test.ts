import type { ImportJobView, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyKit } from './connectors/shopify-kit.js';
import { engines } from './support/engines.js';
import { ADMIN_KEY, json, startTestServer, type TestServer } from './support/test-server.js';

/**
 * Far-future event times (issue 9, item 10): a time more than a day after the event was
 * received is recorded at the receipt time and flagged `timeAdjusted`, for tracking calls (with
 * or without the sentAt skew correction), imported events and the calls imports make for a
 * store, so no event can pin a trait or last_seen_at against every later one.
 */
const DAY = 24 * 60 * 60 * 1000;
const FAR = '9999-12-31T23:59:59.000Z';

interface StoredEvent {
  messageId: string;
  timestamp: string;
  receivedAt: string;
  timeAdjusted?: boolean;
  payload: Record<string, unknown>;
}

describe.each(engines)('event times past the bound on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer(engine)));
  afterAll(async () => t?.stop());

  const profileOf = async (query: string): Promise<Profile> => {
    await t.settle();
    const found = await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?${query}`));
    const [profile] = found.data;
    if (!profile) throw new Error(`no profile for ${query}`);
    return profile;
  };
  const eventsOf = async (profile: Profile): Promise<StoredEvent[]> =>
    (await json<{ data: StoredEvent[] }>(await t.api(`/api/v1/profiles/${profile.id}/events`)))
      .data;

  it('records a 9999-12-31 identify at its receipt, flagged, and a later identify wins', async () => {
    const far = await t.send('/v1/identify', {
      userId: 'u-far',
      messageId: 'far-1',
      timestamp: FAR,
      traits: { email: 'far@example.com', plan: 'gold' },
    });
    expect(far.status).toBe(200);
    await t.settle();
    await new Promise((r) => setTimeout(r, 20));
    const sentAfter = Date.now();
    const next = await t.send('/v1/identify', {
      userId: 'u-far',
      messageId: 'far-2',
      traits: { plan: 'silver' },
    });
    expect(next.status).toBe(200);

    const profile = await profileOf('userId=u-far');
    expect(profile.traits.plan).toBe('silver');
    const lastSeen = Date.parse(profile.computed.last_seen_at ?? '');
    expect(lastSeen).toBeGreaterThanOrEqual(sentAfter);
    expect(lastSeen).toBeLessThan(Date.now() + 1000);

    const events = await eventsOf(profile);
    const adjusted = events.find((e) => e.messageId === 'far-1');
    expect(adjusted?.timeAdjusted).toBe(true);
    expect(adjusted?.timestamp).toBe(adjusted?.receivedAt);
    expect(adjusted?.payload).toMatchObject({ timeAdjusted: true, originalTimestamp: FAR });
    const plain = events.find((e) => e.messageId === 'far-2');
    expect(plain?.timeAdjusted).toBeUndefined();
    expect(plain?.payload.timeAdjusted).toBeUndefined();
  });

  it('keeps a time up to one day ahead; one beyond it is adjusted', async () => {
    const base = Date.now();
    const within = new Date(base + DAY - 60_000).toISOString();
    const beyond = new Date(base + DAY + 60_000).toISOString();
    for (const [messageId, timestamp] of [
      ['ahead-within', within],
      ['ahead-beyond', beyond],
    ] as const) {
      const res = await t.send('/v1/track', {
        userId: 'u-ahead',
        messageId,
        event: 'Viewed',
        timestamp,
      });
      expect(res.status).toBe(200);
    }
    const profile = await profileOf('userId=u-ahead');
    const events = await eventsOf(profile);
    const kept = events.find((e) => e.messageId === 'ahead-within');
    expect(kept?.timestamp).toBe(within);
    expect(kept?.timeAdjusted).toBeUndefined();
    const moved = events.find((e) => e.messageId === 'ahead-beyond');
    expect(moved?.timeAdjusted).toBe(true);
    expect(moved?.timestamp).toBe(moved?.receivedAt);
  });

  it('bounds the time the sentAt skew correction works out, in a batch too', async () => {
    // Sent "in 2000" about an event "now": corrected, that is 25 years after receipt.
    const res = await t.send('/v1/batch', {
      sentAt: '2000-01-01T00:00:00.000Z',
      batch: [
        {
          type: 'track',
          userId: 'u-skewed',
          messageId: 'skewed-1',
          event: 'Viewed',
          timestamp: new Date().toISOString(),
        },
      ],
    });
    expect(res.status).toBe(200);
    const [event] = await eventsOf(await profileOf('userId=u-skewed'));
    expect(event?.timeAdjusted).toBe(true);
    expect(event?.timestamp).toBe(event?.receivedAt);
  });

  const upload = async (kind: string, csv: string) => {
    const res = await fetch(`${t.url}/api/v1/imports?kind=${kind}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(202);
    const { id } = await json<ImportJobView>(res);
    for (let i = 0; i < 300; i++) {
      const job = await json<ImportJobView>(await t.api(`/api/v1/imports/${id}`));
      if (job.status === 'done' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not finish`);
  };

  it('applies the bound to imported events and to the calls a customers import makes', async () => {
    const events = await upload(
      'events',
      `userId,event,timestamp,messageId\nu-imported,Viewed,${FAR},imp-far-1\n`,
    );
    expect(events).toMatchObject({ status: 'done', summary: { imported: 1 } });
    const [imported] = await eventsOf(await profileOf('userId=u-imported'));
    expect(imported?.timeAdjusted).toBe(true);
    expect(imported?.timestamp).toBe(imported?.receivedAt);

    const first = await upload(
      'customers',
      `email,first_name,updated_at\nfuture@example.com,Old,${FAR}\n`,
    );
    expect(first).toMatchObject({ status: 'done', summary: { imported: 1 } });
    await t.settle();
    await new Promise((r) => setTimeout(r, 20));
    const second = await upload('customers', 'email,first_name\nfuture@example.com,New\n');
    expect(second).toMatchObject({ status: 'done', summary: { updated: 1 } });
    const profile = await profileOf('email=future@example.com');
    expect(profile.traits.first_name).toBe('New');
    const calls = await eventsOf(profile);
    expect(calls.filter((e) => e.timeAdjusted === true)).toHaveLength(1);
  });

  it("bounds a store's own order times: an order stamped 9999-12-31 still takes later changes", async () => {
    const order = (event: string, total: number, updatedAt: string, id: string) =>
      t.send('/v1/track', {
        userId: 'u-far-order',
        event,
        messageId: id,
        properties: { order_id: 'far-o1', total, currency: 'EUR', updated_at: updatedAt },
      });
    expect((await order('Order Completed', 40, FAR, 'far-o1-placed')).status).toBe(200);
    await t.settle();
    // The store changes the order a second later, by its own clock.
    const later = new Date(t.server.services.clock.now() + 1000).toISOString();
    expect((await order('Order Updated', 55, later, 'far-o1-updated')).status).toBe(200);
    await t.settle();
    const res = await t.api('/api/v1/orders/far-o1');
    expect(res.status).toBe(200);
    const stored = await json<{ total: number }>(res);
    expect(stored.total).toBe(55);
  });

  it('applies the bound to the calls a store webhook makes', async () => {
    const created = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'shopify', name: 'Shop', secret: 'hardening-times-secret' },
    });
    expect(created.status).toBe(201);
    const { id } = await json<{ id: string }>(created);
    const deliver = async (firstName: string, updatedAt: string, deliveryId: string) => {
      const spec = { customerId: '7001', email: 'hook@example.com', lastName: 'Hook', firstName };
      for (const d of shopifyKit.customerUpdated(
        { ...spec, updatedAt },
        'hardening-times-secret',
        deliveryId,
      )) {
        const res = await fetch(`${t.url}/webhooks/shopify/${id}`, {
          method: 'POST',
          headers: d.headers,
          body: d.body,
        });
        expect(res.status, await res.clone().text()).toBe(200);
      }
    };
    await deliver('Pinned', FAR, `${engine}-hook-1`);
    await t.settle();
    await new Promise((r) => setTimeout(r, 20));
    await deliver('Current', new Date().toISOString(), `${engine}-hook-2`);
    const profile = await profileOf('email=hook@example.com');
    expect(profile.traits.first_name).toBe('Current');
    const events = await eventsOf(profile);
    expect(events.filter((e) => e.timeAdjusted === true)).toHaveLength(1);
  });
});
