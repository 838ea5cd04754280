/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
 * alive, a customer buys at a Poisson rate λ ~ Gamma(r, α); after each repeat purchase they drop
 * out with probability p ~ Beta(a, b). A customer is summarised by x (repeat purchases),
 * t_x (time of the last purchase, from the first) and T (time from the first purchase to now),
 * all in weeks here. Pure math, no I/O.
 */
import { fromLogScale, maximizeOnLogScale } from './log-scale-fit.js';
import type { MinimizeOptions } from './nelder-mead.js';
import {
  digamma,
  expm1Over,
  hyp2f1,
  hyp2f1ExcessOverB,
  lnGamma,
  logAddExp,
} from './special-functions.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's summary: repeat purchases, recency and age, in weeks. */
export interface RfmSummary {
  x: number;
  tx: number;
  T: number;
}

/**
 * ln L(r, α, a, b | x, t_x, T) of one customer, in the log-sum-exp form:
 * ln L = A1 + A2 + ln(e^A3 + δ_{x>0} e^A4) with
 * A1 = ln Γ(r+x) − ln Γ(r) + r ln α, A2 = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x),
 * A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
 */
export function bgNbdLogLikelihood(p: BgNbdParams, c: RfmSummary): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = c;
  const a1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
  const a2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x <= 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return a1 + a2 + logAddExp(a3, a4);
}

/**
 * Customers grouped by identical (x, t_x, T), with the distinct x values indexed, so that one
 * likelihood evaluation computes the log-gamma terms once per distinct x, not per customer.
 */
export class BgNbdData {
  readonly xs: number[];
  readonly xIndex: Int32Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
  readonly customers: number;
  readonly repeatCustomers: number;
  readonly meanT: number;

  constructor(customers: readonly RfmSummary[]) {
    const groups = new Map<string, { c: RfmSummary; w: number }>();
    let repeat = 0;
    let sumT = 0;
    for (const c of customers) {
      if (!(c.x >= 0 && c.tx >= 0 && c.T >= c.tx)) {
        throw new RangeError(`bad summary x=${c.x} t_x=${c.tx} T=${c.T}`);
      }
      if (c.x > 0) repeat++;
      sumT += c.T;
      const key = `${c.x}|${c.tx}|${c.T}`;
      const g = groups.get(key);
      if (g) g.w++;
      else groups.set(key, { c, w: 1 });
    }
    const xs = [...new Set([...groups.values()].map((g) => g.c.x))].sort((p, q) => p - q);
    const position = new Map(xs.map((x, i) => [x, i]));
    const n = groups.size;
    this.xs = xs;
    this.xIndex = new Int32Array(n);
    this.tx = new Float64Array(n);
    this.T = new Float64Array(n);
    this.weight = new Float64Array(n);
    let i = 0;
    for (const { c, w } of groups.values()) {
      this.xIndex[i] = position.get(c.x) ?? 0;
      this.tx[i] = c.tx;
      this.T[i] = c.T;
      this.weight[i] = w;
      i++;
    }
    this.customers = customers.length;
    this.repeatCustomers = repeat;
    this.meanT = customers.length ? sumT / customers.length : 0;
  }
}

/**
 * Σ ln L over all customers: the same formula as bgNbdLogLikelihood, terms shared per x. Given
 * `gradient` (length 4), also fills in ∂/∂(r, α, a, b), with w = e^A4 / (e^A3 + e^A4):
 * ∂r = ψ(r+x) − ψ(r) + ln α − (1−w) ln(α+T) − w ln(α+t_x);
 * ∂α = r/α − (r+x) ((1−w)/(α+T) + w/(α+t_x));
 * ∂a = ψ(a+b) − ψ(a+b+x) + w/a;  ∂b = ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − w/(b+x−1).
 */
