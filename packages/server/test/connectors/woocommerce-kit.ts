import fs from 'node:fs';
import path from 'node:path';
import { signBase64Hmac } from '../../src/modules/connectors/index.js';
import { fixturePath } from '../support/shared-data.js';
import type { ConnectorKit, CustomerSpec, OrderSpec, ProductSpec, SignedDelivery } from './kit.js';

/** WooCommerce's REST API v3 examples (woocommerce-rest-api-docs; see the README there). */
export const WOO_FIXTURES = fixturePath('webhooks', 'woocommerce');
export const WOO_SOURCE = 'https://shop.example.com/';
export const WOO_WEBHOOK_ID = '17';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A fixture resource as a fresh copy. */
export function wooFixture(name: 'order' | 'customer' | 'product' | 'refund'): Json {
  const parsed: unknown = JSON.parse(
    fs.readFileSync(path.join(WOO_FIXTURES, `${name}.json`), 'utf8'),
  );
  if (!isJson(parsed)) throw new Error(`${name}.json is not an object`);
  return parsed;
}

/** The fixture's raw bytes, exactly as the docs show the resource. */
export const wooFixtureText = (name: string) =>
  fs.readFileSync(path.join(WOO_FIXTURES, `${name}.json`), 'utf8');

/**
 * PHP's json_encode, which wp_json_encode uses for the body: `/` escaped as `\/` and every
 * non-ASCII character as \uXXXX. The signature covers these exact bytes.
 */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** WooCommerce's *_gmt dates carry no offset. */
const gmt = (iso: string) => new Date(iso).toISOString().slice(0, 19);
const money = (n: number) => n.toFixed(2);

/** A webhook delivery as WC_Webhook::deliver() sends it. */
export function wooDelivery(
  topic: string,
  resource: unknown,
  secret: string,
  deliveryId: string,
): SignedDelivery {
  const body = Buffer.from(typeof resource === 'string' ? resource : phpJsonEncode(resource));
  const [res = '', event = ''] = topic.split('.');
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)',
      'x-wc-webhook-source': WOO_SOURCE,
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': res,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': signBase64Hmac(body, secret),
      'x-wc-webhook-id': WOO_WEBHOOK_ID,
      'x-wc-webhook-delivery-id': deliveryId,
    },
    body,
  };
}

/** The ping WC_Webhook::deliver_ping() sends when a webhook is saved: no X-WC-* header at all. */
export function wooPing(webhookId = WOO_WEBHOOK_ID): SignedDelivery {
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'user-agent': 'WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)',
    },
    body: Buffer.from(`webhook_id=${webhookId}`),
  };
}

export function wooOrder(spec: OrderSpec, status = 'processing'): Json {
  const o = wooFixture('order');
  const items = Array.isArray(o.line_items) ? o.line_items : [];
  const template: unknown = items[0];
  if (!isJson(template)) throw new Error('order.json has no line item');
  const billing = isJson(o.billing) ? o.billing : {};
  return {
    ...o,
    id: Number(spec.orderId),
    number: spec.orderId,
    status,
    currency: spec.currency,
    date_created: gmt(spec.createdAt),
    date_created_gmt: gmt(spec.createdAt),
    date_modified: gmt(spec.updatedAt),
    date_modified_gmt: gmt(spec.updatedAt),
    total: money(spec.total),
    total_tax: '0.00',
    cart_tax: '0.00',
    shipping_total: '0.00',
    discount_total: '0.00',
    customer_id: Number(spec.customerId),
    // The specs name no phone; the fixture's would link every test buyer into one person.
    billing: { ...billing, email: spec.email, phone: '' },
    line_items: spec.lines.map((l, i) => ({
      ...structuredClone(template),
      id: 900 + i,
      name: l.name,
      product_id: Number(l.productId),
      variation_id: Number(l.variantId),
      quantity: l.quantity,
      sku: l.sku,
      price: l.price,
      subtotal: money(l.price * l.quantity),
      total: money(l.price * l.quantity),
      subtotal_tax: '0.00',
      total_tax: '0.00',
      taxes: [],
    })),
    tax_lines: [],
    shipping_lines: [],
    refunds: [],
  };
}

export function wooCustomer(spec: CustomerSpec): Json {
  const c = wooFixture('customer');
  const billing = isJson(c.billing) ? c.billing : {};
  return {
    ...c,
    id: Number(spec.customerId),
    email: spec.email,
    first_name: spec.firstName,
    last_name: spec.lastName,
    username: spec.email.split('@')[0],
    date_modified: gmt(spec.updatedAt),
    date_modified_gmt: gmt(spec.updatedAt),
    billing: {
      ...billing,
      email: spec.email,
      phone: '',
      first_name: spec.firstName,
      last_name: spec.lastName,
    },
  };
}

export function wooProduct(spec: ProductSpec): Json {
  const p = wooFixture('product');
  return {
    ...p,
    id: Number(spec.productId),
    name: spec.title,
    price: String(spec.price),
    regular_price: String(spec.price),
    manage_stock: true,
    stock_quantity: spec.stock,
    stock_status: spec.stock > 0 ? 'instock' : 'outofstock',
    date_modified: gmt(spec.updatedAt),
    date_modified_gmt: gmt(spec.updatedAt),
  };
}

export function tamperedSignature(signature: string): string {
  const bytes = Buffer.from(signature, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  return bytes.toString('base64');
}

export const wooKit: ConnectorKit = {
  platform: 'woocommerce',
  orderCreated: (spec, secret, id) => [
    wooDelivery('order.created', wooOrder(spec), secret, `${id}-order-created`),
  ],
  orderUpdated: (spec, secret, id) => [
    wooDelivery('order.updated', wooOrder(spec), secret, `${id}-order-updated`),
  ],
  customerUpdated: (spec, secret, id) => [
    wooDelivery('customer.updated', wooCustomer(spec), secret, `${id}-customer`),
  ],
  productUpdated: (spec, secret, id) => [
    wooDelivery('product.updated', wooProduct(spec), secret, `${id}-product`),
  ],
  tampered: (d) => ({
    ...d,
    headers: {
      ...d.headers,
      'x-wc-webhook-signature': tamperedSignature(d.headers['x-wc-webhook-signature'] ?? ''),
    },
  }),
  unsigned: (d) => {
    const headers = { ...d.headers };
    delete headers['x-wc-webhook-signature'];
    return { ...d, headers };
  },
};
