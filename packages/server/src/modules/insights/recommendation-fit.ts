import type {
  CategoryLinkTable,
  CategoryReplacementTable,
  ItemNeighbourTable,
  LearnedProductTable,
  PopularProductTable,
  ProductReplenishmentTable,
  ProfileInsightTable,
  ProfileReplenishmentTable,
} from '../../platform/db/schema.js';
import { PurchaseHistory, type PurchaseLine } from './recommend/purchase-history.js';
import { learnProductFacts, merchandiseOnly } from './recommend/product-facts.js';
import { DEFAULT_FIT, fitRecommendations } from './recommend/recommendation-model.js';
import {
  DEFAULT_PROGRESSION,
  learnCategoryProgression,
  nextLikelyCategory,
} from './replenish/category-progression.js';
import {
  DEFAULT_DUE,
  effectiveInterval,
  isLapsed,
  replenishmentDue,
} from './replenish/due-dates.js';
import {
  categoryOccasions,
  DEFAULT_REPLACEMENT,
  learnReplacementCycles,
  replacementDue,
} from './replenish/replacement-cycles.js';
import { learnRepurchaseIntervals, purchaseOccasions } from './replenish/repurchase-intervals.js';

/**
 * One workspace's fit, from its orders and catalog to the rows the job stores: every model of
 * recommend/ and replenish/ run once over the same indexed history. Pure (no I/O, time given),
 * so the job, the tests and the benchmark share it.
 */
export interface CatalogProduct {
  id: string;
  title: string;
  categories: string[];
  active: boolean;
  stock: number | null;
  consumable: boolean;
  usageDays: number | null;
  url?: string | null;
  imageUrl?: string | null;
  price?: number | null;
  /**
   * The catalog's `non_product`: true, not merchandise (postage, a fee), never fitted nor
   * offered; false, merchandise whatever the learned rules say; null or absent: they decide.
   */
  nonProduct?: boolean | null;
}

/**
 * A purchase line whose customer is a profile id; `category`, `name` and `price` as the order
 * line gave them (name and price teach titles and non-products, recommend/product-facts.ts).
 */
export type FitLine = PurchaseLine & { name?: string | null; price?: number | null };

type Rows<T> = Omit<T, 'workspace_id'>[];
export interface WorkspaceFit {
  neighbours: Rows<ItemNeighbourTable>;
  popular: Rows<PopularProductTable>;
  categoryLinks: Rows<CategoryLinkTable>;
  productReplenishment: Rows<ProductReplenishmentTable>;
  categoryReplacement: Rows<CategoryReplacementTable>;
  profileReplenishment: Rows<ProfileReplenishmentTable>;
  profileInsights: Rows<ProfileInsightTable>;
  learnedProducts: Rows<LearnedProductTable>;
  stats: { orders: number; lines: number; customers: number; products: number };
  parameters: Record<string, Record<string, unknown>>;
}

/** The category a line counts in: its own, else the catalog product's first. */
export function lineCategory(line: FitLine, catalog: ReadonlyMap<string, CatalogProduct>) {
  return line.category ?? catalog.get(line.productId)?.categories[0] ?? null;
}