export function bgNbdTotalLogLikelihood(
  p: BgNbdParams,
  data: BgNbdData,
  gradient?: number[],
): number {
  const { r, alpha, a, b } = p;
  const nx = data.xs.length;
  const shared = new Float64Array(nx);
  const last = new Float64Array(nx);
  const base = -lnGamma(r) + r * Math.log(alpha) + lnGamma(a + b) - lnGamma(b);
  const lnA = Math.log(a);
  for (let k = 0; k < nx; k++) {
    const x = data.xs[k] ?? 0;
    shared[k] = base + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    last[k] = x > 0 ? lnA - Math.log(b + x - 1) : -Infinity;
  }
  // Per distinct x: the digamma parts of ∂r, ∂a, ∂b, and the customers' summed weights.
  const want = gradient !== undefined;
  const count = want ? new Float64Array(nx) : undefined;
  const wSum = want ? new Float64Array(nx) : undefined;
  let gR = 0;
  let gAlpha = 0;
  let total = 0;
  const { xIndex, tx, T, weight, xs } = data;
  for (let i = 0; i < weight.length; i++) {
    const k = xIndex[i] ?? 0;
    const x = xs[k] ?? 0;
    const rx = r + x;
    const w = weight[i] ?? 0;
    const lnT = Math.log(alpha + (T[i] ?? 0));
    const a3 = -rx * lnT;
    if (x > 0) {
      const lnTx = Math.log(alpha + (tx[i] ?? 0));
      const a4 = (last[k] ?? 0) - rx * lnTx;
      const hi = a3 > a4 ? a3 : a4;
      const e = Math.exp(-Math.abs(a3 - a4));
      total += w * ((shared[k] ?? 0) + hi + Math.log1p(e));
      if (count && wSum) {
        const w4 = a4 >= a3 ? 1 / (1 + e) : e / (1 + e);
        gR -= w * ((1 - w4) * lnT + w4 * lnTx);
        gAlpha -= w * rx * ((1 - w4) / (alpha + (T[i] ?? 0)) + w4 / (alpha + (tx[i] ?? 0)));
        count[k] = (count[k] ?? 0) + w;
        wSum[k] = (wSum[k] ?? 0) + w * w4;
      }
    } else {
      total += w * ((shared[k] ?? 0) + a3);
      if (count) {
        gR -= w * lnT;
        gAlpha -= (w * rx) / (alpha + (T[i] ?? 0));
        count[k] = (count[k] ?? 0) + w;
      }
    }
  }
  if (gradient && count && wSum) {
    const psiR = digamma(r);
    const psiB = digamma(b);
    const psiAB = digamma(a + b);
    let gA = 0;
    let gB = 0;
    for (let k = 0; k < nx; k++) {
      const x = xs[k] ?? 0;
      const n = count[k] ?? 0;
      const ws = wSum[k] ?? 0;
      const psiABX = digamma(a + b + x);
      gR += n * (digamma(r + x) - psiR + Math.log(alpha));
      gAlpha += (n * r) / alpha;
      gA += n * (psiAB - psiABX) + ws / a;
      gB += n * (psiAB + digamma(b + x) - psiB - psiABX) - (x > 0 ? ws / (b + x - 1) : 0);
    }
    gradient[0] = gR;
    gradient[1] = gAlpha;
    gradient[2] = gA;
    gradient[3] = gB;
  }
  return total;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  repeatCustomers: number;
  /** Passes over the customers. */
  evaluations: number;
  optimizer: 'bfgs' | 'nelder-mead';
  converged: boolean;
}

const asBgNbd = ([r = 1, alpha = 1, a = 1, b = 1]: readonly number[]): BgNbdParams => ({
  r,
  alpha,
  a,
  b,
});
/** BG/NBD's parameters from their logarithms (ln r, ln α, ln a, ln b). */
export const bgParams = (theta: readonly number[]): BgNbdParams => asBgNbd(fromLogScale(theta));

/**
 * Maximum likelihood on log-parameters (so r, α, a, b stay positive), from r = a = b = 1 and
 * α = the mean age T (the scale of the time unit): BFGS with the analytic gradient of the mean
 * log-likelihood; if that does not converge, Nelder–Mead with restarts from where it stopped.
 */
export function fitBgNbd(
  customers: readonly RfmSummary[] | BgNbdData,
  opts: MinimizeOptions = {},
): BgNbdFit {
  const data = customers instanceof BgNbdData ? customers : new BgNbdData(customers);
  if (data.customers === 0) throw new RangeError('fitBgNbd needs at least one customer');
  const fit = maximizeOnLogScale(
    (phi, gradient) => bgNbdTotalLogLikelihood(asBgNbd(phi), data, gradient),
    [0, Math.log(Math.max(data.meanT, 1e-3)), 0, 0],
    data.customers,
    opts,
  );
  return {
    params: asBgNbd(fit.phi),
    logLikelihood: fit.logLikelihood,
    customers: data.customers,
    repeatCustomers: data.repeatCustomers,
    evaluations: fit.evaluations,
    optimizer: fit.optimizer,
    converged: fit.converged,
  };
}

/**
 * The odds term of P(alive): δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x). P(alive) is
 * 1 / (1 + odds); a customer without repeat purchases is alive with probability 1 in BG/NBD
 * (dropout only happens right after a repeat purchase).
 */
export function deadOdds(p: BgNbdParams, c: RfmSummary): number {
  if (c.x <= 0) return 0;
  const lnOdds =
    Math.log(p.a) -
    Math.log(p.b + c.x - 1) +
    (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.tx));
  return Math.exp(lnOdds);
}

