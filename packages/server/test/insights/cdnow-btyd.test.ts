/**
 * Validation against the published CDNOW results (Fader, Hardie & Lee 2005), with the data and
 * the preparation of fixtures/cdnow/README.md: the customer is `sample_id`,
 * purchases on the same day are merged, calibration ends 1997-09-30 (39 weeks), time in weeks.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bgParams,
  BgNbdData,
  bgNbdTotalLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  type BgNbdFit,
} from '../../src/modules/insights/btyd/bg-nbd.js';
import { assessFit } from '../../src/modules/insights/btyd/fit-quality.js';
import { fitGammaGamma, type GammaGammaFit } from '../../src/modules/insights/btyd/gamma-gamma.js';
import { nelderMead } from '../../src/modules/insights/btyd/nelder-mead.js';
import {
  summarizePurchases,
  type CustomerSummary,
  type Purchase,
} from '../../src/modules/insights/btyd/summaries.js';
import { fixturePath } from '../support/shared-data.js';

/** The CDNOW sample and its derived tables (lifetimes, MIT; fixtures/cdnow/README.md). */
const readCdnow = (file: string): string => {
  const bytes = fs.readFileSync(fixturePath('cdnow', file));
  return file.endsWith('.gz') ? zlib.gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
};
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, ll: -9582.4 };
const PUBLISHED_GG = { p: 6.25, q: 3.74, gamma: 15.44 };

const utc = (ymd: string) =>
  Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8)));
/** The last instant of the calibration period (1997-09-30, inclusive). */
const CALIBRATION_END = utc('19970930') + 86_399_999;
const HOLDOUT_END = utc('19980630') + 86_399_999;
const HOLDOUT_WEEKS = 39;

interface Customer {
  id: string;
  purchases: Purchase[];
  summary: CustomerSummary;
}

function readSample(): Customer[] {
  const byId = new Map<string, Purchase[]>();
  const text = readCdnow('CDNOW_sample.txt.gz');
  for (const line of text.split('\n')) {
    const [, sampleId, ymd, , dollars] = line.trim().split(/\s+/);
    if (!sampleId || !ymd || dollars === undefined) continue;
    const list = byId.get(sampleId) ?? [];
    list.push({ at: utc(ymd), value: Number(dollars) });
    byId.set(sampleId, list);
  }
  return [...byId].map(([id, purchases]) => {
    const summary = summarizePurchases(purchases, CALIBRATION_END);
    if (!summary) throw new Error(`customer ${id} has no calibration purchase`);
    return { id, purchases, summary };
  });
}

/** Repeat purchase-days (same-day purchases merged) in the holdout period. */
function holdoutPurchaseDays(c: Customer): number {
  const days = new Set(
    c.purchases
      .filter((p) => p.at > CALIBRATION_END && p.at <= HOLDOUT_END)
      .map((p) => Math.floor(p.at / 86_400_000)),
  );
  return days.size;
}

const within = (actual: number, published: number, rel: number) =>
  Math.abs(actual / published - 1) <= rel;

