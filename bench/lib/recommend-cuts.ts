/**
 * One time cut of the Online Retail recommendation evaluation: the models fitted on the orders
 * before the cut (non-products learned at the cut by the production rule and dropped, as the
 * production fit drops them), and for every customer who bought before it and again after it
 * (before `until`, for a validation cut that must not see the test period), their context at
 * the cut and the products of their next invoice.
 *
 * Each method's ranked list is scored per customer (hit@k on any item, hit@k on items new to
 * the customer, NDCG@k, new items offered), so figures can be compared pairwise and given
 * bootstrap intervals over customers.
 */
import { PurchaseHistory } from '../../packages/server/dist/modules/insights/recommend/purchase-history.js';
import {
  fitRecommendations,
  modelView,
  type ModelView,
} from '../../packages/server/dist/modules/insights/recommend/recommendation-model.js';
import {
  type BlendOptions,
  recommend,
} from '../../packages/server/dist/modules/insights/recommend/recommender.js';
import {
  dueNow,
  orderGapDays,
  type CustomerContext,
} from '../../packages/server/dist/modules/insights/recommend/strategies.js';
import { replenishmentDue } from '../../packages/server/dist/modules/insights/replenish/due-dates.js';
import {
  learnRepurchaseIntervals,
  purchaseOccasions,
} from '../../packages/server/dist/modules/insights/replenish/repurchase-intervals.js';
import { withoutNonProducts, type RetailLine } from './online-retail.js';
import { Random } from './random.js';

export interface TestCustomer {
  customer: string;
  truth: Set<string>;
  bought: Set<string>;
  ctx: CustomerContext;
}

export interface Cut {
  cut: number;
  history: PurchaseHistory;
  model: ModelView;
  popular: string[];
  due: ReturnType<typeof replenishmentDue>;
  /** The lines kept (merchandise), all of them, for other evaluations at this cut. */
  lines: RetailLine[];
  tests: TestCustomer[];
}

/** Customers who bought before `cut`, with the products of their first invoice in [cut, until). */
export function nextInvoiceTargets(
  lines: readonly RetailLine[],
  cut: number,
  until = Infinity,
): { customer: string; truth: Set<string> }[] {
  const trained = new Set<string>();
  const first = new Map<string, { order: string; at: number }>();
  for (const l of lines) {
    if (l.orderedAt < cut) trained.add(l.customerId);
    else if (l.orderedAt < until) {
      const f = first.get(l.customerId);
      if (!f || l.orderedAt < f.at) first.set(l.customerId, { order: l.orderId, at: l.orderedAt });
    }
  }
  const truth = new Map<string, Set<string>>();
  for (const l of lines) {
    if (l.orderedAt < cut || !trained.has(l.customerId)) continue;
    if (first.get(l.customerId)?.order !== l.orderId) continue;
    let set = truth.get(l.customerId);
    if (!set) truth.set(l.customerId, (set = new Set()));
    set.add(l.productId);
  }
  return [...truth].map(([customer, t]) => ({ customer, truth: t }));
}

/** `all` must hold every cleaned line, non-products included (readOnlineRetail keepNonProducts). */
export function prepareCut(all: readonly RetailLine[], cut: number, until = Infinity): Cut {
  const lines = withoutNonProducts(
    all,
    all.filter((l) => l.orderedAt < cut),
  );
  const history = PurchaseHistory.from(lines.filter((l) => l.orderedAt < cut));
  const fitted = fitRecommendations(history, { now: cut });
  const occasions = purchaseOccasions(history, 1);
  const intervals = learnRepurchaseIntervals(history, {}, occasions);
  const due = replenishmentDue(history, intervals, () => undefined, {}, occasions);
  const tests = nextInvoiceTargets(lines, cut, until).flatMap((t) => {
    const c = history.customerIndex.get(t.customer);
    if (c === undefined) return [];
    const ctx = contextOf(history, c, due[c] ?? [], cut);
    return [{ ...t, ctx, bought: new Set(ctx.purchases.map((p) => p.productId)) }];
  });
  return {
    cut,
    history,
    model: modelView(fitted),
    popular: fitted.popular.map((p) => p.productId),
    due,
    lines,
    tests,
  };
}

