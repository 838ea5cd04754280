import { createHash } from 'node:crypto';
import { MAX_AMOUNT, productInputSchema, type ProductInput } from '@comeback/contracts';
import { z } from 'zod';
import { fail, ok, type Result } from '../../platform/errors.js';
import {
  noChanges,
  verifyBase64Hmac,
  type CanonicalCall,
  type Identity,
  type Received,
  type StoreConnector,
  type WebhookDelivery,
} from './store-connector.js';

/**
 * WooCommerce webhooks (https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks). The
 * body is the REST API v3 resource, signed with base64(HMAC-SHA256(body, webhook secret)) in
 * X-WC-Webhook-Signature; the topic is X-WC-Webhook-Topic.
 */
const TOPICS = [
  'order.created',
  'order.updated',
  'customer.created',
  'customer.updated',
  'product.created',
  'product.updated',
] as const;

/**
 * Statuses that are not (yet) a purchase: an order is created `pending` (or `checkout-draft`)
 * before a gateway takes the money and becomes `processing`, `on-hold` (bank transfer) or
 * `completed` when it is paid; `failed` never was. Anything else - including the custom
 * statuses fulfilment plugins add after payment ("shipped") - counts as a purchase.
 */
const NOT_PURCHASED = new Set([
  'pending',
  'failed',
  'checkout-draft',
  'draft',
  'auto-draft',
  'trash',
]);

/** WooCommerce's ping on webhook creation: `webhook_id=N`, form-encoded, no X-WC headers. */
const PING = /^webhook_id=\d+$/;
const isPing = (d: WebhookDelivery) =>
  d.headers['x-wc-webhook-topic'] === undefined && PING.test(d.rawBody.toString('utf8').trim());

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const amount = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount such as 29.35')])
  .transform(Number)
  .refine(Number.isFinite, 'a finite amount')
  .refine((n) => Math.abs(n) <= MAX_AMOUNT, `at most ${MAX_AMOUNT.toExponential()}`);
const maybeAmount = z
  .union([amount, z.literal(''), z.null()])
  .optional()
  .transform((v) => (typeof v === 'number' ? v : null));
/** The `*_gmt` dates: UTC without an offset ("2017-03-22T19:28:08"). */
const gmt = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
    'a GMT date such as 2017-03-22T19:28:08',
  )
  .transform((v) => new Date(/Z|[+-]\d{2}:\d{2}$/.test(v) ? v : `${v}Z`).toISOString());
const text = z
  .string()
  .nullish()
  .transform((v) => (v ? v.replaceAll('\u0000', '').trim() : null));
const address = z.object({
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  city: text,
  country: text,
});

const orderSchema = z.object({
  id,
  number: z.union([z.string(), z.number()]).transform(String).optional(),
  status: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code'),
  date_created_gmt: gmt,
  date_modified_gmt: gmt.nullish(),
  total: amount,
  total_tax: maybeAmount,
  shipping_total: maybeAmount,
  discount_total: maybeAmount,
  customer_id: id.optional(),
  billing: address.partial().optional(),
  line_items: z.array(
    z.object({
      product_id: id,
      variation_id: id.optional(),
      name: text,
      sku: text,
      price: maybeAmount,
      total: maybeAmount,
      quantity: z.number().positive(),
    }),
  ),
  coupon_lines: z.array(z.object({ code: z.string() })).default([]),
  refunds: z.array(z.object({ id, reason: text, total: amount })).default([]),
});
type WooOrder = z.infer<typeof orderSchema>;

const customerSchema = z.object({
  id,
  email: text,
  first_name: text,
  last_name: text,
  username: text,
  date_created_gmt: gmt.nullish(),
  date_modified_gmt: gmt.nullish(),
  billing: address.partial().optional(),
});

const productSchema = z.object({
  id,
  name: text,
  permalink: text,
  status: z.string().min(1),
  type: text,
  sku: text,
  price: maybeAmount,
  manage_stock: z.union([z.boolean(), z.string()]).optional(),
  stock_quantity: z.number().nullish(),
  stock_status: text,
  categories: z.array(z.object({ name: z.string() })).default([]),
  images: z.array(z.object({ src: z.string() })).default([]),
  date_created_gmt: gmt.nullish(),
  date_modified_gmt: gmt.nullish(),
});

/** WooCommerce sends names HTML-escaped ("Ship Your Idea &ndash; Black"). */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
};
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

const fingerprint = (v: unknown) =>
  createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12);
const round2 = (n: number) => Math.round(n * 100) / 100;