describe('CDNOW: BG/NBD and Gamma-Gamma reproduce the published estimates', () => {
  let customers: Customer[];
  let bg: BgNbdFit;
  let gg: GammaGammaFit;

  beforeAll(() => {
    customers = readSample();
    bg = fitBgNbd(customers.map((c) => c.summary));
    gg = fitGammaGamma(
      customers.flatMap((c) =>
        c.summary.x > 0 && c.summary.monetary !== null
          ? [{ x: c.summary.x, m: c.summary.monetary }]
          : [],
      ),
    );
  });

  it('prepares the data exactly as the published summary (2,357 customers, 946 repeat)', () => {
    expect(customers).toHaveLength(2357);
    expect(customers.filter((c) => c.summary.x > 0)).toHaveLength(946);
    // cdnow_cbs_calibration_holdout.csv: id,x,t_x,T_cal,zbar,x_star_holdout39w,first_purchase
    const rows = readCdnow('cdnow_cbs_calibration_holdout.csv.gz')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const byId = new Map(customers.map((c) => [String(Number(c.id)), c]));
    let mismatches = 0;
    for (const [id, x, tx, T, zbar, holdout] of rows) {
      const c = byId.get(String(Number(id)));
      const s = c?.summary;
      const ok =
        c !== undefined &&
        s !== undefined &&
        s.x === Number(x) &&
        Math.abs(s.tx - Number(tx)) < 1e-5 &&
        Math.abs(s.T - Number(T)) < 1e-5 &&
        Math.abs((s.monetary ?? 0) - Number(zbar)) < 0.006 &&
        holdoutPurchaseDays(c) === Number(holdout);
      if (!ok) mismatches++;
    }
    expect(rows).toHaveLength(2357);
    expect(mismatches).toBe(0);
  });

  it('BG/NBD: r, alpha, a, b within 0.2% of the published values, log-likelihood within 0.1', () => {
    console.log(
      `CDNOW BG/NBD: r=${bg.params.r.toFixed(4)} alpha=${bg.params.alpha.toFixed(4)} ` +
        `a=${bg.params.a.toFixed(4)} b=${bg.params.b.toFixed(4)} LL=${bg.logLikelihood.toFixed(2)} ` +
        `(published r=0.243 alpha=4.414 a=0.793 b=2.426 LL=-9582.4; ${bg.optimizer}, ` +
        `${bg.evaluations} evaluations)`,
    );
    expect(bg.converged).toBe(true);
    expect(bg.customers).toBe(2357);
    expect(bg.repeatCustomers).toBe(946);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      // The published values have three decimals: 0.2% is r = 0.243's rounding.
      expect(within(bg.params[k], PUBLISHED[k], 0.002), `${k} = ${bg.params[k]}`).toBe(true);
    }
    expect(Math.abs(bg.logLikelihood - PUBLISHED.ll)).toBeLessThanOrEqual(0.1);
  });

  it('the fit identifies dropout: not weak (fit-quality.ts)', () => {
    const summaries = customers.map((c) => c.summary);
    const quality = assessFit(bg, summaries);
    expect(quality.level).toBe('good');
    expect(quality.failed).toEqual([]);
    // The no-dropout model (NBD) is far worse: 2·ΔLL ≈ 362 against a critical value of 2.71.
    expect(quality.likelihoodRatio).toBeGreaterThan(300);
  });

  it('the maximum is a maximum: the published point and the Nelder–Mead fit are no better', () => {
    const data = new BgNbdData(customers.map((c) => c.summary));
    expect(bgNbdTotalLogLikelihood(PUBLISHED, data)).toBeLessThanOrEqual(bg.logLikelihood);
    const nm = nelderMead(
      (t) => -bgNbdTotalLogLikelihood(bgParams(t), data),
      [0, Math.log(data.meanT), 0, 0],
      { step: 1 },
    );
    expect(Math.abs(-nm.value - bg.logLikelihood)).toBeLessThan(1e-4);
  });

  it('Gamma-Gamma on the 946 repeat buyers: p, q, gamma within 0.2% of the published values', () => {
    console.log(
      `CDNOW Gamma-Gamma: p=${gg.params.p.toFixed(4)} q=${gg.params.q.toFixed(4)} ` +
        `gamma=${gg.params.gamma.toFixed(4)} LL=${gg.logLikelihood.toFixed(2)} ` +
        `(published p=6.25 q=3.74 gamma=15.44; ${gg.customers} customers)`,
    );
    expect(gg.converged).toBe(true);
    expect(gg.customers).toBe(946);
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(within(gg.params[k], PUBLISHED_GG[k], 0.002), `${k} = ${gg.params[k]}`).toBe(true);
    }
  });

  it('holdout weeks 40-78: expected repeat purchases beside the actual number', () => {
    const actual = customers.reduce((s, c) => s + holdoutPurchaseDays(c), 0);
    // Per customer, conditional on their calibration history.
    const conditional = customers.reduce(
      (s, c) => s + conditionalExpectedPurchases(bg.params, HOLDOUT_WEEKS, c.summary),
      0,
    );
    // Aggregate tracking forecast: each customer from their first purchase, unconditionally.
    const weeksToHoldoutEnd = (c: Customer) =>
      (HOLDOUT_END + 1 - c.summary.firstDayAt) / 604_800_000;
    const tracking = customers.reduce(
      (s, c) =>
        s +
        expectedPurchases(bg.params, weeksToHoldoutEnd(c) - 1 / 7) -
        expectedPurchases(bg.params, c.summary.T),
      0,
    );
    const weekly = readCdnow('cdnow_weekly_repeat_transactions.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const cumulative = (week: number) => weekly.find((w) => w[0] === week)?.[2] ?? NaN;
    console.log(
      `CDNOW holdout (weeks 40-78): actual ${actual} repeat purchases; expected ` +
        `${conditional.toFixed(1)} (sum of per-customer conditional expectations, ` +
        `${((conditional / actual - 1) * 100).toFixed(1)}%), ${tracking.toFixed(1)} ` +
        `(unconditional tracking forecast, ${((tracking / actual - 1) * 100).toFixed(1)}%)`,
    );
    // In the calibration period the model reproduces the 2,457 repeat purchases it was fitted on.
    const inSample = customers.reduce((s, c) => s + expectedPurchases(bg.params, c.summary.T), 0);
    console.log(
      `CDNOW calibration (weeks 1-39): actual ${cumulative(39)}, model ${inSample.toFixed(1)}`,
    );
    expect(actual).toBe(cumulative(78) - cumulative(39));
    expect(Math.abs(inSample / cumulative(39) - 1)).toBeLessThan(0.02);
    // Out of sample BG/NBD under-forecasts CDNOW's holdout by about a tenth (as in the paper's
    // tracking plot, where the forecast runs below the actual cumulative curve).
    expect(Math.abs(conditional / actual - 1)).toBeLessThan(0.15);
    expect(Math.abs(tracking / actual - 1)).toBeLessThan(0.15);
  });
});
