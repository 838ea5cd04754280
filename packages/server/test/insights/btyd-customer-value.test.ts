import { describe, expect, it } from 'vitest';
import {
  conditionalExpectedPurchases,
  probabilityOfPurchase,
} from '../../src/modules/insights/btyd/bg-nbd.js';
import {
  CHURN_THRESHOLDS,
  WEEKS_365D,
  churnRiskOf,
  discountedValue,
  fitCustomerValue,
  predictCustomer,
  scoringModelOf,
  type ScoringModel,
} from '../../src/modules/insights/btyd/customer-value.js';
import { explainPrediction } from '../../src/modules/insights/btyd/explain.js';
import { DEFAULT_GAP_WEEKS, storeRules } from '../../src/modules/insights/btyd/rules.js';
import { simulateCustomers } from '../../src/modules/insights/btyd/simulate.js';
import {
  DAY_MS,
  summarizePurchases,
  type CustomerSummary,
} from '../../src/modules/insights/btyd/summaries.js';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const day = (d: number, hour = 10) => Math.floor(NOW / DAY_MS + d) * DAY_MS + hour * 3_600_000;
const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

function summaries(n: number, seed: number): CustomerSummary[] {
  const sims = simulateCustomers(CDNOW, n, {
    seed,
    weeks: 78,
    acquisitionWeeks: 12,
    spend: { p: 6.25, q: 3.74, gamma: 15.44 },
  });
  const start = NOW - 78 * 7 * DAY_MS;
  return sims.flatMap((c) => {
    const s = summarizePurchases(
      c.purchases.map((w, k) => ({ at: start + w * 7 * DAY_MS, value: c.values[k] ?? 0 })),
      NOW,
    );
    return s ? [s] : [];
  });
}

describe('summarizePurchases', () => {
  it('merges same-day purchases, measures weeks by whole UTC days, ignores the future', () => {
    const s = summarizePurchases(
      [
        { at: day(-30), value: 20 },
        { at: day(-16, 8), value: 5 },
        { at: day(-16, 22), value: 15 },
        { at: day(-2), value: 40 },
        { at: day(3), value: 999 },
      ],
      NOW,
    );
    expect(s).toMatchObject({ x: 2, monetary: 30, averageValue: 80 / 3 });
    expect(s?.tx).toBeCloseTo(28 / 7, 12);
    expect(s?.T).toBeCloseTo(30 / 7, 12);
    expect(summarizePurchases([{ at: day(1), value: 5 }], NOW)).toBeNull();
    expect(summarizePurchases([{ at: day(0, 1), value: 5 }], NOW)).toMatchObject({ x: 0, T: 0 });
  });
});

describe('fitCustomerValue', () => {
  it('uses the rules below 100 buyers or 20 repeat buyers, and says so', () => {
    const few = summaries(60, 1);
    const model = fitCustomerValue(few);
    expect(model.method).toBe('rules');
    if (model.method === 'rules') expect(model.reason).toMatch(/needs at least 100 buyers/);
    const noRepeat = Array.from({ length: 150 }, (_, i) => ({
      x: 0,
      tx: 0,
      T: i / 7,
      monetary: null,
      averageValue: 10,
      firstDayAt: 0,
      lastDayAt: 0,
    }));
    const rules = fitCustomerValue(noRepeat);
    expect(rules.method).toBe('rules');
    if (rules.method === 'rules') expect(rules.reason).toMatch(/150 buyers of which 0 bought/);
    expect(rules.rules).toMatchObject({ storeGapWeeks: DEFAULT_GAP_WEEKS, defaultGap: true });
  });

  it('fits both models with enough data', () => {
    const model = fitCustomerValue(summaries(3000, 2));
    expect(model.method).toBe('bg_nbd');
    if (model.method !== 'bg_nbd') return;
    expect(model.bgNbd.converged).toBe(true);
    expect(model.gammaGamma?.converged).toBe(true);
    expect(model.spendNote).toBeNull();
  });

  it('keeps BG/NBD but notes it when every order costs the same (no spend model)', () => {
    const flat = summaries(3000, 2).map((c) => ({
      ...c,
      monetary: c.x > 0 ? 25 : null,
      averageValue: 25,
    }));
    const model = fitCustomerValue(flat);
    expect(model.method).toBe('bg_nbd');
    if (model.method !== 'bg_nbd') return;
    expect(model.gammaGamma).toBeNull();
    expect(model.spendNote).toMatch(/own average/);
    const first = flat[0];
    if (!first) throw new Error('no customers');
    expect(predictCustomer(scoringModelOf(model), first).spend).toBe(25);
  });

  it("falls back to each customer's own average spend when Gamma-Gamma has q ≤ 1", () => {
    const base = scoringModelOf(fitCustomerValue(summaries(3000, 2)));
    const model: ScoringModel = { ...base, gammaGamma: { p: 2, q: 0.8, gamma: 10 } };
    const c = { x: 3, tx: 20, T: 30, monetary: 12, averageValue: 11 };
    expect(predictCustomer(model, c).spend).toBe(11);
  });
});

