import type { Order, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import type { OrderSpec, SignedDelivery } from './kit.js';
import { SHOP_DOMAIN, shopifyDelivery, shopifyKit } from './shopify-kit.js';

const SECRET = 'shopify-app-client-secret-gdpr-01';
const OTHER_SHOP = 'another-shop.myshopify.com';

const spec = (orderId: string, email: string, customerId: string, total = 30): OrderSpec => ({
  orderId,
  customerId,
  email,
  total,
  currency: 'EUR',
  createdAt: '2026-04-01T10:00:00Z',
  updatedAt: '2026-04-01T10:00:00Z',
  lines: [
    { productId: '7001', variantId: '8001', sku: 'G1', name: 'Glasses', price: total, quantity: 1 },
  ],
});
const fromShop = (d: SignedDelivery, shop: string): SignedDelivery => ({
  ...d,
  headers: { ...d.headers, 'x-shopify-shop-domain': shop },
});
/** The same signed body under another topic: the HMAC does not cover X-Shopify-Topic. */
const asTopic = (d: SignedDelivery, topic: string): SignedDelivery => ({
  ...d,
  headers: { ...d.headers, 'x-shopify-topic': topic, 'x-shopify-webhook-id': `${topic}-replay` },
});

describe.each(engines)('Shopify GDPR topics cannot be forged (%s)', (engine) => {
  let t: TestServer;
  let n = 0;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  const connect = async (shopDomain?: string) => {
    const res = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: {
        platform: 'shopify',
        name: 'Shop',
        secret: SECRET,
        ...(shopDomain ? { shopDomain } : {}),
      },
    });
    expect(res.status).toBe(201);
    return (await json<{ id: string }>(res)).id;
  };
  const post = async (connectorId: string, d: SignedDelivery, expected = 200) => {
    const res = await fetch(`${t.url}/webhooks/shopify/${connectorId}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    const text = await res.text();
    expect(res.status, text).toBe(expected);
    await t.settle();
    return text;
  };
  const signed = (topic: string, body: unknown) =>
    shopifyDelivery(topic, body, SECRET, `${engine}-${++n}`);
  const orders = (connectorId: string, s: OrderSpec) =>
    Promise.all(
      shopifyKit.orderCreated(s, SECRET, `${engine}-${s.orderId}`).map((d) => post(connectorId, d)),
    );
  const profilesOf = async (query: string) =>
    (await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?${query}`))).data;
  const orderOf = async (id: string) => {
    const res = await t.api(`/api/v1/orders/${id}`);
    return res.status === 200 ? json<Order>(res) : null;
  };
  const redactJobs = async () =>
    (
      await t.server.services.database.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'connectors.redact')
        .execute()
    ).length;

  it('refuses a signed orders/create body replayed under a GDPR topic: nobody is erased', async () => {
    const connectorId = await connect();
    const [created] = shopifyKit.orderCreated(
      spec('81001', 'ann@example.com', '61001'),
      SECRET,
      `${engine}-ann`,
    );
    if (!created) throw new Error('no delivery');
    await post(connectorId, created);
    const jobsBefore = await redactJobs();
    for (const topic of ['customers/redact', 'shop/redact', 'customers/data_request']) {
      const answer = await post(connectorId, asTopic(created, topic), 400);
      expect(answer).toContain('validation_failed');
    }
    await t.server.services.jobs.runDue();
    expect(await redactJobs()).toBe(jobsBefore);
    expect(await profilesOf('email=ann@example.com')).toHaveLength(1);
    expect(await orderOf('81001')).not.toBeNull();
  });

  it("refuses GDPR payloads carrying other fields or another shop's domain", async () => {
    const connectorId = await connect();
    const redact = {
      shop_id: 954889,
      shop_domain: SHOP_DOMAIN,
      customer: { id: 61002, email: 'bo@example.com', phone: null },
      orders_to_redact: [],
    };
    const extra = await post(
      connectorId,
      signed('customers/redact', { ...redact, line_items: [] }),
      400,
    );
    expect(extra).toContain('line_items');
    const noShop = await post(
      connectorId,
      signed('shop/redact', { shop_domain: SHOP_DOMAIN }),
      400,
    );
    expect(noShop).toContain('shop_id');
    const elsewhere = { ...redact, shop_domain: OTHER_SHOP };
    expect(await post(connectorId, signed('customers/redact', elsewhere), 400)).toContain(
      'shop_domain',
    );
    const nested = { ...redact, customer: { ...redact.customer, total_price: '10.00' } };
    expect(await post(connectorId, signed('customers/redact', nested), 400)).toContain(
      'total_price',
    );
  });

  it('serves one shop: pinned at creation or by the first delivery, others refused (403)', async () => {
    const first = await connect();
    const cid = spec('81003', 'cid@example.com', '61003');
    for (const d of shopifyKit.orderCreated(cid, SECRET, `${engine}-cid`)) await post(first, d);
    const info = await json<{ shopDomain: string | null }>(
      await t.api(`/api/v1/connectors/${first}`),
    );
    expect(info.shopDomain).toBe(SHOP_DOMAIN);
    // The same app installed in another shop signs with the same secret: still refused.
    const redactCid = {
      shop_id: 1,
      shop_domain: OTHER_SHOP,
      customer: { id: 61003, email: 'cid@example.com', phone: null },
      orders_to_redact: [81003],
    };
    await post(first, fromShop(signed('customers/redact', redactCid), OTHER_SHOP), 403);
    await post(
      first,
      fromShop(signed('shop/redact', { shop_id: 1, shop_domain: OTHER_SHOP }), OTHER_SHOP),
      403,
    );
    await t.server.services.jobs.runDue();
    expect(await profilesOf('email=cid@example.com')).toHaveLength(1);
    const failed = await json<{ data: { error: string }[] }>(
      await t.api(`/api/v1/connectors/${first}/deliveries?failed=true`),
    );
    expect(failed.data[0]?.error).toContain(OTHER_SHOP);

    const pinned = await connect(OTHER_SHOP);
    const [fromMain] = shopifyKit.orderCreated(
      spec('81004', 'dee@example.com', '61004'),
      SECRET,
      'x',
    );
    if (!fromMain) throw new Error('no delivery');
    await post(pinned, fromMain, 403);
    await post(pinned, fromShop(fromMain, OTHER_SHOP));
    const bad = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'shopify', name: 'x', secret: SECRET, shopDomain: 'not a domain' },
    });
    expect(bad.status).toBe(400);
  });

  it("shop/redact removes only that shop's data: tracking, other shops and their profiles stay", async () => {
    const shop = await connect(SHOP_DOMAIN);
    const other = await connect('third-shop.myshopify.com');
    // Eve bought only in the shop; Fay bought in the shop and also browses and buys on the
    // storefront; Gus only tracks; Hal bought in the other shop.
    await orders(shop, spec('82001', 'eve@example.com', '62001'));
    await orders(shop, spec('82002', 'fay@example.com', '62002', 50));
    const track = await t.send('/v1/batch', {
      batch: [
        {
          type: 'identify',
          userId: 'fay-u',
          timestamp: '2026-03-01T10:00:00Z',
          traits: { email: 'fay@example.com', first_name: 'Fay' },
        },
        {
          type: 'track',
          userId: 'fay-u',
          event: 'Order Completed',
          timestamp: '2026-03-05T10:00:00Z',
          properties: { order_id: 'WEB-1', total: 20 },
        },
        { type: 'identify', userId: 'gus-u', traits: { email: 'gus@example.com' } },
      ],
    });
    expect(track.status).toBe(200);
    for (const d of shopifyKit.orderCreated(
      spec('82003', 'hal@example.com', '62003'),
      SECRET,
      'hal',
    ))
      await post(other, fromShop(d, 'third-shop.myshopify.com'));
    for (const d of shopifyKit.productUpdated(
      {
        productId: '7001',
        variantId: '8001',
        title: 'Glasses',
        price: 30,
        stock: 3,
        updatedAt: '2026-04-01T10:00:00Z',
      },
      SECRET,
      `${engine}-p`,
    ))
      await post(shop, d);
    // An out-of-stock product of the shop, viewed on the storefront by Gus.
    for (const d of shopifyKit.productUpdated(
      {
        productId: '7002',
        variantId: '8002',
        title: 'Frames',
        price: 40,
        stock: 0,
        updatedAt: '2026-04-01T10:00:00Z',
      },
      SECRET,
      `${engine}-p2`,
    ))
      await post(shop, d);
    expect(
      (
        await t.send('/v1/track', {
          userId: 'gus-u',
          event: 'Product Viewed',
          properties: { product_id: '7002' },
        })
      ).status,
    ).toBe(200);
    const segment = async (name: string, condition: unknown) => {
      const res = await t.api('/api/v1/segments', { method: 'POST', body: { name, condition } });
      expect(res.status).toBe(201);
      return (await json<{ id: string }>(res)).id;
    };
    const bigSpenders = await segment('Spent over 60', {
      type: 'field',
      field: 'computed.total_spent',
      operator: 'gt',
      value: 60,
    });
    const waiting = await segment('Waiting for a product', { type: 'viewed_out_of_stock' });
    await t.settle();
    const stored = async (segmentId: string) =>
      (
        await t.server.services.database.db
          .selectFrom('segment_memberships')
          .select('profile_id')
          .where('segment_id', '=', segmentId)
          .execute()
      ).map((r) => r.profile_id);
    const [fayBefore] = await profilesOf('email=fay@example.com');
    const [gus] = await profilesOf('email=gus@example.com');
    expect(await stored(bigSpenders)).toContain(fayBefore?.id);
    expect(await stored(waiting)).toEqual([gus?.id]);
    expect(fayBefore?.computed).toMatchObject({ order_count: 2, total_spent: 70 });
    expect(fayBefore?.identifiers).toContainEqual({ kind: 'customer_id', value: '62002' });

    await post(shop, signed('shop/redact', { shop_id: 954889, shop_domain: SHOP_DOMAIN }));
    await t.server.services.jobs.runDue();
    await t.settle();

    expect(await profilesOf('email=eve@example.com')).toEqual([]);
    expect(await orderOf('82001')).toBeNull();
    expect(await orderOf('82002')).toBeNull();
    const [fay, ...more] = await profilesOf('userId=fay-u');
    expect(more).toEqual([]);
    expect(fay?.id).toBe(fayBefore?.id);
    expect(fay?.computed).toMatchObject({ order_count: 1, total_spent: 20 });
    expect(fay?.traits).toMatchObject({ email: 'fay@example.com', first_name: 'Fay' });
    expect(fay?.identifiers).not.toContainEqual({ kind: 'customer_id', value: '62002' });
    expect(await orderOf('WEB-1')).not.toBeNull();
    expect(await profilesOf('email=gus@example.com')).toHaveLength(1);
    expect(await profilesOf('email=hal@example.com')).toHaveLength(1);
    expect(await orderOf('82003')).not.toBeNull();
    expect((await t.api('/api/v1/products/7001')).status).toBe(404);
    // Stored membership follows what the redaction removed, with no event of theirs: Fay's
    // spend and the product Gus was waiting for.
    expect(await stored(bigSpenders)).not.toContain(fay?.id);
    expect(await stored(waiting)).toEqual([]);
    const causes = await t.server.services.database.db
      .selectFrom('segment_changes')
      .select(['segment_id', 'kind', 'cause'])
      .where('kind', '=', 'exited')
      .execute();
    expect(causes).toContainEqual({
      segment_id: bigSpenders,
      kind: 'exited',
      cause: 'shop data removed',
    });
    expect(causes).toContainEqual({
      segment_id: waiting,
      kind: 'exited',
      cause: 'stock: 7002 back in stock',
    });
    const after = await json<{ disabledAt: string | null }>(
      await t.api(`/api/v1/connectors/${shop}`),
    );
    expect(after.disabledAt).not.toBeNull();
    // The job's payload is forgotten once done.
    const payloads = await t.server.services.database.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'connectors.redact')
      .where('status', '=', 'done')
      .execute();
    expect(payloads.map((p) => JSON.stringify(p.payload))).not.toContain(
      expect.stringContaining('@'),
    );
  });
});

