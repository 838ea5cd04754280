import type { CatalogEvent, Order, Product, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { bearer, expectRefused, raw } from './support/rejections.js';
import { ADMIN_KEY, json, startTestServer, type TestServer } from './support/test-server.js';

let n = 0;
const call = (userId: string, event: string, at: string, properties: Record<string, unknown>) => ({
  userId,
  event,
  messageId: `m-${++n}`,
  timestamp: at,
  properties,
});
const lens = (quantity: number, price = 25) => [
  {
    product_id: 'lens-30',
    variant_id: 'lens-30-m',
    sku: 'L30',
    name: 'Lenses',
    category: 'Lenses',
    price,
    quantity,
  },
];

describe.each(engines)('orders as linked records on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  const send = async (...calls: unknown[]) => {
    const res = await t.send('/v1/batch', {
      batch: calls.map((c) => ({ type: 'track', ...(c as object) })),
    });
    expect(res.status).toBe(200);
    await t.settle();
  };
  const order = async (id: string) => {
    const res = await t.api(`/api/v1/orders/${id}`);
    return res.status === 200 ? json<Order>(res) : null;
  };
  const profile = async (userId: string) => {
    const found = await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?userId=${userId}`));
    return found.data[0];
  };

  it('follows an order from completion through an edit, shipping and delivery', async () => {
    await send(
      call('u-life', 'Order Completed', '2026-03-01T10:00:00Z', {
        order_id: 'O-1',
        total: 50,
        currency: 'EUR',
        tax: 8,
        shipping: 4,
        products: lens(2),
      }),
      call('u-life', 'Order Updated', '2026-03-01T12:00:00Z', {
        order_id: 'O-1',
        total: 75,
        updated_at: '2026-03-01T12:00:00Z',
        products: lens(3),
      }),
      call('u-life', 'Order Fulfilled', '2026-03-02T09:00:00Z', {
        order_id: 'O-1',
        fulfillment_id: 'F-1',
        tracking_number: 'TRK1',
        tracking_company: 'DHL',
      }),
      call('u-life', 'Order Delivered', '2026-03-04T15:00:00Z', {
        order_id: 'O-1',
        fulfillment_id: 'F-1',
      }),
    );
    const o = await order('O-1');
    expect(o).toMatchObject({
      status: 'delivered',
      total: 75,
      tax: 8,
      shipping: 4,
      currency: 'EUR',
      orderedAt: '2026-03-01T10:00:00.000Z',
      fulfilledAt: '2026-03-02T09:00:00.000Z',
      deliveredAt: '2026-03-04T15:00:00.000Z',
    });
    expect(o?.lines).toEqual([
      {
        productId: 'lens-30',
        variantId: 'lens-30-m',
        sku: 'L30',
        name: 'Lenses',
        category: 'Lenses',
        price: 25,
        quantity: 3,
      },
    ]);
    expect(o?.fulfilments).toEqual([
      expect.objectContaining({
        fulfilmentId: 'F-1',
        trackingNumber: 'TRK1',
        trackingCompany: 'DHL',
        deliveredAt: '2026-03-04T15:00:00.000Z',
      }),
    ]);
    const p = await profile('u-life');
    expect(p?.computed).toMatchObject({ order_count: 1, total_spent: 75 });
    const listed = await json<{ data: Order[] }>(await t.api(`/api/v1/profiles/${p?.id}/orders`));
    expect(listed.data.map((x) => x.orderId)).toEqual(['O-1']);
  });

  it('counts one refund once, however many times and ways it is reported', async () => {
    await send(
      call('u-ref', 'Order Completed', '2026-03-01T10:00:00Z', {
        order_id: 'O-2',
        total: 100,
        products: lens(4),
      }),
      call('u-ref', 'Order Refunded', '2026-03-05T10:00:00Z', {
        order_id: 'O-2',
        refund_id: 'R-1',
        total: 30,
      }),
      call('u-ref', 'Order Refunded', '2026-03-05T10:00:00Z', {
        order_id: 'O-2',
        refund_id: 'R-1',
        total: 30,
      }),
    );
    await send(
      call('u-ref', 'Order Refunded', '2026-03-05T10:00:00Z', {
        order_id: 'O-2',
        refund_id: 'R-1',
        total: 30,
      }),
    );
    expect((await profile('u-ref'))?.computed).toMatchObject({
      order_count: 1,
      total_spent: 70,
      refunded_total: 30,
    });
    const o = await order('O-2');
    expect(o?.refunded).toBe(30);
    expect(o?.refunds.map((r) => [r.refundId, r.amount])).toEqual([['R-1', 30]]);
  });

  it('takes a cancelled order back out, and never counts one cancelled before it arrived', async () => {
    await send(
      call('u-can', 'Order Completed', '2026-03-01T10:00:00Z', {
        order_id: 'O-3',
        total: 40,
        products: lens(1, 40),
      }),
      call('u-can', 'Order Completed', '2026-03-02T10:00:00Z', {
        order_id: 'O-4',
        total: 60,
        products: lens(1, 60),
      }),
      call('u-can', 'Order Cancelled', '2026-03-02T11:00:00Z', { order_id: 'O-4' }),
      call('u-can', 'Order Cancelled', '2026-03-03T09:00:00Z', { order_id: 'O-5' }),
    );
    await send(
      call('u-can', 'Order Completed', '2026-03-03T08:00:00Z', {
        order_id: 'O-5',
        total: 10,
        products: lens(1, 10),
      }),
    );
    expect((await profile('u-can'))?.computed).toMatchObject({ order_count: 1, total_spent: 40 });
    expect((await order('O-4'))?.status).toBe('cancelled');
    expect((await order('O-5'))?.status).toBe('cancelled');
  });

  it('erases the lines, refunds and fulfilments with the person', async () => {
    const p = await profile('u-life');
    expect((await t.api(`/api/v1/profiles/${p?.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await order('O-1')).toBeNull();
    const db = t.server.services.database.db;
    for (const table of ['profile_orders', 'order_refunds', 'order_fulfilments'] as const) {
      const rows = await db
        .selectFrom(table)
        .select('order_id')
        .where('order_id', '=', 'O-1')
        .execute();
      expect(rows, table).toEqual([]);
    }
  });
});

