/**
 * What is never recommended to a customer, whatever the strategy:
 *
 * - what they already bought, unless it is replenishable and due (a consumable running out is
 *   exactly what to offer again);
 * - what they removed from their cart (they said no; the latest cart action on it was a removal);
 * - inactive products and products out of stock (stock tracked and at most 0);
 * - what the catalog calls a non-product (postage, a fee): checked here too, not only when
 *   fitting, so a flag set after the last fit takes effect at once;
 * - when the workspace has a catalog, products it does not hold (sold once, since withdrawn).
 *   Without any catalog, products are known only from orders, and every one of them may be offered.
 */
export interface CatalogState {
  active: boolean;
  /** Stock not tracked counts as in stock. */
  inStock: boolean;
  /** The catalog's `non_product` is true. */
  nonProduct?: boolean;
}

export interface ExclusionRules {
  bought: ReadonlySet<string>;
  /** Bought before, replenishable and due now: allowed again. */
  dueNow: ReadonlySet<string>;
  removedFromCart: ReadonlySet<string>;
  catalog: (productId: string) => CatalogState | undefined;
  requireCatalog: boolean;
}

export type ExclusionReason =
  'bought' | 'removed_from_cart' | 'non_product' | 'inactive' | 'out_of_stock' | 'not_in_catalog';

export function exclusionOf(productId: string, rules: ExclusionRules): ExclusionReason | null {
  if (rules.removedFromCart.has(productId)) return 'removed_from_cart';
  if (rules.bought.has(productId) && !rules.dueNow.has(productId)) return 'bought';
  const state = rules.catalog(productId);
  if (!state) return rules.requireCatalog ? 'not_in_catalog' : null;
  if (state.nonProduct) return 'non_product';
  if (!state.active) return 'inactive';
  if (!state.inStock) return 'out_of_stock';
  return null;
}

/** Only the product's own state: what a "related products" list for anyone may show. */
export function productExclusionOf(
  productId: string,
  rules: Pick<ExclusionRules, 'catalog' | 'requireCatalog'>,
): ExclusionReason | null {
  return exclusionOf(productId, {
    ...rules,
    bought: new Set(),
    dueNow: new Set(),
    removedFromCart: new Set(),
  });
}