export function fitWorkspace(
  lines: readonly FitLine[],
  catalog: ReadonlyMap<string, CatalogProduct>,
  now: number,
): WorkspaceFit {
  const categorised = lines.map((l) => ({ ...l, category: lineCategory(l, catalog) }));
  const facts = learnProductFacts(categorised, (id) => catalog.get(id)?.nonProduct ?? undefined);
  const history = PurchaseHistory.from(merchandiseOnly(categorised, facts));
  const fitted = fitRecommendations(history, { now });
  const occasions = purchaseOccasions(history, DEFAULT_DUE.minGapDays);
  const intervals = learnRepurchaseIntervals(history, DEFAULT_DUE, occasions);
  const timing = (id: string) => {
    const p = catalog.get(id);
    return p ? { consumable: p.consumable, usageDays: p.usageDays } : undefined;
  };
  const due = replenishmentDue(history, intervals, timing, DEFAULT_DUE, occasions);
  const transitions = learnCategoryProgression(history);
  const consumableCategories = consumableCategoriesOf(catalog);
  const byCategory = categoryOccasions(history, DEFAULT_REPLACEMENT.minGapDays);
  const cycles = learnReplacementCycles(
    history,
    (c) => consumableCategories.has(c),
    {},
    byCategory,
  );

  const neighbours: WorkspaceFit['neighbours'] = [];
  for (const [strategy, map] of [
    ['bought_together', fitted.boughtTogether],
    ['also_bought', fitted.alsoBought],
  ] as const) {
    for (const [productId, list] of map) {
      list.forEach((n, i) =>
        neighbours.push({
          product_id: productId,
          strategy,
          rank: i + 1,
          related_id: n.productId,
          score: n.score,
          support: n.support,
        }),
      );
    }
  }
  const popular: WorkspaceFit['popular'] = [];
  for (const [category, list] of [['', fitted.popular] as const, ...fitted.popularByCategory]) {
    list.forEach((p, i) =>
      popular.push({ category, rank: i + 1, product_id: p.productId, score: p.score }),
    );
  }
  const categoryLinks: WorkspaceFit['categoryLinks'] = [];
  for (const [category, list] of fitted.complementary) {
    list.forEach((l, i) =>
      categoryLinks.push({
        category,
        kind: 'cross_sell',
        rank: i + 1,
        related_category: l.category,
        score: l.score,
        support: l.support,
        gap_days: null,
      }),
    );
  }
  for (const [category, list] of transitions) {
    list.forEach((t, i) =>
      categoryLinks.push({
        category,
        kind: 'progression',
        rank: i + 1,
        related_category: t.category,
        score: t.probability,
        support: t.support,
        gap_days: t.medianGapDays,
      }),
    );
  }

  const productReplenishment: WorkspaceFit['productReplenishment'] = [];
  const seen = new Set<string>();
  for (const id of [...intervals.keys(), ...catalog.keys()]) {
    if (seen.has(id)) continue;
    seen.add(id);
    const learned = intervals.get(id);
    const usageDays = catalog.get(id)?.usageDays ?? null;
    // Only what the evidence calls replenishable is stored: the live due dates
    // (recommendation-context.ts) treat a product without a row as not replenishable.
    const base = effectiveInterval(learned, timing(id), DEFAULT_DUE.minRepeatShare, DEFAULT_DUE);
    if (!base && usageDays === null) continue;
    productReplenishment.push({
      product_id: id,
      interval_days: usageDays ?? learned?.intervalDays ?? 0,
      source: usageDays !== null ? 'catalog' : 'learned',
      learned_days: learned?.intervalDays ?? null,
      p25_days: learned?.p25Days ?? null,
      p75_days: learned?.p75Days ?? null,
      customers: learned?.customers ?? 0,
      buyers: learned?.buyers ?? 0,
      repeat_share: learned?.repeatShare ?? 0,
    });
  }
  const categoryReplacement: WorkspaceFit['categoryReplacement'] = [...cycles.values()].map(
    (c) => ({
      category: c.category,
      cycle_days: c.cycleDays,
      p25_days: c.p25Days,
      p75_days: c.p75Days,
      customers: c.customers,
    }),
  );

  const profileReplenishment: WorkspaceFit['profileReplenishment'] = [];
  const profileInsights: WorkspaceFit['profileInsights'] = [];
  history.customers.forEach((profileId, c) => {
    let next: { dueAt: number; productId: string } | null = null;
    for (const d of due[c] ?? []) {
      profileReplenishment.push({
        profile_id: profileId,
        product_id: d.productId,
        last_bought_at: d.lastBoughtAt,
        last_quantity: d.lastQuantity,
        purchases: d.purchases,
        interval_days: d.intervalDays,
        due_at: d.dueAt,
        source: d.source,
      });
      if (!isLapsed(d, now) && (!next || d.dueAt < next.dueAt)) next = d;
    }
    const stage = nextLikelyCategory(history, c, transitions);
    const replacement = replacementDue(byCategory[c] ?? new Map(), cycles, now);
    profileInsights.push({
      profile_id: profileId,
      next_replenishment_due_at: next?.dueAt ?? null,
      next_replenishment_product: next?.productId ?? null,
      next_likely_category: stage?.category ?? null,
      next_likely_category_probability: stage?.probability ?? null,
      next_likely_category_at: stage?.expectedAt ?? null,
      replacement_category: replacement?.category ?? null,
      replacement_due_at: replacement?.dueAt ?? null,
      computed_at: now,
    });
  });

  return {
    neighbours,
    popular,
    categoryLinks,
    productReplenishment,
    categoryReplacement,
    profileReplenishment,
    profileInsights,
    learnedProducts: [...facts.values()].map((f) => ({
      product_id: f.productId,
      title: f.title,
      category: f.category,
      non_product: f.nonProduct,
      orders: f.orders,
      repeat_rate: fitted.repeatRate.get(f.productId) ?? null,
      buy_again_prior: fitted.buyAgainPrior?.get(f.productId) ?? null,
    })),
    stats: {
      orders: history.baskets.length,
      lines: lines.length,
      customers: history.customers.length,
      products: history.productCount,
    },
    parameters: {
      // The learned buy-again weights go with the run: requests read them from the latest.
      recommendations: { ...DEFAULT_FIT, now, buyAgainRanker: fitted.buyAgainRanker ?? null },
      replenishment: { ...DEFAULT_DUE },
      life_stage: { progression: DEFAULT_PROGRESSION, replacement: DEFAULT_REPLACEMENT },
    },
  };
}

/** Categories where most catalog products are consumable (or declare a usage period). */
function consumableCategoriesOf(catalog: ReadonlyMap<string, CatalogProduct>): Set<string> {
  const counts = new Map<string, { all: number; consumable: number }>();
  for (const p of catalog.values()) {
    for (const c of p.categories) {
      const n = counts.get(c) ?? { all: 0, consumable: 0 };
      n.all++;
      if (p.consumable || p.usageDays !== null) n.consumable++;
      counts.set(c, n);
    }
  }
  return new Set([...counts].filter(([, n]) => n.consumable * 2 > n.all).map(([c]) => c));
}
