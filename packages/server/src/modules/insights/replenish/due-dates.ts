import { DAY_MS, type PurchaseHistory } from '../recommend/purchase-history.js';
import {
  DEFAULT_INTERVALS,
  intervalsOf,
  median,
  purchaseOccasions,
  type IntervalOptions,
  type Occasions,
  type ProductInterval,
} from './repurchase-intervals.js';

/**
 * When each customer is due to buy each replenishable product again.
 *
 * The catalog wins where it speaks: a product with `usage_days` is due `usage_days x quantity`
 * after its last purchase (the field is how long ONE unit lasts; two boxes of 30-day lenses
 * last 60 days), source `catalog`. Otherwise the learned interval applies, source `learned`,
 * blended with the customer's own habit when they have one: with k own intervals whose median
 * is m, the interval is (k m + w I) / (k + w) for the product's interval I and the prior weight
 * w (`personalWeight`). A product is replenishable when the catalog marks it `consumable` or
 * gives `usage_days`, or when at least `minRepeatShare` of its buyers bought it again.
 */
export interface CatalogTiming {
  consumable: boolean;
  usageDays: number | null;
}

export interface DueOptions extends IntervalOptions {
  personalWeight: number;
  minRepeatShare: number;
}

export const DEFAULT_DUE: DueOptions = {
  ...DEFAULT_INTERVALS,
  personalWeight: 3,
  minRepeatShare: 0.05,
};

export type DueSource = 'learned' | 'catalog';

/** A replenishment this many intervals overdue has lapsed: the customer stopped (or buys elsewhere). */
export const LAPSED_AFTER_INTERVALS = 3;

export interface ReplenishmentDue {
  customerId: string;
  productId: string;
  lastBoughtAt: number;
  lastQuantity: number;
  /** Purchase occasions of the product by the customer. */
  purchases: number;
  intervalDays: number;
  dueAt: number;
  source: DueSource;
}

export interface EffectiveInterval {
  intervalDays: number;
  source: DueSource;
}

/** The interval of one product before any personal habit: the catalog's, else the learned one. */
export function effectiveInterval(
  learned: Pick<ProductInterval, 'intervalDays' | 'repeatShare'> | undefined,
  catalog: CatalogTiming | undefined,
  minRepeatShare: number,
): EffectiveInterval | null {
  if (catalog?.usageDays != null && catalog.usageDays > 0) {
    return { intervalDays: catalog.usageDays, source: 'catalog' };
  }
  if (!learned) return null;
  if (!catalog?.consumable && learned.repeatShare < minRepeatShare) return null;
  return { intervalDays: learned.intervalDays, source: 'learned' };
}

/** The due date of one customer's product from their occasions, or null when not replenishable. */
export function dueOf(
  occasions: Pick<Occasions, 'times' | 'lastQuantity'>,
  base: EffectiveInterval | null,
  options: Pick<DueOptions, 'personalWeight' | 'maxIntervalDays'>,
): { intervalDays: number; dueAt: number; lastBoughtAt: number } | null {
  const lastBoughtAt = occasions.times[occasions.times.length - 1];
  if (!base || lastBoughtAt === undefined) return null;
  let intervalDays: number;
  if (base.source === 'catalog') {
    intervalDays = base.intervalDays * Math.max(1, occasions.lastQuantity);
  } else {
    const own = intervalsOf(occasions.times, options.maxIntervalDays);
    const k = own.length;
    const w = options.personalWeight;
    intervalDays = k ? (k * median(own) + w * base.intervalDays) / (k + w) : base.intervalDays;
  }
  return { intervalDays, dueAt: lastBoughtAt + Math.round(intervalDays * DAY_MS), lastBoughtAt };
}

/** Every customer's due replenishments, per customer index. */
export function replenishmentDue(
  history: PurchaseHistory,
  intervals: ReadonlyMap<string, ProductInterval>,
  catalog: (productId: string) => CatalogTiming | undefined,
  options: Partial<DueOptions> = {},
  occasions?: Occasions[][],
): ReplenishmentDue[][] {
  const o = { ...DEFAULT_DUE, ...options };
  const all = occasions ?? purchaseOccasions(history, o.minGapDays);
  const bases = new Map<number, EffectiveInterval | null>();
  const baseOf = (product: number) => {
    let base = bases.get(product);
    if (base === undefined) {
      const id = history.products[product] ?? '';
      base = effectiveInterval(intervals.get(id), catalog(id), o.minRepeatShare);
      bases.set(product, base);
    }
    return base;
  };
  return all.map((customer, c) =>
    customer.flatMap((occ) => {
      const base = baseOf(occ.product);
      const due = dueOf(occ, base, o);
      if (!due || !base) return [];
      return [
        {
          customerId: history.customers[c] ?? '',
          productId: history.products[occ.product] ?? '',
          lastBoughtAt: due.lastBoughtAt,
          lastQuantity: occ.lastQuantity,
          purchases: occ.times.length,
          intervalDays: due.intervalDays,
          dueAt: due.dueAt,
          source: base.source,
        },
      ];
    }),
  );
}

/** "due in 4 days", "due today", "overdue by 2 days", counted in whole days from `now`. */
export function dueInWords(dueAt: number, now: number): { days: number; text: string } {
  const days = Math.round((dueAt - now) / DAY_MS);
  const unit = (n: number) => (Math.abs(n) === 1 ? 'day' : 'days');
  if (days === 0) return { days, text: 'due today' };
  if (days > 0) return { days, text: `due in ${days} ${unit(days)}` };
  return { days, text: `overdue by ${-days} ${unit(days)}` };
}
