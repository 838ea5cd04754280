import type { Order, Product, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { connectorContract } from './connector-contract.js';
import type { OrderSpec, SignedDelivery } from './kit.js';
import {
  adobeDelivery,
  adobeEvent,
  adobeKeys,
  magentoCustomer,
  magentoKit,
  magentoOrder,
  magentoStockItem,
  productEventText,
} from './magento-kit.js';

connectorContract(magentoKit);

const SECRET = 'adobe-io-client-secret-0001';
const ORDER_SAVE = 'observer.sales_order_save_after';

const spec = (orderId: string, email: string, over: Partial<OrderSpec> = {}): OrderSpec => ({
  orderId,
  customerId: '41',
  email,
  total: 120,
  currency: 'EUR',
  createdAt: '2026-05-01T10:00:00Z',
  updatedAt: '2026-05-01T10:00:00Z',
  lines: [
    {
      productId: '2041',
      variantId: '',
      sku: 'MJ01-M',
      name: 'Beaumont Jacket',
      price: 50,
      quantity: 2,
    },
  ],
  ...over,
});

describe.each(engines)('Adobe Commerce events on %s', (engine) => {
  let t: TestServer;
  let connectorId = '';

  const connect = async (secret: string) => {
    const res = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'magento', name: 'Adobe Commerce', secret },
    });
    expect(res.status).toBe(201);
    return (await json<{ id: string }>(res)).id;
  };
  beforeAll(async () => {
    t = await startTestServer(engine);
    connectorId = await connect(SECRET);
  });
  afterAll(async () => t?.stop());

  const post = (d: SignedDelivery, connector = connectorId) =>
    fetch(`${t.url}/webhooks/magento/${connector}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
  const deliver = async (d: SignedDelivery, connector = connectorId) => {
    const res = await post(d, connector);
    expect(res.status, await res.clone().text()).toBe(200);
    await t.settle();
    return json<{ ok: boolean; outcome: string }>(res);
  };
  const event = (code: string, value: Record<string, unknown>, id: string, time: string) =>
    adobeDelivery(adobeEvent(code, value, id, time), SECRET);
  const orderOf = async (id: string) => {
    const res = await t.api(`/api/v1/orders/${id}`);
    return res.status === 200 ? json<Order>(res) : null;
  };
  const profileOf = async (email: string) =>
    (await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?email=${email}`))).data;
  const productOf = async (id: string) => json<Product>(await t.api(`/api/v1/products/${id}`));
  const deliveries = async (failed = false) =>
    (
      await json<{ data: { deliveryId: string; topic: string; outcome: string; error: string }[] }>(
        await t.api(`/api/v1/connectors/${connectorId}/deliveries?limit=500&failed=${failed}`),
      )
    ).data;

  it('replays the real product event unchanged', async () => {
    // The subscription behind it sent no entity id: the sku keys the product.
    expect((await deliver(adobeDelivery(productEventText(), SECRET))).outcome).toBe('processed');
    expect(await productOf('eventtest1')).toMatchObject({
      title: 'eventtest r',
      price: 32444,
      stock: 65,
      inStock: true,
      sourceUpdatedAt: '2025-07-17T15:48:41.000Z',
    });
    const log = await deliveries();
    expect(log).toContainEqual(
      expect.objectContaining({
        deliveryId: '23f76cef-9f14-44b1-bbd0-29995789c98e',
        topic: 'observer.catalog_product_save_commit_after',
        outcome: 'processed',
      }),
    );
  });

  it('maps an order with a configurable line, its discount, a closing and a cancellation', async () => {
    const o = spec('000000101', 'magento.buyer@example.com');
    const value = magentoOrder(o, {
      _isNew: true,
      state: 'new',
      status: 'pending',
      grand_total: '95.0000',
      subtotal: '100.0000',
      discount_amount: '-10.0000',
      shipping_amount: '5.0000',
      coupon_code: 'SPRING10',
      items: [
        // A configurable product: the parent line carries the price, the child the variant.
        {
          item_id: '7',
          product_id: '2040',
          sku: 'MJ01-M-Red',
          name: 'Beaumont',
          price: '50.0000',
          qty_ordered: '2.0000',
          product_type: 'configurable',
          parent_item_id: null,
        },
        {
          item_id: '8',
          product_id: '2041',
          sku: 'MJ01-M-Red',
          name: 'Beaumont-M-Red',
          price: '0.0000',
          qty_ordered: '2.0000',
          product_type: 'simple',
          parent_item_id: '7',
        },
      ],
    });
    await deliver(event(ORDER_SAVE, value, 'o101-new', o.createdAt));
    const order = await orderOf('000000101');
    expect(order).toMatchObject({
      status: 'pending',
      orderNumber: '000000101',
      total: 95,
      subtotal: 100,
      discount: 10,
      shipping: 5,
      currency: 'EUR',
      orderedAt: '2026-05-01T10:00:00.000Z',
    });
    expect(order?.lines).toEqual([
      expect.objectContaining({ productId: '2040', sku: 'MJ01-M-Red', price: 50, quantity: 2 }),
    ]);
    const [buyer] = await profileOf('magento.buyer@example.com');
    expect(buyer?.computed).toMatchObject({ order_count: 1, total_spent: 95 });
    expect(buyer?.identifiers).toContainEqual({ kind: 'customer_id', value: '41' });

    // Refunded in full by credit memos: Magento closes the order.
    const closed = {
      ...value,
      _isNew: false,
      state: 'closed',
      status: 'closed',
      updated_at: '2026-05-04 09:00:00',
    };
    await deliver(event(ORDER_SAVE, closed, 'o101-closed', '2026-05-04T09:00:00Z'));
    expect((await orderOf('000000101'))?.refunded).toBe(95);
    const [refunded] = await profileOf('magento.buyer@example.com');
    expect(refunded?.computed).toMatchObject({
      order_count: 0,
      total_spent: 0,
      refunded_total: 95,
    });

    const c = spec('000000102', 'magento.canceller@example.com', { customerId: '42' });
    await deliver(event(ORDER_SAVE, magentoOrder(c, { _isNew: true }), 'o102-new', c.createdAt));
    const canceled = magentoOrder(c, {
      state: 'canceled',
      status: 'canceled',
      updated_at: '2026-05-02 08:00:00',
    });
    await deliver(event(ORDER_SAVE, canceled, 'o102-cancel', '2026-05-02T08:00:00Z'));
    expect((await orderOf('000000102'))?.status).toBe('cancelled');
    const [canceller] = await profileOf('magento.canceller@example.com');
    expect(canceller?.computed).toMatchObject({ order_count: 0, total_spent: 0 });
  });

  it('does not count an order awaiting payment', async () => {
    const o = spec('000000103', 'magento.waiting@example.com', { customerId: '43' });
    const waiting = magentoOrder(o, {
      _isNew: true,
      state: 'pending_payment',
      status: 'pending_payment',
    });
    expect((await deliver(event(ORDER_SAVE, waiting, 'o103-new', o.createdAt))).outcome).toBe(
      'ignored',
    );
    expect(await orderOf('000000103')).toBeNull();
  });

  it('keeps a customer with the default billing address', async () => {
    const value = magentoCustomer(
      {
        customerId: '77',
        email: 'magento.customer@example.com',
        firstName: 'Ana',
        lastName: 'Kovač',
        updatedAt: '2026-05-01T10:00:00Z',
      },
      {
        default_billing: '9',
        addresses: [
          { id: '8', city: 'Koper', country_id: 'SI', telephone: '+386 5 000 0000' },
          { id: '9', city: 'Ljubljana', country_id: 'SI', telephone: '+386 1 234 5678' },
        ],
      },
    );
    await deliver(
      event('observer.customer_save_commit_after', value, 'cust-77', '2026-05-01T10:00:00Z'),
    );
    const [p, ...others] = await profileOf('magento.customer@example.com');
    expect(others).toEqual([]);
    expect(p?.traits).toMatchObject({
      first_name: 'Ana',
      last_name: 'Kovač',
      city: 'Ljubljana',
      country: 'SI',
    });
    expect(p?.identifiers).toContainEqual({ kind: 'phone', value: '+38612345678' });
    expect(p?.identifiers).toContainEqual({ kind: 'customer_id', value: '77' });
  });

  it('keeps product and stock saves apart, whichever arrives first', async () => {
    // One admin save: the stock item is saved a moment after the product's updated_at, and its
    // event arrives first. Neither makes the other stale.
    await deliver(
      event(
        'observer.cataloginventory_stock_item_save_commit_after',
        magentoStockItem('5001', 0),
        's-1',
        '2026-05-01T10:00:00Z',
      ),
    );
    const product = {
      id: '5001',
      sku: 'LENS-90',
      name: 'Lenses 90',
      price: '80.000000',
      status: '1',
      updated_at: '2026-05-01 10:00:00',
      stock_data: [],
    };
    await deliver(
      event('observer.catalog_product_save_commit_after', product, 'p-1', '2026-05-01T10:00:00Z'),
    );
    await deliver(
      event(
        'observer.cataloginventory_stock_item_save_commit_after',
        magentoStockItem('5001', 12),
        's-2',
        '2026-05-03T10:00:01Z',
      ),
    );
    const lowered = { ...product, price: '70.000000', updated_at: '2026-05-03 10:00:00' };
    await deliver(
      event('observer.catalog_product_save_commit_after', lowered, 'p-2', '2026-05-03T10:00:00Z'),
    );
    // A late stock save from before the restock changes nothing.
    await deliver(
      event(
        'observer.cataloginventory_stock_item_save_commit_after',
        magentoStockItem('5001', 0),
        's-0',
        '2026-05-02T10:00:00Z',
      ),
    );
    expect(await productOf('5001')).toMatchObject({
      title: 'Lenses 90',
      price: 70,
      stock: 12,
      inStock: true,
      active: true,
    });
    const out = { ...magentoStockItem('5001', 4), is_in_stock: false };
    await deliver(
      event(
        'observer.cataloginventory_stock_item_save_commit_after',
        out,
        's-3',
        '2026-05-04T10:00:00Z',
      ),
    );
    expect((await productOf('5001')).inStock).toBe(false);
    const disabled = { ...lowered, status: '2', updated_at: '2026-05-05 10:00:00' };
    await deliver(
      event('observer.catalog_product_save_commit_after', disabled, 'p-3', '2026-05-05T10:00:00Z'),
    );
    expect((await productOf('5001')).active).toBe(false);
  });

  it("records a signed-in shopper's cart add and ignores a guest's", async () => {
    const quote = (over: Record<string, unknown>) => ({
      quote_product_ids: ['2041'],
      quote: {
        entity_id: '900',
        is_active: true,
        customer_is_guest: false,
        currency: { quote_currency_code: 'EUR' },
        items: [
          {
            item_id: '1',
            product_id: '2000',
            sku: 'OLD',
            name: 'Older line',
            price: '5.0000',
            qty: '1',
            updated_at: '2026-05-01 09:00:00',
          },
          {
            item_id: '2',
            product_id: '2041',
            sku: 'MJ01-M',
            name: 'Beaumont Jacket',
            price: '50.0000',
            qty: '1',
            updated_at: '2026-05-01 10:00:00',
          },
        ],
        ...over,
      },
    });
    const added = quote({ customer_email: 'magento.shopper@example.com', customer_id: '55' });
    await deliver(
      event('observer.checkout_cart_product_add_after', added, 'cart-1', '2026-05-01T10:00:00Z'),
    );
    const [shopper] = await profileOf('magento.shopper@example.com');
    expect(shopper).toBeDefined();
    const events = await json<{
      data: { event: string | null; payload: Record<string, unknown> }[];
    }>(await t.api(`/api/v1/profiles/${shopper?.id}/events`));
    expect(events.data).toContainEqual(
      expect.objectContaining({
        event: 'Product Added',
        payload: expect.objectContaining({
          properties: expect.objectContaining({
            product_id: '2041',
            sku: 'MJ01-M',
            price: 50,
            quantity: 1,
            cart_id: '900',
          }),
        }),
      }),
    );
    const guest = quote({ customer_is_guest: true });
    expect(
      (
        await deliver(
          event(
            'observer.checkout_cart_product_add_after',
            guest,
            'cart-2',
            '2026-05-01T10:00:00Z',
          ),
        )
      ).outcome,
    ).toBe('ignored');
  });

  it('acknowledges an event it does not use and logs it as ignored', async () => {
    const d = event(
      'observer.sales_order_invoice_save_after',
      { entity_id: '3' },
      'invoice-1',
      '2026-05-01T10:00:00Z',
    );
    expect(await deliver(d)).toEqual({ ok: true, outcome: 'ignored' });
    expect(await deliveries()).toContainEqual(
      expect.objectContaining({
        deliveryId: 'invoice-1',
        topic: 'observer.sales_order_invoice_save_after',
        outcome: 'ignored',
      }),
    );
  });

  it('answers 400 naming the field of a malformed event, and logs the failure', async () => {
    const o = spec('000000104', 'magento.broken@example.com');
    const value = magentoOrder(o);
    delete value.grand_total;
    const res = await post(event(ORDER_SAVE, value, 'broken-1', o.createdAt));
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string; details: { field: string }[] } }>(res);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.field)).toContain('data.value.grand_total');
    expect((await post(adobeDelivery('{"specversion":', SECRET))).status).toBe(400);
    const failed = await deliveries(true);
    expect(failed).toContainEqual(
      expect.objectContaining({
        deliveryId: 'broken-1',
        outcome: 'failed',
        error: expect.stringContaining('data.value.grand_total'),
      }),
    );
    expect(await orderOf('000000104')).toBeNull();
  });

  it('answers 401 to a wrong signature and stores nothing', async () => {
    const o = spec('000000105', 'magento.forged@example.com');
    const forged = adobeDelivery(
      adobeEvent(ORDER_SAVE, magentoOrder(o), 'forged-1', o.createdAt),
      'wrong-secret',
    );
    expect((await post(forged)).status).toBe(401);
    await t.settle();
    expect(await orderOf('000000105')).toBeNull();
    expect(await profileOf('magento.forged@example.com')).toEqual([]);
    expect(JSON.stringify(await deliveries())).not.toContain('forged');
  });

  it("checks I/O Events' digital signatures when the secret is Adobe's public key", async () => {
    const [one, two] = adobeKeys;
    const pinned = await connect(two.publicKeyPem);
    const o = spec('000000106', 'magento.rsa@example.com');
    const signed = adobeDelivery(
      adobeEvent(ORDER_SAVE, magentoOrder(o), 'rsa-1', o.createdAt),
      'irrelevant',
    );
    // Either signature may carry the pinned key; here the second does.
    expect((await deliver(signed, pinned)).outcome).toBe('processed');
    expect((await orderOf('000000106'))?.total).toBe(120);
    const onlyFirst = { ...signed, headers: { ...signed.headers } };
    delete onlyFirst.headers['x-adobe-digital-signature-2'];
    expect((await post(onlyFirst, pinned)).status).toBe(401);
    // The HMAC scheme is not accepted in its place, nor a body changed after signing.
    const hmacOnly = adobeDelivery(
      adobeEvent(ORDER_SAVE, magentoOrder(o), 'rsa-2', o.createdAt),
      two.publicKeyPem,
    );
    delete hmacOnly.headers['x-adobe-digital-signature-1'];
    delete hmacOnly.headers['x-adobe-digital-signature-2'];
    expect((await post(hmacOnly, pinned)).status).toBe(401);
    const altered = {
      ...signed,
      body: Buffer.from(signed.body.toString().replace('120.0000', '1.0000')),
    };
    expect((await post(altered, pinned)).status).toBe(401);
    expect(one.publicKeyPem).not.toBe(two.publicKeyPem);
  });
});
