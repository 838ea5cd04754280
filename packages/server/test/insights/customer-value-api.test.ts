/**
 * Customer value end to end, on both engines: orders sent through the tracking API, the fit
 * (requested: 202 and polled; and as the daily job on the test clock), predictions on profiles
 * and explained.
 */
import type {
  CustomerValueFit,
  CustomerValueRun,
  PredictionExplanation,
  Profile,
} from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCustomers } from '../../src/modules/insights/btyd/simulate.js';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { awaitFit } from './customer-value-fit-helper.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** "Now" when the test starts: noon UTC. */
const NOW = Date.parse('2026-03-02T12:00:00Z');
const TODAY = Math.floor(NOW / DAY);

interface Status {
  lastRun: CustomerValueRun | null;
  latestFit: CustomerValueFit | null;
  thresholds: { high: number; medium: number; score: string };
  minimumData: { buyers: number; repeatBuyers: number };
}

let n = 0;
const order = (userId: string, at: number, total: number, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  userId,
  event: 'Order Completed',
  messageId: `cv-${++n}`,
  timestamp: new Date(at).toISOString(),
  properties: { order_id: `O-${n}`, total, currency: 'EUR', ...extra },
});

describe.each(engines)('customer value on %s', (engine) => {
  let t: TestServer;
  const clock = new ManualClock(NOW);
  beforeAll(async () => {
    t = await startTestServer(engine, { clock });
  });
  afterAll(async () => t?.stop());

  const sendAll = async (calls: unknown[]) => {
    for (let i = 0; i < calls.length; i += 100) {
      const res = await t.send('/v1/batch', { batch: calls.slice(i, i + 100) });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    await t.settle();
  };
  const profile = async (userId: string) => {
    const res = await t.api(`/api/v1/profiles?userId=${userId}`);
    const found = (await json<{ data: Profile[] }>(res)).data[0];
    if (!found) throw new Error(`no profile for ${userId}`);
    return found;
  };
  const status = async () => json<Status>(await t.api('/api/v1/insights/customer-value'));
  const explain = (id: string) => t.api(`/api/v1/profiles/${id}/predictions/explain`);
  const daysAgo = (d: number) => (TODAY - d) * DAY + 15 * 3_600_000;

  it('with too little data, uses the transparent rules and says why', async () => {
    expect((await status()).lastRun).toBeNull();
    await sendAll([
      // A: three orders 20 days apart (the second day twice: merged into one purchase-day).
      order('rules-a', daysAgo(60), 30),
      order('rules-a', daysAgo(40), 20),
      order('rules-a', daysAgo(40) + 3_600_000, 10),
      order('rules-a', daysAgo(20), 50),
      // B: one order 10 days ago; C: one order 100 days ago.
      order('rules-b', daysAgo(10), 80),
      order('rules-c', daysAgo(100), 40),
      // D: only a cancelled order, E: only a wholly refunded one: neither is a customer.
      order('rules-d', daysAgo(5), 25, { status: 'cancelled' }),
      order('rules-e', daysAgo(5), 25),
      {
        type: 'track',
        userId: 'rules-e',
        event: 'Order Refunded',
        messageId: 'cv-refund-e',
        timestamp: new Date(daysAgo(4)).toISOString(),
        properties: { order_id: `O-${n}` },
      },
    ]);
    // The request answers at once with the fit, queued; a job runs it.
    const res = await t.api('/api/v1/insights/customer-value/fit', { method: 'POST' });
    expect(res.status, await res.clone().text()).toBe(202);
    const queued = await json<CustomerValueFit>(res);
    expect(queued).toMatchObject({ status: 'queued', progress: 0, run: null, error: null });
    expect(res.headers.get('location')).toBe(`/api/v1/insights/customer-value/fits/${queued.id}`);
    expect(queued.requestedAt).toBe(new Date(NOW).toISOString());
    const fit = await awaitFit(t, queued.id);
    expect(fit).toMatchObject({ id: queued.id, status: 'succeeded', progress: 1, error: null });
    const run = fit.run;
    if (!run) throw new Error('no run');
    expect(run.method).toBe('rules');
    // The rules are never a strong model; the data ends 10 days before the clock: not stale.
    expect(run.quality).toMatchObject({ level: 'weak', failed: ['too_little_data'] });
    expect(run.asOf).toEqual({
      dataEndsAt: new Date(daysAgo(10)).toISOString(),
      asOf: new Date(NOW).toISOString(),
      stale: false,
      daysBehindClock: 9,
      note: null,
    });
    expect(run.reason).toMatch(
      /too little data.*3 buyers of which 1 bought again.*100 buyers and 20 repeat/,
    );
    const tooLittle = {
      code: 'too_little_data',
      params: { buyers: 3, repeat_buyers: 1, min_buyers: 100, min_repeat_buyers: 20 },
    };
    expect(run.reasonCode).toBe('too_little_data');
    expect(run.reasonParams).toEqual(tooLittle.params);
    expect(run.quality?.findings).toEqual([tooLittle]);
    expect(run.holdoutNoteCode).toBe(run.holdout ? null : 'no_customer_before_cut');
    expect(run.customers).toBe(3);
    expect(run.repeatCustomers).toBe(1);
    expect(run.fittedAt).toBe(new Date(NOW).toISOString());
    expect(run.parameters.bg_nbd).toBeNull();
    expect(run.logLikelihood).toBeNull();
    // A's gap is 20 days (t_x / x = 40 days / 2); the store's is the same (A is its repeat buyer).
    expect(run.parameters.rules.store_gap_weeks).toBeCloseTo(20 / 7, 10);

    const s = await status();
    expect(s.lastRun?.id).toBe(run.id);
    // Read back from storage, the codes are the same.
    expect(s.lastRun?.reasonCode).toBe('too_little_data');
    expect(s.lastRun?.quality?.findings).toEqual([tooLittle]);
    expect(s.latestFit?.stage).toBe('done');
    expect(s.latestFit?.id).toBe(queued.id);
    expect(s.thresholds).toMatchObject({ high: 0.3, medium: 0.7 });
    expect(s.minimumData).toEqual({ buyers: 100, repeatBuyers: 20 });

    const a = await profile('rules-a');
    expect(a.predictions).toMatchObject({
      method: 'rules',
      p_alive: 1,
      churn_risk: 'low',
      quality: 'weak',
    });
    expect(a.predictions?.quality_reason).toMatch(/too little data/);
    expect(a.predictions?.quality_findings).toEqual([tooLittle]);
    // One order per 20-day gap while active: 90 / 20 = 4.5.
    expect(a.predictions?.expected_orders_90d).toBeCloseTo(4.5, 10);
    expect(a.predictions?.predicted_clv_365d).toBeCloseTo((365 / 20) * (110 / 3), 8);
    expect(a.predictions?.expected_next_order_at).toBe(new Date(NOW).toISOString()); // due now
    const c = await profile('rules-c');
    // 100 days since the last order against a 20-day gap: p_alive = 0.2, high risk, no date.
    expect(c.predictions).toMatchObject({ method: 'rules', churn_risk: 'high' });
    expect(c.predictions?.p_alive).toBeCloseTo(0.2, 10);
    expect(c.predictions?.expected_next_order_at).toBeNull();
    expect((await profile('rules-d')).predictions).toBeNull();
    expect((await profile('rules-e')).predictions).toBeNull();

    const ex = await explain(a.id);
    expect(ex.status).toBe(200);
    const body = await json<PredictionExplanation>(ex);
    expect(body.method).toBe('rules');
    expect(body.reason).toMatch(/too little data/);
    expect(body.reasonCode).toBe('too_little_data');
    expect(body.reasonParams).toEqual(tooLittle.params);
    expect(body.inputs).toMatchObject({ x: 2, monetary: 40, average_order_value: 110 / 3 });
    expect(body.inputs.t_x).toBeCloseTo(40 / 7, 12);
    expect(body.inputs.T).toBeCloseTo(60 / 7, 12);
    const gap = body.steps.find((st) => st.quantity === 'gap_weeks');
    expect(gap?.terms.source).toBe('customer');
    expect(body.steps.find((st) => st.quantity === 'p_alive')?.value).toBe(1);
  });

  it('fits BG/NBD + Gamma-Gamma as the daily job once there is enough data', async () => {
    const start = NOW - 52 * WEEK;
    const sims = simulateCustomers({ r: 0.9, alpha: 8, a: 0.6, b: 2.5 }, 160, {
      seed: 2026,
      weeks: 52,
      acquisitionWeeks: 40,
      spend: { p: 5, q: 4, gamma: 90 },
    });
    const calls = sims.flatMap((c, i) =>
      c.purchases.map((w, k) =>
        order(`sim-${i}`, Math.floor(start + w * WEEK), Math.round((c.values[k] ?? 0) * 100) / 100),
      ),
    );
    await sendAll(calls);
    // The daily fit runs at 03:00 UTC: advance the test clock past it.
    const advanced = await t.api('/clock/advance', { method: 'POST', body: { by: 'P1D' } });
    expect(advanced.status).toBe(200);
    const { lastRun } = await status();
    const fitAt = Math.floor(NOW / DAY) * DAY + DAY + 3 * 3_600_000;
    expect(lastRun?.fittedAt).toBe(new Date(fitAt).toISOString());
    expect(lastRun?.method).toBe('bg_nbd');
    expect(lastRun?.reason).toBeNull();
    expect(lastRun?.reasonCode).toBeNull();
    expect(lastRun?.reasonParams).toBeNull();
    expect(lastRun?.customers).toBe(163);
    expect(lastRun?.repeatCustomers).toBeGreaterThanOrEqual(20);
    expect(lastRun?.scoredProfiles).toBe(163);
    expect(Number.isFinite(lastRun?.logLikelihood)).toBe(true);
    expect(lastRun?.models.bg_nbd?.converged).toBe(true);
    expect(lastRun?.models.gamma_gamma?.converged).toBe(true);
    for (const v of Object.values(lastRun?.parameters.bg_nbd ?? {})) expect(v).toBeGreaterThan(0);

    // Tomorrow's run is planned, once.
    const planned = await t.server.services.database.db
      .selectFrom('jobs')
      .select(['run_at'])
      .where('kind', '=', 'insights.fit-customer-value')
      .where('status', '=', 'pending')
      .execute();
    expect(planned.map((j) => Number(j.run_at))).toEqual([fitAt + DAY]);

    // A repeat buyer: the explanation shows its summary, computed here independently.
    const i = sims.findIndex((c) => new Set(c.purchases.map((w) => dayOf(start, w))).size >= 3);
    const sim = sims[i];
    if (!sim) throw new Error('no repeat buyer simulated');
    const days = [...new Set(sim.purchases.map((w) => dayOf(start, w)))].sort((p, q) => p - q);
    const first = days[0] ?? 0;
    const p = await profile(`sim-${i}`);
    expect(p.predictions?.method).toBe('bg_nbd');
    expect(p.predictions?.computed_at).toBe(new Date(fitAt).toISOString());
    // Every prediction carries the run's verdict on the fit.
    expect(p.predictions?.quality).toBe(lastRun?.quality?.level);
    expect(p.predictions?.quality_reason).toBe(lastRun?.quality?.reason);
    expect(lastRun?.quality?.findings.map((f) => f.code)).toEqual(lastRun?.quality?.failed);
    expect(p.predictions?.quality_findings).toEqual(
      p.predictions?.quality === 'weak' ? lastRun?.quality?.findings : [],
    );
    expect(lastRun?.asOf).toMatchObject({ stale: false, asOf: new Date(fitAt).toISOString() });
    expect(lastRun?.holdout?.customers).toBeGreaterThan(0);
    const res = await explain(p.id);
    expect(res.status).toBe(200);
    const body = await json<PredictionExplanation>(res);
    expect(body.inputs.x).toBe(days.length - 1);
    expect(body.inputs.t_x).toBeCloseTo(((days[days.length - 1] ?? 0) - first) / 7, 10);
    expect(body.inputs.T).toBeCloseTo((Math.floor(fitAt / DAY) - first) / 7, 10);
    expect(body.parameters.bg_nbd).toEqual(lastRun?.parameters.bg_nbd);
    expect(body.run.logLikelihood).toBe(lastRun?.logLikelihood);
    // The steps reproduce the stored predictions.
    const step = (q: string) => body.steps.find((st) => st.quantity === q)?.value;
    expect(step('p_alive')).toBeCloseTo(p.predictions?.p_alive ?? NaN, 12);
    expect(step('expected_orders_365d')).toBeCloseTo(
      p.predictions?.expected_orders_365d ?? NaN,
      12,
    );
    expect(step('predicted_clv_365d')).toBeCloseTo(p.predictions?.predicted_clv_365d ?? NaN, 9);
    expect(step('churn_risk')).toBe(p.predictions?.churn_risk);

    // Earlier customers are scored by the models now too.
    expect((await profile('rules-c')).predictions?.method).toBe('bg_nbd');
  });

  it('a fit of an unknown id is 404, a malformed id 400 naming the field', async () => {
    const missing = await t.api('/api/v1/insights/customer-value/fits/999999');
    expect(missing.status).toBe(404);
    const bad = await t.api('/api/v1/insights/customer-value/fits/abc');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/params\.id/);
  });

  it('a second request while a fit is queued answers with that fit', async () => {
    const service = t.server.services.customerValue;
    const first = await service.requestFit('default');
    const second = await service.requestFit('default');
    expect(second.id).toBe(first.id);
    await t.server.services.jobs.runDue();
    const done = await awaitFit(t, first.id);
    expect(done.status).toBe('succeeded');
    const third = await service.requestFit('default');
    expect(Number(third.id)).toBeGreaterThan(Number(first.id));
    await t.server.services.jobs.runDue();
    expect((await awaitFit(t, third.id)).status).toBe('succeeded');
  });

  it('a fit requested while one is under way joins it', async () => {
    const service = t.server.services.customerValue;
    const [first, second] = await Promise.all([service.fit('default'), service.fit('default')]);
    expect(second.id).toBe(first.id);
    const third = await service.fit('default');
    expect(Number(third.id)).toBeGreaterThan(Number(first.id));
  });

  it('erasing a profile erases its predictions', async () => {
    const c = await profile('rules-c');
    expect((await t.api(`/api/v1/profiles/${c.id}`, { method: 'DELETE' })).status).toBe(200);
    const rows = await t.server.services.database.db
      .selectFrom('customer_value_predictions')
      .select('profile_id')
      .where('profile_id', '=', c.id)
      .execute();
    expect(rows).toEqual([]);
    expect((await explain(c.id)).status).toBe(404);
    const b = await profile('rules-b');
    const missing = await explain('no-such-profile');
    expect(missing.status).toBe(404);
    expect((await explain(b.id)).status).toBe(200);
  });
});

function dayOf(start: number, weeks: number): number {
  return Math.floor(Math.floor(start + weeks * WEEK) / DAY);
}
