import { describe, expect, it } from 'vitest';
import type { ExclusionRules } from '../../src/modules/insights/recommend/exclusions.js';
import { DAY_MS, PurchaseHistory } from '../../src/modules/insights/recommend/purchase-history.js';
import {
  fitRecommendations,
  modelView,
  type FittedRecommendations,
} from '../../src/modules/insights/recommend/recommendation-model.js';
import { recommend, relatedProducts } from '../../src/modules/insights/recommend/recommender.js';
import { recommendationsFilter } from '../../src/modules/insights/recommend/recommendations-filter.js';
import {
  alsoBought,
  boughtTogether,
  crossSell,
  dueNow,
  dueReplenishments,
  orderGapDays,
  popularInCategory,
  recentlyViewed,
  type CustomerContext,
} from '../../src/modules/insights/recommend/strategies.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (days: number) => NOW - days * DAY_MS;
const rel = (productId: string, score: number) => ({ productId, score, support: 1 });

/** A hand-made model: a small skincare and camera shop. */
const fitted: FittedRecommendations = {
  boughtTogether: new Map([
    ['cream', [rel('mask', 0.8), rel('serum', 0.4)]],
    ['camera', [rel('card', 0.9)]],
  ]),
  alsoBought: new Map([
    ['cream', [rel('serum', 0.5), rel('mask', 0.2)]],
    ['camera', [rel('tripod', 0.6), rel('serum', 0.1)]],
  ]),
  popular: [rel('bestseller', 10), rel('mask', 5)],
  popularByCategory: new Map([
    ['Skin', [rel('cream', 4), rel('serum', 2), rel('toner', 1)]],
    ['Photo', [rel('camera', 3), rel('card', 3)]],
    ['Batteries', [rel('aa', 6), rel('aaa', 3)]],
  ]),
  complementary: new Map([['Photo', [{ category: 'Batteries', score: 0.5, support: 9 }]]]),
  categoryOf: new Map([
    ['cream', 'Skin'],
    ['serum', 'Skin'],
    ['camera', 'Photo'],
  ]),
  repeatRate: new Map([
    ['cream', 0.5],
    ['camera', 0.05],
  ]),
};
const model = modelView(fitted, (id) => id.toUpperCase());
const ctx = (over: Partial<CustomerContext> = {}): CustomerContext => ({
  now: NOW,
  purchases: [],
  viewed: [],
  removedFromCart: new Set(),
  replenishments: [],
  orderGapDays: null,
  ...over,
});
const ids = (list: { productId: string }[]) => list.map((c) => c.productId);

describe('strategies', () => {
  const history = ctx({
    purchases: [
      { productId: 'camera', orderId: 'o1', at: ago(300) },
      { productId: 'cream', orderId: 'o2', at: ago(10) },
    ],
  });

  it('bought together: neighbours of the latest order only', () => {
    const out = boughtTogether(history, model);
    expect(ids(out)).toEqual(['mask', 'serum']);
    expect(out[0]).toMatchObject({ score: 0.8, reason: 'often bought with CREAM' });
  });

  it('also bought: every purchase, recent ones weighing more (half-life 180 days)', () => {
    const out = alsoBought(history, model);
    const cream = Math.exp((-Math.LN2 * 10) / 180);
    const camera = Math.exp((-Math.LN2 * 300) / 180);
    expect(ids(out)).toEqual(['serum', 'mask', 'tripod']);
    expect(out[0]?.score).toBeCloseTo(cream * 0.5 + camera * 0.1, 10);
    expect(out[0]?.reason).toBe('customers who bought CREAM also bought this');
  });

  it('popular in category: category affinity times the share of the category best seller', () => {
    const out = popularInCategory(history, model);
    expect(out[0]?.productId).toBe('cream');
    expect(out.find((c) => c.productId === 'toner')?.reason).toBe('popular in Skin');
  });

  it('cross-sell: popular products of categories complementing the latest order', () => {
    expect(crossSell(history, model)).toEqual([]); // cream's category has no complement
    const camera = ctx({ purchases: [{ productId: 'camera', orderId: 'o', at: ago(1) }] });
    const out = crossSell(camera, model);
    expect(ids(out)).toEqual(['aa', 'aaa']);
    expect(out[0]).toMatchObject({ score: 0.5, reason: 'goes with your Photo' });
  });

  it('recently viewed: newest first, not what was bought after the view', () => {
    const out = recentlyViewed(
      ctx({
        viewed: [
          { productId: 'mask', at: ago(0.2) },
          { productId: 'serum', at: ago(3) },
          { productId: 'cream', at: ago(20) },
        ],
        purchases: [{ productId: 'cream', orderId: 'o', at: ago(10) }],
      }),
    );
    expect(ids(out)).toEqual(['mask', 'serum']);
    expect(out.map((c) => c.reason)).toEqual([
      'you viewed this today',
      'you viewed this 3 days ago',
    ]);
  });

  it('replenishment: due within the window, not lapsed, strongest habit first', () => {
    const due = (productId: string, dueInDays: number, intervalDays: number, purchases = 1) => ({
      productId,
      dueAt: NOW + dueInDays * DAY_MS,
      intervalDays,
      purchases,
    });
    const c = ctx({
      purchases: ['o1', 'o2', 'o3', 'o4'].map((orderId, i) => ({
        productId: 'x',
        orderId,
        at: ago(100 - i),
      })),
      replenishments: [
        due('lens', 4, 30, 4), // due in 4 days: offered
        due('soon', 5, 30, 1), // also, weaker habit
        due('later', 20, 30, 4), // beyond the 7-day window
        due('lapsed', -91, 30, 4), // three intervals overdue
        due('overdue', -10, 30, 2),
      ],
    });
    const out = dueReplenishments(c);
    expect(ids(out)).toEqual(['lens', 'overdue', 'soon']);
    expect(out[0]).toMatchObject({ reason: 'running low: due in 4 days' });
    expect(out[0]?.score).toBeCloseTo(1 / (1 + 4 / 30), 10);
    // A customer who orders every 30 days gets what falls due before their next order.
    expect(ids(dueReplenishments({ ...c, orderGapDays: 30 }))).toContain('later');
    expect(dueNow(c)).toEqual(new Set(['lens', 'overdue', 'soon']));
  });

  it('order gap: the median of days between orders, same-day orders as one', () => {
    expect(orderGapDays([ago(30), ago(20), ago(20) + 3_600_000, ago(0)])).toBe(15);
    expect(orderGapDays([ago(1)])).toBe(null);
  });
});

