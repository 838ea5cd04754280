import fs from 'node:fs';
import path from 'node:path';
import { signBase64Hmac } from '../../src/modules/connectors/index.js';
import { fixturePath } from '../support/shared-data.js';
import type { ConnectorKit, CustomerSpec, OrderSpec, ProductSpec, SignedDelivery } from './kit.js';

/** Shopify's own REST resources (shopify_python_api test fixtures; see the README there). */
export const SHOPIFY_FIXTURES = fixturePath('webhooks', 'shopify');
export const SHOP_DOMAIN = 'comeback-test.myshopify.com';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A fixture file's resource, unwrapped ({"order": {...}} -> {...}), as a fresh copy. */
export function fixture(file: string, key = file.replace(/\.json$/, '')): Json {
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(SHOPIFY_FIXTURES, file), 'utf8'));
  const resource = isJson(parsed) ? parsed[key] : undefined;
  if (isJson(resource)) return resource;
  if (Array.isArray(resource) && isJson(resource[0])) return resource[0];
  throw new Error(`${file} has no "${key}" resource`);
}

/** The first element of an array field of a resource (a line item, a variant), to clone. */
export function first(resource: Json, field: string): Json {
  const list = resource[field];
  const item: unknown = Array.isArray(list) ? list[0] : undefined;
  if (!isJson(item)) throw new Error(`the fixture has no ${field}`);
  return structuredClone(item);
}

/** Shopify ids are numbers; the specs carry them as strings. */
const idOf = (s: string): number | string => (/^\d{1,15}$/.test(s) ? Number(s) : s);
const money = (n: number) => n.toFixed(2);

/** A webhook exactly as Shopify sends it: the body, its HMAC and Shopify's headers. */
export function shopifyDelivery(
  topic: string,
  resource: unknown,
  secret: string,
  webhookId: string,
): SignedDelivery {
  const body = Buffer.from(typeof resource === 'string' ? resource : JSON.stringify(resource));
  return {
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': signBase64Hmac(body, secret),
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-api-version': '2024-10',
      'x-shopify-triggered-at': '2026-05-01T10:00:00.000Z',
    },
    body,
  };
}

function order(spec: OrderSpec): Json {
  const o = fixture('order.json');
  const template = first(o, 'line_items');
  const subtotal = spec.lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const customer = isJson(o.customer) ? { ...o.customer } : {};
  return {
    ...o,
    id: idOf(spec.orderId),
    name: `#${spec.orderId}`,
    email: spec.email,
    currency: spec.currency,
    created_at: spec.createdAt,
    updated_at: spec.updatedAt,
    total_price: money(spec.total),
    subtotal_price: money(subtotal),
    total_line_items_price: money(subtotal),
    total_tax: '0.00',
    total_discounts: '0.00',
    tax_lines: [],
    discount_codes: [],
    fulfillments: [],
    line_items: spec.lines.map((l, i) => ({
      ...template,
      id: 1_000_000 + i,
      product_id: idOf(l.productId),
      variant_id: idOf(l.variantId),
      sku: l.sku,
      title: l.name,
      name: l.name,
      variant_title: null,
      price: money(l.price),
      quantity: l.quantity,
    })),
    customer: { ...customer, id: idOf(spec.customerId), email: spec.email },
  };
}

export const shopifyKit: ConnectorKit = {
  platform: 'shopify',
  orderCreated: (spec, secret, deliveryId) => [
    shopifyDelivery('orders/create', order(spec), secret, `${deliveryId}-orders-create`),
  ],
  orderUpdated: (spec, secret, deliveryId) => [
    shopifyDelivery('orders/updated', order(spec), secret, `${deliveryId}-orders-updated`),
  ],
  customerUpdated: (spec: CustomerSpec, secret, deliveryId) => {
    const c = {
      ...fixture('customer.json'),
      id: idOf(spec.customerId),
      email: spec.email,
      first_name: spec.firstName,
      last_name: spec.lastName,
      updated_at: spec.updatedAt,
    };
    return [shopifyDelivery('customers/update', c, secret, `${deliveryId}-customers-update`)];
  },
  productUpdated: (spec: ProductSpec, secret, deliveryId) => {
    const p = fixture('product.json');
    const variant = {
      ...first(p, 'variants'),
      id: idOf(spec.variantId),
      product_id: idOf(spec.productId),
      price: money(spec.price),
      inventory_quantity: spec.stock,
      updated_at: spec.updatedAt,
    };
    const product = {
      ...p,
      id: idOf(spec.productId),
      title: spec.title,
      updated_at: spec.updatedAt,
      variants: [variant],
    };
    return [shopifyDelivery('products/update', product, secret, `${deliveryId}-products-update`)];
  },
  tampered: (d) => {
    const signature = Buffer.from(d.headers['x-shopify-hmac-sha256'] ?? '', 'base64');
    signature[0] = (signature[0] ?? 0) ^ 0xff;
    return {
      ...d,
      headers: { ...d.headers, 'x-shopify-hmac-sha256': signature.toString('base64') },
    };
  },
  unsigned: (d) => {
    const headers = { ...d.headers };
    delete headers['x-shopify-hmac-sha256'];
    return { ...d, headers };
  },
};