describe.each(engines)('customers/redact before the person is applied (%s)', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    // No background loops: the test decides when the processor and the jobs run.
    t = await startTestServer(engine, { background: false });
  });
  afterAll(async () => t?.stop());

  it('events of the person still waiting in the log do not create them after the redaction', async () => {
    const created = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'shopify', name: 'Shop', secret: SECRET, shopDomain: SHOP_DOMAIN },
    });
    const connectorId = (await json<{ id: string }>(created)).id;
    const email = `late-${engine}@example.com`;
    const sent = await t.send('/v1/identify', {
      userId: `late-${engine}`,
      traits: { email, first_name: 'Lata' },
      timestamp: new Date(t.server.services.clock.now() - 60_000).toISOString(),
    });
    expect(sent.status).toBe(200);
    await t.server.services.appendQueue.drain(); // acknowledged, not yet applied
    const redact = shopifyDelivery(
      'customers/redact',
      { shop_id: 954889, shop_domain: SHOP_DOMAIN, customer: { id: null, email, phone: null } },
      SECRET,
      `${engine}-late`,
    );
    const res = await fetch(`${t.url}/webhooks/shopify/${connectorId}`, {
      method: 'POST',
      headers: redact.headers,
      body: redact.body,
    });
    expect(res.status, await res.text()).toBe(200);
    await t.server.services.jobs.runDue();
    await t.settle(); // now the processor applies the waiting identify
    const found = await json<{ data: Profile[] }>(
      await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`),
    );
    expect(found.data).toEqual([]);
    // Someone else's identify in the same batch is applied as usual.
    expect((await t.send('/v1/identify', { userId: `other-${engine}` })).status).toBe(200);
    await t.settle();
    const other = await json<{ data: Profile[] }>(
      await t.api(`/api/v1/profiles?userId=other-${engine}`),
    );
    expect(other.data).toHaveLength(1);
  });
});
