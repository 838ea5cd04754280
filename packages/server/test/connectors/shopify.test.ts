import type { CatalogEvent, Order, Product, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShopifyConnector } from '../../src/modules/connectors/index.js';
import { parseShopifyJson } from '../../src/modules/connectors/shopify.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { connectorContract } from './connector-contract.js';
import type { SignedDelivery } from './kit.js';
import { SHOP_DOMAIN, first, fixture, shopifyDelivery, shopifyKit } from './shopify-kit.js';

connectorContract(shopifyKit);

const SECRET = 'shopify-app-client-secret-0001';
const BOB = 'bob.norman@hostmail.com';
const ORDER_ID = '450789469';

interface StoredEvent {
  messageId: string;
  event: string | null;
  timestamp: string;
  payload: { properties?: Record<string, unknown> };
}
interface DataRequest {
  identifiers: Record<string, unknown>;
  request: Record<string, unknown>;
  profiles: Record<string, unknown>[];
}
interface Delivery {
  deliveryId: string;
  topic: string;
  outcome: string;
  events: number;
  error: string | null;
}

describe('Shopify adapter, without a server', () => {
  const adapter = new ShopifyConnector();
  const received = (topic: string, body: unknown) =>
    adapter.receive(
      {
        headers: { 'x-shopify-topic': topic, 'x-shopify-webhook-id': 'w1' },
        rawBody: Buffer.from(JSON.stringify(body)),
      },
      'con_x',
    );
  const callsOf = (topic: string, body: unknown) => {
    const r = received(topic, body);
    if (!r.ok || r.value.kind !== 'changes') throw new Error(JSON.stringify(r));
    return r.value.changes.calls;
  };

  it('keeps 64-bit ids exact instead of rounding them', () => {
    expect(
      parseShopifyJson('{"a":271878346596884015,"b":"x\\"9007199254740993","c":-1.5e3}'),
    ).toEqual({
      a: '271878346596884015',
      b: 'x"9007199254740993',
      c: -1500,
    });
    const r = received('inventory_levels/update', {});
    expect(r.ok).toBe(false);
    const level = adapter.receive(
      {
        headers: { 'x-shopify-topic': 'inventory_levels/update' },
        rawBody: Buffer.from(
          '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":6,"updated_at":"2021-12-31T19:00:00-05:00"}',
        ),
      },
      'con_x',
    );
    expect(level.ok && level.value.kind === 'changes' && level.value.changes.inventory).toEqual([
      {
        inventoryItemId: '271878346596884015',
        locationId: '24826418',
        available: 6,
        updatedAt: Date.parse('2021-12-31T19:00:00-05:00'),
      },
    ]);
  });

  it('gives the same fact the same message id whichever topic carries it', () => {
    const o = fixture('order.json');
    const created = callsOf('orders/create', o).map((c) => c.messageId);
    const updated = callsOf('orders/updated', o).map((c) => c.messageId);
    expect(created).toContain(`shopify:con_x:order:${ORDER_ID}:completed`);
    expect(updated).toEqual(expect.arrayContaining(created));
    expect(updated.some((m) => m.includes(':updated:'))).toBe(true);
    // The fixture's only fulfillment failed: it shipped nothing.
    expect(created.some((m) => m.includes('fulfillment'))).toBe(false);
  });

  it('maps a cancelled order to a cancelled status and an Order Cancelled', () => {
    const calls = callsOf('orders/cancelled', {
      ...fixture('order.json'),
      cancelled_at: '2008-01-11T09:00:00-05:00',
      cancel_reason: 'customer',
    });
    const cancelled = calls.find((c) => c.event === 'Order Cancelled');
    expect(cancelled?.timestamp).toBe(Date.parse('2008-01-11T09:00:00-05:00'));
    expect(calls.find((c) => c.event === 'Order Updated')?.properties?.status).toBe('cancelled');
  });

  it('counts a refund by its successful refund transactions, else by its lines', () => {
    const refund = fixture('refund.json');
    const [paid] = callsOf('refunds/create', refund);
    expect(paid?.properties).toMatchObject({
      order_id: ORDER_ID,
      refund_id: '509562969',
      total: 209,
    });
    const lines = refund.refund_line_items;
    const [unpaid] = callsOf('refunds/create', { ...refund, transactions: [] });
    expect(Array.isArray(lines) && lines.length).toBe(2);
    expect(unpaid?.properties?.total).toBe(398);
    const [subtotals] = callsOf('refunds/create', {
      ...refund,
      transactions: [{ kind: 'refund', status: 'failure', amount: '209.00' }],
      refund_line_items: [{ quantity: 1, subtotal: '150.50' }],
    });
    expect(subtotals?.properties?.total).toBe(150.5);
  });

  it('leaves out a completed checkout and one nobody can be found for', () => {
    const checkout = fixture('checkouts.json');
    const completed = received('checkouts/update', {
      ...checkout,
      completed_at: '2012-10-12T07:10:00-04:00',
    });
    expect(completed.ok && completed.value.kind).toBe('ignored');
    const anonymous = received('checkouts/create', { ...checkout, email: null, customer: null });
    expect(anonymous.ok && anonymous.value.kind).toBe('ignored');
  });

  it('names the field of a malformed payload', () => {
    const r = received('orders/create', { ...fixture('order.json'), total_price: 'lots' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('validation_failed');
      expect(r.error.message).toContain('total_price');
      expect(r.error.details).toContainEqual({ field: 'total_price', message: expect.any(String) });
    }
    const lines = received('orders/create', {
      ...fixture('order.json'),
      line_items: [{ price: '1' }],
    });
    expect(!lines.ok && lines.error.details[0]?.field).toBe('line_items.0.quantity');
  });
});

describe.each(engines)('Shopify webhooks on %s', (engine) => {
  let t: TestServer;
  let connectorId = '';
  let n = 0;

  beforeAll(async () => {
    t = await startTestServer(engine);
    const res = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'shopify', name: 'Shopify shop', secret: SECRET },
    });
    expect(res.status).toBe(201);
    connectorId = (await json<{ id: string }>(res)).id;
  });
  afterAll(async () => t?.stop());

  const post = (d: SignedDelivery) =>
    fetch(`${t.url}/webhooks/shopify/${connectorId}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
  /** Signs and sends a webhook; the processor has applied it when this returns. */
  const send = async (topic: string, resource: unknown, expected = 200) => {
    const res = await post(shopifyDelivery(topic, resource, SECRET, `${engine}-${++n}`));
    expect(res.status, await res.clone().text()).toBe(expected);
    await t.settle();
    return res;
  };
  const orderOf = async (id: string) => {
    const res = await t.api(`/api/v1/orders/${id}`);
    return res.status === 200 ? await json<Order>(res) : null;
  };
  const profilesOf = async (email: string) =>
    (
      await json<{ data: Profile[] }>(
        await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`),
      )
    ).data;
  const bob = async () => {
    const [profile, ...others] = await profilesOf(BOB);
    expect(others).toEqual([]);
    if (!profile) throw new Error('no profile for Bob');
    return profile;
  };
  const eventsOf = async (profileId: string) =>
    (
      await json<{ data: StoredEvent[] }>(
        await t.api(`/api/v1/profiles/${profileId}/events?limit=1000`),
      )
    ).data;
  const deliveries = async (failed = false) =>
    (
      await json<{ data: Delivery[] }>(
        await t.api(`/api/v1/connectors/${connectorId}/deliveries?limit=500&failed=${failed}`),
      )
    ).data;

  it('turns the real orders/create payload into its order, lines and profile', async () => {
    await send('orders/create', fixture('order.json'));
    const order = await orderOf(ORDER_ID);
    expect(order).toMatchObject({
      orderNumber: '#1001',
      total: 409.94,
      subtotal: 398,
      tax: 11.94,
      shipping: 0,
      discount: 0,
      currency: 'USD',
      status: 'placed',
      orderedAt: new Date('2008-01-10T11:00:00-05:00').toISOString(),
    });
    expect(order?.lines.map((l) => [l.productId, l.variantId, l.sku, l.price, l.quantity])).toEqual(
      [
        ['632910392', '39072856', 'IPOD2008GREEN', 199, 1],
        ['632910392', '49148385', 'IPOD2008RED', 199, 1],
        ['632910392', '457924702', 'IPOD2008BLACK', 199, 1],
      ],
    );
    expect(order?.fulfilments).toEqual([]);
    const profile = await bob();
    expect(order?.profileId).toBe(profile.id);
    expect(profile.computed).toMatchObject({
      order_count: 1,
      total_spent: 409.94,
      products_bought: ['632910392'],
      first_order_at: new Date('2008-01-10T11:00:00-05:00').toISOString(),
    });
    expect(profile.identifiers).toContainEqual({ kind: 'customer_id', value: '207119551' });
    expect(profile.traits).toMatchObject({ first_name: 'Bob', last_name: 'Norman' });
  });

  it('stores an order once however many topics and retries carry it', async () => {
    await send('orders/create', fixture('order.json'));
    await send('orders/paid', fixture('order.json'));
    await send('orders/updated', fixture('order.json'));
    const profile = await bob();
    expect(profile.computed.order_count).toBe(1);
    expect(profile.computed.total_spent).toBeCloseTo(409.94, 2);
    const completed = (await eventsOf(profile.id)).filter((e) => e.event === 'Order Completed');
    expect(completed).toHaveLength(1);
  });

  it('applies the real customers/update payload to the same profile', async () => {
    await send('customers/update', fixture('customer.json'));
    const profile = await bob();
    expect(profile.traits).toMatchObject({
      first_name: 'Bob',
      last_name: 'Norman',
      email: BOB,
      customer_id: '207119551',
      accepts_marketing: false,
      tags: [],
      orders_count: 1,
      city: 'Louisville',
      country: 'United States',
    });
  });

  it('records the fulfillment an order carries, and its delivery', async () => {
    const shipped = fixture('fulfillment.json');
    await send('orders/fulfilled', { ...fixture('order.json'), fulfillments: [shipped] });
    let order = await orderOf(ORDER_ID);
    expect(order?.status).toBe('fulfilled');
    expect(order?.fulfilments).toEqual([
      expect.objectContaining({
        fulfilmentId: '255858046',
        status: 'pending',
        trackingCompany: 'null-company',
        trackingNumber: '1Z2345',
        trackingUrl: 'http://www.google.com/search?q=1Z2345',
        shippedAt: new Date('2013-11-01T16:06:08-04:00').toISOString(),
        deliveredAt: null,
      }),
    ]);
    const delivered = {
      ...shipped,
      status: 'success',
      shipment_status: 'delivered',
      updated_at: '2013-11-04T09:30:00-05:00',
    };
    await send('orders/updated', {
      ...fixture('order.json'),
      updated_at: '2013-11-04T09:30:00-05:00',
      fulfillments: [delivered],
    });
    order = await orderOf(ORDER_ID);
    expect(order?.status).toBe('delivered');
    expect(order?.deliveredAt).toBe(new Date('2013-11-04T09:30:00-05:00').toISOString());
    expect(order?.fulfilments[0]).toMatchObject({ fulfilmentId: '255858046', status: 'delivered' });
    const profile = await bob();
    expect(profile.computed.order_count).toBe(1);
  });

  it('lowers total_spent by the real refunds/create payload, which names no customer', async () => {
    await send('refunds/create', fixture('refund.json'));
    await send('refunds/create', fixture('refund.json'));
    const order = await orderOf(ORDER_ID);
    expect(order?.refunded).toBe(209);
    expect(order?.refunds).toEqual([
      expect.objectContaining({ refundId: '509562969', amount: 209 }),
    ]);
    const profile = await bob();
    expect(profile.computed.total_spent).toBeCloseTo(200.94, 2);
    expect(profile.computed.refunded_total).toBe(209);
    expect(profile.computed.order_count).toBe(1);
  });

  it('turns the real checkouts/create payload into a Checkout Started with its recovery URL', async () => {
    const checkout = fixture('checkouts.json');
    await send('checkouts/create', checkout);
    const profile = await bob();
    const started = (await eventsOf(profile.id)).filter((e) => e.event === 'Checkout Started');
    expect(started).toHaveLength(1);
    expect(started[0]?.timestamp).toBe(new Date('2012-10-12T07:05:27-04:00').toISOString());
    expect(started[0]?.payload.properties).toMatchObject({
      checkout_id: '2a1ace52255252df566af0faaedfbfa7',
      checkout_url:
        'https://checkout.local/orders/690933842/2a1ace52255252df566af0faaedfbfa7?recovered=1',
      total: 409.94,
      value: 409.94,
      currency: 'USD',
      products: [
        expect.objectContaining({
          product_id: '632910392',
          variant_id: '49148385',
          sku: 'IPOD2008RED',
          price: 199,
          quantity: 1,
        }),
        expect.objectContaining({
          product_id: '632910392',
          variant_id: '808950810',
          sku: 'IPOD2008PINK',
          price: 199,
          quantity: 1,
        }),
      ],
    });
    // Completing it adds nothing that would look like an abandoned cart.
    await send('checkouts/update', {
      ...checkout,
      completed_at: '2012-10-12T07:10:00-04:00',
      updated_at: '2012-10-12T07:10:00-04:00',
    });
    const after = (await eventsOf(profile.id)).filter((e) => e.event === 'Checkout Started');
    expect(after).toHaveLength(1);
  });

  it('turns the real products/create payload into a product with its variants', async () => {
    await send('products/create', fixture('product.json'));
    const product = await json<Product>(await t.api('/api/v1/products/632910392'));
    expect(product).toMatchObject({
      title: 'IPod Nano - 8GB',
      url: `https://${SHOP_DOMAIN}/products/ipod-nano`,
      imageUrl: 'http://static.shopify.com/s/files/1/6909/3384/products/ipod-nano.png?0',
      categories: ['Cult Products'],
      price: 199,
      stock: 100,
      inStock: true,
      active: true,
    });
    expect(product.variants.map((v) => [v.id, v.sku, v.price, v.stock])).toEqual([
      ['39072856', 'IPOD2008GREEN', 199, 30],
      ['457924702', 'IPOD2008BLACK', 199, 40],
      ['49148385', 'IPOD2008RED', 199, 20],
      ['808950810', 'IPOD2008PINK', 199, 10],
    ]);
  });

  it('sets stock from the real inventory_levels/update payload, back in stock from zero', async () => {
    // The fixtures predate inventory_item_id on variants; newer payloads carry it.
    const product = fixture('product.json');
    const pink = {
      ...first(product, 'variants'),
      inventory_item_id: 808950810,
      inventory_quantity: 0,
    };
    const others = Array.isArray(product.variants) ? product.variants.slice(1) : [];
    await send('products/update', {
      ...product,
      updated_at: '2018-05-01T10:00:00-04:00',
      variants: [pink, ...others],
    });
    let stored = await json<Product>(await t.api('/api/v1/products/632910392'));
    expect(stored.variants.find((v) => v.id === '808950810')?.stock).toBe(0);
    await send('inventory_levels/update', fixture('inventory_level.json'));
    stored = await json<Product>(await t.api('/api/v1/products/632910392'));
    expect(stored.variants.find((v) => v.id === '808950810')).toMatchObject({
      stock: 6,
      inventoryItemId: '808950810',
    });
    expect(stored.stock).toBe(96);
    const events = await json<{ data: CatalogEvent[] }>(
      await t.api('/api/v1/catalog-events?kind=back_in_stock'),
    );
    expect(events.data).toContainEqual(
      expect.objectContaining({
        productId: '632910392',
        variantId: '808950810',
        details: { previous_stock: 0, stock: 6 },
      }),
    );
  });

  it('cancels an order: it stops counting', async () => {
    const o = {
      ...fixture('order.json'),
      id: 1_450_789_469,
      email: 'carol@example.com',
      customer: null,
      name: '#1002',
    };
    await send('orders/create', o);
    expect((await profilesOf('carol@example.com'))[0]?.computed.order_count).toBe(1);
    await send('orders/cancelled', {
      ...o,
      cancelled_at: '2008-01-12T10:00:00-05:00',
      updated_at: '2008-01-12T10:00:00-05:00',
    });
    expect((await orderOf('1450789469'))?.status).toBe('cancelled');
    const [carol] = await profilesOf('carol@example.com');
    expect(carol?.computed.order_count).toBe(0);
    expect(carol?.computed.total_spent).toBe(0);
  });

  it('stores what PostgreSQL cannot (NUL, lone surrogates) as U+FFFD, on both engines', async () => {
    const o = {
      ...fixture('order.json'),
      id: 2_450_789_469,
      name: '#1003\u0000',
      email: 'dan@example.com',
      customer: null,
    };
    await send('orders/create', o);
    expect((await orderOf('2450789469'))?.orderNumber).toBe('#1003\uFFFD');
    await send('customers/update', {
      ...fixture('customer.json'),
      first_name: 'D\ud800n',
      updated_at: '2016-01-01T00:00:00-05:00',
    });
    expect((await bob()).traits.first_name).toBe('D\uFFFDn');
  });

  it('acknowledges an unknown topic and logs it as ignored', async () => {
    await send('app/uninstalled', { id: 1, name: 'shop' });
    const [last] = (await deliveries()).filter((d) => d.topic === 'app/uninstalled');
    expect(last).toMatchObject({ topic: 'app/uninstalled', outcome: 'ignored', events: 0 });
  });

  it('answers 400 to a malformed payload, naming the field, and logs the failure', async () => {
    const noId = fixture('order.json');
    delete noId.id;
    const res = await send('orders/create', noId, 400);
    const body = await json<{
      error: { code: string; message: string; details: { field: string }[] };
    }>(res);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/\bid\b/);
    expect(body.error.details).toContainEqual(expect.objectContaining({ field: 'id' }));
    const notJson = await send('customers/update', '{"id": 1,', 400);
    expect((await json<{ error: { message: string } }>(notJson)).error.message).toContain(
      'not JSON',
    );
    const failed = await deliveries(true);
    expect(failed.map((d) => d.error)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('not JSON'),
        expect.stringMatching(/orders\/create payload: id /),
      ]),
    );
    expect(failed).toHaveLength(2);
  });

  it("lists a customers/data_request with the person's export", async () => {
    await send('customers/data_request', {
      shop_id: 954889,
      shop_domain: SHOP_DOMAIN,
      orders_requested: [450789469],
      customer: { id: 207119551, email: BOB, phone: null },
      data_request: { id: 9999 },
    });
    const list = await json<{ data: DataRequest[] }>(
      await t.api(`/api/v1/connectors/${connectorId}/data-requests`),
    );
    expect(list.data).toHaveLength(1);
    expect(list.data[0]?.identifiers).toMatchObject({ email: BOB, customer_id: '207119551' });
    expect(list.data[0]?.request).toMatchObject({ data_request: { id: 9999 } });
    expect(list.data[0]?.profiles).toHaveLength(1);
    expect(JSON.stringify(list.data[0]?.profiles)).toContain(ORDER_ID);
  });

  it('erases the person of a customers/redact once its job has run', async () => {
    const profile = await bob();
    await send('customers/redact', {
      shop_id: 954889,
      shop_domain: SHOP_DOMAIN,
      customer: { id: 207119551, email: BOB, phone: '555-625-1199' },
      orders_to_redact: [450789469],
    });
    await t.server.services.jobs.runDue();
    expect(await profilesOf(BOB)).toEqual([]);
    expect((await t.api(`/api/v1/profiles/${profile.id}`)).status).toBe(404);
    expect(await orderOf(ORDER_ID)).toBeNull();
    // A retry of an old order webhook does not bring Bob back.
    await send('orders/updated', fixture('order.json'));
    expect(await profilesOf(BOB)).toEqual([]);
  });

  it('erases every profile of the shop on shop/redact', async () => {
    expect((await profilesOf('carol@example.com')).length).toBe(1);
    await send('shop/redact', { shop_id: 954889, shop_domain: SHOP_DOMAIN });
    await t.server.services.jobs.runDue();
    expect(await profilesOf('carol@example.com')).toEqual([]);
    const left = await t.server.services.database.db
      .selectFrom('profiles')
      .select('id')
      .where('workspace_id', '=', 'default')
      .execute();
    expect(left).toEqual([]);
    expect(await orderOf('1450789469')).toBeNull();
  });
});
