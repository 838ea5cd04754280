/**
 * Precision and recall of "due within the next 30 days" (replenish/replenishment-precision.ts):
 * every false alarm counts, lapsed pairs are not reminded, and the global-interval baseline
 * gives every pair ever bought the same interval.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, PurchaseHistory } from '../../src/modules/insights/recommend/purchase-history.js';
import {
  flaggedPairs,
  globalIntervalDue,
  precisionRecall,
  repurchasedInWindow,
} from '../../src/modules/insights/replenish/replenishment-precision.js';

const T0 = Date.parse('2025-01-01T09:00:00Z');
const day = (d: number) => T0 + d * DAY_MS;
const CUT = day(100);
const line = (customerId: string, productId: string, d: number) => ({
  customerId,
  orderId: `${customerId}-${d}`,
  orderedAt: day(d),
  productId,
  category: null,
  quantity: 1,
});

describe('due-within-30-days precision', () => {
  const before = [
    line('a', 'tea', 40),
    line('a', 'tea', 70),
    line('b', 'tea', 60),
    line('b', 'mug', 60),
    line('c', 'mug', 10),
  ];
  const after = [
    line('a', 'tea', 105), // a repurchase inside the window
    line('b', 'mug', 120), // another one
    line('b', 'pot', 110), // a first purchase: no replenishment could have said it
    line('c', 'mug', 140), // after the window
  ];
  const history = PurchaseHistory.from(before);

  it('counts only repurchases inside the window as what happened', () => {
    const actual = repurchasedInWindow(history, [...before, ...after], CUT, 30);
    expect([...actual].sort()).toEqual(['a\u0000tea', 'b\u0000mug']);
  });

  it('flags due and recently overdue pairs, not future or lapsed ones', () => {
    const flagged = flaggedPairs(
      [
        { customerId: 'a', productId: 'tea', dueAt: day(101), intervalDays: 30 },
        { customerId: 'b', productId: 'tea', dueAt: day(90), intervalDays: 30 }, // overdue 10 days
        { customerId: 'b', productId: 'mug', dueAt: day(131), intervalDays: 30 }, // after the window
        { customerId: 'c', productId: 'mug', dueAt: day(20), intervalDays: 20 }, // 80 days over
      ],
      CUT,
      30,
      3,
    );
    expect([...flagged].sort()).toEqual(['a\u0000tea', 'b\u0000tea']);
    // With a lapse of a fifth of an interval (6 days), 10 days overdue has lapsed.
    expect(
      flaggedPairs(
        [{ customerId: 'b', productId: 'tea', dueAt: day(90), intervalDays: 30 }],
        CUT,
        30,
        0.2,
      ).size,
    ).toBe(0);
  });

  it('counts every false alarm in the precision', () => {
    const actual = new Set(['a\u0000tea', 'b\u0000mug']);
    const r = precisionRecall(new Set(['a\u0000tea', 'b\u0000tea', 'c\u0000mug']), actual);
    expect(r).toMatchObject({ flagged: 3, actual: 2, hits: 1 });
    expect(r.precision).toBeCloseTo(1 / 3, 12);
    expect(r.recall).toBeCloseTo(1 / 2, 12);
    expect(r.f1).toBeCloseTo(0.4, 12);
    expect(precisionRecall(new Set(), actual)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('gives the baseline one global median interval for every pair ever bought', () => {
    const { globalMedianDays, due } = globalIntervalDue(history);
    expect(globalMedianDays).toBe(30); // a's only repeat interval
    expect(due).toHaveLength(4);
    expect(due.find((d) => d.customerId === 'c')).toEqual({
      customerId: 'c',
      productId: 'mug',
      dueAt: day(40),
      intervalDays: 30,
    });
  });
});
