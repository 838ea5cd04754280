import { DAY_MS, type PurchaseHistory } from '../recommend/purchase-history.js';

/**
 * The typical repurchase interval of each product, learned from customers who bought it more
 * than once.
 *
 * A customer's purchases of one product are first merged into *occasions*: orders less than
 * `minGapDays` apart are one occasion (a second order the same afternoon is a top-up, not a
 * repurchase). Each customer then contributes ONE value, the median of their own intervals, so
 * a shop that reorders every week cannot outvote fifty customers who reorder monthly; the
 * product's interval is the median of those per-customer values (robust to the customer who
 * came back after two years). A product needs `minCustomers` such customers (the support);
 * below that it has no learned interval and the catalog's `usage_days`, when set, is used.
 */
export interface IntervalOptions {
  minGapDays: number;
  minCustomers: number;
  /** Intervals longer than this are not repurchases of a consumable but lapses; dropped. */
  maxIntervalDays: number;
}

export const DEFAULT_INTERVALS: IntervalOptions = {
  minGapDays: 1,
  minCustomers: 5,
  maxIntervalDays: 730,
};

export interface ProductInterval {
  productId: string;
  /** Median of the per-customer median intervals, in days. */
  intervalDays: number;
  /** Quartiles of the per-customer medians: how spread the habit is. */
  p25Days: number;
  p75Days: number;
  /** Customers with at least one repurchase (the support). */
  customers: number;
  intervals: number;
  /** Customers who bought the product at all. */
  buyers: number;
  /** customers / buyers: how habitual the product is. */
  repeatShare: number;
  /**
   * How irregular one customer's own intervals are: the median, over the customers with at
   * least two intervals, of their coefficient of variation (standard deviation / mean). 0 is a
   * clockwork habit; null when no customer has two intervals to compare.
   */
  irregularity: number | null;
}

/** One customer's purchases of one product, merged into occasions. */
export interface Occasions {
  product: number;
  /** Occasion times, oldest first. */
  times: number[];
  /** Quantity of the last occasion. */
  lastQuantity: number;
}

/** Per customer (by index), their occasions per product. */
export function purchaseOccasions(history: PurchaseHistory, minGapDays: number): Occasions[][] {
  const gap = minGapDays * DAY_MS;
  return history.basketsOf.map((indexes) => {
    const byProduct = new Map<number, Occasions>();
    for (const k of indexes) {
      const basket = history.baskets[k];
      if (!basket) continue;
      basket.items.forEach((product, n) => {
        const quantity = basket.quantities[n] ?? 1;
        const o = byProduct.get(product);
        if (!o) {
          byProduct.set(product, { product, times: [basket.orderedAt], lastQuantity: quantity });
          return;
        }
        const last = o.times[o.times.length - 1] ?? -Infinity;
        if (basket.orderedAt - last < gap) o.lastQuantity += quantity;
        else {
          o.times.push(basket.orderedAt);
          o.lastQuantity = quantity;
        }
      });
    }
    return [...byProduct.values()];
  });
}

/** The intervals between consecutive occasions, in days, without lapses. */
export function intervalsOf(times: readonly number[], maxIntervalDays: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < times.length; k++) {
    const days = ((times[k] ?? 0) - (times[k - 1] ?? 0)) / DAY_MS;
    if (days <= maxIntervalDays) out.push(days);
  }
  return out;
}

export function learnRepurchaseIntervals(
  history: PurchaseHistory,
  options: Partial<IntervalOptions> = {},
  occasions = purchaseOccasions(history, options.minGapDays ?? DEFAULT_INTERVALS.minGapDays),
): Map<string, ProductInterval> {
  const o = { ...DEFAULT_INTERVALS, ...options };
  const medians = new Map<number, number[]>();
  const counts = new Map<number, number>();
  const variations = new Map<number, number[]>();
  const buyers = new Int32Array(history.productCount);
  for (const customer of occasions) {
    for (const occ of customer) {
      buyers[occ.product] = (buyers[occ.product] ?? 0) + 1;
      const intervals = intervalsOf(occ.times, o.maxIntervalDays);
      if (!intervals.length) continue;
      let list = medians.get(occ.product);
      if (!list) medians.set(occ.product, (list = []));
      list.push(median(intervals));
      counts.set(occ.product, (counts.get(occ.product) ?? 0) + intervals.length);
      if (intervals.length >= 2) {
        let cvs = variations.get(occ.product);
        if (!cvs) variations.set(occ.product, (cvs = []));
        cvs.push(coefficientOfVariation(intervals));
      }
    }
  }
  const out = new Map<string, ProductInterval>();
  for (const [product, list] of medians) {
    if (list.length < o.minCustomers) continue;
    const productId = history.products[product] ?? '';
    const sorted = list.sort((a, b) => a - b);
    out.set(productId, {
      productId,
      intervalDays: quantileSorted(sorted, 0.5),
      p25Days: quantileSorted(sorted, 0.25),
      p75Days: quantileSorted(sorted, 0.75),
      customers: list.length,
      intervals: counts.get(product) ?? 0,
      buyers: buyers[product] ?? 0,
      repeatShare: list.length / Math.max(1, buyers[product] ?? 0),
      irregularity: variations.has(product) ? median(variations.get(product) ?? []) : null,
    });
  }
  return out;
}

/** Standard deviation / mean (population form); 0 for equal values. */
export function coefficientOfVariation(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  if (!(mean > 0)) return 0;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

export function median(values: readonly number[]): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Linear interpolation between closest ranks; NaN for an empty list. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}
