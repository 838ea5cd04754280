/**
 * Recommendations, replenishment and life stage end to end, on both engines: a catalog, orders
 * and cart events sent through the tracking API, the fit through the admin API, and what the
 * profile, its recommendations, its replenishment list and related products then say.
 */
import type {
  Profile,
  RecommendationFit,
  RecommendationItem,
  RecommendationRun,
} from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { ensureWorkspace } from '../../src/modules/workspaces/index.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-01T12:00:00Z');
const at = (iso: string) => new Date(`${iso}T10:00:00Z`).toISOString();
const daysBefore = (d: number) => new Date(NOW - d * DAY).toISOString();

const catalog = [
  {
    id: 'lens-30',
    title: 'Daily lenses',
    categories: ['Lenses'],
    consumable: true,
    usage_days: 30,
    stock: 100,
  },
  { id: 'solution', title: 'Lens solution', categories: ['Lens care'], stock: 50 },
  { id: 'cloth', title: 'Cleaning cloth', categories: ['Lens care'], stock: 10 },
  { id: 'case', title: 'Lens case', categories: ['Lens care'], stock: 0 },
  { id: 'drops', title: 'Eye drops', categories: ['Lens care'], active: false },
  { id: 'bag', title: 'Travel bag', categories: ['Lens care'] },
  { id: 'sunglasses', title: 'Sunglasses', categories: ['Frames'] },
  { id: 'coffee', title: 'Coffee beans', categories: ['Coffee'] },
];
const line = (id: string, quantity = 1) => ({
  product_id: id,
  name: catalog.find((p) => p.id === id)?.title ?? id,
  category: catalog.find((p) => p.id === id)?.categories[0],
  price: 10,
  quantity,
});

let n = 0;
const track = (userId: string, event: string, timestamp: string, properties: object) => ({
  type: 'track',
  userId,
  event,
  messageId: `rec-${++n}`,
  timestamp,
  properties,
});
const order = (userId: string, timestamp: string, products: object[]) =>
  track(userId, 'Order Completed', timestamp, { order_id: `R-${n + 1}`, products });