describe.each(engines)('the product API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  const upsert = async (body: object) => {
    const path = 'products' in body ? '/api/v1/products/batch' : '/api/v1/products';
    const res = await t.api(path, { method: 'POST', body });
    expect(res.status, await res.clone().text()).toBe(200);
    return json<{ created: number; updated: number; stale: number; catalogEvents: number }>(res);
  };

  it('creates, reads, lists and updates products; a consumable carries its usage period', async () => {
    expect(
      await upsert({
        products: [
          {
            id: 'lens-30',
            title: 'Monthly lenses',
            price: 29.9,
            currency: 'EUR',
            categories: ['Lenses'],
            stock: 0,
            consumable: true,
            usage_days: 30,
            updated_at: '2026-01-01T00:00:00Z',
          },
          {
            id: 'cam-1',
            title: 'Camera',
            price: 499,
            currency: 'EUR',
            categories: ['Cameras'],
            url: 'https://shop.example/cam-1',
          },
        ],
      }),
    ).toEqual({ created: 2, updated: 0, stale: 0, catalogEvents: 0 });
    const got = await json<Product>(await t.api('/api/v1/products/lens-30'));
    expect(got).toMatchObject({
      title: 'Monthly lenses',
      consumable: true,
      usageDays: 30,
      stock: 0,
      inStock: false,
      active: true,
    });

    // Back in stock and cheaper: both recorded. Then a late, older update changes nothing.
    expect(
      await upsert({ id: 'lens-30', stock: 12, price: 24.9, updated_at: '2026-01-02T00:00:00Z' }),
    ).toMatchObject({ updated: 1, catalogEvents: 2 });
    expect(
      await upsert({ id: 'lens-30', stock: 0, price: 35, updated_at: '2026-01-01T12:00:00Z' }),
    ).toMatchObject({ stale: 1, catalogEvents: 0 });
    const after = await json<Product>(await t.api('/api/v1/products/lens-30'));
    expect(after).toMatchObject({
      stock: 12,
      price: 24.9,
      title: 'Monthly lenses',
      categories: ['Lenses'],
    });
    const events = await json<{ data: CatalogEvent[] }>(await t.api('/api/v1/catalog-events'));
    expect(events.data.map((e) => [e.kind, e.productId])).toEqual([
      ['back_in_stock', 'lens-30'],
      ['price_drop', 'lens-30'],
    ]);
    const drops = await json<{ data: CatalogEvent[] }>(
      await t.api(`/api/v1/catalog-events?kind=price_drop&after=${events.data[0]?.seq}`),
    );
    expect(drops.data).toHaveLength(1);

    const put = await t.api('/api/v1/products/cam-1', {
      method: 'PUT',
      body: { title: 'Camera X', active: false },
    });
    expect(put.status).toBe(200);
    expect(await json<Product>(put)).toMatchObject({
      title: 'Camera X',
      active: false,
      price: 499,
    });

    const page1 = await json<{ data: Product[]; next: string | null }>(
      await t.api('/api/v1/products?limit=1'),
    );
    expect(page1.data.map((p) => p.id)).toEqual(['cam-1']);
    const page2 = await json<{ data: Product[]; next: string | null }>(
      await t.api(`/api/v1/products?limit=1&after=${page1.next}`),
    );
    expect(page2.data.map((p) => p.id)).toEqual(['lens-30']);
    expect(page2.next).toBeNull();

    // A category filter pages over matching products only: a full page when more exist.
    await upsert({ id: 'lens-90', title: 'Quarterly lenses', categories: ['Lenses', 'Care'] });
    const lenses = await json<{ data: Product[]; next: string | null }>(
      await t.api('/api/v1/products?category=Lenses&limit=1'),
    );
    expect(lenses.data.map((p) => p.id)).toEqual(['lens-30']);
    const more = await json<{ data: Product[]; next: string | null }>(
      await t.api(`/api/v1/products?category=Lenses&limit=1&after=${lenses.next}`),
    );
    expect(more.data.map((p) => p.id)).toEqual(['lens-90']);
    const none = await json<{ data: Product[] }>(
      await t.api('/api/v1/products?category=Cameras%20X'),
    );
    expect(none.data).toEqual([]);
  });

  it('keeps variants: stock is their sum, a variant back in stock is recorded with its id', async () => {
    await upsert({
      id: 'tee',
      title: 'T-shirt',
      variants: [
        { id: 'tee-s', sku: 'TEE-S', price: 20, stock: 0 },
        { id: 'tee-m', sku: 'TEE-M', price: 22, stock: 3 },
      ],
    });
    expect(await json<Product>(await t.api('/api/v1/products/tee'))).toMatchObject({
      stock: 3,
      price: 20,
    });
    const out = await upsert({
      id: 'tee',
      variants: [
        { id: 'tee-s', stock: 4 },
        { id: 'tee-m', stock: 3 },
      ],
    });
    expect(out.catalogEvents).toBe(1);
    const events = await json<{ data: CatalogEvent[] }>(
      await t.api('/api/v1/catalog-events?kind=back_in_stock&limit=100'),
    );
    expect(events.data.at(-1)).toMatchObject({ productId: 'tee', variantId: 'tee-s' });
    expect(await json<Product>(await t.api('/api/v1/products/tee'))).toMatchObject({ stock: 7 });
  });

  const bad = [
    { name: 'no id', body: { title: 'x' }, field: /id/ },
    { name: 'negative price', body: { id: 'x', price: -1 }, field: /price/ },
    { name: 'lower-case currency', body: { id: 'x', currency: 'eur' }, field: /currency/ },
    {
      name: 'usage period not a whole number',
      body: { id: 'x', usage_days: 2.5 },
      field: /usage_days/,
    },
    { name: 'categories not a list', body: { id: 'x', categories: 'Lenses' }, field: /categories/ },
    { name: 'a bad updated_at', body: { id: 'x', updated_at: 'yesterday' }, field: /updated_at/ },
  ];
  it.each(bad)('refuses a product with $name and stores nothing', async (c) => {
    await expectRefused(
      t,
      () =>
        raw(t, '/api/v1/products', {
          method: 'POST',
          body: JSON.stringify(c.body),
          headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' },
        }),
      { status: 400, code: 'validation_failed', field: c.field },
    );
  });

  it('answers 404 for an unknown product or order, and 401 without the admin key', async () => {
    expect((await t.api('/api/v1/products/nope')).status).toBe(404);
    expect((await t.api('/api/v1/orders/nope')).status).toBe(404);
    expect((await raw(t, '/api/v1/products', { method: 'GET' })).status).toBe(401);
  });
});
