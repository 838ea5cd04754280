import { DAY_MS, type PurchaseHistory } from '../recommend/purchase-history.js';
import { isLapsed } from './due-dates.js';
import { intervalsOf, median, purchaseOccasions } from './repurchase-intervals.js';

/**
 * Are the reminders worth sending? On a time split (models fitted before `cutoff`), the pairs
 * flagged "due within the next `windowDays` days" (a due date before the window's end that has
 * not lapsed at the cut-off: overdue pairs are reminded now) are compared with the (customer,
 * product) pairs bought before the cut-off and bought again inside the window:
 *
 * - precision: share of the flagged pairs that were bought in the window (every false alarm,
 *   a reminder for something not bought, counts against it);
 * - recall: share of the window's repurchases that were flagged.
 *
 * The baseline flags every pair ever bought with one global median interval for every product
 * and customer (the interval of the old "everything with an interval is replenishable").
 */
export interface DuePair {
  customerId: string;
  productId: string;
  dueAt: number;
  intervalDays: number;
}

export interface PrecisionRecall {
  flagged: number;
  actual: number;
  hits: number;
  precision: number;
  recall: number;
  f1: number;
}

const key = (customer: string, product: string) => `${customer}\u0000${product}`;

/** The pairs a "due within the window" reminder would go to at the cut-off. */
export function flaggedPairs(
  due: Iterable<DuePair>,
  cutoff: number,
  windowDays: number,
  lapsedAfterIntervals: number,
): Set<string> {
  const end = cutoff + windowDays * DAY_MS;
  const out = new Set<string>();
  for (const d of due) {
    if (d.dueAt < end && !isLapsed(d, cutoff, lapsedAfterIntervals)) {
      out.add(key(d.customerId, d.productId));
    }
  }
  return out;
}

/** The pairs bought before the cut-off (in `history`) and bought again inside the window. */
export function repurchasedInWindow(
  history: PurchaseHistory,
  after: Iterable<{ customerId: string; productId: string; orderedAt: number }>,
  cutoff: number,
  windowDays: number,
): Set<string> {
  const end = cutoff + windowDays * DAY_MS;
  const out = new Set<string>();
  const before = new Set<string>();
  for (const b of history.baskets) {
    const customer = history.customers[b.customer] ?? '';
    for (const p of b.items) before.add(key(customer, history.products[p] ?? ''));
  }
  const seen = new Set<string>();
  for (const l of after) {
    if (l.orderedAt < cutoff || l.orderedAt >= end) continue;
    const k = key(l.customerId, l.productId);
    if (seen.has(k)) continue;
    seen.add(k);
    if (before.has(k)) out.add(k);
  }
  return out;
}

export function precisionRecall(
  flagged: ReadonlySet<string>,
  actual: ReadonlySet<string>,
): PrecisionRecall {
  let hits = 0;
  for (const k of flagged) if (actual.has(k)) hits++;
  const precision = flagged.size ? hits / flagged.size : 0;
  const recall = actual.size ? hits / actual.size : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { flagged: flagged.size, actual: actual.size, hits, precision, recall, f1 };
}

/** Every pair ever bought, due one global median interval after its last purchase. */
export function globalIntervalDue(history: PurchaseHistory): {
  globalMedianDays: number;
  due: DuePair[];
} {
  const occasions = purchaseOccasions(history, 1);
  const globalMedianDays = median(
    occasions.flatMap((c) => c.flatMap((o) => intervalsOf(o.times, Infinity))),
  );
  const due: DuePair[] = [];
  occasions.forEach((customer, c) => {
    for (const o of customer) {
      const last = o.times[o.times.length - 1] ?? 0;
      due.push({
        customerId: history.customers[c] ?? '',
        productId: history.products[o.product] ?? '',
        dueAt: last + Math.round(globalMedianDays * DAY_MS),
        intervalDays: globalMedianDays,
      });
    }
  });
  return { globalMedianDays, due };
}
