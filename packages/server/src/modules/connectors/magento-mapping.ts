import { createHash } from 'node:crypto';
import { productInputSchema, type ProductInput } from '@comeback/contracts';
import { type z } from 'zod';
import { fail, ok, type Result } from '../../platform/errors.js';
import {
  noChanges,
  type CanonicalCall,
  type Identity,
  type StoreChanges,
} from './store-connector.js';
import {
  orderSchema,
  customerSchema,
  productSchema,
  stockItemSchema,
  cartSchema,
  type MagentoOrder,
} from './magento-payloads.js';

/**
 * What Adobe Commerce's observer events mean for us: the `data.value` of each event, checked
 * against the fields events-reference lists, becomes canonical calls, products or stock levels.
 */

/** The stock of a Magento product is an inventory item of its own (see the stock mapping). */
export const magentoStockItem = (productId: string) => `magento-stock:${productId}`;

const fingerprint = (v: unknown) =>
  createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12);
const round2 = (n: number) => Math.round(n * 100) / 100;

export function malformed(what: string, error: z.ZodError, prefix: string[] = []): Result<never> {
  const details = error.issues.slice(0, 10).map((i) => ({
    field: [...prefix, ...i.path.map(String)].join('.') || 'body',
    message: i.message,
  }));
  const first = details[0] ?? { field: 'body', message: 'invalid' };
  return fail('validation_failed', `${what}: ${first.field}: ${first.message}`, details);
}

export interface EventContext {
  connectorId: string;
  eventId: string;
  /** The CloudEvent's time: when Commerce emitted it. */
  at: number | null;
}

/** The changes an event means, or the reason it means none. */
export function mapEvent(
  topic: string,
  value: unknown,
  ctx: EventContext,
): Result<StoreChanges | string> {
  const changes = noChanges();
  const what = `${topic} data.value`;
  const prefix = ['data', 'value'];
  switch (topic) {
    case 'observer.sales_order_save_after':
    case 'observer.sales_order_save_commit_after': {
      const order = orderSchema.safeParse(value);
      if (!order.success) return malformed(what, order.error, prefix);
      const o = order.data;
      if (o.state === 'pending_payment') {
        return ok(`order ${o.increment_id} is pending_payment: not a purchase (yet)`);
      }
      const stamp = o.updated_at ?? o.created_at ?? isoOf(ctx.at);
      if (!stamp) return missing(what, 'updated_at');
      changes.calls = orderCalls(o, stamp, ctx.connectorId);
      return ok(changes);
    }
    case 'observer.customer_save_commit_after':
    case 'observer.customer_save_after': {
      const customer = customerSchema.safeParse(value);
      if (!customer.success) return malformed(what, customer.error, prefix);
      const c = customer.data;
      const stamp = c.updated_at ?? c.created_at ?? isoOf(ctx.at);
      if (!stamp) return missing(what, 'updated_at');
      const billing =
        c.addresses.find(
          (a) => a.default_billing === true || (a.id && a.id === c.default_billing),
        ) ?? c.addresses[0];
      const traits = {
        first_name: c.firstname,
        last_name: c.lastname,
        city: billing?.city ?? null,
        country: billing?.country_id ?? null,
      };
      const identity: Identity = {
        email: c.email,
        phone: billing?.telephone ?? null,
        customer_id: c.id,
      };
      changes.calls.push({
        type: 'identify',
        messageId: `magento:${ctx.connectorId}:customer:${c.id}:${stamp}:${fingerprint([traits, identity])}`,
        timestamp: Date.parse(stamp),
        identity,
        traits: Object.fromEntries(Object.entries(traits).filter(([, v]) => v !== null)),
      });
      return ok(changes);
    }
    case 'observer.catalog_product_save_commit_after':
    case 'observer.catalog_product_save_after': {
      const product = productSchema.safeParse(value);
      if (!product.success) return malformed(what, product.error, prefix);
      const input = productInput(product.data, ctx.at);
      if (!input) return missing(what, 'id');
      const valid = productInputSchema.safeParse(input);
      if (!valid.success) return malformed(`${topic} product`, valid.error);
      changes.products.push(valid.data);
      return ok(changes);
    }
    case 'observer.cataloginventory_stock_item_save_commit_after': {
      const item = stockItemSchema.safeParse(value);
      if (!item.success) return malformed(what, item.error, prefix);
      const s = item.data;
      if (ctx.at === null) return missing('CloudEvent', 'time', []);
      if (s.manage_stock === false && s.is_in_stock !== false) {
        return ok(`stock of product ${s.product_id} is not managed: nothing to record`);
      }
      // A level of its own, with its own clock: a stock save and a product save of one product
      // (both fired by one admin save) then never make each other stale, whatever the order.
      changes.inventory.push({
        inventoryItemId: magentoStockItem(s.product_id),
        locationId: `stock:${s.stock_id ?? '1'}`,
        available: s.is_in_stock === false ? 0 : Math.trunc(s.qty ?? 0),
        updatedAt: ctx.at,
      });
      return ok(changes);
    }
    case 'observer.checkout_cart_product_add_after': {
      const cart = cartSchema.safeParse(value);
      if (!cart.success) return malformed(what, cart.error, prefix);
      const call = cartCall(cart.data.quote, ctx);
      if (typeof call === 'string') return ok(call);
      changes.calls.push(call);
      return ok(changes);
    }
  }
  return ok(`event ${topic} is not used`);
}

