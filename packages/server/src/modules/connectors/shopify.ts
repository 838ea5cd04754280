import { createHash } from 'node:crypto';
import { productInputSchema, type ProductInput } from '@comeback/contracts';
import { z } from 'zod';
import { fail, ok, type Result } from '../../platform/errors.js';
import { isRecord } from '../../platform/json.js';
import {
  checkoutCall,
  customerCall,
  fulfillmentCalls,
  hasIdentity,
  identityOf,
  iso,
  orderCalls,
  refundCall,
} from './shopify-mapping.js';
import {
  amount,
  checkoutSchema,
  customerSchema,
  fulfillmentSchema,
  orderSchema,
  refundSchema,
  shopifyId,
  tagList,
  text,
  time,
} from './shopify-payloads.js';
import {
  noChanges,
  verifyBase64Hmac,
  type Received,
  type StoreConnector,
  type WebhookDelivery,
} from './store-connector.js';

import { customerRedact, dataRequest, shopDomain, shopRedact } from './shopify-gdpr.js';
import { parse, type Mapper } from './shopify-topic.js';

const missingTime = (topic: string) =>
  fail('validation_failed', `Shopify ${topic} payload: updated_at is missing`, [
    { field: 'updated_at', message: 'required (or an X-Shopify-Triggered-At header)' },
  ]);

const variantSchema = z.object({
  id: shopifyId,
  sku: text,
  title: text,
  price: amount.nullish(),
  inventory_quantity: z.number().int().nullish(),
  // null: Shopify does not track this variant's stock (always available); absent: newer APIs.
  inventory_management: z.string().nullable().optional(),
  inventory_item_id: shopifyId.nullish(),
});

const productSchema = z.object({
  id: shopifyId,
  title: z.string().trim().min(1),
  handle: text,
  product_type: text,
  vendor: text,
  tags: tagList,
  status: text,
  published_at: time.nullish(),
  created_at: time.nullish(),
  updated_at: time.nullish(),
  image: z.object({ src: text }).nullish(),
  images: z.array(z.object({ src: text })).nullish(),
  variants: z.array(variantSchema).nullish(),
});

const levelSchema = z.object({
  inventory_item_id: shopifyId,
  location_id: shopifyId,
  available: z.number().int().nullable(),
  updated_at: time.nullish(),
});

