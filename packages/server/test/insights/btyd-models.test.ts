import { describe, expect, it } from 'vitest';
import {
  bgParams,
  BgNbdData,
  bgNbdLogLikelihood,
  bgNbdTotalLogLikelihood,
  conditionalExpectedPurchases,
  EULER_FORM_UP_TO_A,
  expectedPurchases,
  expectedPurchasesTerms,
  fitBgNbd,
  medianWeeksToNextPurchase,
  probabilityAlive,
  probabilityOfPurchase,
  type BgNbdParams,
} from '../../src/modules/insights/btyd/bg-nbd.js';
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  gammaGammaTotalLogLikelihood,
  populationMeanSpend,
} from '../../src/modules/insights/btyd/gamma-gamma.js';
import { nelderMead } from '../../src/modules/insights/btyd/nelder-mead.js';
import { hyp2f1 } from '../../src/modules/insights/btyd/special-functions.js';
import { simulateCustomers, summaryOfSimulated } from '../../src/modules/insights/btyd/simulate.js';

/** The published CDNOW estimates (Fader, Hardie & Lee 2005). */
const CDNOW: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };
/** The same at full precision (the maximum on the shared data; the spreadsheet uses these). */
const CDNOW_MLE: BgNbdParams = { r: 0.2425945, alpha: 4.413602, a: 0.792922, b: 2.425907 };

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** The likelihood as printed in the paper, with integer parameters so Γ is a factorial. */
function paperLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const G = (n: number) => factorial(n - 1);
  const B = (u: number, v: number) => (G(u) * G(v)) / G(u + v);
  const { r, alpha, a, b } = p;
  const common = (G(r + x) * alpha ** r) / G(r);
  const first = (B(a, b + x) / B(a, b)) * (common / (alpha + T) ** (r + x));
  const second = x > 0 ? (B(a + 1, b + x - 1) / B(a, b)) * (common / (alpha + tx) ** (r + x)) : 0;
  return first + second;
}

