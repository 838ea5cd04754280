/**
 * The recommendation fit off the request path, on both engines: a request queues a fit on the
 * job queue and answers 202 at once with the fit and its Location; the fit is followed through
 * queued, running and succeeded (or failed); the fit reads only the orders up to the clock and says when the
 * store's data ends long before it.
 */
import type { RecommendationFit, RecommendationRun } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { encodeLines, orderLine } from '../support/order-lines.js';

const DAY = 86_400_000;
/** The clock of an import replayed as of 2011-09-01 (the cut of the benchmark). */
const CLOCK = Date.parse('2011-09-01T00:00:00Z');
const day = (d: number) => CLOCK + d * DAY;

describe.each(engines)('recommendation fits as jobs on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { clock: new ManualClock(CLOCK) });
    // Six customers buy tea every 20 days from 100 days before the clock; each also has an
    // order after the clock (which a fit as of the clock must not read).
    const orders = [];
    for (let c = 0; c < 6; c++) {
      for (const d of [-100, -80, -60, -40, 30]) {
        const orderId = `o-${c}-${d}`;
        orders.push({
          workspace_id: 'default',
          order_id: orderId,
          profile_id: `p-${c}`,
          total: 10,
          refunded: 0,
          currency: 'EUR',
          ordered_at: day(d),
          lines: encodeLines([
            orderLine(d > 0 ? 'cake' : 'tea', null, { name: d > 0 ? 'Cake' : 'Tea', price: 10 }),
          ]),
        });
      }
    }
    const db = t.server.services.database.db;
    await db.insertInto('profile_orders').values(orders).execute();
  });
  afterAll(async () => t?.stop());

  const service = () => t.server.services.recommendations;
  const follow = async (id: string) => {
    const res = await t.api(`/api/v1/insights/recommendations/fits/${id}`);
    expect(res.status).toBe(200);
    return json<RecommendationFit>(res);
  };

  it('queues a fit and answers at once; a second request joins the queued one', async () => {
    const first = await service().requestFit('default');
    expect(first).toMatchObject({
      status: 'queued',
      progress: 0,
      stage: 'queued',
      force: false,
      startedAt: null,
      fitted: null,
      written: null,
      asOf: null,
    });
    const again = await service().requestFit('default', { force: true });
    expect(again.id).toBe(first.id);
    expect(again.force).toBe(true);
    expect(await follow(first.id)).toMatchObject({ id: first.id, status: 'queued' });

    await t.server.services.jobs.runDue();
    const done = await follow(first.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, fitted: true, error: null });
    expect(done.startedAt).not.toBe(null);
    expect(done.written?.profile_insights).toBe(6);
  });

  it('reads only the orders up to the clock, and says where they end', async () => {
    const runs = (
      await json<{ data: RecommendationRun[] }>(
        await t.api('/api/v1/insights/recommendations?limit=3'),
      )
    ).data;
    // 6 customers x 4 orders before the clock; the 6 cakes after it are not read.
    expect(runs[0]).toMatchObject({ orders: 24, products: 1, customers: 6 });
    expect(runs[0]?.asOf).toMatchObject({
      dataEndsAt: new Date(day(-40)).toISOString(),
      asOf: new Date(CLOCK).toISOString(),
      stale: false,
      daysBehindClock: 40,
    });
  });

  it('answers 202 with the fit itself and where to follow it, then reports it finished', async () => {
    const res = await t.api('/api/v1/insights/recommendations/fit?force=true', {
      method: 'POST',
    });
    expect(res.status).toBe(202);
    const fit = await json<RecommendationFit>(res);
    expect(fit).not.toHaveProperty('run');
    expect(fit.force).toBe(true);
    expect(res.headers.get('location')).toBe(`/api/v1/insights/recommendations/fits/${fit.id}`);
    expect(['queued', 'running', 'succeeded']).toContain(fit.status);
    await t.server.services.jobs.runDue();
    const location = res.headers.get('location') ?? '';
    const followed = await json<RecommendationFit>(await t.api(location));
    expect(followed).toMatchObject({ id: fit.id, status: 'succeeded', force: true, fitted: true });
  });

  it('says when the data ends long before the clock', async () => {
    // A year on, with no new order: an imported history.
    const clock = t.server.services.manualClock;
    if (!clock) throw new Error('the test server has a manual clock');
    clock.set(day(365));
    const fit = await service().requestFit('default', { force: true });
    await t.server.services.jobs.runDue();
    const done = await follow(fit.id);
    expect(done.asOf).toMatchObject({
      dataEndsAt: new Date(day(30)).toISOString(),
      // Fitted as of the data's end: the last order, not the clock.
      asOf: new Date(day(30)).toISOString(),
      stale: true,
      daysBehindClock: 335,
    });
    expect(done.asOf?.note).toMatch(/end on 2011-10-01, 335 days before the clock/);
  });

  it('reports a fit whose job was given up as failed', async () => {
    const fit = await service().requestFit('default');
    await t.server.services.database.db
      .updateTable('jobs')
      .set({ status: 'failed', last_error: 'its worker stopped before finishing' })
      .where('dedupe_key', '=', `insights.fit-recommendations:request:${fit.id}`)
      .execute();
    expect(await follow(fit.id)).toMatchObject({
      status: 'failed',
      error: 'its worker stopped before finishing',
    });
    // A new request is not held up by it.
    const next = await service().requestFit('default');
    expect(next.id).not.toBe(fit.id);
    await t.server.services.jobs.runDue();
    expect((await follow(next.id)).status).toBe('succeeded');
  });

  it('refuses an unknown or malformed fit id', async () => {
    expect((await t.api('/api/v1/insights/recommendations/fits/999999')).status).toBe(404);
    const bad = await t.api('/api/v1/insights/recommendations/fits/abc');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('params.id');
  });

  it('keeps the model runs apart from the fits: the run list still answers', async () => {
    const res = await t.api('/api/v1/insights/recommendations?limit=3');
    expect(res.status).toBe(200);
    const runs = (await json<{ data: RecommendationRun[] }>(res)).data;
    expect(runs.map((r) => r.model).sort()).toEqual([
      'life_stage',
      'recommendations',
      'replenishment',
    ]);
    // Fits are followed only at .../fits/{id}; the old polling path is gone.
    expect((await t.api(`/api/v1/insights/recommendations/runs/${runs[0]?.id}`)).status).toBe(404);
  });
});
