import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { signBase64Hmac } from '../../src/modules/connectors/index.js';
import { fixturePath } from '../support/shared-data.js';
import type { ConnectorKit, CustomerSpec, OrderSpec, ProductSpec, SignedDelivery } from './kit.js';

/** A real event from Adobe's commerce-extensibility docs (see the README there). */
export const ADOBE_FIXTURES = fixturePath('webhooks', 'adobe-commerce');
export const PRODUCT_EVENT_FILE = 'io_event_catalog_product_save_commit_after.json';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The real CloudEvent (a catalog_product_save_commit_after) as a fresh copy. */
export function productEventFixture(): Json {
  const raw = fs.readFileSync(path.join(ADOBE_FIXTURES, PRODUCT_EVENT_FILE), 'utf8');
  const parsed: unknown = JSON.parse(raw);
  if (!isJson(parsed)) throw new Error(`${PRODUCT_EVENT_FILE} is not an object`);
  return parsed;
}
export const productEventText = () =>
  fs.readFileSync(path.join(ADOBE_FIXTURES, PRODUCT_EVENT_FILE), 'utf8');

/**
 * Stand-ins for the two key pairs I/O Events signs with (their public halves are what Adobe
 * serves from static.adobeioevents.com). A connector whose secret is one of these public keys
 * checks the digital signatures; any other secret checks x-adobe-signature.
 */
function keyPair(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
export const adobeKeys = [keyPair(), keyPair()] as const;

/** Magento's own datetime format: UTC, "2025-07-17 15:48:41". */
export const magentoTime = (iso: string) =>
  new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
const decimal = (n: number) => n.toFixed(4);

/**
 * An event in the envelope of the real one (specversion, source, ids, data.key, _metadata), with
 * its own type, id, time and data.value.
 */
export function adobeEvent(code: string, value: Json, eventId: string, time: string): Json {
  const e = productEventFixture();
  const data = isJson(e.data) ? e.data : {};
  return {
    ...e,
    id: eventId,
    type: `com.adobe.commerce.${code}`,
    time: new Date(time).toISOString(),
    eventid: `${eventId}-e`,
    event_id: `${eventId}-e`,
    data: { ...data, key: `${eventId}-key`, value },
  };
}

/** A delivery as Adobe I/O Events sends it: both digital signatures and x-adobe-signature. */
export function adobeDelivery(event: Json | string, secret: string): SignedDelivery {
  const body = Buffer.from(typeof event === 'string' ? event : JSON.stringify(event));
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // A malformed body for the tests: signed all the same.
  }
  const e = isJson(parsed) ? parsed : {};
  const [one, two] = adobeKeys;
  return {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Adobe/1.0',
      'x-adobe-delivery-id': `delivery-${String(e.id)}`,
      'x-adobe-event-code': String(e.type),
      'x-adobe-event-id': String(e.event_id),
      'x-adobe-provider': 'dx_commerce_events',
      'x-adobe-signature': signBase64Hmac(body, secret),
      'x-adobe-digital-signature-1': sign('RSA-SHA256', body, one.privateKey).toString('base64'),
      'x-adobe-digital-signature-2': sign('RSA-SHA256', body, two.privateKey).toString('base64'),
      'x-adobe-public-key1-path': '/prod/keys/pub-key-kit-one.pem',
      'x-adobe-public-key2-path': '/prod/keys/pub-key-kit-two.pem',
    },
    body,
  };
}

/**
 * No full sales_order_save_after example is published, so the order is built from the field
 * schema in events-reference.md (field names and types as listed; Magento's decimals arrive as
 * strings) and put in the real event's envelope.
 */
export function magentoOrder(spec: OrderSpec, over: Json = {}): Json {
  const subtotal = spec.lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const created = magentoTime(spec.createdAt);
  const updated = magentoTime(spec.updatedAt);
  const address = (type: string) => ({
    address_type: type,
    city: 'Ljubljana',
    country_id: 'SI',
    customer_id: spec.customerId,
    email: spec.email,
    firstname: 'Ana',
    lastname: 'Kovač',
    postcode: '1000',
    street: ['Trubarjeva 1'],
    telephone: '',
  });
  return {
    increment_id: spec.orderId,
    real_order_id: spec.orderId,
    state: 'processing',
    status: 'processing',
    created_at: created,
    updated_at: updated,
    grand_total: decimal(spec.total),
    base_grand_total: decimal(spec.total),
    subtotal: decimal(subtotal),
    base_subtotal: decimal(subtotal),
    tax_amount: decimal(0),
    shipping_amount: decimal(0),
    discount_amount: decimal(0),
    total_paid: decimal(spec.total),
    order_currency_code: spec.currency,
    base_currency_code: spec.currency,
    global_currency_code: spec.currency,
    store_currency_code: spec.currency,
    customer_email: spec.email,
    customer_id: spec.customerId,
    customer_firstname: 'Ana',
    customer_lastname: 'Kovač',
    customer_is_guest: '0',
    customer_group_id: '1',
    quote_id: String(Number(spec.orderId) + 1),
    store_id: '1',
    store_name: 'Main Website\nMain Website Store\nDefault Store View',
    total_item_count: String(spec.lines.length),
    total_qty_ordered: decimal(spec.lines.reduce((s, l) => s + l.quantity, 0)),
    items: spec.lines.map((l, i) => ({
      item_id: String(100 + i),
      order_id: spec.orderId,
      parent_item_id: null,
      product_id: l.productId,
      product_type: 'simple',
      sku: l.sku,
      name: l.name,
      price: decimal(l.price),
      base_price: decimal(l.price),
      original_price: decimal(l.price),
      qty_ordered: decimal(l.quantity),
      row_total: decimal(l.price * l.quantity),
      created_at: created,
      updated_at: updated,
    })),
    addresses: [address('billing'), address('shipping')],
    payment: { method: 'checkmo', amount_ordered: decimal(spec.total) },
    status_histories: [],
    _isNew: false,
    ...over,
  };
}

