/**
 * The transparent rules used instead of the models when a store has too little data to fit them
 * (or a fit fails). Each number can be worked out by hand from the customer's summary and two
 * store figures:
 *
 * - gap: the customer's own average time between purchase days, t_x / x, when they have at
 *   least two repeat purchase-days; otherwise the store's typical gap — the median of t_x / x
 *   over its repeat customers, or 13 weeks (about 90 days) when nobody has bought twice yet.
 * - recency = T − t_x (weeks since the last purchase day).
 * - p_alive = 1 while recency ≤ gap, then gap / recency (one gap overdue: 1/2, three: 1/4...).
 * - expected orders in h weeks = p_alive · h / gap (one order per gap while active).
 * - spend per order = the customer's mean purchase-day value, or the store's when it is not
 *   positive; CLV = expected orders in 365 days · spend.
 * - next order = last purchase day + gap (now, when that has passed), only while p_alive ≥ 1/2
 *   and within 365 days; otherwise none.
 */
import type { CustomerSummary } from './summaries.js';

/** When nobody in the store has bought twice: a quarter of a year. */
export const DEFAULT_GAP_WEEKS = 13;
/** Own gaps are trusted from this many repeat purchase-days on. */
export const OWN_GAP_FROM_REPEATS = 2;

export interface StoreRules {
  /** Median over repeat customers of t_x / x, in weeks. */
  storeGapWeeks: number;
  /** Whether storeGapWeeks is the default (no repeat customer yet). */
  defaultGap: boolean;
  /** Mean purchase-day value over all customers. */
  storeMeanValue: number;
}

export function storeRules(customers: readonly CustomerSummary[]): StoreRules {
  const gaps = customers
    .filter((c) => c.x > 0 && c.tx > 0)
    .map((c) => c.tx / c.x)
    .sort((a, b) => a - b);
  const values = customers.map((c) => c.averageValue);
  const mean = values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
  return {
    storeGapWeeks: gaps.length ? median(gaps) : DEFAULT_GAP_WEEKS,
    defaultGap: gaps.length === 0,
    storeMeanValue: mean,
  };
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

export interface RulesScore {
  gapWeeks: number;
  gapSource: 'customer' | 'store';
  recencyWeeks: number;
  pAlive: number;
  spend: number;
  spendSource: 'customer' | 'store';
  /** Expected orders in `weeks`. */
  expectedOrders: (weeks: number) => number;
  /** Weeks from now to the expected next order, or null. */
  nextOrderWeeks: number | null;
}

export function scoreByRules(
  rules: StoreRules,
  c: Pick<CustomerSummary, 'x' | 'tx' | 'T' | 'averageValue'>,
  horizonWeeks: number,
): RulesScore {
  const own = c.x >= OWN_GAP_FROM_REPEATS && c.tx > 0;
  const gap = own ? c.tx / c.x : rules.storeGapWeeks;
  const recency = c.T - c.tx;
  const pAlive = recency <= gap ? 1 : gap / recency;
  const ownSpend = c.averageValue > 0;
  const untilNext = Math.max(0, gap - recency);
  return {
    gapWeeks: gap,
    gapSource: own ? 'customer' : 'store',
    recencyWeeks: recency,
    pAlive,
    spend: ownSpend ? c.averageValue : rules.storeMeanValue,
    spendSource: ownSpend ? 'customer' : 'store',
    expectedOrders: (weeks) => (pAlive * weeks) / gap,
    nextOrderWeeks: pAlive >= 0.5 && untilNext <= horizonWeeks ? untilNext : null,
  };
}
