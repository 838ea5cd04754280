import { asRecord } from '../../platform/json.js';
/**
 * Reads the facts computed fields need from Segment e-commerce v2 events
 * (https://segment.com/docs/connections/spec/ecommerce/v2/). Amounts are in the store currency.
 */
const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};
const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

export interface OrderFacts {
  orderId: string | null;
  total: number;
  currency: string | null;
  categories: string[];
  products: string[];
}

interface Line {
  id: string | null;
  category: string | null;
  price: number | null;
  quantity: number;
}

function linesOf(properties: Record<string, unknown>): Line[] {
  const products = Array.isArray(properties.products) ? properties.products : [];
  return products.map((raw) => {
    const p = asRecord(raw);
    return {
      id: str(p.product_id) ?? str(p.sku) ?? str(p.id),
      category: str(p.category),
      price: num(p.price),
      quantity: num(p.quantity) ?? 1,
    };
  });
}

export function orderFacts(properties: Record<string, unknown>): OrderFacts {
  const lines = linesOf(properties);
  const lineSum = lines.reduce((s, l) => s + (l.price ?? 0) * l.quantity, 0);
  return {
    orderId: str(properties.order_id),
    // `total` is what the customer paid; older senders put it in `revenue` only.
    total: num(properties.total) ?? num(properties.revenue) ?? lineSum,
    currency: str(properties.currency),
    categories: lines.flatMap((l) => (l.category ? [l.category] : [])),
    products: lines.flatMap((l) => (l.id ? [l.id] : [])),
  };
}

export interface RefundFacts {
  orderId: string | null;
  /** null: the whole order was refunded (no amount and no lines given). */
  amount: number | null;
}

export function refundFacts(properties: Record<string, unknown>): RefundFacts {
  const lines = linesOf(properties);
  const explicit = num(properties.total) ?? num(properties.revenue);
  const fromLines = lines.length
    ? lines.reduce((s, l) => s + (l.price ?? 0) * l.quantity, 0)
    : null;
  return { orderId: str(properties.order_id), amount: explicit ?? fromLines };
}

export function viewedProductOf(properties: Record<string, unknown>): string | null {
  return str(properties.product_id) ?? str(properties.sku) ?? str(properties.name);
}