const isoOf = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const missing = (what: string, field: string, prefix = ['data', 'value']): Result<never> => {
  const name = [...prefix, field].join('.');
  return fail('validation_failed', `${what}: ${name}: missing`, [
    { field: name, message: 'missing' },
  ]);
};

/**
 * Completed once per order (one message id, so only the first save that shows it placed is
 * appended), Updated for every later save, keyed by Magento's updated_at so late deliveries
 * never roll the order back. `canceled` (Magento's spelling) becomes Order Cancelled; `closed`
 * (refunded in full by credit memos) a refund of the whole order.
 */
function orderCalls(o: MagentoOrder, updatedAt: string, connectorId: string): CanonicalCall[] {
  const base = `magento:${connectorId}:order:${o.increment_id}`;
  const cancelled = o.state === 'canceled' || o.status === 'canceled';
  const billing = o.addresses.find((a) => a.address_type === 'billing') ?? o.addresses[0];
  const identity: Identity = {
    email: o.customer_email,
    phone: billing?.telephone ?? null,
    customer_id: o.customer_is_guest === true ? null : (o.customer_id ?? null),
  };
  // Configurable products list the parent (with the price) and the chosen child: count one.
  const lines = o.items.filter((i) => !i.parent_item_id || i.parent_item_id === '0');
  const properties: Record<string, unknown> = {
    order_id: o.increment_id,
    order_number: o.increment_id,
    total: o.grand_total,
    subtotal: o.subtotal,
    tax: o.tax_amount,
    shipping: o.shipping_amount,
    discount: o.discount_amount === null ? null : round2(Math.abs(o.discount_amount)),
    ...(o.coupon_code ? { coupon: o.coupon_code } : {}),
    currency: o.order_currency_code ?? null,
    checkout_id: o.quote_id ?? null,
    status: cancelled ? 'cancelled' : (o.status ?? o.state ?? null),
    updated_at: updatedAt,
    products: lines.map((l) => ({
      product_id: l.product_id ?? null,
      sku: l.sku,
      name: l.name,
      price: l.price,
      quantity: l.qty_ordered,
    })),
  };
  const modified = Date.parse(updatedAt);
  const track = (event: string, messageId: string, timestamp: number, p = properties) => ({
    type: 'track' as const,
    event,
    messageId,
    timestamp,
    identity,
    properties: p,
  });
  const updated = () =>
    track('Order Updated', `${base}:updated:${updatedAt}:${fingerprint(properties)}`, modified);
  if (cancelled) {
    const { order_id, total, currency } = properties;
    const p = { order_id, total, currency, status: 'cancelled', updated_at: updatedAt };
    return [updated(), track('Order Cancelled', `${base}:cancelled`, modified, p)];
  }
  const calls: CanonicalCall[] = [
    track('Order Completed', `${base}:completed`, Date.parse(o.created_at ?? updatedAt)),
  ];
  if (o._isNew !== true) calls.push(updated());
  if (o.state === 'closed') {
    const p = {
      order_id: o.increment_id,
      refund_id: `${o.increment_id}-closed`,
      currency: properties.currency,
    };
    calls.push(track('Order Refunded', `${base}:closed`, modified, p));
  }
  return calls;
}

