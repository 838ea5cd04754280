import type { RfmGroup } from '@comeback/contracts';

/**
 * RFM: each customer's recency, frequency and monetary value scored 1-5 by quintile within the
 * workspace (5: the most recent, most frequent, highest spending fifth), and the usual named
 * groups read from the recency and frequency scores. Ties share the lower quintile of their
 * first position, so equal customers always get equal scores whatever the order they come in.
 */

export interface RfmInput {
  profileId: string;
  lastOrderAt: number;
  orders: number;
  spent: number;
}

export interface RfmScore {
  recency: number;
  frequency: number;
  monetary: number;
  group: RfmGroup;
}

/**
 * The group of a recency and frequency score (the widely used RFM grid, with "lost" split
 * from hibernating for customers lowest on both).
 */
export function rfmGroupOf(r: number, f: number): RfmGroup {
  if (r <= 2) {
    if (f === 5) return 'cant_lose';
    if (f >= 3) return 'at_risk';
    return r === 1 && f === 1 ? 'lost' : 'hibernating';
  }
  if (r === 3) {
    if (f >= 4) return 'loyal';
    return f === 3 ? 'need_attention' : 'about_to_sleep';
  }
  if (f >= 4) return r === 5 ? 'champions' : 'loyal';
  if (f >= 2) return 'potential_loyalist';
  return r === 5 ? 'new' : 'promising';
}

/** Quintile scores 1-5 of `values` (higher value, higher score), ties sharing the lower one. */
export function quintiles(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length).fill(1);
  let firstOfTie = 0;
  for (let rank = 0; rank < order.length; rank++) {
    const entry = order[rank];
    if (!entry) continue;
    if (rank > 0 && entry[0] !== order[rank - 1]?.[0]) firstOfTie = rank;
    out[entry[1]] = Math.floor((firstOfTie * 5) / order.length) + 1;
  }
  return out;
}

export function rfmScores(customers: readonly RfmInput[]): Map<string, RfmScore> {
  const r = quintiles(customers.map((c) => c.lastOrderAt));
  const f = quintiles(customers.map((c) => c.orders));
  const m = quintiles(customers.map((c) => c.spent));
  const out = new Map<string, RfmScore>();
  customers.forEach((c, i) => {
    const recency = r[i] ?? 1;
    const frequency = f[i] ?? 1;
    out.set(c.profileId, {
      recency,
      frequency,
      monetary: m[i] ?? 1,
      group: rfmGroupOf(recency, frequency),
    });
  });
  return out;
}
