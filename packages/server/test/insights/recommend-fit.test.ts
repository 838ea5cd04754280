import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/modules/insights/recommend/purchase-history.js';
import {
  fitWorkspace,
  type CatalogProduct,
  type FitLine,
} from '../../src/modules/insights/recommendation-fit.js';

const T0 = Date.parse('2020-01-01T10:00:00Z');
const day = (d: number) => T0 + d * DAY_MS;
const product = (id: string, categories: string[], extra: Partial<CatalogProduct> = {}) =>
  [
    id,
    {
      id,
      title: id,
      categories,
      active: true,
      stock: null,
      consumable: false,
      usageDays: null,
      ...extra,
    },
  ] as const;

describe("one workspace's fit", () => {
  const catalog = new Map([
    product('laptop', ['Laptops']),
    product('beans', ['Coffee'], { consumable: true }),
    product('lens', ['Lenses'], { consumable: true, usageDays: 30 }),
  ]);
  // Five customers replace their laptop after about three years and buy coffee yearly; no line
  // names a category, so the catalog's first category counts.
  const lines: FitLine[] = [];
  for (let c = 0; c < 5; c++) {
    for (const [d, productId] of [
      [0, 'laptop'],
      [1000 + c * 50, 'laptop'],
      [0, 'beans'],
      [400, 'beans'],
      [800, 'beans'],
    ] as const) {
      lines.push({
        customerId: `c${c}`,
        orderId: `c${c}-${productId}-${d}`,
        orderedAt: day(d),
        productId,
        category: null,
        quantity: 1,
      });
    }
  }
  const fit = fitWorkspace(lines, catalog, day(1300));

  it('takes categories from the catalog when the lines give none', () => {
    expect(new Set(fit.popular.map((p) => p.category))).toEqual(new Set(['', 'Laptops', 'Coffee']));
  });

  it('gives durables a replacement cycle, never consumables', () => {
    expect(fit.categoryReplacement).toEqual([
      { category: 'Laptops', cycle_days: 1100, p25_days: 1050, p75_days: 1150, customers: 5 },
    ]);
    const c0 = fit.profileInsights.find((p) => p.profile_id === 'c0');
    expect(c0).toMatchObject({ replacement_category: 'Laptops', replacement_due_at: day(2100) });
  });

  it("stores the catalog's usage period even for a product nobody bought yet", () => {
    expect(fit.productReplenishment.find((r) => r.product_id === 'lens')).toMatchObject({
      interval_days: 30,
      source: 'catalog',
      learned_days: null,
      customers: 0,
    });
    expect(fit.productReplenishment.find((r) => r.product_id === 'beans')).toMatchObject({
      interval_days: 400,
      source: 'learned',
      customers: 5,
    });
  });

  it('writes every customer due dates and insights', () => {
    expect(fit.profileInsights).toHaveLength(5);
    const due = fit.profileReplenishment.filter((r) => r.profile_id === 'c0');
    expect(due.map((r) => [r.product_id, r.due_at, r.source])).toEqual([
      ['beans', day(1200), 'learned'],
    ]);
    expect(fit.stats).toEqual({ orders: 25, lines: 25, customers: 5, products: 2 });
  });
});

describe('replenishment in the fit: evidence, habit, and the next relevant due item', () => {
  const lines: FitLine[] = [];
  const buy = (customerId: string, productId: string, days: number[]) => {
    for (const d of days) {
      lines.push({
        customerId,
        orderId: `${customerId}-${productId}-${d}`,
        orderedAt: day(d),
        productId,
        category: null,
        quantity: 1,
      });
    }
  };
  // Tea: 5 habitual buyers (every 30 days) among 25: replenishable, but only for the habit.
  for (let c = 0; c < 5; c++) buy(`h${c}`, 'tea', [0, 30, 60]);
  for (let c = 0; c < 20; c++) buy(`once${c}`, 'tea', [50]);
  // Cards: 5 of 65 buyers bought twice: under the repeat share that makes a product replenishable.
  for (let c = 0; c < 5; c++) buy(`h${c}`, 'card', [0, 30]);
  for (let c = 0; c < 60; c++) buy(`card${c}`, 'card', [40]);
  // Soap: the same habitual buyers, a year earlier: long lapsed by now.
  for (let c = 0; c < 5; c++) buy(`h${c}`, 'soap', [-400, -370, -340]);
  const fit = fitWorkspace(lines, new Map(), day(100));

  it('stores only what the evidence calls replenishable', () => {
    expect(fit.productReplenishment.map((r) => r.product_id).sort()).toEqual(['soap', 'tea']);
  });

  it('is due only for the customers with the habit', () => {
    const tea = fit.profileReplenishment.filter((r) => r.product_id === 'tea');
    expect(tea.map((r) => r.profile_id).sort()).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    expect(fit.profileReplenishment.some((r) => r.product_id === 'card')).toBe(false);
  });

  it('shows the next relevant due item, not a lapsed one', () => {
    const h0 = fit.profileInsights.find((p) => p.profile_id === 'h0');
    // Soap was due on day -310, more than 3 intervals ago: the list keeps it, "next" does not.
    expect(
      fit.profileReplenishment.find((r) => r.profile_id === 'h0' && r.product_id === 'soap'),
    ).toMatchObject({ due_at: day(-310) });
    expect(h0).toMatchObject({
      next_replenishment_product: 'tea',
      next_replenishment_due_at: day(90),
    });
    const once = fit.profileInsights.find((p) => p.profile_id === 'once0');
    expect(once).toMatchObject({
      next_replenishment_product: null,
      next_replenishment_due_at: null,
    });
  });
});
