import { DAY_MS, type PurchaseHistory } from './purchase-history.js';

/**
 * What the learned "buy again" (buy-again-ranker.ts) knows of each (customer, own product)
 * pair: the product's side, as of an instant from the orders before it, and the customer's
 * side, from their own purchases. Pure, and the same at the learning cut and on a request.
 */
export const CUSTOMER_FEATURES = [
  'recentOrders90',
  'recentOrders365',
  'lastOrders07',
  'lastOrders09',
  'shareOfOrders',
  'inLastOrder',
  'logDaysSinceLast',
  'logDaysSinceFirst',
] as const;
export type CustomerFeature = (typeof CUSTOMER_FEATURES)[number];
export const PRODUCT_FEATURES = [
  'rebuy30',
  'rebuy60',
  'logRebuy30',
  'repeatRate',
  'trend7',
  'trend14',
  'trend30',
  'trend60',
  'season',
] as const;

/** Shrinks a share towards the store's by this many pseudo-customers. */
const SHRINK = 5;

const decayed = (ageMs: number, halfLifeDays: number) =>
  Math.exp((-Math.LN2 * Math.max(0, ageMs)) / (halfLifeDays * DAY_MS));

/**
 * Per product index, its signals as of `at` from the orders before it: the share of its earlier
 * buyers who bought it again in the last 30 and 60 days (shrunk), its repeat propensity, its
 * popularity with half-lives of 7 to 60 days (relative to the best seller), and whether it is
 * rising (14-day against 180-day popularity).
 */
export function productSignals(history: PurchaseHistory, at: number): Float64Array[] {
  const n = history.productCount;
  const rebuy = (windowDays: number) => {
    const from = at - windowDays * DAY_MS;
    const chances = new Float64Array(n);
    const again = new Float64Array(n);
    for (const baskets of history.basketsOf) {
      const before = new Set<number>();
      const within = new Set<number>();
      for (const b of baskets) {
        const basket = history.baskets[b];
        if (!basket || basket.orderedAt >= at) continue;
        for (const item of basket.items) (basket.orderedAt < from ? before : within).add(item);
      }
      for (const item of before) {
        chances[item] = (chances[item] ?? 0) + 1;
        if (within.has(item)) again[item] = (again[item] ?? 0) + 1;
      }
    }
    return shrunk(again, chances);
  };
  const repeat = (() => {
    const chances = new Float64Array(n);
    const again = new Float64Array(n);
    for (const baskets of history.basketsOf) {
      const orders = baskets.filter((b) => (history.baskets[b]?.orderedAt ?? at) < at);
      const first = new Map<number, number>();
      const rebought = new Set<number>();
      orders.forEach((b, k) => {
        for (const item of history.baskets[b]?.items ?? []) {
          if (first.has(item)) rebought.add(item);
          else first.set(item, k);
        }
      });
      for (const [item, k] of first) {
        if (k >= orders.length - 1) continue; // no later order: no chance to rebuy
        chances[item] = (chances[item] ?? 0) + 1;
        if (rebought.has(item)) again[item] = (again[item] ?? 0) + 1;
      }
    }
    return shrunk(again, chances);
  })();
  const popularity = (halfLifeDays: number) => {
    const s = new Float64Array(n);
    for (const basket of history.baskets) {
      if (basket.orderedAt >= at) continue;
      const w = decayed(at - basket.orderedAt, halfLifeDays);
      for (const item of basket.items) s[item] = (s[item] ?? 0) + w;
    }
    const top = s.reduce((m, x) => Math.max(m, x), 0);
    return top > 0 ? s.map((x) => x / top) : s;
  };
  const rebuy30 = rebuy(30);
  const [p7, p14, p30, p60, p180] = [7, 14, 30, 60, 180].map(popularity);
  const season = p14!.map((x, i) => Math.log((1e-3 + x) / (1e-3 + (p180?.[i] ?? 0))));
  return [
    rebuy30,
    rebuy(60),
    rebuy30.map((x) => Math.log(x + 1e-3)),
    repeat,
    p7!,
    p14!,
    p30!,
    p60!,
    season,
  ];
}

function shrunk(again: Float64Array, chances: Float64Array): Float64Array {
  let all = 0;
  let rebought = 0;
  chances.forEach((c, i) => {
    all += c;
    rebought += again[i] ?? 0;
  });
  const prior = all ? rebought / all : 0;
  return chances.map((c, i) => ((again[i] ?? 0) + SHRINK * prior) / (c + SHRINK));
}

/** One purchase of the customer: the product, the order it was in, when. Oldest first. */
export interface OwnPurchase {
  productId: string;
  orderId: string;
  at: number;
}

/**
 * The customer's side of each own product, as of `now`: orders holding it weighted by age
 * (half-lives 90 and 365 days) and by how many orders ago (0.7 and 0.9 per order), the share
 * of their orders holding it, whether their latest order did, and the days since they last
 * and first bought it (logarithmic).
 */
export function customerSignals(
  purchases: readonly OwnPurchase[],
  now: number,
): Map<string, number[]> {
  const orderIndex = new Map<string, number>();
  for (const p of purchases)
    if (!orderIndex.has(p.orderId)) orderIndex.set(p.orderId, orderIndex.size);
  const orders = orderIndex.size;
  const lastOrder = purchases[purchases.length - 1]?.orderId;
  const own = new Map<string, { orders: Set<string>; first: number; last: number }>();
  for (const p of purchases) {
    const e = own.get(p.productId);
    if (!e) own.set(p.productId, { orders: new Set([p.orderId]), first: p.at, last: p.at });
    else {
      e.orders.add(p.orderId);
      e.first = Math.min(e.first, p.at);
      e.last = Math.max(e.last, p.at);
    }
  }
  const out = new Map<string, number[]>();
  const times = new Map<string, number>();
  for (const p of purchases) times.set(p.orderId, p.at);
  for (const [productId, e] of own) {
    let d90 = 0;
    let d365 = 0;
    let o07 = 0;
    let o09 = 0;
    for (const o of e.orders) {
      const age = now - (times.get(o) ?? now);
      d90 += decayed(age, 90);
      d365 += decayed(age, 365);
      const ago = orders - 1 - (orderIndex.get(o) ?? 0);
      o07 += 0.7 ** ago;
      o09 += 0.9 ** ago;
    }
    out.set(productId, [
      Math.log1p(d90),
      Math.log1p(d365),
      o07,
      o09,
      e.orders.size / Math.max(1, orders),
      lastOrder !== undefined && e.orders.has(lastOrder) ? 1 : 0,
      Math.log1p(Math.max(0, now - e.last) / DAY_MS),
      Math.log1p(Math.max(0, now - e.first) / DAY_MS),
    ]);
  }
  return out;
}
