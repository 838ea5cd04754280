/**
 * Knowing when a fit knows nothing (btyd/fit-quality.ts) and the store's own holdout check
 * (btyd/holdout.ts): the nested no-dropout model, the checks on simulated stores with and
 * without dropout, weak predictions falling back to the rules for churn, and the verdicts on
 * CDNOW (a store with dropout: good) and on UCI Online Retail (a full-data test, skipped
 * without ../shared/data: weak).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BgNbdData,
  bgNbdTotalLogLikelihood,
  fitBgNbd,
} from '../../src/modules/insights/btyd/bg-nbd.js';
import {
  fitCustomerValue,
  predictCustomer,
  scoringModelOf,
} from '../../src/modules/insights/btyd/customer-value.js';
import {
  DROPOUT_LR_CRITICAL,
  assessFit,
  fitNbd,
  nbdTotalLogLikelihood,
} from '../../src/modules/insights/btyd/fit-quality.js';
import { runHoldoutCheck } from '../../src/modules/insights/btyd/holdout.js';
import { explainPrediction } from '../../src/modules/insights/btyd/explain.js';
import { simulateCustomers } from '../../src/modules/insights/btyd/simulate.js';
import {
  DAY_MS,
  summarizePurchases,
  type Purchase,
} from '../../src/modules/insights/btyd/summaries.js';
import { fixturePath, hasSharedData, sharedDataPath } from '../support/shared-data.js';

const WEEK_MS = 7 * DAY_MS;
const START = Date.parse('2025-01-06T00:00:00Z');

/** Simulated stores as order lists, and their summaries at the end of the window. */
function store(params: { r: number; alpha: number; a: number; b: number }, weeks: number) {
  const sims = simulateCustomers(params, 3000, { seed: 7, weeks, acquisitionWeeks: weeks / 2 });
  const orders = sims.map((c) =>
    c.purchases.map((w) => ({ at: Math.floor(START + w * WEEK_MS), value: 10 })),
  );
  const end = START + weeks * WEEK_MS;
  const summaries = orders.flatMap((o) => {
    const s = summarizePurchases(o, end);
    return s ? [s] : [];
  });
  return { orders, end, summaries };
}

describe('the no-dropout model (NBD)', () => {
  const { summaries } = store({ r: 0.8, alpha: 6, a: 0.6, b: 2.5 }, 60);
  const data = new BgNbdData(summaries);

  it("is BG/NBD's limit a → 0, with the analytic gradient", () => {
    const ll = nbdTotalLogLikelihood(0.7, 5, data);
    expect(bgNbdTotalLogLikelihood({ r: 0.7, alpha: 5, a: 1e-13, b: 1 }, data)).toBeCloseTo(ll, 6);
    const g = [0, 0];
    nbdTotalLogLikelihood(0.7, 5, data, g);
    const h = 1e-6;
    const dr =
      (nbdTotalLogLikelihood(0.7 + h, 5, data) - nbdTotalLogLikelihood(0.7 - h, 5, data)) / (2 * h);
    const da =
      (nbdTotalLogLikelihood(0.7, 5 + h, data) - nbdTotalLogLikelihood(0.7, 5 - h, data)) / (2 * h);
    expect(g[0]).toBeCloseTo(dr, 3);
    expect(g[1]).toBeCloseTo(da, 3);
  });

  it('never fits better than BG/NBD, in which it is nested', () => {
    expect(fitNbd(data).logLikelihood).toBeLessThanOrEqual(fitBgNbd(data).logLikelihood + 1e-6);
  });
});

describe('assessFit', () => {
  it('a store whose customers drop out: good', () => {
    const { summaries } = store({ r: 0.8, alpha: 6, a: 0.6, b: 2.5 }, 60);
    const q = assessFit(fitBgNbd(summaries), summaries);
    expect(q.level).toBe('good');
    expect(q.failed).toEqual([]);
    expect(q.likelihoodRatio).toBeGreaterThan(DROPOUT_LR_CRITICAL);
  });

  it('a store where nobody drops out: weak, no dropout signal', () => {
    const { summaries } = store({ r: 0.8, alpha: 6, a: 0.0001, b: 50 }, 60);
    const q = assessFit(fitBgNbd(summaries), summaries);
    expect(q.level).toBe('weak');
    expect(q.failed).toContain('no_dropout_signal');
    expect(q.reason).toMatch(/nobody ever stops buying fits as well/);
  });

  it('a history shorter than three typical gaps: weak, short history', () => {
    // 200 customers over 10 weeks whose repeat purchases come 5-7 weeks apart.
    const summaries = Array.from({ length: 200 }, (_, i) => ({
      x: i % 3 === 0 ? 0 : 1,
      tx: i % 3 === 0 ? 0 : 5 + (i % 3),
      T: 8 + (i % 3),
    }));
    const q = assessFit(fitBgNbd(summaries), summaries);
    expect(q.failed).toContain('short_history');
    expect(q.level).toBe('weak');
  });
});

