import type { RecommendationReasonCode } from '@comeback/contracts';
import { dueInWords, LAPSED_AFTER_INTERVALS } from '../replenish/due-dates.js';
import { rankOwn } from './buy-again-ranker.js';
import { intervalsOf, median } from '../replenish/repurchase-intervals.js';
import { DAY_MS } from './purchase-history.js';
import type { ModelView, NeighbourKind } from './recommendation-model.js';

/**
 * The strategies, each a small pure function from one customer's context and the fitted model
 * to scored candidates with a reason. Exclusions are applied afterwards, by the recommender.
 */
export interface CustomerContext {
  now: number;
  /** Products bought, oldest first. */
  purchases: readonly { productId: string; orderId: string; at: number }[];
  /** Products viewed, newest first. */
  viewed: readonly { productId: string; at: number }[];
  removedFromCart: ReadonlySet<string>;
  /** Replenishable products bought before, with their due dates and how often bought. */
  replenishments: readonly DueItem[];
  /** The customer's median days between orders (null: fewer than two orders). */
  orderGapDays: number | null;
}

export interface DueItem {
  productId: string;
  dueAt: number;
  intervalDays: number;
  /** Purchase occasions of the product by this customer: the strength of the habit. */
  purchases: number;
}

/** Why a candidate is offered: in English, and as a code with its parameters (contracts). */
export interface Reason {
  reason: string;
  reasonCode: RecommendationReasonCode;
  reasonParams: Record<string, string | number>;
}

export interface Candidate extends Reason {
  productId: string;
  score: number;
}

const because = (
  reasonCode: RecommendationReasonCode,
  reasonParams: Record<string, string | number>,
  reason: string,
): Reason => ({ reason, reasonCode, reasonParams });

/** The median days between a customer's orders (orders under a day apart are one); null below two. */
export function orderGapDays(orderTimes: readonly number[]): number | null {
  const occasions: number[] = [];
  for (const t of [...orderTimes].sort((a, b) => a - b)) {
    const last = occasions[occasions.length - 1];
    if (last === undefined || t - last >= DAY_MS) occasions.push(t);
  }
  const gaps = intervalsOf(occasions, Infinity);
  return gaps.length ? median(gaps) : null;
}

/** Half-lives of the customer's own signals: last month's purchase says more than last year's. */
export const PURCHASE_HALF_LIFE_DAYS = 180;
export const VIEW_HALF_LIFE_DAYS = 7;
/**
 * A replenishment is offered from before it is due - this many days, or the customer's usual
 * time between orders when longer (it will be due by their next order), at most
 * MAX_DUE_AHEAD_DAYS - until it has lapsed (LAPSED_AFTER_INTERVALS intervals overdue).
 */
export const DUE_AHEAD_DAYS = 7;
export const MAX_DUE_AHEAD_DAYS = 60;

const decay = (ageMs: number, halfLifeDays: number) =>
  Math.exp((-Math.LN2 * Math.max(0, ageMs)) / (halfLifeDays * DAY_MS));