/** The conditional expectation in its textbook form, with the general 2F1. */
function textbookExpectation(p: BgNbdParams, t: number, x: number, tx: number, T: number) {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const num = ((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f);
  const odds = x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0;
  return num / (1 + odds);
}

describe('BG/NBD', () => {
  const integer: BgNbdParams = { r: 2, alpha: 5, a: 3, b: 4 };

  it('log-likelihood equals the log of the paper formula', () => {
    for (const [x, tx, T] of [
      [0, 0, 10],
      [1, 3, 10],
      [4, 9.5, 12],
      [7, 20, 20],
    ] as const) {
      const expected = Math.log(paperLikelihood(integer, x, tx, T));
      expect(bgNbdLogLikelihood(integer, { x, tx, T })).toBeCloseTo(expected, 12);
    }
  });

  it('the grouped total equals the sum over customers, duplicates included', () => {
    const customers = [
      { x: 0, tx: 0, T: 38.86 },
      { x: 2, tx: 30.43, T: 38.86 },
      { x: 2, tx: 30.43, T: 38.86 },
      { x: 1, tx: 1.71, T: 38.86 },
      { x: 12, tx: 35, T: 36.2 },
    ];
    const sum = customers.reduce((s, c) => s + bgNbdLogLikelihood(CDNOW, c), 0);
    const data = new BgNbdData(customers);
    expect(data.weight.length).toBe(4);
    expect(data.repeatCustomers).toBe(4);
    expect(bgNbdTotalLogLikelihood(CDNOW, data)).toBeCloseTo(sum, 10);
  });

  it('P(alive) is 1 without repeat purchases, in (0, 1] always, and matches the closed form', () => {
    expect(probabilityAlive(CDNOW, { x: 0, tx: 0, T: 50 })).toBe(1);
    for (let x = 0; x < 100; x += 10) {
      for (let tx = 0; tx < 100; tx += 10) {
        for (let T = tx; T < 100; T += 10) {
          const pa = probabilityAlive(CDNOW, { x, tx, T });
          expect(pa).toBeGreaterThanOrEqual(0);
          expect(pa).toBeLessThanOrEqual(1);
        }
      }
    }
    const { r, alpha, a, b } = CDNOW;
    const direct = 1 / (1 + (a / (b + 2 - 1)) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2));
    expect(probabilityAlive(CDNOW, { x: 2, tx: 30.43, T: 38.86 })).toBeCloseTo(direct, 14);
  });

  it('the conditional expectation equals the textbook 2F1 form, also for many purchases', () => {
    for (const [t, x, tx, T] of [
      [39, 2, 30.43, 38.86],
      [52, 0, 0, 10],
      [13, 1, 5, 30],
      [52.14, 25, 37, 38],
      [5, 60, 70, 71],
    ] as const) {
      const ours = conditionalExpectedPurchases(CDNOW, t, { x, tx, T });
      expect(ours).toBeCloseTo(textbookExpectation(CDNOW, t, x, tx, T), 9);
    }
  });

  it('is continuous at a = 1, where the textbook form divides 0 by 0', () => {
    const at = (a: number) =>
      conditionalExpectedPurchases({ ...CDNOW, a }, 26, { x: 3, tx: 20, T: 30 });
    const left = textbookExpectation({ ...CDNOW, a: 1 - 1e-6 }, 26, 3, 20, 30);
    const right = textbookExpectation({ ...CDNOW, a: 1 + 1e-6 }, 26, 3, 20, 30);
    expect(at(1)).toBeCloseTo((left + right) / 2, 6);
    expect(at(1 + 1e-9)).toBeCloseTo(at(1), 8);
  });

  it('past a = 20 uses the textbook form, equal to Euler’s on both sides of the switch', () => {
    const euler = (p: BgNbdParams, c: { x: number; tx: number; T: number }) =>
      expectedPurchasesTerms({ ...p, a: EULER_FORM_UP_TO_A }, 52, c).expected;
    for (const c of [
      { x: 0, tx: 0, T: 1 },
      { x: 4, tx: 10, T: 17 },
      { x: 40, tx: 30, T: 31 },
    ]) {
      const p = { r: 0.52, alpha: 4.5, a: EULER_FORM_UP_TO_A, b: 310 };
      const above = expectedPurchasesTerms({ ...p, a: EULER_FORM_UP_TO_A * (1 + 1e-12) }, 52, c);
      expect(above.form).toBe('textbook');
      expect(expectedPurchasesTerms(p, 52, c).form).toBe('euler');
      expect(above.expected / euler(p, c)).toBeCloseTo(1, 9);
    }
  });

  it('stays finite and equal to the textbook form at the bounds of a weak fit (a, b in the millions)', () => {
    // A daily demo fit ran to these: Euler's series needed over a million terms per customer.
    const p = { r: 0.52, alpha: 4.5, a: 1_573_158, b: 1_622_738 };
    for (const c of [
      { x: 0, tx: 0, T: 1 },
      { x: 3, tx: 8, T: 17 },
    ]) {
      const got = conditionalExpectedPurchases(p, 52, c);
      expect(Number.isFinite(got)).toBe(true);
      expect(got / textbookExpectation(p, 52, c.x, c.tx, c.T)).toBeCloseTo(1, 9);
      // No dropout to speak of (b/(a+b) ≈ 1/2 per purchase, but at a rate near Gamma's mean):
      // between 0 and the no-dropout NBD expectation.
      expect(got).toBeGreaterThan(0);
      expect(got).toBeLessThan(((p.r + c.x) / (p.alpha + c.T)) * 52);
    }
  });
  it("reproduces Hardie's spreadsheet values (via lifetimes' tests)", () => {
    // E[X(t)] at the published parameters, rounded in the spreadsheet to 4 decimals.
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) =>
      expect(Math.abs(expectedPurchases(CDNOW_MLE, t) - (expected[i] ?? 0))).toBeLessThan(5e-4),
    );
    // The customer with x = 2, t_x = 30.43, T = 38.86: 1.226 purchases in the next 39 weeks.
    const c = { x: 2, tx: 30.43, T: 38.86 };
    expect(Math.abs(conditionalExpectedPurchases(CDNOW_MLE, 39, c) - 1.226)).toBeLessThan(5e-4);
    // P(X(39) = 0) for a new customer: 0.5737864 (R BTYD's reference).
    expect(1 - probabilityOfPurchase(CDNOW, 39, { x: 0, tx: 0, T: 0 })).toBeCloseTo(0.5737864, 6);
  });

  it('the median time to the next purchase is where P(a purchase) reaches 1/2', () => {
    const c = { x: 8, tx: 36, T: 38 };
    const weeks = medianWeeksToNextPurchase(CDNOW, c);
    expect(weeks).not.toBeNull();
    expect(probabilityOfPurchase(CDNOW, weeks ?? 0, c)).toBeCloseTo(0.5, 12);
    // Likely gone (P(alive) < 1/2): no date.
    expect(medianWeeksToNextPurchase(CDNOW, { x: 1, tx: 0.5, T: 38 })).toBeNull();
  });

  it('the analytic gradient matches central differences of the log-likelihood', () => {
    const sims = simulateCustomers(CDNOW, 300, { seed: 3, weeks: 78, acquisitionWeeks: 12 });
    const data = new BgNbdData(sims.map(summaryOfSimulated));
    const p: BgNbdParams = { r: 0.4, alpha: 3.1, a: 1.3, b: 2.2 };
    const gradient = [0, 0, 0, 0];
    bgNbdTotalLogLikelihood(p, data, gradient);
    (['r', 'alpha', 'a', 'b'] as const).forEach((k, i) => {
      const h = 1e-6 * p[k];
      const up = bgNbdTotalLogLikelihood({ ...p, [k]: p[k] + h }, data);
      const down = bgNbdTotalLogLikelihood({ ...p, [k]: p[k] - h }, data);
      const numeric = (up - down) / (2 * h);
      expect(Math.abs((gradient[i] ?? 0) - numeric), k).toBeLessThan(
        1e-5 * Math.abs(numeric) + 1e-6,
      );
    });
  });

  it('BFGS and Nelder–Mead agree on the maximum', () => {
    const sims = simulateCustomers(CDNOW, 3000, { seed: 5, weeks: 78, acquisitionWeeks: 12 });
    const data = new BgNbdData(sims.map(summaryOfSimulated));
    const viaBfgs = fitBgNbd(data);
    expect(viaBfgs.optimizer).toBe('bfgs');
    const start = [0, Math.log(data.meanT), 0, 0];
    const viaNm = nelderMead((t) => -bgNbdTotalLogLikelihood(bgParams(t), data), start, {
      step: 1,
    });
    expect(Math.abs(viaBfgs.logLikelihood + viaNm.value)).toBeLessThan(1e-6);
    expect(Math.log(viaBfgs.params.r)).toBeCloseTo(viaNm.x[0] ?? 0, 4);
    expect(Math.log(viaBfgs.params.b)).toBeCloseTo(viaNm.x[3] ?? 0, 4);
  });

  it('recovers known parameters from 20,000 simulated customers', () => {
    const truth: BgNbdParams = { r: 0.5, alpha: 6, a: 0.8, b: 3 };
    const sims = simulateCustomers(truth, 20_000, { seed: 7, weeks: 104, acquisitionWeeks: 52 });
    const fit = fitBgNbd(sims.map(summaryOfSimulated));
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[k] / truth[k] - 1), k).toBeLessThan(0.12);
    }
    // The truth is a little less likely than the maximum, never more.
    const data = new BgNbdData(sims.map(summaryOfSimulated));
    expect(bgNbdTotalLogLikelihood(truth, data)).toBeLessThan(fit.logLikelihood);
  });
});