describe('weak predictions', () => {
  const { summaries } = store({ r: 0.8, alpha: 6, a: 0.0001, b: 50 }, 60);
  const model = fitCustomerValue(summaries);

  it('say so, and take P(alive), churn and the next order from the rules', () => {
    if (model.method !== 'bg_nbd') throw new Error(`expected the models: ${model.reason}`);
    const scoring = scoringModelOf(model);
    expect(scoring.quality.level).toBe('weak');
    // Silent for 53 weeks after a two-day burst: the rules call that high risk.
    const silent = { x: 1, tx: 1 / 7, T: 53, monetary: 40, averageValue: 40 };
    const p = predictCustomer(scoring, silent);
    expect(p.quality).toEqual(scoring.quality);
    expect(p.churnBasis).toBe('rules_p_alive');
    expect(p.churnRisk).toBe('high');
    expect(p.pAlive).toBeCloseTo(model.rules.storeGapWeeks / (53 - 1 / 7), 12);
    expect(p.nextOrderWeeks).toBeNull();
    // The purchase rate still comes from the fit, as with a good one.
    const good = { ...scoring, quality: { level: 'good' as const, reason: null } };
    expect(p.expectedOrders365d).toBe(predictCustomer(good, silent).expectedOrders365d);
    expect(predictCustomer(good, silent).churnBasis).toBe('p_alive');
    // The explanation works out what was stored: the rules' P(alive), the model's beside it.
    const steps = explainPrediction(scoring, silent);
    const step = (q: string) => steps.find((st) => st.quantity === q);
    expect(steps[0]).toMatchObject({ quantity: 'quality', value: 'weak' });
    expect(steps.filter((st) => st.quantity === 'p_alive')).toHaveLength(1);
    expect(step('p_alive')?.value).toBe(p.pAlive);
    expect(step('churn_risk')).toMatchObject({ value: 'high', terms: { basis: 'rules_p_alive' } });
    expect(step('expected_orders_365d')?.value).toBe(p.expectedOrders365d);
    expect(step('predicted_clv_365d')?.value).toBe(p.clv365d);
  });
});

describe('runHoldoutCheck', () => {
  const { orders, end } = store({ r: 0.8, alpha: 6, a: 0.6, b: 2.5 }, 60);

  it('fits 90 days before the end and counts what happened in those 90 days', () => {
    const outcome = runHoldoutCheck(orders, end);
    if (!outcome.ok) throw new Error(outcome.reason);
    const { check } = outcome;
    const cutDay = Math.floor(end / DAY_MS) - 90;
    expect(check.cutAt).toBe((cutDay + 1) * DAY_MS - 1);
    let actual = 0;
    let customers = 0;
    for (const list of orders) {
      if (!list.some((p) => p.at <= check.cutAt)) continue;
      customers++;
      const days = new Set(list.map((p) => Math.floor(p.at / DAY_MS)).filter((d) => d > cutDay));
      actual += days.size;
    }
    expect(check.customers).toBe(customers);
    expect(check.actual).toBe(actual);
    expect(check.method).toBe('bg_nbd');
    // The data follow the model: it should beat each customer's own past rate.
    expect(check.beatsNaive).toBe(true);
    expect(Math.abs(check.forecast / check.actual - 1)).toBeLessThan(0.15);
  });

  it('never reads purchases after the instant it is run as of', () => {
    const later = orders.map((list, i) =>
      i % 5 ? list : [...list, { at: end + 3 * DAY_MS, value: 10 }],
    );
    expect(runHoldoutCheck(later, end)).toEqual(runHoldoutCheck(orders, end));
  });

  it('says why when nobody had bought 90 days before the end', () => {
    const outcome = runHoldoutCheck([[{ at: end - DAY_MS, value: 5 }]], end);
    expect(outcome).toEqual({
      ok: false,
      code: 'no_customer_before_cut',
      reason: expect.stringMatching(/no customer/),
    });
  });
});

/** CDNOW as a store would hold it: every purchase of the 2,357 customers up to 1998-06-30. */
function readCdnow(): Purchase[][] {
  const text = zlib.gunzipSync(fs.readFileSync(fixturePath('cdnow', 'CDNOW_sample.txt.gz')));
  const byId = new Map<string, Purchase[]>();
  for (const line of text.toString('utf8').split('\n')) {
    const [, id, ymd, , dollars] = line.trim().split(/\s+/);
    if (!id || !ymd || dollars === undefined) continue;
    const at = Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6)));
    const list = byId.get(id) ?? [];
    list.push({ at, value: Number(dollars) });
    byId.set(id, list);
  }
  return [...byId.values()];
}