describe('predictCustomer', () => {
  const bgModel: ScoringModel = {
    method: 'bg_nbd',
    bgNbd: CDNOW,
    gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
    rules: { storeGapWeeks: 4, defaultGap: false, storeMeanValue: 30 },
    annualDiscountRate: 0,
    quality: { level: 'good', reason: null },
  };

  it('combines BG/NBD and Gamma-Gamma: CLV = expected orders in 365 days x expected spend', () => {
    const c = { x: 2, tx: 30.43, T: 38.86, monetary: 22.35, averageValue: 25 };
    const p = predictCustomer(bgModel, c);
    expect(p.expectedOrders365d).toBeCloseTo(conditionalExpectedPurchases(CDNOW, 365 / 7, c), 14);
    expect(Math.abs(p.spend - 24.65)).toBeLessThan(0.1); // Hardie's spreadsheet, customer 1
    expect(p.clv365d).toBeCloseTo(p.expectedOrders365d * p.spend, 12);
    expect(p.churnBasis).toBe('p_alive');
    expect(p.churnRisk).toBe(churnRiskOf(p.pAlive));
  });

  it('one-time buyers: churn risk from the chance of an order within a year', () => {
    const fresh = predictCustomer(bgModel, { x: 0, tx: 0, T: 1, monetary: null, averageValue: 20 });
    const old = predictCustomer(bgModel, { x: 0, tx: 0, T: 70, monetary: null, averageValue: 20 });
    expect(fresh.pAlive).toBe(1);
    expect(old.pAlive).toBe(1);
    expect(old.churnBasis).toBe('p_order_365d');
    const score = probabilityOfPurchase(CDNOW, WEEKS_365D, { x: 0, tx: 0, T: 70 });
    expect(old.churnScore).toBeCloseTo(score, 14);
    expect(old.churnRisk).toBe('high');
    expect(fresh.churnScore).toBeGreaterThan(old.churnScore);
    expect(old.spend).toBeCloseTo((6.25 * 15.44) / 2.74, 10); // the population mean
  });

  it('churn thresholds: high below 0.3, medium below 0.7, low from 0.7', () => {
    expect(CHURN_THRESHOLDS).toEqual({ high: 0.3, medium: 0.7 });
    expect([0, 0.29, 0.3, 0.69, 0.7, 1].map(churnRiskOf)).toEqual([
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
    ]);
  });

  it('discounts the CLV month by month only when asked to', () => {
    const linear = (w: number) => w / 4; // one order every 4 weeks
    expect(discountedValue(linear, 10, 0)).toBeCloseTo((WEEKS_365D / 4) * 10, 12);
    const discounted = discountedValue(linear, 10, 0.1);
    expect(discounted).toBeLessThan((WEEKS_365D / 4) * 10);
    // 12 equal months, each divided by 1.1^(m/12).
    let expected = 0;
    for (let m = 1; m <= 12; m++) expected += ((WEEKS_365D / 4 / 12) * 10) / 1.1 ** (m / 12);
    expect(discounted).toBeCloseTo(expected, 10);
  });

  it('the next order is the median time to it, and none when unlikely within a year', () => {
    const busy = predictCustomer(bgModel, { x: 10, tx: 37, T: 38, monetary: 20, averageValue: 20 });
    expect(busy.nextOrderWeeks).not.toBeNull();
    const c = { x: 10, tx: 37, T: 38 };
    expect(probabilityOfPurchase(CDNOW, busy.nextOrderWeeks ?? 0, c)).toBeCloseTo(0.5, 10);
    const gone = predictCustomer(bgModel, { x: 1, tx: 1, T: 38, monetary: 20, averageValue: 20 });
    expect(gone.nextOrderWeeks).toBeNull();
  });

  it('rules: p_alive = gap / recency once overdue; orders one per gap while active', () => {
    const rules = storeRules([
      { x: 2, tx: 4, T: 10, monetary: 1, averageValue: 1, firstDayAt: 0, lastDayAt: 0 },
      { x: 1, tx: 6, T: 10, monetary: 1, averageValue: 1, firstDayAt: 0, lastDayAt: 0 },
      { x: 0, tx: 0, T: 3, monetary: null, averageValue: 4, firstDayAt: 0, lastDayAt: 0 },
    ]);
    expect(rules.storeGapWeeks).toBe(4); // median of 2 and 6
    expect(rules.storeMeanValue).toBe(2);
    const model: ScoringModel = {
      method: 'rules',
      bgNbd: null,
      gammaGamma: null,
      rules,
      annualDiscountRate: 0,
      quality: { level: 'weak', reason: 'too little data' },
    };
    const overdue = predictCustomer(model, { x: 0, tx: 0, T: 10, monetary: null, averageValue: 0 });
    expect(overdue.pAlive).toBeCloseTo(0.4, 12);
    expect(overdue.churnRisk).toBe('medium');
    expect(overdue.expectedOrders90d).toBeCloseTo((0.4 * 90) / 7 / 4, 12);
    expect(overdue.spend).toBe(2); // no own value: the store's
    expect(overdue.nextOrderWeeks).toBeNull();
    const own = predictCustomer(model, { x: 4, tx: 8, T: 9, monetary: 5, averageValue: 5 });
    expect(own.pAlive).toBe(1); // own gap 2 weeks, last order 1 week ago
    expect(own.nextOrderWeeks).toBeCloseTo(1, 12);
  });

  it('the explanation reproduces every prediction', () => {
    for (const model of [bgModel, { ...bgModel, method: 'rules' as const, bgNbd: null }]) {
      for (const c of [
        { x: 0, tx: 0, T: 20, monetary: null, averageValue: 15 },
        { x: 5, tx: 30, T: 38, monetary: 40, averageValue: 35 },
      ]) {
        const p = predictCustomer(model, c);
        const steps = explainPrediction(model, c);
        const value = (q: string) => steps.find((s) => s.quantity === q)?.value;
        expect(value('p_alive')).toBe(p.pAlive);
        expect(value('expected_orders_90d')).toBe(p.expectedOrders90d);
        expect(value('expected_orders_365d')).toBe(p.expectedOrders365d);
        expect(value('spend_per_order')).toBe(p.spend);
        expect(value('predicted_clv_365d')).toBe(p.clv365d);
        expect(value('churn_risk')).toBe(p.churnRisk);
        expect(value('expected_next_order_in_weeks')).toBe(p.nextOrderWeeks);
        for (const s of steps) expect(s.formula.length).toBeGreaterThan(10);
      }
    }
  });
});
