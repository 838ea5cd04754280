import {
  CUSTOMER_FEATURES,
  customerSignals,
  PRODUCT_FEATURES,
  productSignals,
  type CustomerFeature,
  type OwnPurchase,
} from './buy-again-signals.js';
import { DAY_MS, type PurchaseHistory } from './purchase-history.js';

export { CUSTOMER_FEATURES, type CustomerFeature, type OwnPurchase };

/**
 * "Buy again" ranked by what the store's own customers did: which of a customer's products
 * will be in their next order. The fit takes a cut `holdoutDays` before its time, describes
 * every (customer, own product) pair as it stood at that cut, and learns - from which products
 * each customer's next order after the cut actually held - how much each signal weighs. The
 * model is a conditional logit (a softmax over each customer's own products), so it learns to
 * *rank* one customer's products, which is all a list needs.
 *
 * The score is linear, so it splits: a per-product part (how often the product is rebought,
 * lately and overall; what sells now), computed once per fit and stored as the product's
 * `prior`, and a per-customer part (how recently and how regularly this customer bought it),
 * computed on each request from their purchases with the learned `weights`. Everything is
 * learned from data before the fit's time: an evaluation at a cut never sees what followed it.
 * Measured against hand-set weights in docs/adr/0012-recommendation-strategies.md.
 */
export interface BuyAgainRanker {
  /** Per customer feature, its weight (standardisation folded in). */
  weights: Record<CustomerFeature, number>;
  /** The prior of a product the fit did not know (bought after it): the average one. */
  defaultPrior: number;
  /** The cut it learned at, and the customers whose next order after it taught it. */
  learnedAt: number;
  customers: number;
}

export interface RankerOptions {
  /** The learning cut lies this far before the fit's time; the next orders fall between. */
  holdoutDays: number;
  /** Fewer customers with a next order and something to rank: no ranker, the rules rank. */
  minCustomers: number;
  /** Customers learned from at most (an even sample beyond), to bound the fit's time. */
  maxCustomers: number;
  /** Most recent products per customer learned from. */
  maxProductsPerCustomer: number;
  iterations: number;
  l2: number;
}

export const DEFAULT_RANKER: RankerOptions = {
  holdoutDays: 90,
  minCustomers: 50,
  maxCustomers: 5_000,
  maxProductsPerCustomer: 200,
  iterations: 200,
  l2: 1e-3,
};

/** The ranker's score of each own product: its prior plus the customer's side. */
export function rankOwn(
  ranker: BuyAgainRanker,
  purchases: readonly OwnPurchase[],
  now: number,
  priorOf: (productId: string) => number | null,
): Map<string, number> {
  const w = CUSTOMER_FEATURES.map((f) => ranker.weights[f] ?? 0);
  const out = new Map<string, number>();
  for (const [productId, x] of customerSignals(purchases, now)) {
    let score = priorOf(productId) ?? ranker.defaultPrior;
    x.forEach((v, j) => (score += (w[j] ?? 0) * v));
    out.set(productId, score);
  }
  return out;
}

/** Every training row's standardised features, flat, and where each customer's rows begin. */
interface Groups {
  x: Float64Array;
  bought: Uint8Array;
  /** Row offsets: group g holds rows start[g] .. start[g + 1] - 1. */
  start: Uint32Array;
}

/**
 * Learns the ranker from the store's history and returns it with every product's prior as of
 * `now`; null when too few customers ordered again after the learning cut.
 */
