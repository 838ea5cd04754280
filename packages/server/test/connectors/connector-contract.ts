import type { CatalogEvent, Order, Product, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import type { ConnectorKit, OrderSpec, SignedDelivery } from './kit.js';

const SECRET = 'contract-test-signing-secret-0001';

/**
 * The one contract every store connector passes, on both engines: signed deliveries land once,
 * wrong signatures store nothing, and late deliveries never roll data back.
 */
export function connectorContract(kit: ConnectorKit): void {
  describe.each(engines)(`${kit.platform} connector contract on %s`, (engine) => {
    let t: TestServer;
    let connectorId = '';
    let seq = 0;
    const ids = () => `${kit.platform}-${engine}-${++seq}`;

    beforeAll(async () => {
      t = await startTestServer(engine);
      const res = await t.api('/api/v1/connectors', {
        method: 'POST',
        body: { platform: kit.platform, name: `contract ${kit.platform}`, secret: SECRET },
      });
      expect(res.status).toBe(201);
      const created = await json<{ id: string; secret: string; webhookUrl: string }>(res);
      expect(created.secret).toBe(SECRET);
      expect(created.webhookUrl).toBe(`${t.url}/webhooks/${kit.platform}/${created.id}`);
      connectorId = created.id;
    });
    afterAll(async () => t?.stop());

    const post = (d: SignedDelivery, connector = connectorId) =>
      fetch(`${t.url}/webhooks/${kit.platform}/${connector}`, {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      });
    const deliverAll = async (ds: SignedDelivery[]) => {
      for (const d of ds) {
        const res = await post(d);
        expect(res.status, await res.clone().text()).toBe(200);
      }
      await t.settle();
    };
    const orderOf = async (id: string) => {
      const res = await t.api(`/api/v1/orders/${encodeURIComponent(id)}`);
      return res.status === 200 ? await json<Order>(res) : null;
    };
    const profileOf = async (email: string) => {
      const res = await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`);
      return (await json<{ data: Profile[] }>(res)).data;
    };
    const spec = (n: string, over: Partial<OrderSpec> = {}): OrderSpec => ({
      orderId: `${9_000_000 + seq * 10}`,
      customerId: `${7_000_000 + seq}`,
      email: `buyer-${n}@example.com`,
      total: 59.9,
      currency: 'EUR',
      createdAt: '2026-05-01T10:00:00Z',
      updatedAt: '2026-05-01T10:00:00Z',
      lines: [
        {
          productId: '632910392',
          variantId: '808950810',
          sku: 'LENS-30',
          name: 'Monthly lenses',
          price: 29.95,
          quantity: 2,
        },
      ],
      ...over,
    });

    it('turns an order delivery into one order, with lines, on one profile', async () => {
      const n = ids();
      const o = spec(n);
      await deliverAll(kit.orderCreated(o, SECRET, n));
      const order = await orderOf(o.orderId);
      expect(order).not.toBeNull();
      expect(order?.total).toBeCloseTo(59.9, 2);
      expect(order?.currency).toBe('EUR');
      expect(order?.lines.map((l) => [l.productId ?? l.sku, l.quantity])).toEqual([
        [expect.stringMatching(/632910392|LENS-30/), 2],
      ]);
      const [profile, ...others] = await profileOf(o.email);
      expect(others).toEqual([]);
      expect(profile?.computed.order_count).toBe(1);
      expect(profile?.computed.total_spent).toBeCloseTo(59.9, 2);
      expect(profile?.identifiers).toContainEqual({ kind: 'customer_id', value: o.customerId });
      expect(order?.profileId).toBe(profile?.id);
    });

    it('answers 401 to a wrong or missing signature and stores nothing', async () => {
      const n = ids();
      const o = spec(n);
      const [first] = kit.orderCreated(o, SECRET, n);
      if (!first) throw new Error('the kit built no delivery');
      for (const bad of [kit.tampered(first), kit.unsigned(first)]) {
        const res = await post(bad);
        expect(res.status).toBe(401);
        expect((await json<{ error: { code: string } }>(res)).error.code).toBe('unauthorized');
      }
      const wrongSecret = kit.orderCreated(o, 'some-other-secret-entirely', n)[0];
      if (wrongSecret) expect((await post(wrongSecret)).status).toBe(401);
      await t.settle();
      expect(await orderOf(o.orderId)).toBeNull();
      expect(await profileOf(o.email)).toEqual([]);
      const log = await json<{ data: unknown[] }>(
        await t.api(`/api/v1/connectors/${connectorId}/deliveries?limit=500`),
      );
      expect(JSON.stringify(log.data)).not.toContain(n);
    });

    it('answers 404 for an unknown connector', async () => {
      const n = ids();
      const [d] = kit.orderCreated(spec(n), SECRET, n);
      if (!d) throw new Error('the kit built no delivery');
      expect((await post(d, 'con_doesnotexist')).status).toBe(404);
    });

    it('applies a delivery sent twice once', async () => {
      const n = ids();
      const o = spec(n);
      const deliveries = kit.orderCreated(o, SECRET, n);
      await deliverAll(deliveries);
      await deliverAll(kit.orderCreated(o, SECRET, n));
      const [profile] = await profileOf(o.email);
      expect(profile?.computed.order_count).toBe(1);
      expect(profile?.computed.total_spent).toBeCloseTo(59.9, 2);
      const log = await json<{ data: { deliveryId: string }[] }>(
        await t.api(`/api/v1/connectors/${connectorId}/deliveries?limit=500`),
      );
      const mine = log.data.filter((d) => d.deliveryId.includes(n));
      expect(mine).toHaveLength(deliveries.length);
    });

    it('never rolls an order back: an older update after a newer one is ignored', async () => {
      const n = ids();
      const created = spec(n);
      const newer = { ...created, total: 89.85, updatedAt: '2026-05-03T10:00:00Z' };
      newer.lines = [{ ...created.lines[0]!, quantity: 3 }];
      const older = { ...created, total: 29.95, updatedAt: '2026-05-02T10:00:00Z' };
      older.lines = [{ ...created.lines[0]!, quantity: 1 }];
      await deliverAll(kit.orderCreated(created, SECRET, `${n}-c`));
      await deliverAll(kit.orderUpdated(newer, SECRET, `${n}-u2`));
      await deliverAll(kit.orderUpdated(older, SECRET, `${n}-u1`));
      const order = await orderOf(created.orderId);
      expect(order?.total).toBeCloseTo(89.85, 2);
      expect(order?.lines[0]?.quantity).toBe(3);
      const [profile] = await profileOf(created.email);
      expect(profile?.computed.order_count).toBe(1);
      expect(profile?.computed.total_spent).toBeCloseTo(89.85, 2);
    });

    it('treats an update that arrives before its create like create-then-update', async () => {
      const n = ids();
      const created = spec(n);
      const updated = { ...created, total: 89.85, updatedAt: '2026-05-03T10:00:00Z' };
      await deliverAll(kit.orderUpdated(updated, SECRET, `${n}-u`));
      await deliverAll(kit.orderCreated(created, SECRET, `${n}-c`));
      const order = await orderOf(created.orderId);
      expect(order?.total).toBeCloseTo(89.85, 2);
      const [profile] = await profileOf(created.email);
      expect(profile?.computed.order_count).toBe(1);
      expect(profile?.computed.total_spent).toBeCloseTo(89.85, 2);
    });

    it('keeps a customer as one profile with traits and the store customer id', async () => {
      const n = ids();
      const customer = {
        customerId: `${5_000_000 + seq}`,
        email: `customer-${n}@example.com`,
        firstName: 'Ana',
        lastName: 'Kovač',
        updatedAt: '2026-05-01T10:00:00Z',
      };
      await deliverAll(kit.customerUpdated(customer, SECRET, n));
      await deliverAll(
        kit.customerUpdated(
          { ...customer, firstName: 'Ancient', updatedAt: '2026-04-01T10:00:00Z' },
          SECRET,
          `${n}-old`,
        ),
      );
      const [profile, ...others] = await profileOf(customer.email);
      expect(others).toEqual([]);
      expect(profile?.traits.first_name).toBe('Ana');
      expect(profile?.traits.last_name).toBe('Kovač');
      expect(profile?.identifiers).toContainEqual({
        kind: 'customer_id',
        value: customer.customerId,
      });
    });

    it('updates the catalog and records back-in-stock and price drops, never rolling back', async () => {
      const n = ids();
      const productId = `${4_000_000 + seq}`;
      const variantId = `${3_000_000 + seq}`;
      const base = {
        productId,
        variantId,
        title: 'Night cream',
        updatedAt: '2026-05-01T10:00:00Z',
      };
      await deliverAll(kit.productUpdated({ ...base, price: 20, stock: 0 }, SECRET, `${n}-1`));
      await deliverAll(
        kit.productUpdated(
          { ...base, price: 15, stock: 5, updatedAt: '2026-05-02T10:00:00Z' },
          SECRET,
          `${n}-2`,
        ),
      );
      await deliverAll(
        kit.productUpdated(
          { ...base, price: 25, stock: 0, updatedAt: '2026-04-30T10:00:00Z' },
          SECRET,
          `${n}-0`,
        ),
      );
      const res = await t.api(`/api/v1/products/${productId}`);
      expect(res.status).toBe(200);
      const product = await json<Product>(res);
      expect(product.title).toBe('Night cream');
      expect(product.price).toBe(15);
      expect(product.stock).toBe(5);
      expect(product.inStock).toBe(true);
      const events = await json<{ data: CatalogEvent[] }>(
        await t.api('/api/v1/catalog-events?limit=1000'),
      );
      const mine = events.data.filter((e) => e.productId === productId);
      expect(mine.map((e) => e.kind).sort()).toEqual(['back_in_stock', 'price_drop']);
      expect(mine.find((e) => e.kind === 'price_drop')?.details).toMatchObject({
        previous_price: 20,
        price: 15,
      });
    });
  });
}
