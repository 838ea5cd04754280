import { DAY_MS, type PurchaseHistory } from './purchase-history.js';

/**
 * Popularity: how many orders held the product, each order weighted by its age with a
 * half-life, so what sells now beats what sold a year ago. Quantities are ignored on purpose:
 * one wholesale order of 2,000 units is one buyer, not 2,000.
 */
export interface PopularityOptions {
  /** The instant popularity is measured at (the fit time). */
  now: number;
  halfLifeDays: number;
}

export const DEFAULT_POPULARITY_HALF_LIFE_DAYS = 60;

export interface Ranked {
  index: number;
  score: number;
}

/** A score per product index (0 for products never bought). */
export function popularityScores(
  history: PurchaseHistory,
  options: PopularityOptions,
): Float64Array {
  const scores = new Float64Array(history.productCount);
  const decay = Math.LN2 / (options.halfLifeDays * DAY_MS);
  for (const basket of history.baskets) {
    const w = Math.exp(-decay * Math.max(0, options.now - basket.orderedAt));
    for (const item of basket.items) scores[item] = (scores[item] ?? 0) + w;
  }
  return scores;
}

/** The `limit` most popular products overall, best first. */
export function topProducts(scores: Float64Array, limit: number): Ranked[] {
  const all: Ranked[] = [];
  scores.forEach((score, index) => {
    if (score > 0) all.push({ index, score });
  });
  return all.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, limit);
}

/** Per category, its `limit` most popular products, best first. */
export function topProductsByCategory(
  history: PurchaseHistory,
  scores: Float64Array,
  limit: number,
): Map<string, Ranked[]> {
  const byCategory = new Map<string, Ranked[]>();
  scores.forEach((score, index) => {
    const category = history.categoryOf[index];
    if (score <= 0 || category === null || category === undefined) return;
    let list = byCategory.get(category);
    if (!list) byCategory.set(category, (list = []));
    list.push({ index, score });
  });
  for (const [category, list] of byCategory) {
    byCategory.set(
      category,
      list.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, limit),
    );
  }
  return byCategory;
}