describe('Gamma-Gamma', () => {
  it('the log-likelihood is the density of the mean of x Gamma(p, ν) values, ν ~ Gamma(q, γ)', () => {
    // x = 1: the marginal of one value is a compound gamma with density
    // Γ(p+q)/(Γ(p)Γ(q)) γ^q m^(p−1) / (γ + m)^(p+q) — integer p, q give it with factorials.
    const params = { p: 2, q: 3, gamma: 4 };
    const m = 1.7;
    const density = ((factorial(4) / (factorial(1) * factorial(2))) * 4 ** 3 * m) / (4 + m) ** 5;
    expect(gammaGammaLogLikelihood(params, { x: 1, m })).toBeCloseTo(Math.log(density), 12);
    const customers = [
      { x: 1, m: 1.7 },
      { x: 3, m: 22.5 },
      { x: 3, m: 9 },
    ];
    const sum = customers.reduce((s, c) => s + gammaGammaLogLikelihood(GG, c), 0);
    expect(gammaGammaTotalLogLikelihood(GG, customers)).toBeCloseTo(sum, 10);
  });

  it("matches Hardie's spreadsheet for the first CDNOW customers (via lifetimes' tests)", () => {
    // (x, zbar) of CDNOW customers 1-10 and E[Z | x, zbar] from brucehardie.com/notes/025.
    const rows = [
      [2, 22.35, 24.65],
      [1, 11.77, 18.91],
      [0, 0, 35.17],
      [0, 0, 35.17],
      [0, 0, 35.17],
      [7, 73.74, 71.46],
      [1, 11.77, 18.91],
      [0, 0, 35.17],
      [2, 25.55, 27.28],
      [0, 0, 35.17],
    ] as const;
    for (const [x, m, expected] of rows) {
      const spend = conditionalExpectedSpend(GG, { x, m: x > 0 ? m : null }) ?? NaN;
      expect(Math.abs(spend - expected)).toBeLessThan(0.1);
    }
    expect(populationMeanSpend({ ...GG, q: 0.9 })).toBeNull();
  });

  it('the analytic gradient matches central differences', () => {
    const customers = [
      { x: 1, m: 12.5 },
      { x: 4, m: 30 },
      { x: 2, m: 7.25 },
      { x: 9, m: 55 },
    ];
    const p = { p: 3.3, q: 2.1, gamma: 18 };
    const gradient = [0, 0, 0];
    gammaGammaTotalLogLikelihood(p, customers, gradient);
    (['p', 'q', 'gamma'] as const).forEach((k, i) => {
      const h = 1e-6 * p[k];
      const numeric =
        (gammaGammaTotalLogLikelihood({ ...p, [k]: p[k] + h }, customers) -
          gammaGammaTotalLogLikelihood({ ...p, [k]: p[k] - h }, customers)) /
        (2 * h);
      expect(Math.abs((gradient[i] ?? 0) - numeric), k).toBeLessThan(
        1e-6 * Math.abs(numeric) + 1e-7,
      );
    });
  });

  it('recovers known parameters from simulated spend', () => {
    const truth = { p: 4, q: 5, gamma: 60 };
    const sims = simulateCustomers({ r: 1.5, alpha: 4, a: 0.5, b: 6 }, 20_000, {
      seed: 11,
      weeks: 104,
      acquisitionWeeks: 52,
      spend: truth,
    });
    const spenders = sims
      .map(summaryOfSimulated)
      .flatMap((s) => (s.x > 0 && s.m !== null ? [{ x: s.x, m: s.m }] : []));
    const fit = fitGammaGamma(spenders);
    expect(fit.converged).toBe(true);
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(fit.params[k] / truth[k] - 1), k).toBeLessThan(0.1);
    }
  });
});
