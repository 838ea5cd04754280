import { describe, expect, it } from 'vitest';
import { DAY_MS, PurchaseHistory } from '../../src/modules/insights/recommend/purchase-history.js';
import {
  learnCategoryProgression,
  nextLikelyCategory,
} from '../../src/modules/insights/replenish/category-progression.js';
import {
  DEFAULT_DUE,
  dueInWords,
  dueOf,
  effectiveInterval,
  isLapsed,
  replenishmentDue,
} from '../../src/modules/insights/replenish/due-dates.js';
import {
  learnReplacementCycles,
  categoryOccasions,
  replacementDue,
} from '../../src/modules/insights/replenish/replacement-cycles.js';
import {
  learnRepurchaseIntervals,
  quantileSorted,
} from '../../src/modules/insights/replenish/repurchase-intervals.js';

const T0 = Date.parse('2025-01-01T09:00:00Z');
const day = (d: number) => T0 + d * DAY_MS;
/** Each customer's purchase days of one product (or category), as order lines. */
function historyOf(
  purchases: Record<string, number[]>,
  productId = 'p',
  category: string | null = null,
) {
  return PurchaseHistory.from(
    Object.entries(purchases).flatMap(([customerId, days]) =>
      days.map((d, i) => ({
        customerId,
        orderId: `${customerId}-${productId}-${i}`,
        orderedAt: day(d),
        productId,
        category,
        quantity: 1,
      })),
    ),
  );
}