/** Accumulates scores per candidate, remembering the biggest contributor for the reason. */
class Tally {
  readonly #scores = new Map<string, { score: number; best: number; reason: Reason }>();
  add(productId: string, amount: number, reason: () => Reason): void {
    if (!(amount > 0)) return;
    const entry = this.#scores.get(productId);
    if (!entry) this.#scores.set(productId, { score: amount, best: amount, reason: reason() });
    else {
      entry.score += amount;
      if (amount > entry.best) {
        entry.best = amount;
        entry.reason = reason();
      }
    }
  }
  ranked(): Candidate[] {
    return [...this.#scores]
      .map(([productId, e]) => ({ productId, score: e.score, ...e.reason }))
      .sort((a, b) => b.score - a.score || a.productId.localeCompare(b.productId));
  }
}

/** Each product bought, with the weight of its most recent purchase. */
function purchaseWeights(ctx: CustomerContext): Map<string, number> {
  const weights = new Map<string, number>();
  for (const p of ctx.purchases) {
    const w = decay(ctx.now - p.at, PURCHASE_HALF_LIFE_DAYS);
    weights.set(p.productId, Math.max(weights.get(p.productId) ?? 0, w));
  }
  return weights;
}

function lastOrderProducts(ctx: CustomerContext): string[] {
  const last = ctx.purchases[ctx.purchases.length - 1];
  if (!last) return [];
  return ctx.purchases.filter((p) => p.orderId === last.orderId).map((p) => p.productId);
}

function fromNeighbours(
  model: ModelView,
  kind: NeighbourKind,
  seeds: Map<string, number>,
  reason: (seedTitle: string) => Reason,
): Candidate[] {
  const tally = new Tally();
  for (const [seed, weight] of seeds) {
    for (const n of model.neighbours(kind, seed)) {
      tally.add(n.productId, weight * n.score, () => reason(model.titleOf(seed)));
    }
  }
  return tally.ranked();
}

/** Products often in the same order as those of the customer's latest order. */
export function boughtTogether(ctx: CustomerContext, model: ModelView): Candidate[] {
  const seeds = new Map(lastOrderProducts(ctx).map((id) => [id, 1]));
  return fromNeighbours(model, 'bought_together', seeds, (t) =>
    because('often_bought_with', { product: t }, `often bought with ${t}`),
  );
}

/** Customers who bought what this customer bought also bought these (recent purchases weigh more). */
export function alsoBought(ctx: CustomerContext, model: ModelView): Candidate[] {
  return fromNeighbours(model, 'also_bought', purchaseWeights(ctx), (t) =>
    because('also_bought', { product: t }, `customers who bought ${t} also bought this`),
  );
}

/** Category affinity from purchases (and, at half weight, recent views), summing to 1. */
function categoryAffinity(ctx: CustomerContext, model: ModelView): Map<string, number> {
  const affinity = new Map<string, number>();
  const add = (productId: string, w: number) => {
    const c = model.categoryOf(productId);
    if (c !== null) affinity.set(c, (affinity.get(c) ?? 0) + w);
  };
  for (const [id, w] of purchaseWeights(ctx)) add(id, w);
  for (const v of ctx.viewed) add(v.productId, 0.5 * decay(ctx.now - v.at, VIEW_HALF_LIFE_DAYS));
  const total = [...affinity.values()].reduce((s, w) => s + w, 0);
  for (const [c, w] of affinity) affinity.set(c, w / total);
  return affinity;
}

function popularIn(
  tally: Tally,
  model: ModelView,
  category: string,
  weight: number,
  reason: () => Reason,
) {
  const list = model.popular(category);
  const top = list[0]?.score ?? 0;
  for (const p of list) tally.add(p.productId, (weight * p.score) / top, reason);
}

/** What sells best in the categories the customer buys (and browses). */
export function popularInCategory(ctx: CustomerContext, model: ModelView): Candidate[] {
  const tally = new Tally();
  for (const [category, weight] of categoryAffinity(ctx, model)) {
    popularIn(tally, model, category, weight, () =>
      because('popular_in_category', { category }, `popular in ${category}`),
    );
  }
  return tally.ranked();
}

/** Popular products of the categories that complement those of the latest order. */
export function crossSell(ctx: CustomerContext, model: ModelView): Candidate[] {
  const tally = new Tally();
  const from = new Set(lastOrderProducts(ctx).flatMap((id) => model.categoryOf(id) ?? []));
  for (const a of from) {
    for (const link of model.complementary(a)) {
      if (from.has(link.category)) continue;
      popularIn(tally, model, link.category, link.score, () =>
        because('goes_with_category', { category: a }, `goes with your ${a}`),
      );
    }
  }
  return tally.ranked();
}

/** Products viewed and not bought since, most recent first. */
export function recentlyViewed(ctx: CustomerContext): Candidate[] {
  const boughtAt = new Map<string, number>();
  for (const p of ctx.purchases) boughtAt.set(p.productId, p.at);
  const tally = new Tally();
  for (const v of ctx.viewed) {
    if ((boughtAt.get(v.productId) ?? -Infinity) >= v.at) continue;
    const days = Math.max(0, Math.round((ctx.now - v.at) / DAY_MS));
    tally.add(v.productId, decay(ctx.now - v.at, VIEW_HALF_LIFE_DAYS), () =>
      because(
        'viewed',
        { days },
        days === 0
          ? 'you viewed this today'
          : `you viewed this ${days} ${days === 1 ? 'day' : 'days'} ago`,
      ),
    );
  }
  return tally.ranked();
}

/** Bought before, replenishable and due (see DUE_AHEAD_DAYS); the strongest habits first. */
export function dueReplenishments(ctx: CustomerContext): Candidate[] {
  const tally = new Tally();
  const ahead = Math.min(MAX_DUE_AHEAD_DAYS, Math.max(DUE_AHEAD_DAYS, ctx.orderGapDays ?? 0));
  const orders = Math.max(1, new Set(ctx.purchases.map((p) => p.orderId)).size);
  for (const r of ctx.replenishments) {
    const untilDue = (r.dueAt - ctx.now) / DAY_MS;
    if (untilDue > ahead || -untilDue > LAPSED_AFTER_INTERVALS * r.intervalDays) continue;
    const when = dueInWords(r.dueAt, ctx.now);
    // The habit (share of the customer's orders holding the product) times the closeness to
    // the due date, which fades over one interval either side.
    const habit = Math.min(1, r.purchases / orders);
    const closeness = 1 / (1 + Math.abs(untilDue) / Math.max(1, r.intervalDays));
    tally.add(r.productId, habit * closeness, () =>
      because('running_low', { days: when.days }, `running low: ${when.text}`),
    );
  }
  return tally.ranked();
}

/**
 * "Buy again": how fast a purchase stops predicting the next one, and how much the product's
 * repeat propensity (share of its buyers who rebought it) weighs beside the customer's own
 * count. Chosen on the validation cuts of the offline evaluation, never on the test cuts
 * (docs/adr/0012-recommendation-strategies.md).
 */
export interface BuyAgainOptions {
  halfLifeDays: number;
  propensityWeight: number;
  /** Weight of what sells now (the store's popularity, relative to its best seller). */
  trendWeight: number;
}
export const DEFAULT_BUY_AGAIN: BuyAgainOptions = {
  halfLifeDays: 180,
  propensityWeight: 3,
  trendWeight: 1,
};

/**
 * The customer's own products by repurchase likelihood. With a learned ranker (the fit learned
 * one from the store's next orders, buy-again-ranker.ts), by its score; otherwise by the rules:
 * every order holding the product counts, weighted by its age (frequency x recency), plus the
 * product's repeat propensity (what breaks the many ties of products bought once) and what
 * sells now. `options` tune the rules only.
 */
export function buyAgain(
  ctx: CustomerContext,
  model: Pick<ModelView, 'repeatRate' | 'popular' | 'buyAgainRanker' | 'buyAgainPrior'>,
  options: Partial<BuyAgainOptions> = {},
): Candidate[] {
  const ranker = model.buyAgainRanker?.() ?? null;
  const learned = ranker
    ? rankOwn(ranker, ctx.purchases, ctx.now, (id) => model.buyAgainPrior?.(id) ?? null)
    : null;
  const o = { ...DEFAULT_BUY_AGAIN, ...options };
  const trend = new Map<string, number>();
  if (!learned && o.trendWeight > 0) {
    const list = model.popular(null);
    const top = list[0]?.score ?? 0;
    for (const p of list) trend.set(p.productId, top > 0 ? p.score / top : 0);
  }
  const own = new Map<string, { score: number; orders: Set<string> }>();
  for (const p of ctx.purchases) {
    let e = own.get(p.productId);
    if (!e) own.set(p.productId, (e = { score: 0, orders: new Set() }));
    if (e.orders.has(p.orderId)) continue;
    e.orders.add(p.orderId);
    e.score += decay(ctx.now - p.at, o.halfLifeDays);
  }
  return [...own]
    .map(([productId, e]) => ({
      productId,
      score:
        learned?.get(productId) ??
        e.score +
          o.propensityWeight * (model.repeatRate(productId) ?? 0) +
          o.trendWeight * (trend.get(productId) ?? 0),
      ...because(
        'bought_before',
        { times: e.orders.size },
        e.orders.size === 1 ? 'you bought this before' : `you bought this ${e.orders.size} times`,
      ),
    }))
    .sort((a, b) => b.score - a.score || a.productId.localeCompare(b.productId));
}

/** The store's bestsellers right now: the baseline every strategy must beat. */
export function popular(_ctx: CustomerContext, model: ModelView): Candidate[] {
  return model.popular(null).map((p) => ({
    productId: p.productId,
    score: p.score,
    ...because('popular_now', {}, 'popular right now'),
  }));
}

/** The due products (for exclusions): bought, replenishable and in their due window. */
export function dueNow(ctx: CustomerContext): Set<string> {
  return new Set(dueReplenishments(ctx).map((c) => c.productId));
}
