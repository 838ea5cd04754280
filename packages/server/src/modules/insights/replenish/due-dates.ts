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
 * w (`personalWeight`).
 *
 * Replenishable takes evidence, not just an interval (on Online Retail nearly every product
 * with a learned interval passed the old 5% repeat share, and most "due" pairs were bought
 * once): the catalog marks the product `consumable` or gives `usage_days`, or at least
 * `minRepeatShare` of its buyers bought it again AND their own intervals are regular (median
 * coefficient of variation at most `maxIrregularity`). A pair is then due only for a customer
 * who has shown the habit (`minHabitPurchases` occasions), or for any buyer when the catalog
 * says the product runs out or at least `habitRepeatShare` of its buyers repurchase.
 * The thresholds are chosen on a validation cut of Online Retail earlier than every test cut
 * (bench/intelligence-replenish.ts), by F1 of "due within the next 30 days".
 */
export interface CatalogTiming {
  consumable: boolean;
  usageDays: number | null;
}

export interface DueOptions extends IntervalOptions {
  personalWeight: number;
  minRepeatShare: number;
  maxIrregularity: number;
  habitRepeatShare: number;
  /** Purchase occasions that make a habit. */
  minHabitPurchases: number;
  /** Overdue by more than this many intervals: lapsed (the customer stopped, or buys elsewhere). */
  lapsedAfterIntervals: number;
}

/**
 * Chosen by F0.5 at the 2011-05-01 validation cut (bench/intelligence-replenish.ts). No bound
 * on irregularity tried there improved F0.5, so it is off by default; the habit is what
 * separates: of the pairs due within 30 days at that cut, those bought on 1 occasion were
 * bought within the 30 days 7% of the time, on 2 occasions 19%, on 3 32%, on 4-5 47%.
 */
export const DEFAULT_DUE: DueOptions = {
  ...DEFAULT_INTERVALS,
  personalWeight: 3,
  minRepeatShare: 0.1,
  maxIrregularity: Infinity,
  habitRepeatShare: 0.5,
  minHabitPurchases: 3,
  lapsedAfterIntervals: 3,
};

export type DueSource = 'learned' | 'catalog';

/** A replenishment this many intervals overdue has lapsed: the customer stopped (or buys elsewhere). */
export const LAPSED_AFTER_INTERVALS = DEFAULT_DUE.lapsedAfterIntervals;

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
  /** Due for a customer who bought it once: the catalog says it runs out, or most rebuy it. */
  anyBuyer: boolean;
}

type Evidence = Pick<ProductInterval, 'intervalDays' | 'repeatShare'> &
  Partial<Pick<ProductInterval, 'irregularity'>>;

/**
 * The interval of one product before any personal habit: the catalog's, else the learned one
 * when the evidence says the product is replenished (null: not replenishable). Without an
 * `irregularity` (a stored row, already judged by the fit) only the repeat share is checked.
 */
export function effectiveInterval(
  learned: Evidence | undefined,
  catalog: CatalogTiming | undefined,
  minRepeatShare: number,
  options: Pick<DueOptions, 'maxIrregularity' | 'habitRepeatShare'> = DEFAULT_DUE,
): EffectiveInterval | null {
  if (catalog?.usageDays != null && catalog.usageDays > 0) {
    return { intervalDays: catalog.usageDays, source: 'catalog', anyBuyer: true };
  }
  if (!learned) return null;
  if (catalog?.consumable) {
    return { intervalDays: learned.intervalDays, source: 'learned', anyBuyer: true };
  }
  if (learned.repeatShare < minRepeatShare) return null;
  if (learned.irregularity !== undefined) {
    const irregular = learned.irregularity ?? Infinity;
    if (irregular > options.maxIrregularity) return null;
  }
  return {
    intervalDays: learned.intervalDays,
    source: 'learned',
    anyBuyer: learned.repeatShare >= options.habitRepeatShare,
  };
}

/** Overdue by more than `lapsedAfterIntervals` intervals at `now`. */
export function isLapsed(
  d: { dueAt: number; intervalDays: number },
  now: number,
  lapsedAfterIntervals = DEFAULT_DUE.lapsedAfterIntervals,
): boolean {
  return now - d.dueAt > lapsedAfterIntervals * d.intervalDays * DAY_MS;
}

/** The due date of one customer's product from their occasions, or null when not replenishable. */
export function dueOf(
  occasions: Pick<Occasions, 'times' | 'lastQuantity'>,
  base: EffectiveInterval | null,
  options: Pick<DueOptions, 'personalWeight' | 'maxIntervalDays'> &
    Partial<Pick<DueOptions, 'minHabitPurchases'>>,
): { intervalDays: number; dueAt: number; lastBoughtAt: number } | null {
  const lastBoughtAt = occasions.times[occasions.times.length - 1];
  if (!base || lastBoughtAt === undefined) return null;
  // One purchase is no habit: due only when the product itself is.
  const habit =
    occasions.times.length >= (options.minHabitPurchases ?? DEFAULT_DUE.minHabitPurchases);
  if (!habit && !base.anyBuyer) return null;
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
      base = effectiveInterval(intervals.get(id), catalog(id), o.minRepeatShare, o);
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
