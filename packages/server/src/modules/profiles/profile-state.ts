import type { ComputedFields } from '@comeback/contracts';
import { ownValue, setOwn } from '../../platform/safe-object.js';

/**
 * A profile as the processor holds it in memory. Every rule here is commutative (sums, minima,
 * maxima, unions, last-writer-wins by event time), so the final profile does not depend on the
 * order events arrive in, and two profiles merge the same way whichever survives.
 */
export interface ProfileState {
  id: string;
  workspaceId: string;
  createdAt: number;
  updatedAt: number;
  traits: Record<string, unknown>;
  /** Per trait: the event time and message id that set it (the tie-breaker). */
  traitTimes: Record<string, [number, string]>;
  orderCount: number;
  totalSpent: number;
  refundedTotal: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  lastSeenAt: number | null;
  lastProductViewed: string | null;
  lastProductViewedAt: number | null;
  categoriesBought: string[];
  productsBought: string[];
  recreatedAfterErasure: boolean;
  /** Ids of user_id / customer_id identifiers held: a profile holds at most one of each. */
  strongIds: Set<string>;
}

export function emptyProfile(id: string, workspaceId: string, now: number): ProfileState {
  return {
    id,
    workspaceId,
    createdAt: now,
    updatedAt: now,
    traits: {},
    traitTimes: {},
    orderCount: 0,
    totalSpent: 0,
    refundedTotal: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    lastSeenAt: null,
    lastProductViewed: null,
    lastProductViewedAt: null,
    categoriesBought: [],
    productsBought: [],
    recreatedAfterErasure: false,
    strongIds: new Set(),
  };
}

const later = (a: [number, string] | undefined, b: [number, string]): boolean =>
  a === undefined || b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]);

/**
 * Trait names are whatever a store sends: `constructor` or `toString` are ordinary names, so
 * lookups see own keys only and writes define own keys. `__proto__` is never a trait: the
 * tracking edge drops it, and imports and webhooks must not store what tracking cannot.
 */
export function setTraits(
  p: ProfileState,
  traits: Record<string, unknown>,
  at: number,
  messageId: string,
): void {
  for (const [name, value] of Object.entries(traits)) {
    if (value === undefined || name === '__proto__') continue;
    const stamp: [number, string] = [at, messageId];
    if (later(ownValue(p.traitTimes, name), stamp)) {
      setOwn(p.traits, name, value);
      setOwn(p.traitTimes, name, stamp);
    }
  }
}

const minOf = (a: number | null, b: number | null) =>
  a === null ? b : b === null ? a : Math.min(a, b);
const maxOf = (a: number | null, b: number | null) =>
  a === null ? b : b === null ? a : Math.max(a, b);
export const union = (a: string[], b: Iterable<string>): string[] => {
  const set = new Set(a);
  for (const x of b) set.add(x);
  return [...set].sort();
};

export function seen(p: ProfileState, at: number): void {
  p.lastSeenAt = maxOf(p.lastSeenAt, at);
}

export function viewedProduct(p: ProfileState, product: string, at: number): void {
  const current = p.lastProductViewedAt;
  if (
    current === null ||
    at > current ||
    (at === current && product > (p.lastProductViewed ?? ''))
  ) {
    p.lastProductViewed = product;
    p.lastProductViewedAt = at;
  }
}

export function recordOrder(
  p: ProfileState,
  order: { total: number; at: number; categories: string[]; products: string[] },
): void {
  p.orderCount += 1;
  p.totalSpent = moneySum(p.totalSpent + order.total);
  p.firstOrderAt = minOf(p.firstOrderAt, order.at);
  p.lastOrderAt = maxOf(p.lastOrderAt, order.at);
  p.categoriesBought = union(p.categoriesBought, order.categories);
  p.productsBought = union(p.productsBought, order.products);
}

