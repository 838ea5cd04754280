import { describe, expect, it } from 'vitest';
import { complementaryCategories } from '../../src/modules/insights/recommend/category-pairs.js';
import { itemNeighbours } from '../../src/modules/insights/recommend/co-occurrence.js';
import {
  exclusionOf,
  type ExclusionRules,
} from '../../src/modules/insights/recommend/exclusions.js';
import {
  popularityScores,
  topProducts,
  topProductsByCategory,
} from '../../src/modules/insights/recommend/popularity.js';
import {
  DAY_MS,
  PurchaseHistory,
  type PurchaseLine,
} from '../../src/modules/insights/recommend/purchase-history.js';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const day = (d: number) => T0 + d * DAY_MS;
/** `customer:order@day:product/category*qty, ...` lines, hand-readable. */
function lines(
  spec: [
    customer: string,
    order: string,
    at: number,
    product: string,
    cat?: string,
    qty?: number,
  ][],
): PurchaseLine[] {
  return spec.map(([customerId, orderId, d, productId, category, quantity]) => ({
    customerId,
    orderId,
    orderedAt: day(d),
    productId,
    category: category ?? null,
    quantity: quantity ?? 1,
  }));
}

describe('purchase history', () => {
  it('indexes orders, merges repeated lines and keeps the latest category', () => {
    const h = PurchaseHistory.from(
      lines([
        ['ana', 'o2', 5, 'cream', 'Face', 1],
        ['ana', 'o1', 1, 'cream', 'Skin', 2],
        ['ana', 'o1', 1, 'cream', 'Skin', 3],
        ['ana', 'o1', 1, 'mask', 'Face'],
        ['ben', 'o3', 2, 'mask'],
      ]),
    );
    expect(h.products).toEqual(['cream', 'mask']);
    expect(h.customers).toEqual(['ana', 'ben']);
    // Oldest first; o1's two cream lines are one item with quantity 5.
    expect(h.baskets.map((b) => [b.orderedAt, b.items, b.quantities])).toEqual([
      [day(1), [0, 1], [5, 1]],
      [day(2), [1], [1]],
      [day(5), [0], [1]],
    ]);
    expect(h.basketsOf).toEqual([[0, 2], [1]]);
    // The latest line naming a category wins (o2 at day 5 says Face).
    expect(h.categoryOf).toEqual(['Face', 'Face']);
    expect(h.customerItems(1)).toEqual([[0], [1]]);
    expect(h.customerItems(10)).toEqual([[0, 1], [1]]);
  });
});

describe('item-item co-occurrence', () => {
  // Units: {0,1} {0,1} {0,2} {1}. n0 = 3, n1 = 3, n2 = 1; c01 = 2, c02 = 1, c12 = 0.
  const units = [[0, 1], [0, 1], [0, 2], [1]];
  const plain = { shrinkage: 0, minCount: 1, unitWeight: 'none' as const, topK: 10 };

  it('normalises by cosine: c / sqrt(n_i n_j)', () => {
    const n = itemNeighbours(units, 3, { ...plain, normalisation: 'cosine' });
    expect(n[0]?.map((x) => x.index)).toEqual([1, 2]);
    expect(n[0]?.[0]?.score).toBeCloseTo(2 / 3, 10);
    expect(n[0]?.[1]?.score).toBeCloseTo(1 / Math.sqrt(3), 10);
    expect(n[2]?.map((x) => [x.index, x.count])).toEqual([[0, 1]]);
    expect(n[1]?.map((x) => x.index)).toEqual([0]);
  });

  it('normalises by Jaccard: c / (n_i + n_j - c)', () => {
    const n = itemNeighbours(units, 3, { ...plain, normalisation: 'jaccard' });
    expect(n[0]?.[0]?.score).toBeCloseTo(2 / 4, 10);
    expect(n[0]?.[1]?.score).toBeCloseTo(1 / 3, 10);
  });

  it('shrinks by support, drops thin pairs and keeps the top k', () => {
    const shrunk = itemNeighbours(units, 3, { ...plain, shrinkage: 1 });
    expect(shrunk[0]?.[0]?.score).toBeCloseTo((2 / 3) * (2 / 3), 10);
    expect(shrunk[0]?.[1]?.score).toBeCloseTo((1 / Math.sqrt(3)) * (1 / 2), 10);
    expect(itemNeighbours(units, 3, { ...plain, minCount: 2 })[0]?.map((x) => x.index)).toEqual([
      1,
    ]);
    expect(itemNeighbours(units, 3, { ...plain, topK: 1 })[0]).toHaveLength(1);
  });

  it('weights big units down with the log weight', () => {
    const w2 = 1 / Math.log(Math.E + 1);
    const n0 = 3 * w2;
    const n1 = 2 * w2 + 1;
    const n = itemNeighbours(units, 3, { ...plain, unitWeight: 'log' });
    expect(n[0]?.[0]?.score).toBeCloseTo((2 * w2) / Math.sqrt(n0 * n1), 10);
  });

  it("a bestseller bought with everything is not everyone's best neighbour", () => {
    // Item 0 is in every basket; 1 and 2 always go together.
    const baskets = [
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
      [0, 3],
      [0, 3],
      [0, 4],
      [0, 5],
      [0, 6],
    ];
    const n = itemNeighbours(baskets, 7, { ...plain });
    expect(n[1]?.[0]?.index).toBe(2);
  });
});

