import type { Order, Product, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { connectorContract } from './connector-contract.js';
import type { SignedDelivery } from './kit.js';
import {
  phpJsonEncode,
  wooDelivery,
  wooFixture,
  wooFixtureText,
  wooKit,
  wooOrder,
  wooPing,
} from './woocommerce-kit.js';

connectorContract(wooKit);

const SECRET = 'woo-webhook-secret-0001';

describe.each(engines)('WooCommerce webhooks on %s', (engine) => {
  let t: TestServer;
  let connectorId = '';

  beforeAll(async () => {
    t = await startTestServer(engine);
    const res = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'woocommerce', name: 'Woo shop', secret: SECRET },
    });
    expect(res.status).toBe(201);
    connectorId = (await json<{ id: string }>(res)).id;
  });
  afterAll(async () => t?.stop());

  const post = (d: SignedDelivery) =>
    fetch(`${t.url}/webhooks/woocommerce/${connectorId}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
  const deliver = async (d: SignedDelivery) => {
    const res = await post(d);
    expect(res.status, await res.clone().text()).toBe(200);
    await t.settle();
    return json<{ ok: boolean; outcome: string }>(res);
  };
  const orderOf = async (id: string) => {
    const res = await t.api(`/api/v1/orders/${id}`);
    return res.status === 200 ? json<Order>(res) : null;
  };
  const profileOf = async (email: string) =>
    (await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?email=${email}`))).data;
  const deliveries = async (failed = false) =>
    (
      await json<{ data: { deliveryId: string; topic: string; outcome: string; error: string }[] }>(
        await t.api(`/api/v1/connectors/${connectorId}/deliveries?limit=500&failed=${failed}`),
      )
    ).data;

  it('replays the real order, customer and product resources unchanged', async () => {
    // The fixture files' own bytes, signed as WooCommerce signs what it sends.
    await deliver(wooDelivery('order.created', wooFixtureText('order'), SECRET, 'real-order'));
    const order = await orderOf('727');
    expect(order).toMatchObject({
      status: 'processing',
      orderNumber: '727',
      total: 29.35,
      currency: 'USD',
      tax: 1.35,
      shipping: 10,
      subtotal: 18,
      discount: 0,
      orderedAt: '2017-03-22T19:28:02.000Z',
      sourceUpdatedAt: '2017-03-22T19:28:08.000Z',
    });
    expect(order?.lines).toEqual([
      expect.objectContaining({
        productId: '93',
        variantId: null,
        sku: null,
        price: 3,
        quantity: 2,
      }),
      expect.objectContaining({
        productId: '22',
        variantId: '23',
        sku: 'Bar3',
        name: 'Ship Your Idea \u2013 Color: Black, Size: M Test',
        price: 12,
        quantity: 1,
      }),
    ]);
    const [buyer, ...others] = await profileOf('john.doe@example.com');
    expect(others).toEqual([]);
    expect(buyer?.computed).toMatchObject({ order_count: 1, total_spent: 29.35 });
    expect(buyer?.computed.products_bought.sort()).toEqual(['22', '93']);
    // A guest order (customer_id 0) links the billing email and phone, no customer id.
    expect(buyer?.identifiers).toContainEqual({ kind: 'phone', value: '5555555555' });
    expect(buyer?.identifiers.some((i) => i.kind === 'customer_id')).toBe(false);

    await deliver(wooDelivery('customer.created', wooFixtureText('customer'), SECRET, 'real-cust'));
    const [customer, ...more] = await profileOf('john.doe@example.com');
    expect(more).toEqual([]);
    expect(customer?.id).toBe(buyer?.id);
    expect(customer?.traits).toMatchObject({
      first_name: 'John',
      last_name: 'Doe',
      username: 'john.doe',
      city: 'San Francisco',
      country: 'US',
    });
    expect(customer?.identifiers).toContainEqual({ kind: 'customer_id', value: '25' });

    await deliver(wooDelivery('product.updated', wooFixtureText('product'), SECRET, 'real-prod'));
    const product = await json<Product>(await t.api('/api/v1/products/794'));
    expect(product).toMatchObject({
      title: 'Premium Quality',
      url: 'https://example.com/product/premium-quality-19/',
      imageUrl: 'https://example.com/wp-content/uploads/2017/03/T_2_front-4.jpg',
      categories: ['Clothing', 'T-shirts'],
      price: 21.99,
      stock: null,
      inStock: true,
      active: true,
      sourceUpdatedAt: '2017-03-23T20:01:14.000Z',
    });
  });

  it('lowers total_spent by a refund the order update lists, once', async () => {
    const refund = wooFixture('refund');
    const placed = {
      ...wooFixture('order'),
      id: 728,
      number: '728',
      billing: { email: 'refund.buyer@example.com', phone: '' },
    };
    const refunded = {
      ...placed,
      date_modified_gmt: '2017-03-25T10:00:00',
      // How an order lists its refunds: id, reason and the (negative) total.
      refunds: [{ id: refund.id, reason: 'Damaged', total: `-${String(refund.amount)}` }],
    };
    await deliver(wooDelivery('order.created', placed, SECRET, 'r-1'));
    await deliver(wooDelivery('order.updated', refunded, SECRET, 'r-2'));
    await deliver(wooDelivery('order.updated', refunded, SECRET, 'r-3'));
    const o = await orderOf('728');
    expect(o?.refunded).toBe(10);
    expect(o?.refunds).toEqual([
      expect.objectContaining({ refundId: '726', amount: 10, reason: 'Damaged' }),
    ]);
    const [p] = await profileOf('refund.buyer@example.com');
    expect(p?.computed).toMatchObject({ order_count: 1, total_spent: 19.35, refunded_total: 10 });
  });

  it('counts a pending order only once it is paid, and uncounts a cancelled one', async () => {
    const spec = {
      orderId: '5001',
      customerId: '61',
      email: 'pending.buyer@example.com',
      total: 40,
      currency: 'EUR',
      createdAt: '2026-05-01T10:00:00Z',
      updatedAt: '2026-05-01T10:00:00Z',
      lines: [{ productId: '93', variantId: '0', sku: 'X', name: 'X', price: 20, quantity: 2 }],
    };
    const pending = await deliver(
      wooDelivery('order.created', wooOrder(spec, 'pending'), SECRET, 'p-1'),
    );
    expect(pending.outcome).toBe('ignored');
    expect(await orderOf('5001')).toBeNull();
    const paid = { ...spec, updatedAt: '2026-05-01T10:05:00Z' };
    await deliver(wooDelivery('order.updated', wooOrder(paid, 'processing'), SECRET, 'p-2'));
    const [p] = await profileOf('pending.buyer@example.com');
    expect(p?.computed).toMatchObject({ order_count: 1, total_spent: 40 });
    expect((await orderOf('5001'))?.orderedAt).toBe('2026-05-01T10:00:00.000Z');

    const cancelled = { ...spec, updatedAt: '2026-05-02T09:00:00Z' };
    await deliver(wooDelivery('order.updated', wooOrder(cancelled, 'cancelled'), SECRET, 'p-3'));
    expect((await orderOf('5001'))?.status).toBe('cancelled');
    const [after] = await profileOf('pending.buyer@example.com');
    expect(after?.computed).toMatchObject({ order_count: 0, total_spent: 0 });
  });

  it('answers the unsigned ping with 200 and stores nothing', async () => {
    const before = await deliveries();
    const res = await post(wooPing());
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, outcome: 'ping' });
    expect(await deliveries()).toEqual(before);
    // Only exactly the ping passes unsigned: with a topic, the same body needs a signature.
    const withTopic = wooPing();
    withTopic.headers['x-wc-webhook-topic'] = 'order.created';
    expect((await post(withTopic)).status).toBe(401);
    const notAPing = { ...wooPing(), body: Buffer.from('webhook_id=17&x=1') };
    expect((await post(notAPing)).status).toBe(401);
  });

  it('acknowledges a topic it does not use and logs it as ignored', async () => {
    const d = wooDelivery('coupon.created', { id: 720, code: 'free' }, SECRET, 'coupon-1');
    expect(await deliver(d)).toEqual({ ok: true, outcome: 'ignored' });
    expect(await deliveries()).toContainEqual(
      expect.objectContaining({ topic: 'coupon.created', outcome: 'ignored' }),
    );
    const deleted = wooDelivery('order.deleted', { id: 727 }, SECRET, 'deleted-1');
    expect((await deliver(deleted)).outcome).toBe('ignored');
    expect((await orderOf('727'))?.status).toBe('processing');
  });

  it('answers 400 naming the field of a malformed payload, and logs the failure', async () => {
    const order = wooFixture('order');
    const broken = { ...order, id: 729, line_items: [{ product_id: 93, quantity: 'two' }] };
    const res = await post(wooDelivery('order.created', broken, SECRET, 'broken-1'));
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; details: { field: string }[] } }>(res);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.field)).toContain('line_items.0.quantity');
    const notJson = await post(wooDelivery('order.created', '{"id": 7', SECRET, 'broken-2'));
    expect(notJson.status).toBe(400);
    const failed = await deliveries(true);
    expect(failed).toContainEqual(
      expect.objectContaining({
        deliveryId: expect.stringContaining('broken-1'),
        outcome: 'failed',
        error: expect.stringContaining('line_items.0.quantity'),
      }),
    );
    expect(failed).toContainEqual(
      expect.objectContaining({ deliveryId: expect.stringContaining('broken-2') }),
    );
    expect(await orderOf('729')).toBeNull();
  });

  it('answers 401 to a wrong signature and stores nothing', async () => {
    const order = { ...wooFixture('order'), id: 730 };
    const forged = wooDelivery('order.created', order, 'not-the-secret', 'forged-1');
    const res = await post(forged);
    expect(res.status).toBe(401);
    // The body re-encoded differently no longer matches the signature made over the original.
    const signed = wooDelivery('order.created', order, SECRET, 'forged-2');
    const reencoded = { ...signed, body: Buffer.from(JSON.stringify(order)) };
    expect(reencoded.body.equals(Buffer.from(phpJsonEncode(order)))).toBe(false);
    expect((await post(reencoded)).status).toBe(401);
    await t.settle();
    expect(await orderOf('730')).toBeNull();
    expect(JSON.stringify(await deliveries())).not.toContain('forged');
  });
});
