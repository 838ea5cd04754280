/**
 * Non-merchandise codes on both engines: postage learned from its order lines, a product the
 * catalog flags `non_product: true` (which wins at once, before any refit) and one whose name
 * reads as a charge but that the catalog keeps (`false`, recommended after the next fit); the
 * list API says what is excluded and why, and no recommendation ever holds an excluded code.
 * Also the flag through a products CSV import, and bad values refused naming the field.
 */
import type {
  NonProductPage,
  Product,
  RecommendationFit,
  RecommendationItem,
} from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { importKit } from '../imports/kit.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

const catalog = [
  { id: 'mug-1', title: 'Blue mug', categories: ['Kitchen'], stock: 50 },
  { id: 'plate-2', title: 'Blue plate', categories: ['Kitchen'], stock: 50 },
  { id: 'gift-wrap', title: 'Gift wrap', categories: ['Kitchen'], stock: 50 },
  // Its order lines say "Fragrance Samples": a name that reads as a charge.
  { id: 'samples', title: 'Fragrance samples box', categories: ['Kitchen'], stock: 50 },
  // The store lists postage in its catalog too, without saying what it is.
  { id: 'POST', title: 'Postage', categories: ['Kitchen'] },
];
const NAMES: Record<string, string> = {
  'mug-1': 'Blue mug',
  'plate-2': 'Blue plate',
  'gift-wrap': 'Gift wrap',
  samples: 'Fragrance Samples',
  POST: 'POSTAGE',
};
const line = (id: string) => ({
  product_id: id,
  name: NAMES[id],
  category: 'Kitchen',
  price: 10,
  quantity: 1,
});

let n = 0;
const order = (userId: string, daysAgo: number, ids: string[]) => ({
  type: 'track',
  userId,
  event: 'Order Completed',
  messageId: `np-${++n}`,
  timestamp: new Date(NOW - daysAgo * DAY).toISOString(),
  properties: { order_id: `NP-${n}`, products: ids.map(line) },
});