function stockOf(p: z.infer<typeof productSchema>): number | undefined {
  const s = p.stock_data ?? p.quantity_and_stock_status ?? null;
  if (s?.is_in_stock === false) return 0;
  const qty = s?.qty ?? p.qty;
  return qty === null ? undefined : Math.trunc(qty);
}

/**
 * The product's id is Magento's entity id (what order lines and stock items name). A
 * subscription may leave it out (the fields are chosen per subscription); the sku keys the
 * product then - subscribe `id` to join products with orders and stock.
 */
function productInput(p: z.infer<typeof productSchema>, at: number | null): ProductInput | null {
  const id = p.id ?? p.entity_id ?? p.sku;
  if (!id) return null;
  const updated = p.updated_at ?? isoOf(at);
  const stock = stockOf(p);
  const price = p.price !== null && p.price >= 0 ? p.price : undefined;
  const status = p.status === null || p.status === undefined ? null : Number(p.status);
  return {
    id,
    ...(p.name ? { title: p.name.slice(0, 1024) } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(status !== null ? { active: status === 1 } : {}),
    ...(p.sku ? { attributes: { sku: p.sku } } : {}),
    // One variant carrying the stock item, so stock saves (inventory levels) find the product.
    variants: [
      {
        id,
        sku: p.sku,
        ...(price !== undefined ? { price } : {}),
        ...(stock !== undefined ? { stock } : {}),
        inventory_item_id: magentoStockItem(id),
      },
    ],
    ...(updated ? { updated_at: updated } : {}),
  };
}

/**
 * The cart add: the line changed last is the one just added (the payload is the whole quote).
 * A guest's cart names nobody, so it is ignored.
 */
function cartCall(
  quote: z.infer<typeof cartSchema>['quote'],
  ctx: EventContext,
): CanonicalCall | string {
  const email = quote.customer_email ?? quote.customer?.email ?? null;
  const customerId = quote.customer_id ?? quote.customer?.id ?? null;
  if (!email && (!customerId || customerId === '0')) {
    return 'a guest cart without an email or customer id: nobody to attach it to';
  }
  const lines = quote.items.filter((i) => !i.parent_item_id || i.parent_item_id === '0');
  const line = lines.reduce<(typeof lines)[number] | undefined>(
    (latest, l) => (!latest || (l.updated_at ?? '') >= (latest.updated_at ?? '') ? l : latest),
    undefined,
  );
  if (!line) return 'a cart add without items';
  const at = ctx.at ?? (line.updated_at ? Date.parse(line.updated_at) : null);
  if (at === null) return 'a cart add without a time';
  return {
    type: 'track',
    event: 'Product Added',
    messageId: `magento:${ctx.connectorId}:cart:${ctx.eventId}`,
    timestamp: at,
    identity: { email, customer_id: customerId && customerId !== '0' ? customerId : null },
    properties: {
      cart_id: quote.entity_id ?? quote.id ?? null,
      product_id: line.product_id ?? null,
      sku: line.sku,
      name: line.name,
      price: line.price,
      quantity: line.qty ?? 1,
      currency: quote.currency?.quote_currency_code ?? null,
    },
  };
}