const orders: Mapper = (body, ctx) => {
  const parsed = parse(orderSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const identity = identityOf(o.customer?.id, o, { email: o.contact_email }, o.customer);
  return ok({ changes: { calls: orderCalls(o, ctx.topic, ctx.prefix, identity) } });
};

// A refund or fulfillment names its order, not the person: the processor gives it to the
// order's owner. The order topics carry the same facts with identity, under the same ids.
const refunds: Mapper = (body, ctx) => {
  const parsed = parse(refundSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  return ok({ changes: { calls: [refundCall(parsed.value, ctx.prefix, identityOf(null))] } });
};

const fulfillments: Mapper = (body, ctx) => {
  const parsed = parse(fulfillmentSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const calls = fulfillmentCalls(parsed.value, ctx.prefix, identityOf(null));
  return ok(calls.length ? { changes: { calls } } : { ignored: 'the fulfillment shipped nothing' });
};

const checkouts: Mapper = (body, ctx) => {
  const parsed = parse(checkoutSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  // The order that completes it is the purchase; the checkout must not look abandoned.
  if (c.completed_at) return ok({ ignored: 'the checkout is completed: its order counts' });
  const identity = identityOf(c.customer?.id, c, c.customer);
  if (!hasIdentity(identity)) return ok({ ignored: 'the checkout has no email or customer yet' });
  const at = c.updated_at ?? c.created_at ?? ctx.triggeredAt;
  if (at === null) return missingTime(ctx.topic);
  return ok({ changes: { calls: [checkoutCall(c, ctx.prefix, identity, at)] } });
};

const customers: Mapper = (body, ctx) => {
  const parsed = parse(customerSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const at = c.updated_at ?? c.created_at ?? ctx.triggeredAt;
  if (at === null) return missingTime(ctx.topic);
  return ok({ changes: { calls: [customerCall(c, ctx.prefix, identityOf(c.id, c), at)] } });
};

const products: Mapper = (body, ctx) => {
  const parsed = parse(productSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const stamp = p.updated_at ?? p.created_at ?? ctx.triggeredAt;
  const input: ProductInput = {
    id: p.id,
    title: p.title,
    ...(ctx.shop && p.handle ? { url: `https://${ctx.shop}/products/${p.handle}` } : {}),
    image_url: p.image?.src || p.images?.find((i) => i.src)?.src || null,
    categories: p.product_type ? [p.product_type] : [],
    active: p.status
      ? p.status === 'active'
      : p.published_at !== null && p.published_at !== undefined,
    attributes: { vendor: p.vendor ?? null, tags: p.tags, handle: p.handle ?? null },
    ...(stamp !== null ? { updated_at: iso(stamp) } : {}),
  };
  if (p.variants) {
    input.variants = p.variants.map((v) => ({
      id: v.id,
      sku: v.sku ?? null,
      title: v.title ?? null,
      price: v.price ?? null,
      stock: v.inventory_management === null ? null : (v.inventory_quantity ?? null),
      inventory_item_id: v.inventory_item_id ?? null,
      active: true,
    }));
  }
  const valid = parse(productInputSchema, input, ctx.topic);
  if (!valid.ok) return valid;
  return ok({ changes: { products: [valid.value] } });
};

const inventoryLevels: Mapper = (body, ctx) => {
  const parsed = parse(levelSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const l = parsed.value;
  if (l.available === null) return ok({ ignored: 'stock is not tracked at this location' });
  const updatedAt = l.updated_at ?? ctx.triggeredAt;
  if (updatedAt === null) return missingTime(ctx.topic);
  const level = {
    inventoryItemId: l.inventory_item_id,
    locationId: l.location_id,
    available: l.available,
    updatedAt,
  };
  return ok({ changes: { inventory: [level] } });
};

/**
 * The topics we map. Every order topic carries the whole order: identity (an identify with the
 * buyer's names), Order Completed (created_at), Order Updated (not for orders/create), Order
 * Cancelled when cancelled_at is set, its refunds, and Order Fulfilled / Order Delivered per
 * fulfillment. refunds/create -> Order Refunded; checkouts/* -> Checkout Started with the
 * recovery URL (not once completed); customers/* -> identify; products/* -> the catalog;
 * inventory_levels/update -> a stock level; the GDPR topics -> data requests and erasure jobs.
 */
const MAPPERS: Record<string, Mapper> = {
  'orders/create': orders,
  'orders/updated': orders,
  'orders/paid': orders,
  'orders/cancelled': orders,
  'orders/fulfilled': orders,
  'orders/partially_fulfilled': orders,
  'refunds/create': refunds,
  'fulfillments/create': fulfillments,
  'fulfillments/update': fulfillments,
  'checkouts/create': checkouts,
  'checkouts/update': checkouts,
  'customers/create': customers,
  'customers/update': customers,
  'products/create': products,
  'products/update': products,
  'inventory_levels/update': inventoryLevels,
  'customers/data_request': dataRequest,
  'customers/redact': customerRedact,
  'shop/redact': shopRedact,
};

// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL cannot store
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const storableText = (s: string) => s.replace(UNSTORABLE, '\uFFFD');
function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]));
}

/**
 * JSON.parse, except that integers too large for a double are kept exact, as strings (Shopify
 * ids are 64-bit, and a rounded id would point at another order or inventory item), and that
 * characters PostgreSQL cannot store become U+FFFD, as in tracking calls, so one odd character
 * does not fail the delivery on one engine only.
 */
export function parseShopifyJson(source: string): unknown {
  const value = exactJson(source);
  return /\\u(0000|d[89a-f])/i.test(source) ? storable(value) : value;
}

function exactJson(source: string): unknown {
  if (!/\d{16}/.test(source)) return JSON.parse(source);
  let out = '';
  let copied = 0;
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      const token = /^-?[\d.eE+-]+/.exec(source.slice(i, i + 64))?.[0] ?? ch;
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${source.slice(copied, i)}"${token}"`;
        copied = i + token.length;
      }
      i += token.length - 1;
    }
  }
  return JSON.parse(out + source.slice(copied));
}

const header = (d: WebhookDelivery, name: string) => d.headers[name]?.trim() || null;

/**
 * Shopify webhooks (https://shopify.dev/docs/api/webhooks): signed with the app's client secret
 * (X-Shopify-Hmac-Sha256), deduplicated by X-Shopify-Webhook-Id, which a retry keeps.
 */
export class ShopifyConnector implements StoreConnector {
  readonly platform = 'shopify';
  readonly topics: readonly string[] = Object.keys(MAPPERS);

  verify(delivery: WebhookDelivery, secret: string): boolean {
    return verifyBase64Hmac(
      delivery.rawBody,
      secret,
      header(delivery, 'x-shopify-hmac-sha256') ?? undefined,
    );
  }

  deliveryIdOf(delivery: WebhookDelivery): string {
    const id = header(delivery, 'x-shopify-webhook-id');
    if (id) return id.slice(0, 200);
    const hash = createHash('sha256')
      .update(`${header(delivery, 'x-shopify-topic') ?? ''}\n`)
      .update(delivery.rawBody)
      .digest('hex');
    return `sha256:${hash}`;
  }

  shopOf(delivery: WebhookDelivery): Result<string> {
    const domain = shopDomain.safeParse(header(delivery, 'x-shopify-shop-domain') ?? '');
    if (domain.success) return ok(domain.data);
    return fail('validation_failed', 'the X-Shopify-Shop-Domain header is missing or malformed', [
      { field: 'x-shopify-shop-domain', message: 'required: the shop the webhook comes from' },
    ]);
  }

  receive(delivery: WebhookDelivery, connectorId: string): Result<Received> {
    const topic = header(delivery, 'x-shopify-topic');
    if (!topic) {
      return fail('validation_failed', 'the X-Shopify-Topic header is missing', [
        { field: 'x-shopify-topic', message: 'required: the webhook topic' },
      ]);
    }
    const deliveryId = this.deliveryIdOf(delivery);
    const mapper = MAPPERS[topic];
    if (!mapper) {
      return ok({ kind: 'ignored', topic, deliveryId, reason: `topic ${topic} is not used` });
    }
    let body: unknown;
    try {
      body = parseShopifyJson(delivery.rawBody.toString('utf8'));
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unreadable';
      return fail('validation_failed', `Shopify ${topic} payload: the body is not JSON`, [
        { field: 'body', message: reason },
      ]);
    }
    const domain = header(delivery, 'x-shopify-shop-domain');
    const triggered = Date.parse(header(delivery, 'x-shopify-triggered-at') ?? '');
    const mapped = mapper(body, {
      topic,
      prefix: `shopify:${connectorId}`,
      shop: domain && /^[a-z0-9.-]+$/i.test(domain) ? domain.toLowerCase() : null,
      triggeredAt: Number.isNaN(triggered) ? null : triggered,
    });
    if (!mapped.ok) return mapped;
    if ('ignored' in mapped.value) {
      return ok({ kind: 'ignored', topic, deliveryId, reason: mapped.value.ignored });
    }
    const changes = { ...noChanges(), ...mapped.value.changes };
    return ok({ kind: 'changes', topic, deliveryId, changes });
  }
}