describe.each(engines)('non-products on %s', (engine) => {
  let t: TestServer;
  const clock = new ManualClock(NOW);
  beforeAll(async () => {
    t = await startTestServer(engine, { clock });
  });
  afterAll(async () => t?.stop());

  const fit = async () => {
    const res = await t.api('/api/v1/insights/recommendations/fit', { method: 'POST' });
    expect(res.status).toBe(202);
    const { id } = await json<RecommendationFit>(res);
    for (let polls = 0; polls < 100; polls++) {
      await t.server.services.jobs.runDue();
      const followed = await json<RecommendationFit>(
        await t.api(`/api/v1/insights/recommendations/fits/${id}`),
      );
      if (followed.status === 'failed') throw new Error(`fit failed: ${followed.error}`);
      if (followed.status === 'succeeded') return followed;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`fit ${id} did not finish`);
  };
  const anaId = async () => {
    const res = await t.api('/api/v1/profiles?userId=ana');
    const id = (await json<{ data: { id: string }[] }>(res)).data[0]?.id;
    if (!id) throw new Error('no profile for ana');
    return id;
  };
  const recommended = async (path: string) => {
    const res = await t.api(path);
    expect(res.status).toBe(200);
    return (await json<{ data: RecommendationItem[] }>(res)).data.map((r) => r.productId);
  };
  const listed = async (query = '') => {
    const res = await t.api(`/api/v1/recommendations/non-products${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return json<NonProductPage>(res);
  };
  const upsert = async (products: object[]) => {
    const res = await t.api('/api/v1/products/batch', { method: 'POST', body: { products } });
    expect(res.status, await res.clone().text()).toBe(200);
  };

  it('lists what the rules and the catalog exclude, and never recommends it', async () => {
    await upsert(catalog);
    const calls: unknown[] = [];
    for (let c = 1; c <= 8; c++) {
      calls.push(order(`buyer-${c}`, 30, ['mug-1', 'plate-2', 'gift-wrap', 'samples', 'POST']));
    }
    calls.push(order('ana', 5, ['mug-1', 'POST']));
    expect((await t.send('/v1/batch', { batch: calls })).status).toBe(200);
    await t.settle();
    expect((await fit()).fitted).toBe(true);
    const ana = await anaId();
    const forAna = `/api/v1/profiles/${ana}/recommendations?strategy=bought_together`;
    const related = '/api/v1/products/mug-1/related?strategy=bought_together';

    // Before any flag: postage and the "samples" are learned as charges; gift wrap sells.
    expect((await listed()).data).toEqual([
      { productId: 'POST', title: 'Postage', reason: 'description', orders: 9 },
      { productId: 'samples', title: 'Fragrance samples box', reason: 'description', orders: 8 },
    ]);
    expect(await recommended(forAna)).toEqual(expect.arrayContaining(['plate-2', 'gift-wrap']));
    expect(await recommended(forAna)).not.toContain('samples');
    expect(await recommended(forAna)).not.toContain('POST');

    // The catalog speaks: gift wrap is not merchandise; the samples box is.
    clock.advance(60_000);
    await upsert([
      { id: 'gift-wrap', non_product: true },
      { id: 'samples', non_product: false },
    ]);
    const flagged = await json<Product>(await t.api('/api/v1/products/gift-wrap'));
    expect(flagged.nonProduct).toBe(true);
    expect((await json<Product>(await t.api('/api/v1/products/samples'))).nonProduct).toBe(false);
    expect((await json<Product>(await t.api('/api/v1/products/mug-1'))).nonProduct).toBe(null);

    // At once, before the next fit: listed and never served.
    expect((await listed()).data).toEqual([
      { productId: 'POST', title: 'Postage', reason: 'description', orders: 9 },
      { productId: 'gift-wrap', title: 'Gift wrap', reason: 'catalog', orders: 8 },
    ]);
    expect(await recommended(forAna)).toContain('plate-2');
    expect(await recommended(forAna)).not.toContain('gift-wrap');
    expect(await recommended(related)).not.toContain('gift-wrap');

    // The flag changed the catalog, so the next fit runs and learns it both ways.
    expect((await fit()).fitted).toBe(true);
    expect((await listed()).data.map((d) => [d.productId, d.reason])).toEqual([
      ['POST', 'description'],
      ['gift-wrap', 'catalog'],
    ]);
    for (const path of [forAna, related, `/api/v1/profiles/${ana}/recommendations`]) {
      const ids = await recommended(path);
      expect(ids).not.toContain('gift-wrap');
      expect(ids).not.toContain('POST');
    }
    expect(await recommended(forAna)).toEqual(expect.arrayContaining(['plate-2', 'samples']));
    expect(await recommended(related)).toContain('samples');

    // null hands the product back to the rules: the next fit learns it a charge again.
    clock.advance(60_000);
    await upsert([{ id: 'samples', non_product: null }]);
    expect((await listed()).total).toBe(2);
    expect((await fit()).fitted).toBe(true);
    expect((await listed('?reason=description')).data.map((d) => d.productId)).toEqual([
      'POST',
      'samples',
    ]);
  });

  it('pages the list', async () => {
    const first = await listed('?limit=1');
    expect(first).toMatchObject({ total: 3, nextCursor: '1' });
    expect(first.data.map((d) => d.productId)).toEqual(['POST']);
    const rest = await listed(`?limit=5&cursor=${first.nextCursor ?? ''}`);
    expect(rest).toMatchObject({ total: 3, nextCursor: null });
    expect(rest.data.map((d) => d.productId)).toEqual(['gift-wrap', 'samples']);
    expect((await listed('?reason=catalog')).data.map((d) => d.productId)).toEqual(['gift-wrap']);
  });

  it('refuses a flag that is not a boolean, naming the field', async () => {
    const refused = async (path: string, body: unknown, field: string) => {
      const res = await t.api(path, body === undefined ? {} : { method: 'POST', body });
      expect(res.status).toBe(400);
      const { error } = await json<{ error: { code: string; details: { field: string }[] } }>(res);
      expect(error.code).toBe('validation_failed');
      expect(error.details[0]?.field).toBe(field);
    };
    await refused(
      '/api/v1/products/batch',
      { products: [{ id: 'mug-1', non_product: 'yes' }] },
      'products.0.non_product',
    );
    await refused('/api/v1/products', { id: 'mug-1', non_product: 1 }, 'non_product');
    await refused(
      '/api/v1/recommendations/non-products?reason=postage',
      undefined,
      'querystring.reason',
    );
    await refused('/api/v1/recommendations/non-products?limit=0', undefined, 'querystring.limit');
  });
});

describe.each(engines)('non_product in a products import (%s)', (engine) => {
  it('stores the flag from a CSV column, and rejects a value that is not a boolean', async () => {
    const kit = await importKit(engine);
    try {
      const csv = [
        'id,title,non_product',
        'POST,Postage,true',
        'stamps,POSTAGE STAMP BOOK,no',
        'mug-1,Blue mug,',
        'odd,Odd,perhaps',
      ].join('\n');
      const done = await kit.run({ kind: 'products', path: kit.write('products.csv', csv) });
      if (!done.ok) throw new Error(done.error.message);
      expect(done.value).toMatchObject({ imported: 3, rejected: 1 });
      const rows = await kit.rows<{ id: string; non_product: number | null }>(
        'select id, non_product from products order by id',
      );
      expect(
        rows.map((r) => [r.id, r.non_product === null ? null : Number(r.non_product)]),
      ).toEqual([
        ['POST', 1],
        ['mug-1', null],
        ['stamps', 0],
      ]);
    } finally {
      await kit.close();
    }
  });
});