function malformed(what: string, error: z.ZodError): Result<never> {
  const details = error.issues.slice(0, 10).map((i) => ({
    field: i.path.length ? i.path.join('.') : 'body',
    message: i.message,
  }));
  const first = details[0] ?? { field: 'body', message: 'invalid' };
  return fail('validation_failed', `${what}: ${first.field}: ${first.message}`, details);
}

function parseJson(body: Buffer): Result<unknown> {
  try {
    return ok(JSON.parse(body.toString('utf8')));
  } catch {
    return fail('validation_failed', 'body: not JSON', [{ field: 'body', message: 'not JSON' }]);
  }
}

export class WooCommerceConnector implements StoreConnector {
  readonly platform = 'woocommerce' as const;
  readonly topics: readonly string[] = TOPICS;

  /**
   * The ping WooCommerce sends when a webhook is saved is NOT signed (WC_Webhook::deliver_ping
   * posts `webhook_id=N` with no X-WC-* header), and the webhook stays unsaved until it gets a
   * 200. So exactly that shape passes here; receive() answers it as a ping and the receiver
   * stores nothing for it. Everything else needs the signature.
   */
  verify(delivery: WebhookDelivery, secret: string): boolean {
    if (isPing(delivery)) return true;
    return verifyBase64Hmac(delivery.rawBody, secret, delivery.headers['x-wc-webhook-signature']);
  }

  /**
   * X-WC-Webhook-Delivery-ID is wp_hash(webhook id . current second): two different deliveries
   * of one webhook within the same second share it. Paired with a hash of the body, a resent
   * delivery still deduplicates and distinct ones never collide.
   */
  deliveryIdOf(delivery: WebhookDelivery): string {
    const body = createHash('sha256').update(delivery.rawBody).digest('hex').slice(0, 16);
    const header = delivery.headers['x-wc-webhook-delivery-id']?.trim();
    return header ? `${header.slice(0, 200)}:${body}` : `body:${body}`;
  }

  receive(delivery: WebhookDelivery, connectorId: string): Result<Received> {
    if (isPing(delivery)) return ok({ kind: 'ping' });
    const h = delivery.headers;
    const topic =
      h['x-wc-webhook-topic'] ??
      (h['x-wc-webhook-resource'] && h['x-wc-webhook-event']
        ? `${h['x-wc-webhook-resource']}.${h['x-wc-webhook-event']}`
        : 'unknown');
    const deliveryId = this.deliveryIdOf(delivery);
    const ignored = (reason: string): Result<Received> =>
      ok({ kind: 'ignored', topic, deliveryId, reason });
    if (!this.topics.includes(topic)) return ignored(`topic ${topic} is not used`);
    const body = parseJson(delivery.rawBody);
    if (!body.ok) return body;
    const changes = noChanges();
    const [resource] = topic.split('.');
    if (resource === 'order') {
      const order = orderSchema.safeParse(body.value);
      if (!order.success) return malformed(`${topic} payload`, order.error);
      const status = order.data.status;
      if (NOT_PURCHASED.has(status)) {
        return ignored(`order ${order.data.id} is ${status}: not a purchase (yet)`);
      }
      changes.calls = orderCalls(order.data, connectorId, topic === 'order.created');
    } else if (resource === 'customer') {
      const customer = customerSchema.safeParse(body.value);
      if (!customer.success) return malformed(`${topic} payload`, customer.error);
      const c = customer.data;
      const at = c.date_modified_gmt ?? c.date_created_gmt;
      if (!at) {
        return fail('validation_failed', `${topic} payload: date_modified_gmt: missing`, [
          { field: 'date_modified_gmt', message: 'missing (and no date_created_gmt)' },
        ]);
      }
      const traits = {
        first_name: c.first_name ?? c.billing?.first_name ?? null,
        last_name: c.last_name ?? c.billing?.last_name ?? null,
        username: c.username,
        city: c.billing?.city ?? null,
        country: c.billing?.country ?? null,
      };
      const identity: Identity = {
        email: c.email ?? c.billing?.email ?? null,
        phone: c.billing?.phone ?? null,
        customer_id: c.id === '0' ? null : c.id,
      };
      changes.calls.push({
        type: 'identify',
        messageId: `woocommerce:${connectorId}:customer:${c.id}:${at}:${fingerprint([traits, identity])}`,
        timestamp: Date.parse(at),
        identity,
        traits: Object.fromEntries(Object.entries(traits).filter(([, v]) => v !== null)),
      });
    } else {
      const product = productSchema.safeParse(body.value);
      if (!product.success) return malformed(`${topic} payload`, product.error);
      const input = productInputSchema.safeParse(productInput(product.data));
      if (!input.success) return malformed(`${topic} product`, input.error);
      changes.products.push(input.data);
    }
    return ok({ kind: 'changes', topic, deliveryId, changes });
  }
}

