/**
 * "Buy again" learned from the store's next orders (recommend/buy-again-ranker.ts): the fit
 * learns at a cut before its time which of a customer's products their next order held, and
 * ranks by that - even against the rules' assumption that the latest purchase is the likeliest
 * again. It learns only from orders before its time, keeps the rules when there is too little
 * to learn from, and the stored model ranks the same through the API on both engines.
 */
import type { RecommendationItem, RecommendationRun } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnBuyAgainRanker } from '../../src/modules/insights/recommend/buy-again-ranker.js';
import {
  DAY_MS,
  PurchaseHistory,
  type PurchaseLine,
} from '../../src/modules/insights/recommend/purchase-history.js';
import {
  fitRecommendations,
  modelView,
} from '../../src/modules/insights/recommend/recommendation-model.js';
import { buyAgain, type CustomerContext } from '../../src/modules/insights/recommend/strategies.js';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { encodeLines, orderLine } from '../support/order-lines.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (days: number) => NOW - days * DAY_MS;
const PRODUCTS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'];

/**
 * A store whose customers come back for the *older* of their two products: each buys `a`, then
 * `b` 70 days later, and their next order (after the learning cut, 90 days before NOW) holds
 * `a` again. Every product plays both roles, so no product is simply the better seller.
 */
function reorderingStore(customers: number): PurchaseLine[] {
  const lines: PurchaseLine[] = [];
  for (let i = 0; i < customers; i++) {
    const a = PRODUCTS[i % 10] ?? 'p0';
    const b = PRODUCTS[(i + 1 + (i % 7)) % 10] ?? 'p1';
    const shift = i % 20;
    for (const [n, productId, days] of [
      [1, a, 200 - shift],
      [2, b, 130 - shift],
      [3, a, 60 - (i % 30)],
    ] as const) {
      lines.push({
        customerId: `c${i}`,
        orderId: `c${i}-${n}`,
        orderedAt: ago(days),
        productId,
        category: null,
        quantity: 1,
      });
    }
  }
  return lines;
}

/** Bought `older` 140 days ago and `newer` 70 days ago. */
const shopper = (older: string, newer: string): CustomerContext => ({
  now: NOW,
  purchases: [
    { productId: older, orderId: 'o1', at: ago(140) },
    { productId: newer, orderId: 'o2', at: ago(70) },
  ],
  viewed: [],
  removedFromCart: new Set(),
  replenishments: [],
  orderGapDays: 70,
});
const ids = (list: { productId: string }[]) => list.map((c) => c.productId);

describe('the learned buy-again ranker', () => {
  const history = PurchaseHistory.from(reorderingStore(120));
  const fitted = fitRecommendations(history, { now: NOW });

  it('learns what the next orders held, even against the rules', () => {
    expect(fitted.buyAgainRanker?.customers).toBe(120);
    expect(fitted.buyAgainRanker?.learnedAt).toBe(ago(90));
    const model = modelView(fitted);
    expect(ids(buyAgain(shopper('p0', 'p1'), model))).toEqual(['p0', 'p1']);
    expect(ids(buyAgain(shopper('p1', 'p0'), model))).toEqual(['p1', 'p0']);
    // The rules rank the latest purchase first: what the store taught the ranker is new.
    const rules = modelView({ ...fitted, buyAgainRanker: null });
    expect(ids(buyAgain(shopper('p0', 'p1'), rules))).toEqual(['p1', 'p0']);
  });

  it('learns only from orders before its time', () => {
    const later: PurchaseLine[] = reorderingStore(120).map((l) => ({
      ...l,
      orderId: `later-${l.orderId}`,
      orderedAt: l.orderedAt + 200 * DAY_MS,
      productId: l.productId === 'p3' ? 'new-product' : l.productId,
    }));
    const withFuture = PurchaseHistory.from([...reorderingStore(120), ...later]);
    const a = learnBuyAgainRanker(history, NOW);
    const b = learnBuyAgainRanker(withFuture, NOW);
    expect(b?.ranker).toEqual(a?.ranker);
    expect(b?.priors).toEqual(a?.priors);
    expect(b?.priors.has('new-product')).toBe(false);
  });

  it('leaves the ranking to the rules when too few customers ordered again', () => {
    const small = fitRecommendations(PurchaseHistory.from(reorderingStore(20)), { now: NOW });
    expect(small.buyAgainRanker).toBeNull();
    expect(ids(buyAgain(shopper('p0', 'p1'), modelView(small)))).toEqual(['p1', 'p0']);
    expect(learnBuyAgainRanker(history, NOW, { minCustomers: 121 })).toBeNull();
  });
});

describe.each(engines)('the learned buy-again ranker stored, on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { clock: new ManualClock(NOW) });
    const lines = reorderingStore(120);
    const orders = new Map(lines.map((l) => [l.orderId, l]));
    const db = t.server.services.database.db;
    await db
      .insertInto('profile_orders')
      .values(
        [...orders.values()].map((l) => ({
          workspace_id: 'default',
          order_id: l.orderId,
          profile_id: l.customerId,
          total: 10,
          refunded: 0,
          currency: 'EUR',
          ordered_at: l.orderedAt,
          lines: encodeLines([
            orderLine(l.productId, null, { name: `Product ${l.productId}`, price: 10 }),
          ]),
        })),
      )
      .execute();
  });
  afterAll(async () => t?.stop());

  it('ranks a customer\u2019s own products as it learned, through the API', async () => {
    const products = (older: string, newer: string, id: string) =>
      [older, newer].map((productId, k) => ({
        type: 'track',
        userId: id,
        event: 'Order Completed',
        messageId: `${id}-${k}`,
        timestamp: new Date(ago(k === 0 ? 140 : 70)).toISOString(),
        properties: {
          order_id: `${id}-${k}`,
          products: [{ product_id: productId, name: `Product ${productId}`, price: 10 }],
        },
      }));
    const sent = await t.send('/v1/batch', {
      batch: [...products('p0', 'p1', 'ann'), ...products('p1', 'p0', 'ben')],
    });
    expect(sent.status).toBe(200);
    await t.settle();
    const service = t.server.services.recommendations;
    const fit = await service.requestFit('default', { force: true });
    for (let polls = 0; polls < 100; polls++) {
      await t.server.services.jobs.runDue();
      const res = await t.api(`/api/v1/insights/recommendations/fits/${fit.id}`);
      const followed = await json<{ status: string }>(res);
      if (followed.status === 'succeeded') break;
      expect(followed.status).not.toBe('failed');
    }
    const runs = await json<{ data: RecommendationRun[] }>(
      await t.api('/api/v1/insights/recommendations?limit=3'),
    );
    const run = runs.data.find((r) => r.model === 'recommendations');
    expect(run?.parameters.buyAgainRanker).toMatchObject({ customers: 120 });
    for (const [userId, first] of [
      ['ann', 'p0'],
      ['ben', 'p1'],
    ] as const) {
      const profiles = await json<{ data: { id: string }[] }>(
        await t.api(`/api/v1/profiles?userId=${userId}`),
      );
      const id = profiles.data[0]?.id;
      const res = await t.api(`/api/v1/profiles/${id}/recommendations?strategy=buy_again`);
      expect(res.status).toBe(200);
      const items = (await json<{ data: RecommendationItem[] }>(res)).data;
      expect(items.map((i) => i.productId)).toEqual(first === 'p0' ? ['p0', 'p1'] : ['p1', 'p0']);
    }
  });
});
