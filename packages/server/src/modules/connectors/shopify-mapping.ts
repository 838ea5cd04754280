import type { CanonicalCall, Identity } from './store-connector.js';
import type {
  LineItem,
  ShopifyCheckout,
  ShopifyCustomer,
  ShopifyFulfillment,
  ShopifyOrder,
  ShopifyRefund,
} from './shopify-payloads.js';

/** Shopify's payloads (shopify-payloads.ts) mapped to canonical calls. */

type Contact = { email?: string | null; phone?: string | null } | null | undefined;

/** Who a call is about: the first email and phone given, and the Shopify customer id. */
export function identityOf(
  customerId: string | null | undefined,
  ...contacts: Contact[]
): Identity {
  const first = (pick: (c: NonNullable<Contact>) => string | null | undefined) => {
    for (const c of contacts) {
      const v = c ? pick(c)?.trim() : undefined;
      if (v) return v;
    }
    return null;
  };
  return {
    email: first((c) => c.email),
    phone: first((c) => c.phone),
    customer_id: customerId ?? null,
  };
}

export const hasIdentity = (i: Identity) => Boolean(i.email || i.phone || i.customer_id);
export const iso = (t: number) => new Date(t).toISOString();
const round2 = (n: number) => Math.round(n * 100) / 100;
const sum = (xs: number[]) => round2(xs.reduce((s, x) => s + x, 0));
const currencyOf = (c: string | null | undefined) => (c ? c.toUpperCase() : undefined);

function productsOf(items: Partial<LineItem>[], quantity?: (i: number) => number) {
  return items.map((l, i) => ({
    product_id: l.product_id ?? undefined,
    variant_id: l.variant_id ?? undefined,
    sku: l.sku || undefined,
    name: l.title || l.name || undefined,
    variant_title: l.variant_title || undefined,
    brand: l.vendor || undefined,
    price: l.price ?? undefined,
    quantity: quantity ? quantity(i) : (l.quantity ?? 1),
  }));
}

/** Every fact an order payload carries; the message ids keep each fact to one event. */
export function orderCalls(
  order: ShopifyOrder,
  topic: string,
  prefix: string,
  identity: Identity,
): CanonicalCall[] {
  const key = `${prefix}:order:${order.id}`;
  const updatedAt = order.updated_at ?? order.created_at;
  const cancelled = order.cancelled_at !== null && order.cancelled_at !== undefined;
  const shipping =
    order.total_shipping_price_set?.shop_money.amount ??
    sum((order.shipping_lines ?? []).map((s) => s.price ?? 0));
  const properties: Record<string, unknown> = {
    order_id: order.id,
    order_number: order.name || (order.order_number ?? undefined),
    checkout_id: order.checkout_token || (order.checkout_id ?? undefined),
    cart_id: order.cart_token || undefined,
    total: order.total_price,
    subtotal: order.subtotal_price ?? undefined,
    tax: order.total_tax ?? undefined,
    shipping,
    discount: order.total_discounts ?? undefined,
    currency: currencyOf(order.currency),
    financial_status: order.financial_status || undefined,
    fulfillment_status: order.fulfillment_status || undefined,
    updated_at: iso(updatedAt),
    products: productsOf(order.line_items),
    ...(cancelled ? { status: 'cancelled', cancel_reason: order.cancel_reason || undefined } : {}),
  };
  const call = (suffix: string, event: string, at: number): CanonicalCall => ({
    type: 'track',
    event,
    messageId: `${key}:${suffix}`,
    timestamp: at,
    identity,
    properties,
  });
  const calls: CanonicalCall[] = [];
  const buyer = order.customer ?? order.billing_address;
  if (buyer?.first_name || buyer?.last_name || typeof order.buyer_accepts_marketing === 'boolean') {
    // Names as given at checkout, timed at the order so a later customers/update wins.
    calls.push({
      type: 'identify',
      messageId: `${key}:buyer`,
      timestamp: order.created_at,
      identity,
      traits: {
        first_name: buyer?.first_name || undefined,
        last_name: buyer?.last_name || undefined,
        accepts_marketing: order.buyer_accepts_marketing ?? undefined,
      },
    });
  }
  // Every order topic carries the whole order, so a lost or late orders/create is made up for
  // by whichever topic arrives first; the shared message id keeps the order counted once.
  calls.push(call('completed', 'Order Completed', order.created_at));
  if (topic !== 'orders/create') {
    calls.push(call(`updated:${iso(updatedAt)}`, 'Order Updated', updatedAt));
  }
  if (cancelled) calls.push(call('cancelled', 'Order Cancelled', order.cancelled_at ?? updatedAt));
  for (const refund of order.refunds ?? []) calls.push(refundCall(refund, prefix, identity));
  for (const f of order.fulfillments ?? [])
    calls.push(...fulfillmentCalls(f, prefix, identity, order.id));
  return calls;
}

