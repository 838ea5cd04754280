import { DAY_MS, type PurchaseHistory } from '../recommend/purchase-history.js';
import { median } from './repurchase-intervals.js';

/**
 * Life stage: which category customers move on to (baby -> kids -> school), as a first-order
 * Markov chain over each customer's *entries* into categories.
 *
 * A customer's entries are the categories in the order they first bought them; categories first
 * bought in the same order enter together, as one step. Every category of one step leads to
 * every category of the next step (only consecutive steps: first order). Each customer counts a
 * transition once, so one enthusiast cannot make a rule. P(B | A) = c(A,B) / (n(A) + shrinkage),
 * where n(A) counts the customers who entered some category after A; transitions with fewer
 * than `minCustomers` customers are dropped. The median time between the two entries says how
 * soon the next stage comes.
 */
export interface ProgressionOptions {
  minCustomers: number;
  shrinkage: number;
  topK: number;
}

export const DEFAULT_PROGRESSION: ProgressionOptions = { minCustomers: 3, shrinkage: 2, topK: 5 };

export interface Transition {
  category: string;
  probability: number;
  support: number;
  medianGapDays: number;
}

/** The steps of one customer: the categories they entered, per order, oldest first. */
export function categoryEntries(
  history: PurchaseHistory,
  customer: number,
): { at: number; categories: string[] }[] {
  const seen = new Set<string>();
  const steps: { at: number; categories: string[] }[] = [];
  for (const k of history.basketsOf[customer] ?? []) {
    const basket = history.baskets[k];
    if (!basket) continue;
    const fresh: string[] = [];
    for (const item of basket.items) {
      const category = history.categoryOf[item];
      if (category == null || seen.has(category)) continue;
      seen.add(category);
      fresh.push(category);
    }
    if (fresh.length) steps.push({ at: basket.orderedAt, categories: fresh });
  }
  return steps;
}

export function learnCategoryProgression(
  history: PurchaseHistory,
  options: Partial<ProgressionOptions> = {},
): Map<string, Transition[]> {
  const o = { ...DEFAULT_PROGRESSION, ...options };
  const pairs = new Map<string, { customers: number; gaps: number[] }>();
  const leaving = new Map<string, number>();
  for (let c = 0; c < history.customers.length; c++) {
    const steps = categoryEntries(history, c);
    const seenPairs = new Set<string>();
    const seenFrom = new Set<string>();
    for (let t = 1; t < steps.length; t++) {
      const from = steps[t - 1];
      const to = steps[t];
      if (!from || !to) continue;
      for (const a of from.categories) {
        seenFrom.add(a);
        for (const b of to.categories) {
          const key = `${a}\u0000${b}`;
          if (seenPairs.has(key)) continue;
          seenPairs.add(key);
          let entry = pairs.get(key);
          if (!entry) pairs.set(key, (entry = { customers: 0, gaps: [] }));
          entry.customers++;
          entry.gaps.push((to.at - from.at) / DAY_MS);
        }
      }
    }
    for (const a of seenFrom) leaving.set(a, (leaving.get(a) ?? 0) + 1);
  }
  const out = new Map<string, Transition[]>();
  for (const [key, { customers, gaps }] of pairs) {
    if (customers < o.minCustomers) continue;
    const [a = '', b = ''] = key.split('\u0000');
    const probability = customers / ((leaving.get(a) ?? customers) + o.shrinkage);
    let list = out.get(a);
    if (!list) out.set(a, (list = []));
    list.push({ category: b, probability, support: customers, medianGapDays: median(gaps) });
  }
  for (const [a, list] of out) {
    list.sort((x, y) => y.probability - x.probability || x.category.localeCompare(y.category));
    out.set(a, list.slice(0, o.topK));
  }
  return out;
}

export interface NextCategory {
  category: string;
  probability: number;
  fromCategory: string;
  /** When the next stage typically begins: the latest entry plus the median gap. */
  expectedAt: number;
}

/**
 * The most likely next category for one customer: from the categories of their latest step,
 * the most probable transition to a category they have not bought yet. When the latest step
 * leads nowhere new (coffee has no "next stage"), the step before it is asked, and so on: the
 * customer's most recent stage that has a known next one.
 */
export function nextLikelyCategory(
  history: PurchaseHistory,
  customer: number,
  transitions: ReadonlyMap<string, readonly Transition[]>,
): NextCategory | null {
  const steps = categoryEntries(history, customer);
  const bought = new Set(steps.flatMap((s) => s.categories));
  for (let k = steps.length - 1; k >= 0; k--) {
    const step = steps[k];
    if (!step) continue;
    let best: NextCategory | null = null;
    for (const from of step.categories) {
      for (const t of transitions.get(from) ?? []) {
        if (bought.has(t.category)) continue;
        if (
          !best ||
          t.probability > best.probability ||
          (t.probability === best.probability && t.category < best.category)
        ) {
          best = {
            category: t.category,
            probability: t.probability,
            fromCategory: from,
            expectedAt: step.at + Math.round(t.medianGapDays * DAY_MS),
          };
        }
      }
    }
    if (best) return best;
  }
  return null;
}
