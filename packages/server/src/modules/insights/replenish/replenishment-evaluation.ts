import { DAY_MS, type PurchaseHistory } from '../recommend/purchase-history.js';
import type { ReplenishmentDue } from './due-dates.js';
import { intervalsOf, median, purchaseOccasions } from './repurchase-intervals.js';

/**
 * How good the due dates are, on a time split: fitted on the orders before `cutoff`, compared
 * with what customers did after it. The pairs judged are the (customer, product) pairs bought
 * before the cut-off and bought again after it; for each, the predicted next purchase day is
 * the due date, or the cut-off itself when the product was already due (the best one can say
 * then is "now"), and the actual one is the first purchase after the cut-off.
 *
 * - coverage: the share of those pairs that have a due date at all;
 * - median absolute error in days, overall and split by whether the due date was still ahead
 *   at the cut-off or already past;
 * - the same error for a baseline that gives every product one global median interval.
 *
 * The test window is finite, so slow repurchases after its end are not seen (censoring): the
 * pairs judged lean towards quick repurchases, on both sides of the comparison alike.
 */
export interface ReplenishmentEvaluation {
  pairs: number;
  coverage: number;
  medianAbsErrorDays: number;
  notYetDue: { pairs: number; medianAbsErrorDays: number };
  alreadyDue: { pairs: number; medianAbsErrorDays: number };
  baselineErrorDays: number;
  globalMedianDays: number;
}

export function evaluateReplenishment(
  history: PurchaseHistory,
  due: readonly (readonly ReplenishmentDue[])[],
  after: Iterable<{ customerId: string; productId: string; orderedAt: number }>,
  cutoff: number,
): ReplenishmentEvaluation {
  const key = (customer: string, product: string) => `${customer}\u0000${product}`;
  const actual = new Map<string, number>();
  for (const l of after) {
    if (l.orderedAt < cutoff) continue;
    const k = key(l.customerId, l.productId);
    const seen = actual.get(k);
    if (seen === undefined || l.orderedAt < seen) actual.set(k, l.orderedAt);
  }
  const predicted = new Map<string, number>();
  for (const list of due)
    for (const d of list) predicted.set(key(d.customerId, d.productId), d.dueAt);

  const occasions = purchaseOccasions(history, 1);
  const globalMedianDays = median(
    occasions.flatMap((c) => c.flatMap((o) => intervalsOf(o.times, Infinity))),
  );
  const errors: number[] = [];
  const ahead: number[] = [];
  const past: number[] = [];
  const baseline: number[] = [];
  let pairs = 0;
  occasions.forEach((customer, c) => {
    for (const o of customer) {
      const k = key(history.customers[c] ?? '', history.products[o.product] ?? '');
      const at = actual.get(k);
      if (at === undefined) continue;
      pairs++;
      const last = o.times[o.times.length - 1] ?? 0;
      const base = last + globalMedianDays * DAY_MS;
      baseline.push(Math.abs(Math.max(cutoff, base) - at) / DAY_MS);
      const p = predicted.get(k);
      if (p === undefined) continue;
      const error = Math.abs(Math.max(cutoff, p) - at) / DAY_MS;
      errors.push(error);
      (p >= cutoff ? ahead : past).push(error);
    }
  });
  return {
    pairs,
    coverage: pairs ? errors.length / pairs : 0,
    medianAbsErrorDays: median(errors),
    notYetDue: { pairs: ahead.length, medianAbsErrorDays: median(ahead) },
    alreadyDue: { pairs: past.length, medianAbsErrorDays: median(past) },
    baselineErrorDays: median(baseline),
    globalMedianDays,
  };
}
