import { recommendationStrategies, type relatedStrategies } from '@comeback/contracts';
import { exclusionOf, type ExclusionRules } from './exclusions.js';
import type { ModelView } from './recommendation-model.js';
import {
  alsoBought,
  boughtTogether,
  buyAgain,
  crossSell,
  dueReplenishments,
  popular,
  popularInCategory,
  recentlyViewed,
  type BuyAgainOptions,
  type Candidate,
  type Reason,
  type CustomerContext,
} from './strategies.js';

/**
 * One interface, several strategies. A `Recommender` turns a customer's context and the fitted
 * model into scored candidates; `recommend` applies the exclusions and cuts the list. `blend`
 * (the default) interleaves buy again (the customer's own products) with the other strategies
 * fused by weighted reciprocal rank (products they never bought).
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
  /** The name to show (catalog, else learned from order lines; the id only when none is known). */
  title?: string;
}

const simple = (
  strategy: BaseStrategy,
  fn: (ctx: CustomerContext, model: ModelView) => Candidate[],
): Recommender => ({ strategy, candidates: fn });

export const RECOMMENDERS: Record<BaseStrategy, Recommender> = {
  buy_again: simple('buy_again', (ctx, model) => buyAgain(ctx, model)),
  bought_together: simple('bought_together', boughtTogether),
  also_bought: simple('also_bought', alsoBought),
  popular_in_category: simple('popular_in_category', popularInCategory),
  cross_sell: simple('cross_sell', crossSell),
  recently_viewed: simple('recently_viewed', (ctx) => recentlyViewed(ctx)),
  replenishment: simple('replenishment', (ctx) => dueReplenishments(ctx)),
  popular: simple('popular', popular),
};

/**
 * Weights of the blend's discovery part (products the customer never bought), fused by rank.
 * A product just viewed is the strongest signal; popularity only fills what is left. Buy
 * again is not fused: it has its own slots (BUY_AGAIN_SHARE), and due replenishments, being
 * bought before, count among those.
 */
export const BLEND_WEIGHTS: Record<BaseStrategy, number> = {
  buy_again: 0,
  replenishment: 0,
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
/**
 * Share of the blend's list given to the customer's own products, best repurchase likelihood
 * first; the rest are products they never bought. Chosen on the validation cuts of the offline
 * evaluation (never the test cuts; docs/adr/0012-recommendation-strategies.md).
 */
export const BUY_AGAIN_SHARE = 0.7;
/** Whatever the tuning: 3 of every 10 products are new to the customer. */
export const MAX_BUY_AGAIN_SHARE = 0.7;

export interface BlendOptions {
  weights: Partial<Record<BaseStrategy, number>>;
  rankConstant: number;
  buyAgainShare: number;
  buyAgain: Partial<BuyAgainOptions>;
}

export interface BlendRules {
  /** Every exclusion (bought, removed from the cart, the catalog's state). */
  allowed: (productId: string) => boolean;
  /** The same for the customer's own products, which buy again may offer. */
  allowedAgain: (productId: string) => boolean;
}

type Tagged = Candidate & { strategy: Strategy };

/** Weighted reciprocal-rank fusion over the allowed, never-bought candidates of each strategy. */
function discovery(
  ctx: CustomerContext,
  model: ModelView,
  allowed: (productId: string) => boolean,
  weights: Record<BaseStrategy, number>,
  k: number,
): Tagged[] {
  type Entry = Reason & { score: number; best: number; strategy: Strategy };
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
      const best = {
        best: amount,
        reason: c.reason,
        reasonCode: c.reasonCode,
        reasonParams: c.reasonParams,
        strategy: name,
      };
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
      reasonCode: e.reasonCode,
      reasonParams: e.reasonParams,
      strategy: e.strategy,
    }))
    .sort((a, b) => b.score - a.score || a.productId.localeCompare(b.productId));
}

/**
 * The blend: the customer's own products by repurchase likelihood, interleaved with new
 * products from the fused discovery strategies so that every prefix of the list holds about
 * `buyAgainShare` own products (at most MAX_BUY_AGAIN_SHARE) - a list cut at 4 or at 10 keeps
 * the mix. When one side runs out, the other fills the list.
 */
export function blendRecommender(
  rules: BlendRules,
  options: Partial<BlendOptions> = {},
): Recommender {
  const weights = { ...BLEND_WEIGHTS, ...options.weights };
  const k = options.rankConstant ?? BLEND_RANK_CONSTANT;
  const share = Math.min(
    MAX_BUY_AGAIN_SHARE,
    Math.max(0, options.buyAgainShare ?? BUY_AGAIN_SHARE),
  );
  return {
    strategy: 'blend',
    candidates(ctx, model) {
      const own = new Set(ctx.purchases.map((p) => p.productId));
      const fresh = discovery(ctx, model, (id) => !own.has(id) && rules.allowed(id), weights, k);
      const again: Tagged[] =
        share > 0
          ? buyAgain(ctx, model, options.buyAgain)
              .filter((c) => rules.allowedAgain(c.productId))
              .map((c) => ({ ...c, strategy: 'buy_again' as const }))
          : [];
      const out: Tagged[] = [];
      let a = 0;
      let f = 0;
      while (a < again.length || f < fresh.length) {
        // Own products first within each prefix (ceil): they are the likelier hits; the
        // epsilon keeps 0.7 x 10 from rounding up to 8 in floating point.
        const wantAgain = a < Math.ceil(share * (out.length + 1) - 1e-9);
        const next = (wantAgain && a < again.length) || f >= fresh.length ? again[a++] : fresh[f++];
        if (next) out.push(next);
      }
      return out;
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
  const noneBought = new Set<string>();
  const allowedAgain = (id: string) => exclusionOf(id, { ...rules, bought: noneBought }) === null;
  const recommender =
    strategy === 'blend'
      ? blendRecommender({ allowed, allowedAgain }, blend)
      : RECOMMENDERS[strategy];
  // The blend filtered its own candidates; buy again may offer what was bought.
  const keep =
    strategy === 'blend' ? () => true : strategy === 'buy_again' ? allowedAgain : allowed;
  const out: Recommendation[] = [];
  for (const c of recommender.candidates(ctx, model)) {
    if (out.length >= limit) break;
    if (keep(c.productId)) {
      out.push({
        productId: c.productId,
        score: c.score,
        reason: c.reason,
        reasonCode: c.reasonCode,
        reasonParams: c.reasonParams,
        strategy: c.strategy ?? strategy,
        title: model.titleOf(c.productId),
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
      ? blendRecommender(
          { allowed: (id) => id !== productId && allowed(id), allowedAgain: () => false },
          { weights, buyAgainShare: 0 },
        )
      : RECOMMENDERS[strategy];
  const out: Recommendation[] = [];
  for (const c of recommender.candidates(ctx, model)) {
    if (out.length >= limit) break;
    if (c.productId === productId || !allowed(c.productId)) continue;
    out.push({
      productId: c.productId,
      score: c.score,
      reason: c.reason,
      reasonCode: c.reasonCode,
      reasonParams: c.reasonParams,
      strategy: c.strategy ?? strategy,
      title: model.titleOf(c.productId),
    });
  }
  return out;
}
