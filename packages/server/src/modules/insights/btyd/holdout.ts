/**
 * The check a store can run on its own data: fit as of 90 days before the end of its data,
 * forecast each customer's purchase-days in those 90 days exactly as production would, and
 * compare with what happened and with a naive forecast, each customer's own past rate
 * (x / T repeat purchase-days per week since the first). A model that does not beat the naive
 * forecast on the store's own history should not be trusted for that store. Pure, no I/O.
 */
import { WEEKS_90D, fitCustomerValue, predictCustomer, scoringModelOf } from './customer-value.js';
import { DAY_MS, summarizePurchases, type CustomerSummary, type Purchase } from './summaries.js';

export const HOLDOUT_DAYS = 90;

export interface HoldoutCheck {
  /** The last instant of the fitting data and of the forecast window (epoch ms). */
  cutAt: number;
  endsAt: number;
  horizonDays: number;
  customers: number;
  method: 'bg_nbd' | 'rules';
  quality: 'good' | 'weak';
  /** Repeat purchase-days in the window: forecast, happened, own past rate. */
  forecast: number;
  actual: number;
  naive: number;
  /** Mean absolute error per customer of the forecast and of the naive forecast. */
  modelMae: number;
  naiveMae: number;
  beatsNaive: boolean;
}

export type HoldoutOutcome =
  { ok: true; check: HoldoutCheck } | { ok: false; code: 'no_customer_before_cut'; reason: string };

/**
 * Fits at the end of the day 90 days before `asOf`'s day and scores the customers who had bought
 * by then. `purchases` are each customer's purchases (anything after `asOf` is ignored).
 */
export function runHoldoutCheck(
  purchases: Iterable<readonly Purchase[]>,
  asOf: number,
  opts: { annualDiscountRate?: number } = {},
): HoldoutOutcome {
  const lastDay = Math.floor(asOf / DAY_MS);
  const cutDay = lastDay - HOLDOUT_DAYS;
  const cutAt = (cutDay + 1) * DAY_MS - 1;
  const summaries: CustomerSummary[] = [];
  const actual: number[] = [];
  for (const list of purchases) {
    const summary = summarizePurchases(list, cutAt);
    if (!summary) continue;
    const days = new Set<number>();
    for (const p of list) {
      const day = Math.floor(p.at / DAY_MS);
      if (day > cutDay && day <= lastDay && p.at <= asOf) days.add(day);
    }
    summaries.push(summary);
    actual.push(days.size);
  }
  if (summaries.length === 0) {
    return {
      ok: false,
      code: 'no_customer_before_cut',
      reason: `no customer had bought ${HOLDOUT_DAYS} days before the data ends`,
    };
  }
  const model = fitCustomerValue(summaries, opts);
  const scoring = scoringModelOf(model);
  let forecast = 0;
  let naive = 0;
  let happened = 0;
  let modelAbs = 0;
  let naiveAbs = 0;
  summaries.forEach((c, i) => {
    const f = predictCustomer(scoring, c).expectedOrders90d;
    const own = c.T > 0 ? (c.x / c.T) * WEEKS_90D : 0;
    const a = actual[i] ?? 0;
    forecast += f;
    naive += own;
    happened += a;
    modelAbs += Math.abs(f - a);
    naiveAbs += Math.abs(own - a);
  });
  const n = summaries.length;
  return {
    ok: true,
    check: {
      cutAt,
      endsAt: asOf,
      horizonDays: HOLDOUT_DAYS,
      customers: n,
      method: model.method,
      quality: scoring.quality.level,
      forecast,
      actual: happened,
      naive,
      modelMae: modelAbs / n,
      naiveMae: naiveAbs / n,
      beatsNaive: modelAbs < naiveAbs,
    },
  };
}
