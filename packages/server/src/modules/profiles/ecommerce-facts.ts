import { MAX_AMOUNT, MAX_QUANTITY, readAmount } from '@comeback/contracts';
import { asRecord } from '../../platform/json.js';
/**
 * Reads the facts computed fields need from Segment e-commerce v2 events
 * (https://segment.com/docs/connections/spec/ecommerce/v2/). Amounts are in the store currency.
 *
 * The edges refuse amounts that are not numbers, negative or out of bounds (contracts'
 * amounts.ts); events already in the log from before they did are read defensively here, so
 * such an amount counts as not given rather than as Infinity, 0 or a negative order.
 */
const within =
  (limit: number) =>
  (v: unknown): number | null => {
    const n = readAmount(v);
    return n !== null && n >= 0 && n <= limit ? n : null;
  };
const num = within(MAX_AMOUNT);
const count = within(MAX_QUANTITY);
/** A discount may be sent with either sign; only its size is bounded. */
const signed = (v: unknown): number | null => {
  const n = readAmount(v);
  return n !== null && Math.abs(n) <= MAX_AMOUNT ? n : null;
};
const bounded = (n: number) => Math.min(n, MAX_AMOUNT);
const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

export interface OrderFacts {
  orderId: string | null;
  total: number;
  /** The total was given (`total`, `revenue`) rather than summed from the lines. */
  totalGiven: boolean;
  currency: string | null;
  categories: string[];
  products: string[];
  lines: OrderLine[];
  subtotal: number | null;
  discount: number | null;
  tax: number | null;
  shipping: number | null;
  status: string | null;
  orderNumber: string | null;
  checkoutId: string | null;
  /** The store's own last-modified time of the order, when it sends one. */
  updatedAt: number | null;
}

export interface OrderLine {
  id: string | null;
  variantId: string | null;
  sku: string | null;
  name: string | null;
  category: string | null;
  price: number | null;
  quantity: number;
}
type Line = OrderLine;

export const time = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string' || v === '') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};

function linesOf(properties: Record<string, unknown>): Line[] {
  const products = Array.isArray(properties.products) ? properties.products : [];
  return products.map((raw) => {
    const p = asRecord(raw);
    return {
      id: str(p.product_id) ?? str(p.sku) ?? str(p.id),
      variantId: str(p.variant_id) ?? str(p.variant),
      sku: str(p.sku),
      name: str(p.name),
      category: str(p.category),
      price: num(p.price),
      quantity: count(p.quantity) ?? 1,
    };
  });
}

export function orderFacts(properties: Record<string, unknown>): OrderFacts {
  const lines = linesOf(properties);
  const lineSum = lines.reduce((s, l) => s + (l.price ?? 0) * l.quantity, 0);
  // `total` is what the customer paid; older senders put it in `revenue` only.
  const given = num(properties.total) ?? num(properties.revenue);
  return {
    orderId: str(properties.order_id),
    total: given ?? bounded(lineSum),
    totalGiven: given !== null,
    currency: str(properties.currency),
    categories: lines.flatMap((l) => (l.category ? [l.category] : [])),
    products: lines.flatMap((l) => (l.id ? [l.id] : [])),
    lines,
    subtotal: num(properties.subtotal),
    discount: signed(properties.discount),
    tax: num(properties.tax),
    shipping: num(properties.shipping),
    status: str(properties.status),
    orderNumber: str(properties.order_number),
    checkoutId: str(properties.checkout_id),
    updatedAt: time(properties.updated_at),
  };
}

export interface RefundFacts {
  orderId: string | null;
  refundId: string | null;
  reason: string | null;
  lines: OrderLine[];
  /** null: the whole order was refunded (no amount and no lines given). */
  amount: number | null;
}

export function refundFacts(properties: Record<string, unknown>): RefundFacts {
  const lines = linesOf(properties);
  const explicit = num(properties.total) ?? num(properties.revenue);
  const fromLines = lines.length
    ? lines.reduce((s, l) => s + (l.price ?? 0) * l.quantity, 0)
    : null;
  return {
    orderId: str(properties.order_id),
    refundId: str(properties.refund_id),
    reason: str(properties.reason),
    lines,
    amount: explicit ?? (fromLines === null ? null : bounded(fromLines)),
  };
}

/**
 * A `Product Viewed` event's product id and category as `event_profiles` keeps them (migration
 * 039): each only when the event carried it as a string; nulls for any other event.
 */
export function viewedFieldsOf(
  event: string | null,
  properties: unknown,
): [productId: string | null, category: string | null] {
  if (event !== 'Product Viewed') return [null, null];
  const { product_id: product, category } = asRecord(properties);
  return [
    typeof product === 'string' ? product : null,
    typeof category === 'string' ? category : null,
  ];
}

export function viewedProductOf(properties: Record<string, unknown>): string | null {
  return str(properties.product_id) ?? str(properties.sku) ?? str(properties.name);
}

export interface FulfilmentFacts {
  orderId: string | null;
  fulfilmentId: string | null;
  status: string | null;
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  /** Delivered: when the parcel arrived (defaults to the event's time). */
  deliveredAt: number | null;
  updatedAt: number | null;
}

export function fulfilmentFacts(properties: Record<string, unknown>): FulfilmentFacts {
  return {
    orderId: str(properties.order_id),
    fulfilmentId: str(properties.fulfillment_id) ?? str(properties.fulfilment_id),
    status: str(properties.status),
    trackingCompany: str(properties.tracking_company) ?? str(properties.shipping_method),
    trackingNumber: str(properties.tracking_number),
    trackingUrl: str(properties.tracking_url),
    deliveredAt: time(properties.delivered_at),
    updatedAt: time(properties.updated_at),
  };
}
