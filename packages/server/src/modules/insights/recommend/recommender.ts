import { recommendationStrategies, type relatedStrategies } from '@comeback/contracts';
import { exclusionOf, type ExclusionRules } from './exclusions.js';
import type { ModelView } from './recommendation-model.js';
import {
  alsoBought,
  boughtTogether,
  crossSell,
  dueReplenishments,
  popular,
  popularInCategory,
  recentlyViewed,
  type Candidate,
  type CustomerContext,
} from './strategies.js';

/**
 * One interface, several strategies. A `Recommender` turns a customer's context and the fitted
 * model into scored candidates; `recommend` applies the exclusions and cuts the list. `blend`
 * (the default) fuses the other strategies by weighted reciprocal rank.
 */
export const STRATEGIES = recommendationStrategies;
export type Strategy = (typeof STRATEGIES)[number];
export type BaseStrategy = Exclude<Strategy, 'blend'>;
const BASE_STRATEGIES = STRATEGIES.filter((s): s is BaseStrategy => s !== 'blend');

export interface Recommender {
  readonly strategy: Strategy;
  /** Scored candidates, best first, before exclusions; a blend names each one's strategy. */
  candidates(ctx: CustomerContext, model: ModelView): (Candidate & { strategy?: Strategy })[];
}

export interface Recommendation extends Candidate {
  strategy: Strategy;
}

const simple = (
  strategy: BaseStrategy,
  fn: (ctx: CustomerContext, model: ModelView) => Candidate[],
): Recommender => ({ strategy, candidates: fn });

export const RECOMMENDERS: Record<BaseStrategy, Recommender> = {
  bought_together: simple('bought_together', boughtTogether),
  also_bought: simple('also_bought', alsoBought),
  popular_in_category: simple('popular_in_category', popularInCategory),
  cross_sell: simple('cross_sell', crossSell),
  recently_viewed: simple('recently_viewed', (ctx) => recentlyViewed(ctx)),
  replenishment: simple('replenishment', (ctx) => dueReplenishments(ctx)),
  popular: simple('popular', popular),
};

/**
 * Weights of the blend. A due replenishment and a product just viewed are the strongest
 * signals; popularity only fills what is left. Tuned on the offline evaluation
 * (docs/guides/recommendations.md), which has no views: that weight is a judgement.
 */
export const BLEND_WEIGHTS: Record<BaseStrategy, number> = {
  replenishment: 3,
  recently_viewed: 1.5,
  also_bought: 1.5,
  bought_together: 1,
  popular_in_category: 0.7,
  cross_sell: 0.5,
  popular: 0.3,
};
/** Reciprocal-rank constant: a larger value flattens the advantage of the first ranks. */
export const BLEND_RANK_CONSTANT = 10;
/** Candidates taken from each strategy into the blend. */
const BLEND_DEPTH = 50;

export interface BlendOptions {
  weights: Partial<Record<BaseStrategy, number>>;
  rankConstant: number;
}

/** Weighted reciprocal-rank fusion over the allowed candidates of each strategy. */
export function blendRecommender(
  allowed: (productId: string) => boolean,
  options: Partial<BlendOptions> = {},
): Recommender {
  const weights = { ...BLEND_WEIGHTS, ...options.weights };
  const k = options.rankConstant ?? BLEND_RANK_CONSTANT;
  return {
    strategy: 'blend',
    candidates(ctx, model) {
      type Entry = { score: number; best: number; reason: string; strategy: Strategy };
      const fused = new Map<string, Entry>();
      for (const name of BASE_STRATEGIES) {
        const weight = weights[name] ?? 0;
        if (!(weight > 0)) continue;
        let rank = 0;
        for (const c of RECOMMENDERS[name].candidates(ctx, model)) {
          if (!allowed(c.productId)) continue;
          if (++rank > BLEND_DEPTH) break;
          const amount = weight / (k + rank);
          const entry = fused.get(c.productId);
          const best = { best: amount, reason: c.reason, strategy: name };
          if (!entry) fused.set(c.productId, { score: amount, ...best });
          else {
            entry.score += amount;
            if (amount > entry.best) Object.assign(entry, best);
          }
        }
      }
      return [...fused]
        .map(([productId, e]) => ({
          productId,
          score: e.score,
          reason: e.reason,
          strategy: e.strategy,
        }))
        .sort((a, b) => b.score - a.score || a.productId.localeCompare(b.productId));
    },
  };
}

/** The `limit` best recommendations of one strategy for one customer, exclusions applied. */
export function recommend(
  strategy: Strategy,
  ctx: CustomerContext,
  model: ModelView,
  rules: ExclusionRules,
  limit: number,
  blend: Partial<BlendOptions> = {},
): Recommendation[] {
  const allowed = (id: string) => exclusionOf(id, rules) === null;
  const recommender =
    strategy === 'blend' ? blendRecommender(allowed, blend) : RECOMMENDERS[strategy];
  const out: Recommendation[] = [];
  for (const c of recommender.candidates(ctx, model)) {
    if (out.length >= limit) break;
    if (allowed(c.productId)) {
      out.push({
        productId: c.productId,
        score: c.score,
        reason: c.reason,
        strategy: c.strategy ?? strategy,
      });
    }
  }
  return out;
}

export type RelatedStrategy = (typeof relatedStrategies)[number];

/**
 * Products related to one product (a product page, an email about one purchase): the same
 * strategies, for a "customer" who has just bought that product and nothing else. The product
 * itself is never related to itself; `allowed` carries the catalog's exclusions.
 */
export function relatedProducts(
  productId: string,
  strategy: RelatedStrategy,
  model: ModelView,
  allowed: (productId: string) => boolean,
  limit: number,
  now: number,
): Recommendation[] {
  const ctx: CustomerContext = {
    now,
    purchases: [{ productId, orderId: 'this', at: now }],
    viewed: [],
    removedFromCart: new Set(),
    replenishments: [],
    orderGapDays: null,
  };
  const weights = { recently_viewed: 0, replenishment: 0, popular: 0 };
  const recommender =
    strategy === 'blend'
      ? blendRecommender((id) => id !== productId && allowed(id), { weights })
      : RECOMMENDERS[strategy];
  const out: Recommendation[] = [];
  for (const c of recommender.candidates(ctx, model)) {
    if (out.length >= limit) break;
    if (c.productId === productId || !allowed(c.productId)) continue;
    out.push({
      productId: c.productId,
      score: c.score,
      reason: c.reason,
      strategy: c.strategy ?? strategy,
    });
  }
  return out;
}