describe('repurchase intervals', () => {
  // Per-customer medians: 30, 20, 25, 35, 28 (c5's second order the same day is a top-up).
  const purchases = {
    c1: [0, 30, 60],
    c2: [0, 20],
    c3: [0, 40, 50],
    c4: [0, 35],
    c5: [0, 28, 28.5],
    c6: [0],
    c7: [0, 800],
  };

  it('takes the median of per-customer medians, with quartiles and support', () => {
    const p = learnRepurchaseIntervals(historyOf(purchases)).get('p');
    expect(p).toEqual({
      productId: 'p',
      intervalDays: 28,
      p25Days: 25,
      p75Days: 30,
      customers: 5,
      intervals: 7,
      buyers: 7,
      repeatShare: 5 / 7,
      // Own intervals of c1 (30, 30: CV 0) and c3 (40, 10: CV 0.6); the others have one.
      irregularity: 0.3,
    });
  });

  it('needs the minimum support; a lapse of two years is not an interval', () => {
    expect(learnRepurchaseIntervals(historyOf(purchases), { minCustomers: 6 }).size).toBe(0);
    const long = learnRepurchaseIntervals(historyOf(purchases), { maxIntervalDays: 1000 });
    expect(long.get('p')?.customers).toBe(6);
  });

  it('is robust to one outlier customer', () => {
    const withOutlier = { ...purchases, c8: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
    expect(learnRepurchaseIntervals(historyOf(withOutlier)).get('p')?.intervalDays).toBe(26.5);
  });

  it('quantiles interpolate between ranks', () => {
    expect(quantileSorted([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantileSorted([10, 20, 30, 40], 0.25)).toBe(17.5);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('due dates', () => {
  const learned = { intervalDays: 28, repeatShare: 0.5 };
  const options = { personalWeight: 3, maxIntervalDays: 730, minHabitPurchases: 2 };

  it('lets the catalog usage period win, per unit bought (contact lenses: 30 days a box)', () => {
    const base = effectiveInterval(learned, { consumable: true, usageDays: 30 }, 0.05);
    expect(base).toEqual({ intervalDays: 30, source: 'catalog', anyBuyer: true });
    const one = dueOf({ times: [day(0)], lastQuantity: 1 }, base, options);
    expect(one).toEqual({ intervalDays: 30, dueAt: day(30), lastBoughtAt: day(0) });
    const two = dueOf({ times: [day(0), day(10)], lastQuantity: 2 }, base, options);
    expect(two?.dueAt).toBe(day(70));
  });

  it('uses the learned interval, blended with the customer own habit', () => {
    const base = effectiveInterval(learned, undefined, 0.05);
    expect(base).toEqual({ intervalDays: 28, source: 'learned', anyBuyer: true });
    expect(dueOf({ times: [day(0)], lastQuantity: 1 }, base, options)?.dueAt).toBe(day(28));
    // Two own intervals of 30 days: (2 x 30 + 3 x 28) / 5 = 28.8.
    const own = dueOf({ times: [day(0), day(30), day(60)], lastQuantity: 1 }, base, options);
    expect(own?.intervalDays).toBeCloseTo(28.8, 10);
    expect(own?.dueAt).toBe(day(60) + Math.round(28.8 * DAY_MS));
  });

  it('only for replenishable products: consumable, with a usage period, or habitual enough', () => {
    expect(effectiveInterval({ intervalDays: 90, repeatShare: 0.01 }, undefined, 0.05)).toBe(null);
    expect(
      effectiveInterval(
        { intervalDays: 90, repeatShare: 0.01 },
        { consumable: true, usageDays: null },
        0.05,
      ),
    ).toEqual({ intervalDays: 90, source: 'learned', anyBuyer: true });
    expect(effectiveInterval(undefined, { consumable: true, usageDays: null }, 0.05)).toBe(null);
  });

  it('takes evidence: enough buyers repurchase, at regular enough intervals', () => {
    const rules = { maxIrregularity: 0.5, habitRepeatShare: 0.5 };
    const product = { intervalDays: 30, repeatShare: 0.3, irregularity: 0.2 };
    expect(effectiveInterval(product, undefined, 0.1, rules)).toEqual({
      intervalDays: 30,
      source: 'learned',
      anyBuyer: false,
    });
    expect(effectiveInterval(product, undefined, 0.4, rules)).toBe(null);
    expect(effectiveInterval({ ...product, irregularity: 0.8 }, undefined, 0.1, rules)).toBe(null);
    // Nobody has two intervals to compare: regularity unproven.
    expect(effectiveInterval({ ...product, irregularity: null }, undefined, 0.1, rules)).toBe(null);
    // The catalog wins over thin or irregular evidence.
    const consumable = { consumable: true, usageDays: null };
    expect(
      effectiveInterval({ ...product, irregularity: 3, repeatShare: 0.01 }, consumable, 0.1, rules),
    ).toEqual({ intervalDays: 30, source: 'learned', anyBuyer: true });
  });

  it('is due only for a customer with the habit, unless most buyers repurchase', () => {
    const rules = { maxIrregularity: Infinity, habitRepeatShare: 0.5 };
    const rare = effectiveInterval({ intervalDays: 30, repeatShare: 0.2 }, undefined, 0.1, rules);
    const strict = { ...options, minHabitPurchases: 3 };
    expect(dueOf({ times: [day(0)], lastQuantity: 1 }, rare, strict)).toBe(null);
    expect(dueOf({ times: [day(0), day(30)], lastQuantity: 1 }, rare, strict)).toBe(null);
    expect(dueOf({ times: [day(0), day(30), day(60)], lastQuantity: 1 }, rare, strict)?.dueAt).toBe(
      day(90),
    );
    const habitual = effectiveInterval(
      { intervalDays: 30, repeatShare: 0.6 },
      undefined,
      0.1,
      rules,
    );
    expect(dueOf({ times: [day(0)], lastQuantity: 1 }, habitual, strict)?.dueAt).toBe(day(30));
  });

  it('lapses after the given number of intervals overdue', () => {
    const d = { dueAt: day(30), intervalDays: 30 };
    expect(isLapsed(d, day(30 + 90), 3)).toBe(false);
    expect(isLapsed(d, day(30 + 91), 3)).toBe(true);
    expect(isLapsed(d, day(30 + 31), 1)).toBe(true);
    expect(isLapsed(d, day(0), DEFAULT_DUE.lapsedAfterIntervals)).toBe(false);
  });

  it('gives every customer a due date per replenishable product', () => {
    const h = historyOf({ a: [0, 30], b: [0, 30], c: [0, 30], d: [0, 30], e: [0, 30], f: [5] });
    const due = replenishmentDue(h, learnRepurchaseIntervals(h), () => undefined);
    expect(due[5]).toEqual([
      {
        customerId: 'f',
        productId: 'p',
        lastBoughtAt: day(5),
        lastQuantity: 1,
        purchases: 1,
        intervalDays: 30,
        dueAt: day(35),
        source: 'learned',
      },
    ]);
  });

  it('says when in words', () => {
    expect(dueInWords(day(4), day(0)).text).toBe('due in 4 days');
    expect(dueInWords(day(1), day(0)).text).toBe('due in 1 day');
    expect(dueInWords(day(0) + 3_600_000, day(0))).toEqual({ days: 0, text: 'due today' });
    expect(dueInWords(day(0), day(2)).text).toBe('overdue by 2 days');
  });
});

describe('life stage: category progression', () => {
  const lines = (customerId: string, steps: [number, string[]][]) =>
    steps.flatMap(([d, cats], i) =>
      cats.map((category) => ({
        customerId,
        orderId: `${customerId}-${i}`,
        orderedAt: day(d),
        productId: `${category}-item`,
        category,
        quantity: 1,
      })),
    );
  const h = PurchaseHistory.from([
    ...lines('c1', [
      [0, ['baby']],
      [100, ['kids']],
      [150, ['baby']],
      [400, ['school']],
    ]),
    ...lines('c2', [
      [0, ['baby']],
      [200, ['kids']],
    ]),
    ...lines('c3', [
      [0, ['baby', 'toys']],
      [150, ['kids']],
    ]),
  ]);

  it('learns transitions between the steps customers enter categories in', () => {
    const t = learnCategoryProgression(h, { minCustomers: 1, shrinkage: 0 });
    expect(t.get('baby')).toEqual([
      { category: 'kids', probability: 1, support: 3, medianGapDays: 150 },
    ]);
    expect(t.get('toys')).toEqual([
      { category: 'kids', probability: 1, support: 1, medianGapDays: 150 },
    ]);
    expect(t.get('kids')).toEqual([
      { category: 'school', probability: 1, support: 1, medianGapDays: 300 },
    ]);
    // Support threshold and shrinkage: baby -> kids by 3 customers, 3 / (3 + 2).
    const strict = learnCategoryProgression(h, { minCustomers: 2, shrinkage: 2 });
    expect(strict.get('baby')?.[0]?.probability).toBeCloseTo(0.6, 10);
    expect(strict.has('kids')).toBe(false);
  });

  it('predicts the next category a customer has not bought yet', () => {
    const t = learnCategoryProgression(h, { minCustomers: 1, shrinkage: 0 });
    const c2 = h.customerIndex.get('c2') ?? -1;
    expect(nextLikelyCategory(h, c2, t)).toEqual({
      category: 'school',
      probability: 1,
      fromCategory: 'kids',
      expectedAt: day(200 + 300),
    });
    expect(nextLikelyCategory(h, h.customerIndex.get('c1') ?? -1, t)).toBe(null);
  });

  it('asks an earlier stage when the latest one leads nowhere new', () => {
    const withCoffee = PurchaseHistory.from([
      ...lines('c1', [
        [0, ['baby']],
        [100, ['kids']],
      ]),
      ...lines('c2', [
        [0, ['baby']],
        [100, ['kids']],
      ]),
      ...lines('c4', [
        [0, ['baby']],
        [10, ['coffee']],
      ]),
    ]);
    const t = learnCategoryProgression(withCoffee, { minCustomers: 2, shrinkage: 0 });
    const c4 = withCoffee.customerIndex.get('c4') ?? -1;
    expect(nextLikelyCategory(withCoffee, c4, t)).toMatchObject({
      category: 'kids',
      fromCategory: 'baby',
      expectedAt: day(100),
    });
  });
});

describe('replacement cycles of durables', () => {
  const laptops = historyOf(
    { a: [0, 1000], b: [0, 1100, 1110], c: [0, 900], d: [0, 1200], e: [0, 1095], f: [30] },
    'laptop',
    'Laptops',
  );

  it('learns the median cycle per category (purchases within 30 days are one)', () => {
    const cycles = learnReplacementCycles(laptops, () => false);
    expect(cycles.get('Laptops')).toEqual({
      category: 'Laptops',
      cycleDays: 1095,
      p25Days: 1000,
      p75Days: 1100,
      customers: 5,
    });
    expect(learnReplacementCycles(laptops, (c) => c === 'Laptops').size).toBe(0);
    expect(learnReplacementCycles(laptops, () => false, { minCycleDays: 1200 }).size).toBe(0);
  });

  it('says when each customer is due to replace, unless long lapsed', () => {
    const cycles = learnReplacementCycles(laptops, () => false);
    const f = categoryOccasions(laptops, 30)[laptops.customerIndex.get('f') ?? -1] ?? new Map();
    expect(replacementDue(f, cycles, day(40))).toEqual({
      category: 'Laptops',
      lastBoughtAt: day(30),
      dueAt: day(30 + 1095),
    });
    expect(replacementDue(f, cycles, day(30 + 3 * 1095))).toBe(null);
  });
});
