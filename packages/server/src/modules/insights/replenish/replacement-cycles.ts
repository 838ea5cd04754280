import { DAY_MS, type PurchaseHistory } from '../recommend/purchase-history.js';
import { intervalsOf, median, quantileSorted } from './repurchase-intervals.js';

/**
 * Replacement cycles of durables (a laptop every ~3 years): per category, how long customers
 * wait before buying in it again. Purchases in one category less than `minGapDays` apart are one
 * occasion (the laptop and, a week later, its bag). Each customer contributes the median of
 * their own gaps; the category's cycle is the median over customers, with at least
 * `minCustomers` of them. Only durables get a cycle: categories the catalog does not call
 * consumable whose cycle is at least `minCycleDays` (shorter habits are replenishment).
 */
export interface ReplacementOptions {
  minGapDays: number;
  minCustomers: number;
  minCycleDays: number;
  maxCycleDays: number;
}

export const DEFAULT_REPLACEMENT: ReplacementOptions = {
  minGapDays: 30,
  minCustomers: 5,
  minCycleDays: 180,
  maxCycleDays: 3650,
};

export interface ReplacementCycle {
  category: string;
  cycleDays: number;
  p25Days: number;
  p75Days: number;
  customers: number;
}

/** Per customer (index), the occasion times per category, oldest first. */
export function categoryOccasions(
  history: PurchaseHistory,
  minGapDays: number,
): Map<string, number[]>[] {
  const gap = minGapDays * DAY_MS;
  return history.basketsOf.map((indexes) => {
    const byCategory = new Map<string, number[]>();
    for (const k of indexes) {
      const basket = history.baskets[k];
      if (!basket) continue;
      const cats = new Set(basket.items.flatMap((i) => history.categoryOf[i] ?? []));
      for (const category of cats) {
        let times = byCategory.get(category);
        if (!times) byCategory.set(category, (times = []));
        const last = times[times.length - 1];
        if (last === undefined || basket.orderedAt - last >= gap) times.push(basket.orderedAt);
      }
    }
    return byCategory;
  });
}

export function learnReplacementCycles(
  history: PurchaseHistory,
  isConsumableCategory: (category: string) => boolean,
  options: Partial<ReplacementOptions> = {},
  occasions = categoryOccasions(history, options.minGapDays ?? DEFAULT_REPLACEMENT.minGapDays),
): Map<string, ReplacementCycle> {
  const o = { ...DEFAULT_REPLACEMENT, ...options };
  const perCategory = new Map<string, number[]>();
  for (const customer of occasions) {
    for (const [category, times] of customer) {
      const gaps = intervalsOf(times, o.maxCycleDays);
      if (!gaps.length) continue;
      let list = perCategory.get(category);
      if (!list) perCategory.set(category, (list = []));
      list.push(median(gaps));
    }
  }
  const out = new Map<string, ReplacementCycle>();
  for (const [category, list] of perCategory) {
    if (list.length < o.minCustomers || isConsumableCategory(category)) continue;
    const sorted = list.sort((a, b) => a - b);
    const cycleDays = quantileSorted(sorted, 0.5);
    if (cycleDays < o.minCycleDays) continue;
    out.set(category, {
      category,
      cycleDays,
      p25Days: quantileSorted(sorted, 0.25),
      p75Days: quantileSorted(sorted, 0.75),
      customers: list.length,
    });
  }
  return out;
}

export interface ReplacementDue {
  category: string;
  lastBoughtAt: number;
  dueAt: number;
}

/**
 * The customer's next replacement: over the durable categories they bought, the earliest
 * `last purchase + cycle` that is not lapsed (more than one whole cycle overdue at `now`).
 */
export function replacementDue(
  byCategory: ReadonlyMap<string, readonly number[]>,
  cycles: ReadonlyMap<string, ReplacementCycle>,
  now: number,
): ReplacementDue | null {
  let best: ReplacementDue | null = null;
  for (const [category, times] of byCategory) {
    const cycle = cycles.get(category);
    const last = times[times.length - 1];
    if (!cycle || last === undefined) continue;
    const cycleMs = Math.round(cycle.cycleDays * DAY_MS);
    const dueAt = last + cycleMs;
    if (dueAt + cycleMs < now) continue;
    if (!best || dueAt < best.dueAt) best = { category, lastBoughtAt: last, dueAt };
  }
  return best;
}