/** A refund's amount: what was paid back (successful refund transactions), else its lines. */
export function refundCall(
  refund: ShopifyRefund,
  prefix: string,
  identity: Identity,
): CanonicalCall {
  const lines = refund.refund_line_items ?? [];
  const paid = (refund.transactions ?? []).filter(
    (t) => t.kind === 'refund' && t.status === 'success' && typeof t.amount === 'number',
  );
  const total = paid.length
    ? sum(paid.map((t) => t.amount ?? 0))
    : sum(lines.map((l) => l.subtotal ?? (l.line_item?.price ?? 0) * l.quantity));
  return {
    type: 'track',
    event: 'Order Refunded',
    messageId: `${prefix}:refund:${refund.id}`,
    timestamp: refund.processed_at ?? refund.created_at,
    identity,
    properties: {
      order_id: refund.order_id,
      refund_id: refund.id,
      // Always explicit: without a total the order book reads "the whole order".
      total,
      reason: refund.note || undefined,
      products: productsOf(
        lines.map((l) => l.line_item ?? {}),
        (i) => lines[i]?.quantity ?? 1,
      ),
    },
  };
}

/** A failed or cancelled fulfillment shipped nothing: it is not reported as one. */
const NOT_SHIPPED = new Set(['cancelled', 'error', 'failure']);

export function fulfillmentCalls(
  f: ShopifyFulfillment,
  prefix: string,
  identity: Identity,
  orderId?: string,
): CanonicalCall[] {
  const order = orderId ?? f.order_id;
  if (!order || (f.status && NOT_SHIPPED.has(f.status))) return [];
  const updatedAt = f.updated_at ?? f.created_at;
  const properties = {
    order_id: order,
    fulfillment_id: f.id,
    status: f.status || undefined,
    shipment_status: f.shipment_status || undefined,
    tracking_company: f.tracking_company || undefined,
    tracking_number: f.tracking_number || undefined,
    tracking_url: f.tracking_url || f.tracking_urls?.[0] || undefined,
    updated_at: iso(updatedAt),
  };
  const key = `${prefix}:fulfillment:${f.id}`;
  const calls: CanonicalCall[] = [
    {
      type: 'track',
      event: 'Order Fulfilled',
      messageId: `${key}:${f.status || 'unknown'}`,
      timestamp: f.created_at,
      identity,
      properties,
    },
  ];
  if (f.shipment_status === 'delivered') {
    calls.push({
      type: 'track',
      event: 'Order Delivered',
      messageId: `${key}:delivered`,
      timestamp: updatedAt,
      identity,
      properties: { ...properties, status: 'delivered', delivered_at: iso(updatedAt) },
    });
  }
  return calls;
}

export function checkoutCall(
  c: ShopifyCheckout,
  prefix: string,
  identity: Identity,
  at: number,
): CanonicalCall {
  return {
    type: 'track',
    event: 'Checkout Started',
    messageId: `${prefix}:checkout:${c.token}:${iso(at)}`,
    timestamp: at,
    identity,
    properties: {
      checkout_id: c.token,
      checkout_url: c.abandoned_checkout_url || undefined,
      value: c.total_price ?? undefined,
      total: c.total_price ?? undefined,
      subtotal: c.subtotal_price ?? undefined,
      tax: c.total_tax ?? undefined,
      discount: c.total_discounts ?? undefined,
      coupon: c.discount_codes?.find((d) => d.code)?.code ?? undefined,
      currency: currencyOf(c.currency),
      products: productsOf(c.line_items ?? []),
    },
  };
}

export function customerCall(
  c: ShopifyCustomer,
  prefix: string,
  identity: Identity,
  at: number,
): CanonicalCall {
  const consent = c.email_marketing_consent?.state;
  const a = c.default_address;
  return {
    type: 'identify',
    messageId: `${prefix}:customer:${c.id}:${iso(at)}`,
    timestamp: at,
    identity,
    traits: {
      first_name: c.first_name ?? undefined,
      last_name: c.last_name ?? undefined,
      accepts_marketing: c.accepts_marketing ?? (consent ? consent === 'subscribed' : undefined),
      tags: c.tags,
      orders_count: c.orders_count ?? undefined,
      city: a?.city || undefined,
      country: a?.country_name || a?.country || undefined,
      country_code: a?.country_code || undefined,
      created_at: c.created_at ? iso(c.created_at) : undefined,
    },
  };
}
