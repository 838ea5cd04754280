/**
 * Item-item co-occurrence with a normalisation, the core of "bought together" (units are
 * orders) and "customers who bought this also bought" (units are customers' sets of products).
 *
 * Raw co-counts favour whatever sells most: everything is "bought with" the bestseller. So the
 * count is normalised by how often each item occurs on its own:
 *
 * - `cosine` (default): c(i,j) / sqrt(n(i) n(j)), where n(i) counts the units holding i.
 * - `jaccard`: c(i,j) / (n(i) + n(j) - c(i,j)).
 *
 * and then shrunk towards 0 by the support: x c/(c + shrinkage), so a pair seen twice between
 * two rare items does not outrank a pair seen 200 times (Koren's shrinkage for neighbourhood
 * models). Units may be weighted (`unitWeight: 'log'` gives a unit of k items the weight
 * 1/ln(e + k - 1)), which lowers the influence of huge baskets and of wholesalers; counts c and
 * n are then sums of weights, the shrinkage uses the raw count.
 *
 * The computation is A^T A row by row over an inverted index with a dense scratch array: the
 * cost is the sum over units of (items per unit)^2, with no hash map on the hot path.
 */
export type Normalisation = 'cosine' | 'jaccard';

export interface CoOccurrenceOptions {
  normalisation: Normalisation;
  /** Support shrinkage constant (0: none). */
  shrinkage: number;
  /** Neighbours kept per item. */
  topK: number;
  /** Pairs seen in fewer units are dropped. */
  minCount: number;
  unitWeight: 'none' | 'log';
}

export const DEFAULT_CO_OCCURRENCE: CoOccurrenceOptions = {
  normalisation: 'cosine',
  shrinkage: 10,
  topK: 30,
  minCount: 2,
  unitWeight: 'log',
};

export interface Neighbour {
  index: number;
  score: number;
  /** Units holding both items (unweighted). */
  count: number;
}

/** Per item, its best neighbours by normalised score, best first. */
export function itemNeighbours(
  units: readonly (readonly number[])[],
  itemCount: number,
  options: Partial<CoOccurrenceOptions> = {},
): Neighbour[][] {
  const o = { ...DEFAULT_CO_OCCURRENCE, ...options };
  const weights = units.map((u) =>
    o.unitWeight === 'log' ? 1 / Math.log(Math.E + u.length - 1) : 1,
  );
  // Inverted index item -> units, as one flat array with offsets (CSR).
  const occurrences = new Float64Array(itemCount);
  const degree = new Int32Array(itemCount + 1);
  units.forEach((u, k) => {
    for (const i of u) {
      degree[i + 1] = (degree[i + 1] ?? 0) + 1;
      occurrences[i] = (occurrences[i] ?? 0) + (weights[k] ?? 1);
    }
  });
  for (let i = 0; i < itemCount; i++) degree[i + 1] = (degree[i + 1] ?? 0) + (degree[i] ?? 0);
  const unitsOf = new Int32Array(degree[itemCount] ?? 0);
  const fill = degree.slice(0, itemCount);
  units.forEach((u, k) => {
    for (const i of u) unitsOf[(fill[i] = (fill[i] ?? 0) + 1) - 1] = k;
  });

  const weighted = new Float64Array(itemCount);
  const raw = new Int32Array(itemCount);
  const out: Neighbour[][] = [];
  for (let i = 0; i < itemCount; i++) {
    const touched: number[] = [];
    for (let p = degree[i] ?? 0, end = degree[i + 1] ?? 0; p < end; p++) {
      const k = unitsOf[p] ?? 0;
      const w = weights[k] ?? 1;
      for (const j of units[k] ?? []) {
        if (j === i) continue;
        if (raw[j] === 0) touched.push(j);
        raw[j] = (raw[j] ?? 0) + 1;
        weighted[j] = (weighted[j] ?? 0) + w;
      }
    }
    const ni = occurrences[i] ?? 0;
    const list: Neighbour[] = [];
    for (const j of touched) {
      const count = raw[j] ?? 0;
      const c = weighted[j] ?? 0;
      raw[j] = 0;
      weighted[j] = 0;
      if (count < o.minCount) continue;
      const nj = occurrences[j] ?? 0;
      const base = o.normalisation === 'cosine' ? c / Math.sqrt(ni * nj) : c / (ni + nj - c);
      list.push({ index: j, score: base * (count / (count + o.shrinkage)), count });
    }
    out.push(topByScore(list, o.topK));
  }
  return out;
}

/** The k best by score (ties: the lower index), best first. */
export function topByScore<T extends { index: number; score: number }>(list: T[], k: number): T[] {
  return list.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
}
