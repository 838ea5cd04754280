import fs from 'node:fs';
import vm from 'node:vm';
import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from './support/shared-data.js';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

/** The spec's markdown (segment-docs, CC BY 4.0; fixtures/segment/README.md). */
const SPEC = fixturePath('segment', 'ecommerce_v2.md');

interface SpecCall {
  event: string;
  properties: Record<string, unknown>;
}

/** Every `analytics.track(...)` example of the Segment e-commerce v2 spec, as documented. */
function specExamples(): SpecCall[] {
  const markdown = fs.readFileSync(SPEC, 'utf8');
  const calls: SpecCall[] = [];
  const analytics = {
    track: (event: string, properties: Record<string, unknown>) =>
      calls.push({ event, properties }),
  };
  for (const [, code = ''] of markdown.matchAll(/```js\n([\s\S]*?)```/g)) {
    try {
      vm.runInNewContext(code, { analytics });
    } catch {
      // One documented example ("Coupon Applied") lacks a comma between two properties.
      vm.runInNewContext(code.replace(/(['"\d\]}])\n(\s+\w+:)/g, '$1,\n$2'), { analytics });
    }
  }
  return calls;
}

describe.each(engines)('the Segment e-commerce v2 spec examples on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('accepts every documented event and computes order fields from them', async () => {
    const examples = specExamples();
    expect(examples.length).toBeGreaterThanOrEqual(28);
    const start = Date.parse('2026-05-01T10:00:00Z');
    const batch = examples.map((e, i) => ({
      type: 'track',
      userId: 'spec-shopper',
      messageId: `spec-${i}`,
      timestamp: new Date(start + i * 60_000).toISOString(),
      event: e.event,
      properties: e.properties,
    }));
    const byName = new Map(examples.map((e) => [e.event, e]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining([
        'Product Viewed',
        'Order Completed',
        'Order Refunded',
        'Checkout Started',
      ]),
    );
    // Send everything up to the refund first, then the rest.
    const refundAt = batch.findIndex((b) => b.event === 'Order Refunded');
    expect((await t.send('/v1/batch', { batch: batch.slice(0, refundAt) })).status).toBe(200);
    await t.send('/v1/identify', { userId: 'spec-shopper', traits: { email: 'spec@example.com' } });
    await t.settle();
    const find = async () =>
      (await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?userId=spec-shopper'))).data;
    const [before] = await find();
    const viewed = byName.get('Product Viewed')?.properties.product_id;
    expect(before?.computed).toMatchObject({
      order_count: 1,
      total_spent: 27.5,
      categories_bought: ['Games'],
      products_bought: ['505bd76785ebb509fc183733', '507f1f77bcf86cd799439011'],
      last_product_viewed: viewed,
    });

    expect((await t.send('/v1/batch', { batch: batch.slice(refundAt) })).status).toBe(200);
    await t.settle();
    const [after] = await find();
    // The documented refund (30) exceeds the documented order (27.50): it refunds the whole order.
    expect(after?.computed).toMatchObject({ order_count: 0, total_spent: 0, refunded_total: 27.5 });
    const stored = await t.server.services.database.db
      .selectFrom('event_profiles')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('profile_id', '=', after?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(examples.length + 1);
  });
});