describe.each(engines)('recommendations on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { clock: new ManualClock(NOW) });
  });
  afterAll(async () => t?.stop());

  const send = async (calls: unknown[]) => {
    const res = await t.send('/v1/batch', { batch: calls });
    expect(res.status, await res.clone().text()).toBe(200);
    await t.settle();
  };
  const profile = async (userId: string) => {
    const found = (
      await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?userId=${userId}`))
    ).data[0];
    if (!found) throw new Error(`no profile for ${userId}`);
    return found;
  };
  /** Requests a fit (202 at once, with the fit), then follows it until it has finished. */
  const fit = async () => {
    const res = await t.api('/api/v1/insights/recommendations/fit', { method: 'POST' });
    expect(res.status).toBe(202);
    const requested = await json<RecommendationFit>(res);
    const location = `/api/v1/insights/recommendations/fits/${requested.id}`;
    expect(res.headers.get('location')).toBe(location);
    for (let polls = 0; ; polls++) {
      await t.server.services.jobs.runDue();
      const now = await t.api(location);
      expect(now.status).toBe(200);
      const followed = await json<RecommendationFit>(now);
      expect(followed.progress).toBeGreaterThanOrEqual(0);
      expect(followed.progress).toBeLessThanOrEqual(1);
      if (followed.status === 'failed') throw new Error(`fit failed: ${followed.error}`);
      if (followed.status === 'succeeded') {
        const runs = await json<{ data: RecommendationRun[] }>(
          await t.api('/api/v1/insights/recommendations?limit=3'),
        );
        return { ...followed, fitted: followed.fitted === true, runs: runs.data };
      }
      if (polls > 100) throw new Error(`fit ${requested.id} still ${followed.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const recs = async (id: string, query = '') => {
    const res = await t.api(`/api/v1/profiles/${id}/recommendations${query}`);
    expect(res.status).toBe(200);
    return (await json<{ data: RecommendationItem[] }>(res)).data;
  };

  it('learns from the store and recommends by the rules', async () => {
    expect(
      (await t.api('/api/v1/products/batch', { method: 'POST', body: { products: catalog } }))
        .status,
    ).toBe(200);
    const calls: unknown[] = [];
    // Six shoppers buy the lens kit together, lenses again 20 days later, sunglasses 40 days later.
    for (let c = 1; c <= 6; c++) {
      const u = `kit-${c}`;
      calls.push(
        order(
          u,
          at('2025-10-01'),
          ['lens-30', 'solution', 'cloth', 'case', 'drops', 'bag'].map((p) => line(p)),
        ),
      );
      calls.push(order(u, at('2025-10-21'), [line('lens-30')]));
      calls.push(order(u, at('2025-11-10'), [line('sunglasses')]));
    }
    // Five coffee drinkers reorder every 14 days: a learned interval (no usage_days).
    for (let c = 1; c <= 5; c++) {
      for (const d of ['2025-12-01', '2025-12-15', '2025-12-29'])
        calls.push(order(`coffee-${c}`, at(d), [line('coffee')]));
    }
    // Ana: lenses and a cloth; coffee; she viewed sunglasses and put the bag back.
    calls.push(order('ana', at('2026-02-05'), [line('lens-30'), line('cloth')]));
    calls.push(order('ana', at('2026-02-20'), [line('coffee')]));
    calls.push(track('ana', 'Product Viewed', daysBefore(1), { product_id: 'sunglasses' }));
    calls.push(track('ana', 'Product Added', daysBefore(2), { product_id: 'bag' }));
    calls.push(track('ana', 'Product Removed', daysBefore(1.5), { product_id: 'bag' }));
    await send(calls);

    const first = await fit();
    expect(first.fitted).toBe(true);
    expect(first.stage).toBe('done');
    expect(first.runs.map((r) => r.model).sort()).toEqual([
      'life_stage',
      'recommendations',
      'replenishment',
    ]);
    expect(first.runs[0]).toMatchObject({
      customers: 12,
      products: 8,
      fittedAt: new Date(NOW).toISOString(),
    });
    expect(first.written?.profile_insights).toBe(12);
    // The data ends 9 days before the clock: not stale.
    expect(first.asOf).toMatchObject({ stale: false, daysBehindClock: 9, note: null });
    expect(first.runs[0]?.asOf?.dataEndsAt).toBe(at('2026-02-20'));
    // Nothing changed since: skipped.
    const skipped = await fit();
    expect(skipped.fitted).toBe(false);
    expect(skipped.stage).toBe('skipped_unchanged');

    const ana = await profile('ana');
    const blend = await recs(ana.id);
    const ids = blend.map((r) => r.productId);
    // The consumables she is due for come back; what she bought otherwise does not.
    expect(ids).toContain('lens-30');
    expect(ids).toContain('coffee');
    expect(blend.find((r) => r.productId === 'lens-30')?.title).toBe('Daily lenses');
    // (Which strategy the blend credits is the blend's business; the replenishment one says why.)
    const running = await recs(ana.id, '?strategy=replenishment');
    expect(running.map((r) => [r.productId, r.reason]).sort()).toEqual([
      ['coffee', 'running low: due in 5 days'],
      ['lens-30', 'running low: due in 6 days'],
    ]);
    // The same reasons as codes with their numbers, for a client to word in its language.
    expect(running.map((r) => [r.productId, r.reasonCode, r.reasonParams]).sort()).toEqual([
      ['coffee', 'running_low', { days: 5 }],
      ['lens-30', 'running_low', { days: 6 }],
    ]);
    expect(ids).toContain('solution');
    expect(ids).toContain('sunglasses');
    // Out of stock, inactive, put back: never. What she bought otherwise comes back only in the
    // blend's buy-again share (issue 14), never as a discovery.
    for (const never of ['case', 'drops', 'bag']) expect(ids).not.toContain(never);
    const cloth = blend.find((r) => r.productId === 'cloth');
    if (cloth) expect(cloth.strategy).toBe('buy_again');

    // Her latest order (coffee) was never bought with anything: nothing "bought together".
    expect(await recs(ana.id, '?strategy=bought_together')).toEqual([]);
    const also = (await recs(ana.id, '?strategy=also_bought')).map((r) => r.productId);
    // (lens-30 again: bought with her cloth by others, and due.)
    expect(also.sort()).toEqual(['lens-30', 'solution', 'sunglasses']);
    const viewed = await recs(ana.id, '?strategy=recently_viewed');
    expect(viewed.map((r) => [r.productId, r.reason])).toEqual([
      ['sunglasses', 'you viewed this 1 day ago'],
    ]);
    expect(viewed.map((r) => [r.reasonCode, r.reasonParams])).toEqual([['viewed', { days: 1 }]]);
  });

  it('gives due dates: the catalog usage period wins, else the learned interval', async () => {
    const ana = await profile('ana');
    const res = await t.api(`/api/v1/profiles/${ana.id}/replenishment`);
    expect(res.status).toBe(200);
    const page = await json<{ data: Record<string, unknown>[]; nextCursor: string | null }>(res);
    expect(page).toMatchObject({ nextCursor: null, total: 2, otherList: 0 });
    const { data } = page;
    expect(data).toEqual([
      expect.objectContaining({
        productId: 'coffee',
        source: 'learned',
        intervalDays: 14,
        dueAt: at('2026-03-06'),
        due: 'due in 5 days',
        dueInDays: 5,
        lapsed: false,
      }),
      expect.objectContaining({
        productId: 'lens-30',
        title: 'Daily lenses',
        source: 'catalog', // customers rebought every 20 days, but the catalog says 30
        intervalDays: 30,
        dueAt: at('2026-03-07'),
        due: 'due in 6 days',
      }),
    ]);
  });

  it('pages the due list and keeps lapsed items in a list of their own', async () => {
    const ana = await profile('ana');
    const path = `/api/v1/profiles/${ana.id}/replenishment`;
    type Page = { data: { productId: string }[]; nextCursor: string | null; total: number };
    const first = await json<Page>(await t.api(`${path}?limit=1`));
    expect(first.data.map((d) => d.productId)).toEqual(['coffee']);
    expect(first).toMatchObject({ nextCursor: '1', total: 2 });
    const second = await json<Page>(await t.api(`${path}?limit=1&cursor=${first.nextCursor}`));
    expect(second.data.map((d) => d.productId)).toEqual(['lens-30']);
    expect(second.nextCursor).toBe(null);
    const lapsed = await json<Page>(await t.api(`${path}?list=lapsed`));
    expect(lapsed).toMatchObject({ data: [], total: 0, otherList: 2, nextCursor: null });
    for (const bad of ['limit=0', 'limit=201', 'cursor=abc', 'list=old']) {
      const res = await t.api(`${path}?${bad}`);
      expect(res.status, bad).toBe(400);
    }
  });

  it('shows the fields on the profile: next replenishment, next likely category', async () => {
    const ana = await profile('ana');
    expect(ana.insights).toMatchObject({
      next_replenishment_due_at: at('2026-03-06'),
      next_replenishment_product: 'coffee',
      next_likely_category: 'Frames',
      replacement_due_at: null,
    });
    expect(ana.insights?.next_likely_category_probability).toBeGreaterThan(0.5);
  });

  it('relates products, leaving out the product itself and what cannot be sold', async () => {
    const res = await t.api('/api/v1/products/lens-30/related?strategy=bought_together');
    expect(res.status).toBe(200);
    const ids = (await json<{ data: RecommendationItem[] }>(res)).data.map((r) => r.productId);
    expect(ids.sort()).toEqual(['bag', 'cloth', 'solution']);
    const blend = (
      await json<{ data: RecommendationItem[] }>(await t.api('/api/v1/products/lens-30/related'))
    ).data;
    expect(blend.map((r) => r.productId)).not.toContain('lens-30');
    expect((await t.api('/api/v1/products/nope/related')).status).toBe(404);
    expect((await t.api('/api/v1/profiles/nope/recommendations')).status).toBe(404);
    expect((await t.api('/api/v1/profiles/nope/recommendations?strategy=magic')).status).toBe(400);
  });

  it('refits only what changed, and lists its runs', async () => {
    await send([order('newcomer', at('2026-02-27'), [line('coffee')])]);
    const again = await fit();
    expect(again.fitted).toBe(true);
    // One new customer: their own rows, not every profile's.
    expect(again.written?.profile_insights).toBe(1);
    expect(again.written?.profile_replenishment).toBe(1);
    const runs = await json<{ data: RecommendationRun[] }>(
      await t.api('/api/v1/insights/recommendations'),
    );
    expect(runs.data).toHaveLength(6);
    expect(runs.data[0]).toMatchObject({ customers: 13, orders: 36 });
  });

  it('fits every day on the scheduler (the test clock runs the 04:00 UTC job)', async () => {
    await send([order('late', at('2026-03-01'), [line('solution')])]);
    // A workspace created while the server runs (`comeback keys create --workspace`) joins the
    // daily fits at the next run of any workspace.
    await ensureWorkspace(t.server.services.database.db, { id: 'later', name: 'Later', now: NOW });
    const res = await t.api('/api/v1/clock/advance', { method: 'POST', body: { by: 'P1D' } });
    expect(res.status).toBe(200);
    const runs = await json<{ data: RecommendationRun[] }>(
      await t.api('/api/v1/insights/recommendations'),
    );
    expect(runs.data).toHaveLength(9);
    expect(runs.data[0]).toMatchObject({
      customers: 14,
      fittedAt: new Date(Math.floor(NOW / DAY) * DAY + DAY + 4 * 3_600_000).toISOString(),
    });
    const next = await t.server.services.database.db
      .selectFrom('jobs')
      .select(['run_at', 'status', 'workspace_id'])
      .where('kind', '=', 'insights.fit-recommendations')
      .where('status', '=', 'pending')
      .orderBy('workspace_id')
      .execute();
    expect(next.filter((j) => j.workspace_id === 'default').map((j) => Number(j.run_at))).toEqual([
      Math.floor(NOW / DAY) * DAY + 2 * DAY + 4 * 3_600_000,
    ]);
    expect(next.map((j) => j.workspace_id)).toEqual(['default', 'later']);
  });

  it('erases the profile rows with the person', async () => {
    const ana = await profile('ana');
    expect((await t.api(`/api/v1/profiles/${ana.id}`, { method: 'DELETE' })).status).toBe(200);
    const db = t.server.services.database.db;
    for (const table of ['profile_insights', 'profile_replenishment'] as const) {
      const rows = await db
        .selectFrom(table)
        .select('profile_id')
        .where('profile_id', '=', ana.id)
        .execute();
      expect(rows).toEqual([]);
    }
  });
});