export function learnBuyAgainRanker(
  history: PurchaseHistory,
  now: number,
  options: Partial<RankerOptions> = {},
): { ranker: BuyAgainRanker; priors: Map<string, number> } | null {
  const o = { ...DEFAULT_RANKER, ...options };
  const cut = now - o.holdoutDays * DAY_MS;
  type Example = { productIds: string[]; x: number[][]; bought: boolean[] };
  const examples: Example[] = [];
  history.basketsOf.forEach((baskets) => {
    const purchases: OwnPurchase[] = [];
    let next: Set<number> | null = null;
    for (const b of baskets) {
      const basket = history.baskets[b];
      if (!basket || basket.orderedAt >= now) continue;
      if (basket.orderedAt < cut) {
        for (const item of basket.items) {
          purchases.push({ productId: String(item), orderId: String(b), at: basket.orderedAt });
        }
      } else if (!next) next = new Set(basket.items);
    }
    if (!next || !purchases.length) return;
    const signals = [...customerSignals(purchases, cut)]
      .sort((a, b) => (a[1][6] ?? 0) - (b[1][6] ?? 0)) // most recently bought first
      .slice(0, o.maxProductsPerCustomer);
    const bought = signals.map(([id]) => next.has(Number(id)));
    if (!bought.some(Boolean) || bought.every(Boolean)) return; // nothing to rank
    examples.push({ productIds: signals.map(([id]) => id), x: signals.map(([, x]) => x), bought });
  });
  if (examples.length < o.minCustomers) return null;
  const step = Math.max(1, examples.length / o.maxCustomers);
  const sample: Example[] = [];
  for (let i = 0; i < examples.length; i += step) sample.push(examples[Math.floor(i)]!);

  const atCut = productSignals(history, cut);
  const featuresOf = (e: Example, k: number) => [
    ...atCut.map((f) => f[Number(e.productIds[k])] ?? 0),
    ...(e.x[k] ?? []),
  ];
  const raw = sample.map((e) => e.productIds.map((_, k) => featuresOf(e, k)));
  const d = PRODUCT_FEATURES.length + CUSTOMER_FEATURES.length;
  const { mean, sd } = moments(raw.flat(), d);
  const rows = raw.reduce((n, r) => n + r.length, 0);
  const groups: Groups = {
    x: new Float64Array(rows * d),
    bought: new Uint8Array(rows),
    start: new Uint32Array(raw.length + 1),
  };
  let r = 0;
  raw.forEach((group, g) => {
    groups.start[g] = r;
    group.forEach((x, k) => {
      for (let j = 0; j < d; j++) groups.x[r * d + j] = ((x[j] ?? 0) - mean[j]!) / sd[j]!;
      groups.bought[r++] = sample[g]!.bought[k] ? 1 : 0;
    });
  });
  groups.start[raw.length] = r;
  const w = fitConditionalLogit(groups, d, o.iterations, o.l2);
  const scale = [...w].map((v, j) => v / sd[j]!);
  // A fit that did not converge to numbers teaches nothing: the rules rank.
  if (!scale.every(Number.isFinite)) return null;
  const np = PRODUCT_FEATURES.length;

  const atNow = productSignals(history, now);
  const sold = new Uint8Array(history.productCount);
  for (const basket of history.baskets) {
    if (basket.orderedAt < now) for (const item of basket.items) sold[item] = 1;
  }
  const priors = new Map<string, number>();
  let sum = 0;
  history.products.forEach((id, i) => {
    if (!sold[i]) return; // only sold after `now`: not known yet
    let prior = 0;
    for (let j = 0; j < np; j++) prior += scale[j]! * (atNow[j]?.[i] ?? 0);
    priors.set(id, prior);
    sum += prior;
  });
  const weightOf = (f: CustomerFeature) => scale[np + CUSTOMER_FEATURES.indexOf(f)] ?? 0;
  const weights: Record<CustomerFeature, number> = {
    recentOrders90: weightOf('recentOrders90'),
    recentOrders365: weightOf('recentOrders365'),
    lastOrders07: weightOf('lastOrders07'),
    lastOrders09: weightOf('lastOrders09'),
    shareOfOrders: weightOf('shareOfOrders'),
    inLastOrder: weightOf('inLastOrder'),
    logDaysSinceLast: weightOf('logDaysSinceLast'),
    logDaysSinceFirst: weightOf('logDaysSinceFirst'),
  };
  return {
    ranker: {
      weights,
      defaultPrior: priors.size ? sum / priors.size : 0,
      learnedAt: cut,
      customers: sample.length,
    },
    priors,
  };
}

function moments(rows: readonly number[][], d: number): { mean: number[]; sd: number[] } {
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const x of rows) for (let j = 0; j < d; j++) mean[j]! += (x[j] ?? 0) / rows.length;
  for (const x of rows)
    for (let j = 0; j < d; j++) sd[j]! += ((x[j] ?? 0) - mean[j]!) ** 2 / rows.length;
  return { mean, sd: sd.map((v) => Math.sqrt(v) || 1) };
}

/**
 * Maximises the likelihood that each customer's next order held the products it held, with the
 * probability of a product being the softmax of its score among the customer's own products
 * (ridge `l2`; Adam steps, deterministic). Returns the weights of the standardised features.
 */
function fitConditionalLogit(
  { x, bought, start }: Groups,
  d: number,
  iterations: number,
  l2: number,
): Float64Array {
  const w = new Float64Array(d);
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  const grad = new Float64Array(d);
  const e = new Float64Array(bought.length);
  const groups = start.length - 1;
  const rate = 0.05;
  for (let it = 1; it <= iterations; it++) {
    for (let j = 0; j < d; j++) grad[j] = l2 * w[j]!;
    for (let g = 0; g < groups; g++) {
      const from = start[g]!;
      const to = start[g + 1]!;
      let top = -Infinity;
      for (let r = from; r < to; r++) {
        let z = 0;
        for (let j = 0; j < d; j++) z += x[r * d + j]! * w[j]!;
        e[r] = z;
        if (z > top) top = z;
      }
      let all = 0;
      let hit = 0;
      for (let r = from; r < to; r++) {
        const ez = Math.exp(e[r]! - top); // shifted, so no exp overflows
        e[r] = ez;
        all += ez;
        if (bought[r]) hit += ez;
      }
      // d(-log(hit / all)) / dw = E_all[x] - E_bought[x]
      for (let r = from; r < to; r++) {
        const c = (e[r]! / all - (bought[r] ? e[r]! / hit : 0)) / groups;
        for (let j = 0; j < d; j++) grad[j]! += c * x[r * d + j]!;
      }
    }
    for (let j = 0; j < d; j++) {
      m[j] = 0.9 * m[j]! + 0.1 * grad[j]!;
      v[j] = 0.999 * v[j]! + 0.001 * grad[j]! ** 2;
      w[j]! -= (rate * (m[j]! / (1 - 0.9 ** it))) / (Math.sqrt(v[j]! / (1 - 0.999 ** it)) + 1e-8);
    }
  }
  return w;
}