/** customer_save_commit_after, built from its field schema in events-reference.md. */
export function magentoCustomer(spec: CustomerSpec, over: Json = {}): Json {
  return {
    id: spec.customerId,
    group_id: '1',
    created_at: '2026-01-10 08:00:00',
    updated_at: magentoTime(spec.updatedAt),
    created_in: 'Default Store View',
    email: spec.email,
    firstname: spec.firstName,
    lastname: spec.lastName,
    store_id: '1',
    website_id: '1',
    addresses: [],
    disable_auto_group_change: '0',
    ...over,
  };
}

/** The real product event's data.value, changed to the spec (with the entity id subscribed). */
export function magentoProduct(spec: ProductSpec): Json {
  const data = productEventFixture().data;
  const value = isJson(data) && isJson(data.value) ? data.value : {};
  return {
    ...value,
    id: spec.productId,
    sku: `SKU-${spec.productId}`,
    name: spec.title,
    price: spec.price.toFixed(6),
    status: '1',
    updated_at: magentoTime(spec.updatedAt),
    stock_data: { qty: String(spec.stock), is_in_stock: spec.stock > 0 ? '1' : '0' },
  };
}

/** cataloginventory_stock_item_save_commit_after, built from its schema in events-reference.md. */
export function magentoStockItem(productId: string, qty: number, over: Json = {}): Json {
  return {
    item_id: productId,
    product_id: productId,
    stock_id: '1',
    website_id: '0',
    qty: decimal(qty),
    is_in_stock: qty > 0,
    is_qty_decimal: false,
    use_config_manage_stock: true,
    manage_stock: 1,
    low_stock_date: qty > 0 ? null : '2026-05-01 10:00:00',
    ...over,
  };
}

const orderEvent = (spec: OrderSpec, secret: string, id: string, isNew: boolean) =>
  adobeDelivery(
    adobeEvent(
      'observer.sales_order_save_after',
      magentoOrder(spec, { _isNew: isNew }),
      id,
      spec.updatedAt,
    ),
    secret,
  );

export const magentoKit: ConnectorKit = {
  platform: 'magento',
  orderCreated: (spec, secret, id) => [orderEvent(spec, secret, `${id}-order-new`, true)],
  orderUpdated: (spec, secret, id) => [orderEvent(spec, secret, `${id}-order-save`, false)],
  customerUpdated: (spec, secret, id) => [
    adobeDelivery(
      adobeEvent(
        'observer.customer_save_commit_after',
        magentoCustomer(spec),
        `${id}-customer`,
        spec.updatedAt,
      ),
      secret,
    ),
  ],
  // One admin save sends the product and, separately, its stock item.
  productUpdated: (spec, secret, id) => [
    adobeDelivery(
      adobeEvent(
        'observer.catalog_product_save_commit_after',
        magentoProduct(spec),
        `${id}-product`,
        spec.updatedAt,
      ),
      secret,
    ),
    adobeDelivery(
      adobeEvent(
        'observer.cataloginventory_stock_item_save_commit_after',
        magentoStockItem(spec.productId, spec.stock),
        `${id}-stock`,
        spec.updatedAt,
      ),
      secret,
    ),
  ],
  tampered: (d) => {
    const flip = (s: string | undefined) => {
      const bytes = Buffer.from(s ?? '', 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return bytes.toString('base64');
    };
    return {
      ...d,
      headers: {
        ...d.headers,
        'x-adobe-signature': flip(d.headers['x-adobe-signature']),
        'x-adobe-digital-signature-1': flip(d.headers['x-adobe-digital-signature-1']),
        'x-adobe-digital-signature-2': flip(d.headers['x-adobe-digital-signature-2']),
      },
    };
  },
  unsigned: (d) => {
    const headers = { ...d.headers };
    delete headers['x-adobe-signature'];
    delete headers['x-adobe-digital-signature-1'];
    delete headers['x-adobe-digital-signature-2'];
    return { ...d, headers };
  },
};