/** Online Retail's orders per customer, cleaned as its README says (invoice = order). */
function readOnlineRetail(): Purchase[][] {
  const file = sharedDataPath('online-retail', 'online_retail_full.csv.gz');
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
  const byCustomer = new Map<string, Map<string, Purchase>>();
  for (const line of text.split('\n').slice(1)) {
    // Descriptions may hold commas: the last six fields are read from the end.
    const f = line.split(',');
    const n = f.length;
    if (n < 8) continue;
    const [invoice, quantity, date, price, customer] = [
      f[0],
      f[n - 5],
      f[n - 4],
      f[n - 3],
      f[n - 2],
    ];
    if (!customer || !invoice || invoice.startsWith('C')) continue;
    if (!(Number(quantity) > 0) || !(Number(price) > 0)) continue;
    const orders = byCustomer.get(customer) ?? new Map<string, Purchase>();
    const order = orders.get(invoice) ?? {
      at: Date.parse(`${(date ?? '').replace(' ', 'T')}Z`),
      value: 0,
    };
    order.value += Number(quantity) * Number(price);
    orders.set(invoice, order);
    byCustomer.set(customer, orders);
  }
  return [...byCustomer.values()].map((m) => [...m.values()]);
}

function verdict(purchases: Purchase[][], asOf: number) {
  const summaries = purchases.flatMap((list) => {
    const s = summarizePurchases(list, asOf);
    return s ? [s] : [];
  });
  const model = fitCustomerValue(summaries);
  if (model.method !== 'bg_nbd') throw new Error(`expected the models: ${model.reason}`);
  const holdout = runHoldoutCheck(purchases, asOf);
  if (!holdout.ok) throw new Error(holdout.reason);
  const { r, alpha, a, b } = model.bgNbd.params;
  const h = holdout.check;
  console.log(
    `r=${r.toFixed(4)} alpha=${alpha.toFixed(4)} a=${a.toPrecision(4)} b=${b.toFixed(4)} ` +
      `LL=${model.bgNbd.logLikelihood.toFixed(2)} no-dropout LL=` +
      `${model.quality.noDropoutLogLikelihood.toFixed(2)} LR=${model.quality.likelihoodRatio.toFixed(2)} ` +
      `→ ${model.quality.level} [${model.quality.failed.join(', ')}]; holdout 90 d: forecast ` +
      `${h.forecast.toFixed(1)}, actual ${h.actual}, naive ${h.naive.toFixed(1)} (MAE ` +
      `${h.modelMae.toFixed(3)} vs ${h.naiveMae.toFixed(3)})`,
  );
  return { model, holdout: h };
}

describe('verdicts on real stores', () => {
  it('CDNOW at the published calibration end: good, dropout clearly identified', () => {
    const { model } = verdict(readCdnow(), Date.UTC(1997, 8, 30, 23, 59, 59));
    expect(model.quality.level).toBe('good');
    expect(model.quality.likelihoodRatio).toBeGreaterThan(100);
  });

  it('CDNOW with its whole history: good, and beats the own-past-rate forecast', () => {
    const { model, holdout } = verdict(readCdnow(), Date.UTC(1998, 5, 30, 23, 59, 59));
    expect(model.quality.level).toBe('good');
    expect(holdout.beatsNaive).toBe(true);
  });
});

if (!hasSharedData) console.log('Online Retail verdict skipped: ../shared/data not found');
describe.skipIf(!hasSharedData)('verdict on UCI Online Retail (full data)', () => {
  it('weak: a model without dropout fits as well; churn falls back to the rules', () => {
    const purchases = readOnlineRetail();
    const { model, holdout } = verdict(purchases, Date.parse('2011-12-09T23:59:59Z'));
    expect(model.quality.level).toBe('weak');
    expect(model.quality.failed).toContain('no_dropout_signal');
    const scoring = scoringModelOf(model);
    const risks = purchases.flatMap((list) => {
      const s = summarizePurchases(list, Date.parse('2011-12-09T23:59:59Z'));
      return s ? [predictCustomer(scoring, s)] : [];
    });
    expect(risks.every((p) => p.quality.level === 'weak' && p.churnBasis === 'rules_p_alive')).toBe(
      true,
    );
    // Not everyone is "low risk" any more (the degenerate fit gave P(alive) ≥ 0.71 to all).
    expect(risks.filter((p) => p.churnRisk === 'high').length).toBeGreaterThan(risks.length / 10);
    expect(holdout.customers).toBeGreaterThan(3000);
  });
});
