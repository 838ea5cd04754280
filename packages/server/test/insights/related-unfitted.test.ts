import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Related products for a product only orders know (no catalog row, no fit yet): found by
 * reading the orders' lines, which are JSON on the order rows (ADR 0025); a product nobody
 * sold stays unknown.
 */
describe.each(engines)('related products before any fit, on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    const res = await t.send('/v1/track', {
      type: 'track',
      userId: 'u-1',
      event: 'Order Completed',
      messageId: 'related-unfitted-1',
      properties: {
        order_id: 'RU-1',
        products: [
          { product_id: 'first', category: 'Tea', price: 5, quantity: 1 },
          { product_id: 'mystery', category: 'Tea', price: 5, quantity: 1 },
        ],
      },
    });
    expect(res.status).toBe(200);
    await t.settle();
  });
  afterAll(async () => t?.stop());

  it('knows a product from its order lines alone, at any line', async () => {
    const res = await t.api('/api/v1/products/mystery/related');
    expect(res.status).toBe(200);
    expect(Array.isArray((await json<{ data: unknown[] }>(res)).data)).toBe(true);
  });

  it('answers 404 for a product no order holds', async () => {
    expect((await t.api('/api/v1/products/never-sold/related')).status).toBe(404);
  });
});
