import { DAY_MS, type PurchaseHistory } from './purchase-history.js';

/**
 * Complementary categories for cross-sell (night cream -> face mask; camera -> lenses): the
 * category pairs (A, B), A != B, that customers buy in the same order or B within `windowDays`
 * after A. Each customer counts a pair once. Normalised like item pairs: cosine over the
 * numbers of customers, c(A,B) / sqrt(n(A) n(B)), shrunk by c/(c + shrinkage). The count is
 * directed (B after A), the normalisation symmetric.
 */
export interface CategoryPairOptions {
  windowDays: number;
  shrinkage: number;
  minCustomers: number;
  topK: number;
}

export const DEFAULT_CATEGORY_PAIRS: CategoryPairOptions = {
  windowDays: 30,
  shrinkage: 5,
  minCustomers: 3,
  topK: 10,
};

export interface CategoryLink {
  category: string;
  score: number;
  /** Customers behind the link. */
  support: number;
}

export function complementaryCategories(
  history: PurchaseHistory,
  options: Partial<CategoryPairOptions> = {},
): Map<string, CategoryLink[]> {
  const o = { ...DEFAULT_CATEGORY_PAIRS, ...options };
  const window = o.windowDays * DAY_MS;
  // Categories as small integers and pairs as a * C + b: no string keys on the hot path.
  const names: string[] = [];
  const index = new Map<string, number>();
  const categoryIndex = history.categoryOf.map((c) => {
    if (c == null) return -1;
    let i = index.get(c);
    if (i === undefined) {
      i = names.length;
      names.push(c);
      index.set(c, i);
    }
    return i;
  });
  const C = names.length;
  const pairCustomers = new Map<number, number>();
  const categoryCustomers = new Int32Array(C);
  for (const basketIndexes of history.basketsOf) {
    const orders = basketIndexes.flatMap((k) => {
      const b = history.baskets[k];
      if (!b) return [];
      const cats = new Set(b.items.map((i) => categoryIndex[i] ?? -1).filter((c) => c >= 0));
      return cats.size ? [{ at: b.orderedAt, cats: [...cats] }] : [];
    });
    const seenPairs = new Set<number>();
    const seenCats = new Set<number>();
    orders.forEach((first, t) => {
      const later = new Set<number>();
      for (let u = t; u < orders.length; u++) {
        const next = orders[u];
        if (!next || next.at - first.at > window) break;
        for (const b of next.cats) later.add(b);
      }
      for (const a of first.cats) {
        seenCats.add(a);
        for (const b of later) if (a !== b) seenPairs.add(a * C + b);
      }
    });
    for (const key of seenPairs) pairCustomers.set(key, (pairCustomers.get(key) ?? 0) + 1);
    for (const c of seenCats) categoryCustomers[c] = (categoryCustomers[c] ?? 0) + 1;
  }
  const out = new Map<string, CategoryLink[]>();
  for (const [key, count] of pairCustomers) {
    if (count < o.minCustomers) continue;
    const a = Math.floor(key / C);
    const b = key % C;
    const na = categoryCustomers[a] ?? count;
    const nb = categoryCustomers[b] ?? count;
    const score = (count / Math.sqrt(na * nb)) * (count / (count + o.shrinkage));
    const from = names[a] ?? '';
    let list = out.get(from);
    if (!list) out.set(from, (list = []));
    list.push({ category: names[b] ?? '', score, support: count });
  }
  for (const [a, list] of out) {
    out.set(
      a,
      list
        .sort((x, y) => y.score - x.score || x.category.localeCompare(y.category))
        .slice(0, o.topK),
    );
  }
  return out;
}