/** P(alive at T | x, t_x, T). */
export function probabilityAlive(p: BgNbdParams, c: RfmSummary): number {
  return 1 / (1 + deadOdds(p, c));
}

/**
 * E[X(T, T+t) | x, t_x, T]: expected purchases in the next t weeks. The textbook form is
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)] / (1 + odds),
 * z = t/(α+T+t). Euler's transformation turns the 2F1 into (1−z)^(a−1−r−x) ·
 * 2F1(a+b−1−r, a−1; a+b+x−1; z), whose parameters no longer grow with x, and writing that 2F1
 * as 1 + (a−1)·G leaves (a+b+x−1) · [−expm1((a−1) ln(1−z))/(a−1) − (1−z)^(a−1) G] / (1 + odds),
 * which is finite at a = 1 too. Past a = EULER_FORM_UP_TO_A the textbook form is used (see
 * there).
 */
export function conditionalExpectedPurchases(p: BgNbdParams, t: number, c: RfmSummary): number {
  if (t <= 0) return 0;
  return expectedPurchasesTerms(p, t, c).expected;
}

/**
 * Euler's form sums a series whose terms grow until n ≈ (a−1)·z/(1−z): at the bounds a weak fit
 * runs to (a and b in the millions, dropout not identified) that is millions of terms per
 * customer, past the series' cap. The textbook form's series shrinks like (b/(a+b))·z per term
 * there, and a−1, which it divides by, is far from 0.
 */
export const EULER_FORM_UP_TO_A = 20;

export type ExpectedPurchasesTerms = {
  z: number;
  expectedIfAlive: number;
  odds: number;
  expected: number;
} & (
  | { form: 'euler'; /** G = (2F1(a+b−1−r, a−1; a+b+x−1; z) − 1)/(a−1) */ hyp2f1Excess: number }
  | { form: 'textbook'; /** 2F1(r+x, b+x; a+b+x−1; z) */ hyp2f1: number }
);

/** The intermediate numbers of conditionalExpectedPurchases (for explanations). */
export function expectedPurchasesTerms(
  p: BgNbdParams,
  t: number,
  c: RfmSummary,
): ExpectedPurchasesTerms {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + c.T + t);
  const lnOneMinusZ = Math.log1p(-z);
  const odds = deadOdds(p, c);
  if (a > EULER_FORM_UP_TO_A) {
    const f = hyp2f1(r + c.x, b + c.x, a + b + c.x - 1, z);
    // 1 − (1−z)^(r+x)·F as −expm1 of its logarithm: no digits lost when the product nears 1.
    const ifAlive =
      ((a + b + c.x - 1) / (a - 1)) * -Math.expm1((r + c.x) * lnOneMinusZ + Math.log(f));
    return {
      form: 'textbook',
      z,
      hyp2f1: f,
      expectedIfAlive: ifAlive,
      odds,
      expected: ifAlive / (1 + odds),
    };
  }
  const g = hyp2f1ExcessOverB(a + b - 1 - r, a - 1, a + b + c.x - 1, z);
  const bracket = -expm1Over(a - 1, lnOneMinusZ) - Math.exp((a - 1) * lnOneMinusZ) * g;
  const ifAlive = (a + b + c.x - 1) * bracket;
  return {
    form: 'euler',
    z,
    hyp2f1Excess: g,
    expectedIfAlive: ifAlive,
    odds,
    expected: ifAlive / (1 + odds),
  };
}

/** E[X(t)] for a customer just acquired: the conditional expectation at x = t_x = T = 0. */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(p, t, { x: 0, tx: 0, T: 0 });
}

/**
 * P(at least one purchase in the next t weeks | x, t_x, T) = P(alive) · (1 − ((α+T)/(α+T+t))^(r+x)):
 * alive, the posterior rate is Gamma(r+x, α+T), and no purchase means no chance to drop out.
 */
export function probabilityOfPurchase(p: BgNbdParams, t: number, c: RfmSummary): number {
  const noneIfAlive = Math.exp(
    (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.T + t)),
  );
  return probabilityAlive(p, c) * (1 - noneIfAlive);
}

/**
 * The median time to the next purchase, in weeks: the t at which probabilityOfPurchase reaches
 * 1/2, t = (α+T) · ((1 − 1/(2 P(alive)))^(−1/(r+x)) − 1). Null when P(alive) ≤ 1/2 (the customer
 * more likely never buys again).
 */
export function medianWeeksToNextPurchase(p: BgNbdParams, c: RfmSummary): number | null {
  const alive = probabilityAlive(p, c);
  if (!(alive > 0.5)) return null;
  return (p.alpha + c.T) * Math.expm1(-Math.log1p(-0.5 / alive) / (p.r + c.x));
}
