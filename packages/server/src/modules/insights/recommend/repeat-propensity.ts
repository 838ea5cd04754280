import type { PurchaseHistory } from './purchase-history.js';

/**
 * How likely a product is to be bought again by whoever bought it: among the customers who
 * bought it and ordered again afterwards, the share who bought it again, shrunk towards the
 * store's overall share by `shrinkage` pseudo-customers (a product seen with 2 buyers says
 * little). Paper napkins and gift bags are rebought; a clock is not. This is what ranks a
 * customer's own products in "buy again" beyond their own counts, which mostly tie at one.
 */
export const DEFAULT_REPEAT_SHRINKAGE = 5;

export function repeatPropensity(
  history: PurchaseHistory,
  shrinkage = DEFAULT_REPEAT_SHRINKAGE,
): Float64Array {
  const chances = new Float64Array(history.productCount);
  const repeats = new Float64Array(history.productCount);
  for (const indexes of history.basketsOf) {
    const firstOrder = new Map<number, number>();
    const again = new Set<number>();
    indexes.forEach((b, n) => {
      for (const item of history.baskets[b]?.items ?? []) {
        if (firstOrder.has(item)) again.add(item);
        else firstOrder.set(item, n);
      }
    });
    for (const [item, n] of firstOrder) {
      if (n >= indexes.length - 1) continue; // no later order: no chance to rebuy
      chances[item] = (chances[item] ?? 0) + 1;
      if (again.has(item)) repeats[item] = (repeats[item] ?? 0) + 1;
    }
  }
  let allChances = 0;
  let allRepeats = 0;
  for (let i = 0; i < history.productCount; i++) {
    allChances += chances[i] ?? 0;
    allRepeats += repeats[i] ?? 0;
  }
  const prior = allChances ? allRepeats / allChances : 0;
  return chances.map((c, i) => ((repeats[i] ?? 0) + shrinkage * prior) / (c + shrinkage));
}