export function contextOf(
  history: PurchaseHistory,
  c: number,
  due: CustomerContext['replenishments'],
  now: number,
): CustomerContext {
  const purchases = (history.basketsOf[c] ?? []).flatMap((b, n) => {
    const basket = history.baskets[b];
    return (basket?.items ?? []).map((i) => ({
      productId: history.products[i] ?? '',
      orderId: String(n),
      at: basket?.orderedAt ?? 0,
    }));
  });
  const times = (history.basketsOf[c] ?? []).map((b) => history.baskets[b]?.orderedAt ?? 0);
  return {
    now,
    purchases,
    viewed: [],
    removedFromCart: new Set(),
    replenishments: due,
    orderGapDays: orderGapDays(times),
  };
}

export type Method = (t: TestCustomer, cut: Cut, k: number) => string[];

const rulesOf = (t: TestCustomer) => ({
  bought: t.bought,
  dueNow: dueNow(t.ctx),
  removedFromCart: t.ctx.removedFromCart,
  catalog: () => undefined,
  requireCatalog: false,
});

/** The production blend with the given options. */
export const blendMethod =
  (options: Partial<BlendOptions>): Method =>
  (t, cut, k) =>
    recommend('blend', t.ctx, cut.model, rulesOf(t), k, options).map((r) => r.productId);

/** One production strategy, exclusions applied. */
export const strategyMethod =
  (strategy: Parameters<typeof recommend>[0]): Method =>
  (t, cut, k) =>
    recommend(strategy, t.ctx, cut.model, rulesOf(t), k).map((r) => r.productId);

/**
 * The baseline "buy again": the customer's own products by the number of orders that held
 * them, ties to the most recently bought.
 */
export const mostBought: Method = (t, _cut, k) => {
  const n = new Map<string, { orders: Set<string>; last: number }>();
  for (const p of t.ctx.purchases) {
    const e = n.get(p.productId) ?? { orders: new Set<string>(), last: 0 };
    e.orders.add(p.orderId);
    e.last = Math.max(e.last, p.at);
    n.set(p.productId, e);
  }
  return [...n]
    .sort(
      ([a, x], [b, y]) => y.orders.size - x.orders.size || y.last - x.last || a.localeCompare(b),
    )
    .slice(0, k)
    .map(([id]) => id);
};

/** The store's k best sellers at the cut, the same for everyone, nothing excluded. */
export const globalPopularity: Method = (_t, cut, k) => cut.popular.slice(0, k);

export interface Scores {
  hitAny: number[];
  hitNew: number[];
  ndcg: number[];
  /** Products offered that the customer never bought. */
  newOffered: number[];
}

export function scoreMethod(cut: Cut, method: Method, k: number): Scores {
  const s: Scores = { hitAny: [], hitNew: [], ndcg: [], newOffered: [] };
  for (const t of cut.tests) {
    const list = method(t, cut, k).slice(0, k);
    let dcg = 0;
    let any = 0;
    let fresh = 0;
    let offered = 0;
    list.forEach((id, i) => {
      const isNew = !t.bought.has(id);
      if (isNew) offered++;
      if (t.truth.has(id)) {
        any = 1;
        if (isNew) fresh = 1;
        dcg += 1 / Math.log2(i + 2);
      }
    });
    let ideal = 0;
    for (let i = 0; i < Math.min(k, t.truth.size); i++) ideal += 1 / Math.log2(i + 2);
    s.hitAny.push(any);
    s.hitNew.push(fresh);
    s.ndcg.push(ideal ? dcg / ideal : 0);
    s.newOffered.push(offered);
  }
  return s;
}

export const mean = (xs: readonly number[]) =>
  xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * A 95% percentile-bootstrap interval of `stat` over customers resampled with replacement;
 * `series` are per-customer values of equal length, resampled together (paired).
 */
export function bootstrap(
  series: readonly (readonly number[])[],
  stat: (means: number[]) => number,
  resamples = 1000,
  seed = 7,
): [number, number] {
  const n = series[0]?.length ?? 0;
  const rng = new Random(seed);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sums = series.map(() => 0);
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      series.forEach((s, m) => (sums[m] = (sums[m] ?? 0) + (s[j] ?? 0)));
    }
    values.push(stat(sums.map((x) => x / Math.max(1, n))));
  }
  values.sort((a, b) => a - b);
  return [
    values[Math.floor(0.025 * resamples)] ?? NaN,
    values[Math.ceil(0.975 * resamples) - 1] ?? NaN,
  ];
}