describe('recommender', () => {
  const rules = (over: Partial<ExclusionRules> = {}): ExclusionRules => ({
    bought: new Set(),
    dueNow: new Set(),
    removedFromCart: new Set(),
    catalog: () => ({ active: true, inStock: true }),
    requireCatalog: false,
    ...over,
  });
  const c = ctx({
    purchases: [{ productId: 'cream', orderId: 'o', at: ago(2) }],
    viewed: [{ productId: 'toner', at: ago(1) }],
  });

  it('applies the exclusions after the strategy', () => {
    const r = rules({
      bought: new Set(['cream']),
      removedFromCart: new Set(['mask']),
      catalog: (id) => ({ active: id !== 'serum', inStock: true }),
    });
    expect(ids(recommend('bought_together', c, model, r, 10))).toEqual([]);
    expect(ids(recommend('popular', c, model, r, 10))).toEqual(['bestseller']);
    expect(ids(recommend('popular', c, model, rules(), 1))).toEqual(['bestseller']);
  });

  it('blends the discovery strategies by weighted reciprocal rank and names the main contributor', () => {
    // Without buy-again slots, the blend is the fusion of the strategies for new products.
    const bought = rules({ bought: new Set(['cream']) });
    const out = recommend('blend', c, model, bought, 5, { buyAgainShare: 0 });
    // serum: also bought #1 (1.5/11), bought together #2 (1/12), popular in Skin #1 (0.7/11).
    expect(out.map((r) => [r.productId, r.strategy])).toEqual([
      ['serum', 'also_bought'],
      ['mask', 'also_bought'],
      ['toner', 'recently_viewed'],
      ['bestseller', 'popular'],
    ]);
    expect(out[0]?.score).toBeCloseTo(1.5 / 11 + 1 / 12 + 0.7 / 11, 10);
  });

  it('related products leave the product itself out', () => {
    const out = relatedProducts('cream', 'blend', model, () => true, 10, NOW);
    expect(ids(out)).not.toContain('cream');
    expect(ids(out).slice(0, 2)).toEqual(['serum', 'mask']);
    const bt = relatedProducts('cream', 'bought_together', model, (id) => id !== 'mask', 10, NOW);
    expect(ids(bt)).toEqual(['serum']);
  });
});

describe('fitting from orders', () => {
  it('finds what goes together in a small shop', () => {
    const day = (d: number) => ago(100 - d);
    const orders: [string, string, number, string[]][] = [];
    for (let i = 0; i < 12; i++) orders.push([`c${i}`, `o${i}`, day(i), ['cream', 'mask']]);
    for (let i = 0; i < 6; i++) orders.push([`d${i}`, `p${i}`, day(i), ['camera', 'card']]);
    for (let i = 0; i < 20; i++) orders.push([`e${i}`, `q${i}`, day(50 + i), ['bestseller']]);
    const h = PurchaseHistory.from(
      orders.flatMap(([customerId, orderId, orderedAt, products]) =>
        products.map((productId) => ({
          customerId,
          orderId,
          orderedAt,
          productId,
          category: productId === 'bestseller' ? 'Misc' : 'Kit',
          quantity: 1,
        })),
      ),
    );
    const fit = fitRecommendations(h, { now: NOW });
    expect(fit.boughtTogether.get('cream')?.[0]?.productId).toBe('mask');
    expect(fit.alsoBought.get('camera')?.[0]?.productId).toBe('card');
    expect(fit.popular[0]?.productId).toBe('bestseller');
    expect(fit.popularByCategory.get('Kit')?.[0]?.productId).toBe('cream');
  });
});

describe('the Liquid filter', () => {
  const calls: unknown[][] = [];
  const source = {
    forProfile: (ws: string, id: string, strategy: string, limit: number) => {
      calls.push([ws, id, strategy, limit]);
      if (id === 'nobody') return Promise.resolve({ ok: false as const });
      return Promise.resolve({
        ok: true as const,
        value: [
          {
            productId: 'mask',
            title: 'Mask',
            url: null,
            imageUrl: null,
            price: 9,
            score: 1,
            strategy: 'also_bought' as const,
            reason: 'r',
            reasonCode: 'also_bought' as const,
            reasonParams: { product: 'Tea' },
          },
        ],
      });
    },
  };
  const filter = recommendationsFilter(source, 'ws1');

  it('takes a profile or an id, a strategy and a count', async () => {
    expect(await filter({ id: 'p1' }, 'also_bought', 3)).toHaveLength(1);
    await filter('p2');
    await filter('p3', 'no-such-strategy', '500');
    expect(calls).toEqual([
      ['ws1', 'p1', 'also_bought', 3],
      ['ws1', 'p2', 'blend', 4],
      ['ws1', 'p3', 'blend', 50],
    ]);
  });

  it('renders nothing rather than failing for an unknown profile', async () => {
    expect(await filter('nobody')).toEqual([]);
    expect(await filter(null)).toEqual([]);
    expect(await filter({ name: 'no id' })).toEqual([]);
  });
});
