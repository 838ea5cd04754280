import type { RecommendationItem } from '@comeback/contracts';
import type { Recommendation } from './recommend/recommender.js';
import type { ProfileData } from './recommendation-context.js';
import type { CatalogProduct } from './recommendation-fit.js';

/** What the exclusion rules need of a catalog row. */
export function stateOf(p: CatalogProduct | undefined) {
  return (
    p && {
      active: p.active,
      inStock: p.stock === null || p.stock > 0,
      nonProduct: p.nonProduct === true,
    }
  );
}

/** A product's title: the catalog's, else a name the customer's data carried, else its id. */
export function titles(catalog: ReadonlyMap<string, CatalogProduct>, data: ProfileData) {
  return (pid: string) => catalog.get(pid)?.title ?? data.names.get(pid) ?? pid;
}

/** One recommendation as the API and the templates show it. */
export function item(
  r: Recommendation,
  catalog: ReadonlyMap<string, CatalogProduct>,
  titleOf: (pid: string) => string,
): RecommendationItem {
  const p = catalog.get(r.productId);
  return {
    productId: r.productId,
    title: r.title ?? titleOf(r.productId),
    url: p?.url ?? null,
    imageUrl: p?.imageUrl ?? null,
    price: p?.price ?? null,
    score: Math.round(r.score * 1e6) / 1e6,
    strategy: r.strategy,
    reason: r.reason,
    reasonCode: r.reasonCode,
    reasonParams: r.reasonParams,
  };
}