/** A refund lowers what was spent; a refund of the whole order also takes the order back. */
export function recordRefund(p: ProfileState, amount: number, wholeOrder: boolean): void {
  p.refundedTotal = moneySum(p.refundedTotal + amount);
  p.totalSpent = moneySum(p.totalSpent - amount);
  if (wholeOrder) p.orderCount = Math.max(0, p.orderCount - 1);
}

/** Folds `loser` into `survivor` (the older profile survives; see the identity resolver). */
export function mergeInto(survivor: ProfileState, loser: ProfileState): void {
  for (const [name, stamp] of Object.entries(loser.traitTimes)) {
    if (name !== '__proto__' && later(ownValue(survivor.traitTimes, name), stamp)) {
      setOwn(survivor.traits, name, ownValue(loser.traits, name));
      setOwn(survivor.traitTimes, name, stamp);
    }
  }
  survivor.createdAt = Math.min(survivor.createdAt, loser.createdAt);
  survivor.orderCount += loser.orderCount;
  survivor.totalSpent = moneySum(survivor.totalSpent + loser.totalSpent);
  survivor.refundedTotal = moneySum(survivor.refundedTotal + loser.refundedTotal);
  survivor.firstOrderAt = minOf(survivor.firstOrderAt, loser.firstOrderAt);
  survivor.lastOrderAt = maxOf(survivor.lastOrderAt, loser.lastOrderAt);
  survivor.lastSeenAt = maxOf(survivor.lastSeenAt, loser.lastSeenAt);
  if (loser.lastProductViewed !== null && loser.lastProductViewedAt !== null) {
    viewedProduct(survivor, loser.lastProductViewed, loser.lastProductViewedAt);
  }
  survivor.categoriesBought = union(survivor.categoriesBought, loser.categoriesBought);
  survivor.productsBought = union(survivor.productsBought, loser.productsBought);
  for (const id of loser.strongIds) survivor.strongIds.add(id);
}

export function computedOf(p: ProfileState): ComputedFields {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    order_count: p.orderCount,
    total_spent: moneySum(p.totalSpent),
    average_order_value: p.orderCount > 0 ? moneySum(p.totalSpent / p.orderCount) : null,
    first_order_at: iso(p.firstOrderAt),
    last_order_at: iso(p.lastOrderAt),
    last_seen_at: iso(p.lastSeenAt),
    categories_bought: p.categoriesBought,
    products_bought: p.productsBought,
    last_product_viewed: p.lastProductViewed,
    refunded_total: moneySum(p.refundedTotal),
  };
}

/** Money is kept to the cent; float sums of cents drift otherwise. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Sums of money a profile keeps stay finite and bounded: each amount is at most MAX_AMOUNT
 * (contracts' amounts.ts), so a thousand of the largest orders fit; past that the sum is held
 * at the bound. A value stored before amounts were bounded (Infinity, NaN) reads as the bound
 * or 0, so such a profile can still be read, merged and erased.
 */
export const MAX_MONEY_SUM = 1e15;
export function moneySum(n: number): number {
  if (Number.isNaN(n)) return 0;
  return Math.min(MAX_MONEY_SUM, Math.max(-MAX_MONEY_SUM, round2(n)));
}

/** An edited order: what was spent changes by the difference; new lines add their products. */
export function reviseOrder(
  p: ProfileState,
  delta: number,
  order: { categories: string[]; products: string[] },
): void {
  p.totalSpent = moneySum(p.totalSpent + delta);
  p.categoriesBought = union(p.categoriesBought, order.categories);
  p.productsBought = union(p.productsBought, order.products);
}

/** A cancelled order no longer counts, and what was left of it is no longer spent. */
export function recordCancellation(
  p: ProfileState,
  remaining: number,
  stillCounted: boolean,
): void {
  p.totalSpent = moneySum(p.totalSpent - remaining);
  if (stillCounted) p.orderCount = Math.max(0, p.orderCount - 1);
}
