/**
 * "Buy again" and the blend that mixes it with discovery: own products by repurchase
 * likelihood (frequency x recency + the product's repeat propensity), every prefix of the
 * blend holding the configured share of them and never more than 7 in 10.
 */
import { describe, expect, it } from 'vitest';
import type { ExclusionRules } from '../../src/modules/insights/recommend/exclusions.js';
import { DAY_MS, PurchaseHistory } from '../../src/modules/insights/recommend/purchase-history.js';
import {
  modelView,
  type FittedRecommendations,
} from '../../src/modules/insights/recommend/recommendation-model.js';
import {
  MAX_BUY_AGAIN_SHARE,
  recommend,
  relatedProducts,
} from '../../src/modules/insights/recommend/recommender.js';
import { repeatPropensity } from '../../src/modules/insights/recommend/repeat-propensity.js';
import { buyAgain, type CustomerContext } from '../../src/modules/insights/recommend/strategies.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (days: number) => NOW - days * DAY_MS;
const rel = (productId: string, score: number) => ({ productId, score, support: 1 });

const own = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
const fresh = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9', 'n10'];
const fitted: FittedRecommendations = {
  boughtTogether: new Map(),
  alsoBought: new Map([['a', fresh.map((id, i) => rel(id, 1 - i / 20))]]),
  popular: [rel('a', 9), rel('n1', 5)],
  popularByCategory: new Map(),
  complementary: new Map(),
  categoryOf: new Map(),
  repeatRate: new Map([
    ['a', 0.1],
    ['b', 0.9],
  ]),
};
const model = modelView(fitted);
const rules = (over: Partial<ExclusionRules> = {}): ExclusionRules => ({
  bought: new Set(own),
  dueNow: new Set(),
  removedFromCart: new Set(),
  catalog: () => undefined,
  requireCatalog: false,
  ...over,
});
/** Bought a..j once each, a day apart (a most recently). */
const ctx: CustomerContext = {
  now: NOW,
  purchases: own.map((productId, i) => ({ productId, orderId: `o${i}`, at: ago(i + 1) })),
  viewed: [],
  removedFromCart: new Set(),
  replenishments: [],
  orderGapDays: null,
};
const ids = (list: { productId: string }[]) => list.map((c) => c.productId);

describe('buy again', () => {
  it('scores each order holding the product by its age, plus the repeat propensity', () => {
    const c: CustomerContext = {
      ...ctx,
      purchases: [
        { productId: 'x', orderId: 'o1', at: ago(365) },
        { productId: 'x', orderId: 'o1', at: ago(365) }, // two lines of one order count once
        { productId: 'x', orderId: 'o2', at: ago(0) },
        { productId: 'y', orderId: 'o2', at: ago(0) },
      ],
    };
    const none = { repeatRate: () => null, popular: () => [] };
    const out = buyAgain(c, none, { halfLifeDays: 365, propensityWeight: 3, trendWeight: 1 });
    expect(ids(out)).toEqual(['x', 'y']);
    expect(out[0]?.score).toBeCloseTo(1.5, 10);
    expect(out[0]?.reason).toBe('you bought this 2 times');
    // A product its buyers rebuy outranks one bought as often but rarely rebought.
    const rates = { repeatRate: (id: string) => (id === 'y' ? 0.9 : 0), popular: () => [] };
    const o = { halfLifeDays: 365, propensityWeight: 3, trendWeight: 1 };
    expect(ids(buyAgain(c, rates, o))).toEqual(['y', 'x']);
    // And one that sells well now (relative to the best seller) outranks one that does not.
    const selling = { repeatRate: () => null, popular: () => [rel('z', 4), rel('y', 2)] };
    const out2 = buyAgain(c, selling, o);
    expect(ids(out2)).toEqual(['x', 'y']);
    expect(out2[1]?.score).toBeCloseTo(1 + 0.5, 10);
  });

  it('learns the repeat propensity from the customers who ordered again', () => {
    const line = (customerId: string, orderId: string, day: number, productId: string) => ({
      customerId,
      orderId,
      orderedAt: ago(100 - day),
      productId,
      category: null,
      quantity: 1,
    });
    const h = PurchaseHistory.from([
      // Both customers who ordered again rebought the napkins; nobody rebought the clock.
      line('c1', 'o1', 0, 'napkins'),
      line('c1', 'o1', 0, 'clock'),
      line('c1', 'o2', 30, 'napkins'),
      line('c2', 'o3', 0, 'napkins'),
      line('c2', 'o3', 0, 'clock'),
      line('c2', 'o4', 30, 'napkins'),
      // A one-order customer has had no chance to rebuy: not counted.
      line('c3', 'o5', 0, 'clock'),
    ]);
    const rate = repeatPropensity(h, 1);
    const at = (id: string) => rate[h.productIndex.get(id) ?? -1];
    // Overall 2 repeats in 4 chances = 0.5; napkins (2 + 0.5) / 3, clock (0 + 0.5) / 3.
    expect(at('napkins')).toBeCloseTo(2.5 / 3, 10);
    expect(at('clock')).toBeCloseTo(0.5 / 3, 10);
  });

  it('offers bought products, minus what the rules still forbid', () => {
    const out = recommend('buy_again', ctx, model, rules({ removedFromCart: new Set(['b']) }), 3);
    expect(ids(out)).toEqual(['a', 'c', 'd']);
    expect(out.every((r) => r.strategy === 'buy_again')).toBe(true);
  });
});

describe('the blend of buy again and discovery', () => {
  it('keeps the share of own products in every prefix and at least 3 new of 10', () => {
    const out = recommend('blend', ctx, model, rules(), 10, { buyAgainShare: 0.6 });
    const isOwn = out.map((r) => own.includes(r.productId));
    expect(isOwn.filter(Boolean).length).toBe(6);
    for (let n = 1; n <= 10; n++) {
      expect(isOwn.slice(0, n).filter(Boolean).length).toBe(Math.ceil(0.6 * n - 1e-9));
    }
    expect(out.filter((r) => r.strategy === 'buy_again').map((r) => r.productId)[0]).toBe('b');
    // Asked for more than the cap, the blend still leaves 3 of 10 to new products.
    const greedy = recommend('blend', ctx, model, rules(), 10, { buyAgainShare: 1 });
    expect(greedy.filter((r) => !own.includes(r.productId)).length).toBe(
      10 - Math.round(MAX_BUY_AGAIN_SHARE * 10),
    );
  });

  it('fills from the other side when one runs out', () => {
    const oneOwn = { ...ctx, purchases: ctx.purchases.slice(0, 1) };
    const out = recommend('blend', oneOwn, model, rules({ bought: new Set(['a']) }), 6);
    expect(ids(out)).toEqual(['a', 'n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('never offers the product itself nor buy again as related products', () => {
    const out = relatedProducts('a', 'blend', model, () => true, 10, NOW);
    expect(ids(out)).toEqual(fresh);
  });
});
