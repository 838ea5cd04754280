/**
 * Money and quantities, as every edge (tracking, webhooks, imports) accepts them. The bounds are
 * far above any real order - a trillion units covers a large B2B order even in currencies with
 * tens of thousands of units to the dollar - and far below where sums stop being exact to the
 * cent or finite at all: one absurd order (`price 1e200 x quantity 1e200`) must not be able to
 * turn a profile's `total_spent` or a store's customer-value fit into Infinity.
 */

/** The largest amount of money accepted (in the store's currency units, e.g. 1e12 EUR). */
export const MAX_AMOUNT = 1e12;
/** The largest quantity of one order line. */
export const MAX_QUANTITY = 1e6;

/**
 * The e-commerce events whose amounts the server adds up into computed fields. On these an
 * amount must be a non-negative number (or a decimal string); elsewhere a number is only bounded.
 */
export const COUNTED_ORDER_EVENTS: readonly string[] = [
  'Order Completed',
  'Order Updated',
  'Order Cancelled',
  'Order Refunded',
];

/** Segment's e-commerce money properties (spec v2), at the top of `properties`. */
const MONEY_PROPERTIES = ['total', 'revenue', 'subtotal', 'value', 'price', 'shipping', 'tax'];

const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * An amount as senders write it: a finite number or a decimal string ("59.90"). Anything else
 * (text, "", booleans, Infinity) is null - never 0, so "abc" cannot pass as a free order.
 */
export function readAmount(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || !DECIMAL.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export interface AmountProblem {
  /** Under `properties`: `['total']`, `['products', 2, 'price']`. */
  path: (string | number)[];
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Kind = 'money' | 'quantity' | 'discount';

const show = (v: unknown) => {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
};

function problemOf(v: unknown, kind: Kind, counted: boolean): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return 'must be a finite number';
  const n = readAmount(v);
  if (n === null) {
    // Outside the order events a text value is kept as sent: nothing adds it up.
    if (!counted && typeof v !== 'number') return null;
    return `must be a number, got ${show(v)}`;
  }
  const limit = kind === 'quantity' ? MAX_QUANTITY : MAX_AMOUNT;
  if (Math.abs(n) > limit) {
    return `must be at most ${limit.toExponential()} (${kind === 'quantity' ? 'items' : "the store's currency units"}), got ${n}`;
  }
  if (counted && kind !== 'discount' && n < 0) {
    return `must not be negative, got ${n} (send an Order Refunded event to lower what was spent)`;
  }
  return null;
}

/**
 * What is wrong with the amounts of one track call's `properties` (empty when nothing): each
 * money property and each `products[].price` within ±MAX_AMOUNT, quantities within
 * MAX_QUANTITY. On the counted order events, also: numbers only, not negative (`discount` may be
 * either sign, as platforms differ), and an order without a total whose lines add up past
 * MAX_AMOUNT is refused too.
 */
export function amountProblems(
  event: unknown,
  properties: Record<string, unknown> | undefined,
): AmountProblem[] {
  if (properties === undefined) return [];
  const counted = typeof event === 'string' && COUNTED_ORDER_EVENTS.includes(event);
  const out: AmountProblem[] = [];
  const check = (path: (string | number)[], v: unknown, kind: Kind) => {
    const message = problemOf(v, kind, counted);
    if (message !== null) out.push({ path, message });
    return message === null;
  };
  for (const name of MONEY_PROPERTIES) check([name], properties[name], 'money');
  check(['discount'], properties.discount, 'discount');
  check(['quantity'], properties.quantity, 'quantity');
  const products = properties.products;
  if (!Array.isArray(products)) return out;
  let lineSum = 0;
  products.forEach((line: unknown, i) => {
    if (!isRecord(line)) return;
    const priceOk = check(['products', i, 'price'], line.price, 'money');
    const quantityOk = check(['products', i, 'quantity'], line.quantity, 'quantity');
    if (!counted || !priceOk || !quantityOk) return;
    const amount = (readAmount(line.price) ?? 0) * (readAmount(line.quantity) ?? 1);
    if (amount > MAX_AMOUNT) {
      out.push({
        path: ['products', i],
        message: `price × quantity must be at most ${MAX_AMOUNT.toExponential()}, got ${amount}`,
      });
    }
    lineSum += amount;
  });
  const totalGiven = readAmount(properties.total) ?? readAmount(properties.revenue);
  if (counted && totalGiven === null && lineSum > MAX_AMOUNT) {
    out.push({
      path: ['products'],
      message: `the lines add up to ${lineSum}, over ${MAX_AMOUNT.toExponential()}`,
    });
  }
  return out;
}