function orderProperties(o: WooOrder, updatedAt: string): Record<string, unknown> {
  const products = o.line_items.map((l) => ({
    product_id: l.product_id,
    variant_id: l.variation_id && l.variation_id !== '0' ? l.variation_id : null,
    sku: l.sku,
    name: l.name === null ? null : decodeEntities(l.name),
    price: l.price ?? (l.total === null ? null : round2(l.total / l.quantity)),
    quantity: l.quantity,
  }));
  const coupons = o.coupon_lines.map((c) => c.code).filter((c) => c !== '');
  return {
    order_id: o.id,
    order_number: o.number ?? o.id,
    total: o.total,
    // Segment's subtotal: after discounts, before tax and shipping - the lines' totals.
    subtotal: round2(o.line_items.reduce((s, l) => s + (l.total ?? 0), 0)),
    tax: o.total_tax,
    shipping: o.shipping_total,
    discount: o.discount_total,
    ...(coupons.length ? { coupon: coupons.join(',') } : {}),
    currency: o.currency,
    status: o.status,
    updated_at: updatedAt,
    products,
  };
}

/**
 * An order's calls. `Order Completed` has one message id per order, so it is appended once
 * whichever delivery first shows the order paid - order.created, or the order.updated that
 * moves a `pending` order to `processing`. Updates carry WooCommerce's own modified time, which
 * the order book uses to ignore late deliveries; refunds are keyed by their WooCommerce id.
 */
function orderCalls(o: WooOrder, connectorId: string, created: boolean): CanonicalCall[] {
  const base = `woocommerce:${connectorId}:order:${o.id}`;
  const updatedAt = o.date_modified_gmt ?? o.date_created_gmt;
  const modified = Date.parse(updatedAt);
  const identity: Identity = {
    email: o.billing?.email ?? null,
    phone: o.billing?.phone ?? null,
    customer_id: o.customer_id && o.customer_id !== '0' ? o.customer_id : null,
  };
  const properties = orderProperties(o, updatedAt);
  const track = (event: string, messageId: string, timestamp: number, p = properties) => ({
    type: 'track' as const,
    event,
    messageId,
    timestamp,
    identity,
    properties: p,
  });
  const calls: CanonicalCall[] = [];
  if (o.status === 'cancelled') {
    calls.push(
      track('Order Updated', `${base}:updated:${updatedAt}:${fingerprint(properties)}`, modified),
    );
    const { order_id, total, currency } = properties;
    const cancelled = { order_id, total, currency, status: 'cancelled', updated_at: updatedAt };
    calls.push(track('Order Cancelled', `${base}:cancelled`, modified, cancelled));
    return calls;
  }
  calls.push(track('Order Completed', `${base}:completed`, Date.parse(o.date_created_gmt)));
  if (!created) {
    calls.push(
      track('Order Updated', `${base}:updated:${updatedAt}:${fingerprint(properties)}`, modified),
    );
  }
  for (const r of o.refunds) {
    const refund = {
      order_id: o.id,
      refund_id: r.id,
      total: Math.abs(r.total),
      reason: r.reason,
      currency: o.currency,
    };
    calls.push(
      track('Order Refunded', `woocommerce:${connectorId}:refund:${r.id}`, modified, refund),
    );
  }
  if (o.status === 'refunded' && o.refunds.length === 0) {
    // Refunded without a refund record: the whole order (no amount means "all of it").
    const whole = { order_id: o.id, refund_id: `${o.id}-refunded`, currency: o.currency };
    calls.push(track('Order Refunded', `${base}:refunded`, modified, whole));
  }
  return calls;
}

function productInput(p: z.infer<typeof productSchema>): ProductInput {
  const updated = p.date_modified_gmt ?? p.date_created_gmt;
  // Stock counts only when WooCommerce manages it; otherwise only "out of stock" is known.
  const stock =
    p.manage_stock === true && p.stock_quantity !== null && p.stock_quantity !== undefined
      ? Math.trunc(p.stock_quantity)
      : p.stock_status === 'outofstock'
        ? 0
        : null;
  const title = p.name ? decodeEntities(p.name).slice(0, 1024) : '';
  return {
    id: p.id,
    ...(title ? { title } : {}),
    url: p.permalink,
    image_url: p.images[0]?.src ?? null,
    categories: p.categories
      .map((c) => decodeEntities(c.name).trim().slice(0, 256))
      .filter((c) => c !== '')
      .slice(0, 50),
    price: p.price !== null && p.price >= 0 ? p.price : null,
    stock,
    active: p.status === 'publish',
    attributes: { sku: p.sku, type: p.type },
    ...(updated ? { updated_at: updated } : {}),
  };
}
