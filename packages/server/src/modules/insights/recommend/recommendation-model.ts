import {
  complementaryCategories,
  type CategoryLink,
  type CategoryPairOptions,
} from './category-pairs.js';
import {
  learnBuyAgainRanker,
  type BuyAgainRanker,
  type RankerOptions,
} from './buy-again-ranker.js';
import { itemNeighbours, type CoOccurrenceOptions } from './co-occurrence.js';
import {
  DEFAULT_POPULARITY_HALF_LIFE_DAYS,
  popularityScores,
  topProducts,
  topProductsByCategory,
} from './popularity.js';
import type { PurchaseHistory } from './purchase-history.js';
import { repeatPropensity } from './repeat-propensity.js';

/**
 * The fitted recommendation model of one store: neighbour lists per product, popularity overall
 * and per category, and complementary categories. This is what the job stores; the strategies
 * read it through `ModelView`, so the same code serves the API (a view over the rows a request
 * loaded) and the offline evaluation (a view over the fit in memory).
 */
export type NeighbourKind = 'bought_together' | 'also_bought';

export interface RelatedProduct {
  productId: string;
  score: number;
  /** Orders (bought together) or customers (also bought) behind the pair. */
  support: number;
}

export interface FittedRecommendations {
  boughtTogether: Map<string, RelatedProduct[]>;
  alsoBought: Map<string, RelatedProduct[]>;
  popular: RelatedProduct[];
  popularByCategory: Map<string, RelatedProduct[]>;
  complementary: Map<string, CategoryLink[]>;
  categoryOf: Map<string, string>;
  /** Names learned from order lines (no catalog title needed); absent: none known. */
  titles?: Map<string, string>;
  /** Per product, the share of its buyers who bought it again (repeat-propensity.ts). */
  repeatRate: Map<string, number>;
  /**
   * "Buy again" learned from the store's next orders (buy-again-ranker.ts): the per-customer
   * weights, and per product its prior. Absent or null: too little history, the rules rank.
   */
  buyAgainRanker?: BuyAgainRanker | null;
  buyAgainPrior?: Map<string, number>;
}

export interface FitOptions {
  now: number;
  boughtTogether: Partial<CoOccurrenceOptions>;
  alsoBought: Partial<CoOccurrenceOptions>;
  categoryPairs: Partial<CategoryPairOptions>;
  popularityHalfLifeDays: number;
  /** Products kept per popularity list. */
  popularLimit: number;
  /** Most recent distinct products per customer in "also bought". */
  maxItemsPerCustomer: number;
  rankerOptions: Partial<RankerOptions>;
}

export const DEFAULT_FIT: Omit<FitOptions, 'now'> = {
  boughtTogether: {},
  alsoBought: {},
  categoryPairs: {},
  popularityHalfLifeDays: DEFAULT_POPULARITY_HALF_LIFE_DAYS,
  popularLimit: 50,
  maxItemsPerCustomer: 100,
  rankerOptions: {},
};

export function fitRecommendations(
  history: PurchaseHistory,
  options: Partial<FitOptions> & { now: number },
): FittedRecommendations {
  const o = { ...DEFAULT_FIT, ...options };
  const ids = (list: { index: number; score: number; count?: number }[]): RelatedProduct[] =>
    list.map((n) => ({
      productId: history.products[n.index] ?? '',
      score: n.score,
      support: n.count ?? 0,
    }));
  const byProduct = (lists: { index: number; score: number; count: number }[][]) => {
    const out = new Map<string, RelatedProduct[]>();
    lists.forEach((list, i) => {
      if (list.length) out.set(history.products[i] ?? '', ids(list));
    });
    return out;
  };
  const orders = history.baskets.map((b) => b.items);
  const customers = history.customerItems(o.maxItemsPerCustomer);
  const scores = popularityScores(history, {
    now: o.now,
    halfLifeDays: o.popularityHalfLifeDays,
  });
  const repeatRate = new Map<string, number>();
  repeatPropensity(history).forEach((r, i) => repeatRate.set(history.products[i] ?? '', r));
  const categoryOf = new Map<string, string>();
  history.categoryOf.forEach((c, i) => {
    if (c != null) categoryOf.set(history.products[i] ?? '', c);
  });
  const learned = learnBuyAgainRanker(history, o.now, o.rankerOptions);
  return {
    boughtTogether: byProduct(itemNeighbours(orders, history.productCount, o.boughtTogether)),
    alsoBought: byProduct(itemNeighbours(customers, history.productCount, o.alsoBought)),
    popular: ids(topProducts(scores, o.popularLimit)),
    popularByCategory: new Map(
      [...topProductsByCategory(history, scores, o.popularLimit)].map(([c, l]) => [c, ids(l)]),
    ),
    complementary: complementaryCategories(history, o.categoryPairs),
    categoryOf,
    repeatRate,
    buyAgainRanker: learned?.ranker ?? null,
    buyAgainPrior: learned?.priors ?? new Map(),
  };
}

/** Read access to a fitted model (or to the part of it one request loaded). */
export interface ModelView {
  neighbours(kind: NeighbourKind, productId: string): readonly RelatedProduct[];
  /** Most popular products overall (category null) or in one category, best first. */
  popular(category: string | null): readonly RelatedProduct[];
  complementary(category: string): readonly CategoryLink[];
  categoryOf(productId: string): string | null;
  titleOf(productId: string): string;
  /** The product's repeat propensity; null when the fit did not know it. */
  repeatRate(productId: string): number | null;
  /** The learned buy-again ranker (null: the rules rank) and a product's prior for it. */
  buyAgainRanker?(): BuyAgainRanker | null;
  buyAgainPrior?(productId: string): number | null;
}

export function modelView(
  fitted: FittedRecommendations,
  titleOf: (productId: string) => string = (id) => id,
): ModelView {
  return {
    neighbours: (kind, id) =>
      (kind === 'bought_together' ? fitted.boughtTogether : fitted.alsoBought).get(id) ?? [],
    popular: (category) =>
      category === null ? fitted.popular : (fitted.popularByCategory.get(category) ?? []),
    complementary: (category) => fitted.complementary.get(category) ?? [],
    categoryOf: (id) => fitted.categoryOf.get(id) ?? null,
    repeatRate: (id) => fitted.repeatRate.get(id) ?? null,
    buyAgainRanker: () => fitted.buyAgainRanker ?? null,
    buyAgainPrior: (id) => fitted.buyAgainPrior?.get(id) ?? null,
    // The caller's titles (catalog, the customer's own lines) first; an id is never a title
    // while any order line named the product.
    titleOf: (id) => {
      const t = titleOf(id);
      return t === id ? (fitted.titles?.get(id) ?? id) : t;
    },
  };
}
