/**
 * From a customer's orders to the BTYD summary: purchases on the same UTC day are merged into
 * one purchase (their values summed), time is in weeks (days / 7), and
 * x = repeat purchase-days, t_x = (last − first purchase day) / 7, T = (today − first day) / 7,
 * monetary = the mean value of the repeat purchase-days (the first is excluded, as the
 * Gamma-Gamma model is fitted), averageValue = the mean over all purchase-days.
 */

export const DAY_MS = 86_400_000;
export const DAYS_PER_WEEK = 7;

export interface Purchase {
  /** Epoch milliseconds. */
  at: number;
  value: number;
}

export interface CustomerSummary {
  x: number;
  tx: number;
  T: number;
  monetary: number | null;
  averageValue: number;
  /** Start of the first and of the last purchase day (epoch ms, UTC). */
  firstDayAt: number;
  lastDayAt: number;
}

/** The summary of one customer's purchases up to `now`, or null without any. */
export function summarizePurchases(
  purchases: readonly Purchase[],
  now: number,
): CustomerSummary | null {
  const byDay = new Map<number, number>();
  for (const p of purchases) {
    if (p.at > now) continue;
    const day = Math.floor(p.at / DAY_MS);
    byDay.set(day, (byDay.get(day) ?? 0) + p.value);
  }
  if (byDay.size === 0) return null;
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0] ?? 0;
  const last = days[days.length - 1] ?? first;
  const today = Math.floor(now / DAY_MS);
  const x = days.length - 1;
  let total = 0;
  for (const v of byDay.values()) total += v;
  const firstValue = byDay.get(first) ?? 0;
  return {
    x,
    tx: (last - first) / DAYS_PER_WEEK,
    T: (today - first) / DAYS_PER_WEEK,
    monetary: x > 0 ? (total - firstValue) / x : null,
    averageValue: total / days.length,
    firstDayAt: first * DAY_MS,
    lastDayAt: last * DAY_MS,
  };
}