describe('popularity', () => {
  const h = PurchaseHistory.from(
    lines([
      ['a', 'o1', 0, 'old', 'Tea'],
      ['b', 'o2', 60, 'new', 'Tea', 500],
      ['c', 'o3', 60, 'mug', 'Cups'],
      ['d', 'o4', 60, 'new', 'Tea'],
    ]),
  );
  it('counts orders, not units, with a half-life', () => {
    const s = popularityScores(h, { now: day(60), halfLifeDays: 60 });
    expect(s[0]).toBeCloseTo(0.5, 10); // one order, one half-life ago
    expect(s[1]).toBeCloseTo(2, 10); // two orders today; the 500 units count once
    // One order of a mug today (1) outweighs one of the old tea 60 days ago (0.5).
    expect(topProducts(s, 3).map((r) => h.products[r.index])).toEqual(['new', 'mug', 'old']);
    const byCategory = topProductsByCategory(h, s, 5);
    expect(byCategory.get('Tea')?.map((r) => h.products[r.index])).toEqual(['new', 'old']);
    expect(byCategory.get('Cups')?.map((r) => h.products[r.index])).toEqual(['mug']);
  });
});

describe('complementary categories', () => {
  it('counts a pair once per customer, directed, within the window', () => {
    const h = PurchaseHistory.from(
      lines([
        ['c1', 'a', 0, 'cam', 'Cameras'],
        ['c1', 'b', 10, 'lens', 'Lenses'],
        ['c2', 'c', 0, 'cam', 'Cameras'],
        ['c2', 'c', 0, 'lens', 'Lenses'],
        ['c3', 'd', 0, 'cam', 'Cameras'],
        ['c3', 'e', 40, 'lens', 'Lenses'],
      ]),
    );
    const links = complementaryCategories(h, { minCustomers: 1, shrinkage: 0, windowDays: 30 });
    // Cameras -> Lenses: c1 (10 days later) and c2 (same order); c3 came too late. n = 3 each.
    expect(links.get('Cameras')).toEqual([{ category: 'Lenses', score: 2 / 3, support: 2 }]);
    expect(links.get('Lenses')).toEqual([{ category: 'Cameras', score: 1 / 3, support: 1 }]);
    expect(complementaryCategories(h, { minCustomers: 2, shrinkage: 0 }).get('Lenses')).toBe(
      undefined,
    );
  });
});

describe('exclusions', () => {
  const catalog = new Map([
    ['on', { active: true, inStock: true }],
    ['off', { active: false, inStock: true }],
    ['gone', { active: true, inStock: false }],
  ]);
  const rules: ExclusionRules = {
    bought: new Set(['on', 'lens']),
    dueNow: new Set(['lens']),
    removedFromCart: new Set(['cart']),
    catalog: (id) => catalog.get(id),
    requireCatalog: false,
  };
  it('applies every rule, and lets a due consumable through', () => {
    expect(exclusionOf('on', rules)).toBe('bought');
    expect(exclusionOf('lens', rules)).toBe(null);
    expect(exclusionOf('cart', rules)).toBe('removed_from_cart');
    expect(exclusionOf('off', { ...rules, bought: new Set() })).toBe('inactive');
    expect(exclusionOf('gone', { ...rules, bought: new Set() })).toBe('out_of_stock');
    expect(exclusionOf('unknown', rules)).toBe(null);
    expect(exclusionOf('unknown', { ...rules, requireCatalog: true })).toBe('not_in_catalog');
  });
});
