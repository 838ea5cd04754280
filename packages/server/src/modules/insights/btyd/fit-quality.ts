/**
 * Whether a BG/NBD fit says anything about dropout. A fit can converge and still be
 * unidentified: when the data cannot tell "stopped buying" from "between two long gaps", the
 * maximum runs towards a → 0 (no dropout, P(alive) near 1 for everyone) or the parameters run
 * off to a bound. Three checks, each chosen from theory rather than from any one store:
 *
 * - bounds: a fitted parameter beyond [1e-4, 1e4] (α relative to the mean age T) means the
 *   likelihood was still rising towards a boundary when the optimizer stopped;
 * - dropout signal: the likelihood-ratio test of BG/NBD against its nested no-dropout model
 *   (the NBD, BG/NBD's limit a → 0). The null sits on the boundary of the parameter space, so
 *   2·ΔLL follows ½χ²₀ + ½χ²₁: its 5% critical value is χ²₁'s 90% quantile, 2.706;
 * - history: when the store's observation window spans fewer than 3 typical gaps between
 *   purchases, a silence is not yet evidence of anything.
 * Pure math, no I/O.
 */
import { customerValueLimits } from '@comeback/contracts';
import { BgNbdData, type BgNbdFit } from './bg-nbd.js';
import { maximizeOnLogScale } from './log-scale-fit.js';
import { digamma, lnGamma } from './special-functions.js';

/** ½χ²₀ + ½χ²₁ at 5%: χ²₁'s 90% quantile. */
export const DROPOUT_LR_CRITICAL = customerValueLimits.dropoutLrCritical;
/** Fitted parameters beyond these (α: relative to the mean age T) sit at a bound. */
export const PARAM_BOUND = 1e4;
/** The window must cover this many typical gaps between purchases. */
export const MIN_GAPS_IN_WINDOW = customerValueLimits.minGapsInWindow;

export type FitQualityLevel = 'good' | 'weak';
export type FitQualityCheck = 'parameters_at_bounds' | 'no_dropout_signal' | 'short_history';

export interface FitQuality {
  level: FitQualityLevel;
  /** The failed checks, and one sentence a store owner can read. */
  failed: FitQualityCheck[];
  reason: string | null;
  /** ln L of the no-dropout model (NBD) at its own maximum, and 2·(ln L_BG/NBD − ln L_NBD). */
  noDropoutLogLikelihood: number;
  likelihoodRatio: number;
  /** The store's window (the longest T) and the median gap t_x / x of its repeat buyers, weeks. */
  windowWeeks: number;
  medianGapWeeks: number | null;
}

/**
 * Σ ln L of the NBD (Poisson purchases at rate λ ~ Gamma(r, α), nobody drops out): per
 * customer ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln(α+T), BG/NBD's likelihood at a → 0.
 * Adds ∂/∂(r, α) into `gradient`.
 */
export function nbdTotalLogLikelihood(
  r: number,
  alpha: number,
  data: BgNbdData,
  gradient?: number[],
): number {
  const lnGammaRx = data.xs.map((x) => lnGamma(r + x) - lnGamma(r));
  const psiRx = gradient ? data.xs.map((x) => digamma(r + x) - digamma(r)) : [];
  const lnAlpha = Math.log(alpha);
  let total = 0;
  let gR = 0;
  let gAlpha = 0;
  for (let i = 0; i < data.weight.length; i++) {
    const k = data.xIndex[i] ?? 0;
    const x = data.xs[k] ?? 0;
    const w = data.weight[i] ?? 0;
    const aT = alpha + (data.T[i] ?? 0);
    const lnAT = Math.log(aT);
    total += w * ((lnGammaRx[k] ?? 0) + r * lnAlpha - (r + x) * lnAT);
    if (gradient) {
      gR += w * ((psiRx[k] ?? 0) + lnAlpha - lnAT);
      gAlpha += w * (r / alpha - (r + x) / aT);
    }
  }
  if (gradient) {
    gradient[0] = gR;
    gradient[1] = gAlpha;
  }
  return total;
}

/** The NBD's maximum likelihood, from r = 1 and α = the mean age (as BG/NBD starts). */
export function fitNbd(data: BgNbdData): { r: number; alpha: number; logLikelihood: number } {
  const fit = maximizeOnLogScale(
    ([r = 1, alpha = 1], gradient) => nbdTotalLogLikelihood(r, alpha, data, gradient),
    [0, Math.log(Math.max(data.meanT, 1e-3))],
    data.customers,
  );
  return { r: fit.phi[0] ?? 1, alpha: fit.phi[1] ?? 1, logLikelihood: fit.logLikelihood };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

const f3 = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(2));

/** The three checks on a converged fit of `customers`' summaries. */
export function assessFit(
  fit: BgNbdFit,
  customers: readonly { x: number; tx: number; T: number }[],
  data: BgNbdData = new BgNbdData(customers),
): FitQuality {
  const { r, alpha, a, b } = fit.params;
  const scale = Math.max(data.meanT, 1e-3);
  const inBounds = (v: number) => v > 1 / PARAM_BOUND && v < PARAM_BOUND;
  const atBounds = ![r, a, b, alpha / scale].every(inBounds);
  const nbd = fitNbd(data);
  // The NBD is nested in BG/NBD, so a negative difference is only the optimizers' tolerance.
  const ratio = Math.max(0, 2 * (fit.logLikelihood - nbd.logLikelihood));
  const noDropout = ratio < DROPOUT_LR_CRITICAL;
  let windowWeeks = 0;
  for (const c of customers) windowWeeks = Math.max(windowWeeks, c.T);
  const gap = median(customers.filter((c) => c.x > 0 && c.tx > 0).map((c) => c.tx / c.x));
  const shortHistory = gap !== null && windowWeeks < MIN_GAPS_IN_WINDOW * gap;

  const failed: FitQualityCheck[] = [];
  const sentences: string[] = [];
  if (atBounds) {
    failed.push('parameters_at_bounds');
    sentences.push(
      `the fitted parameters run to a bound (r=${f3(r)}, alpha=${f3(alpha)}, a=${f3(a)}, ` +
        `b=${f3(b)})`,
    );
  }
  if (noDropout) {
    failed.push('no_dropout_signal');
    sentences.push(
      `a model in which nobody ever stops buying fits as well (likelihood ratio ` +
        `${ratio.toFixed(2)} < ${DROPOUT_LR_CRITICAL.toFixed(2)}), so the data says nothing ` +
        'about who has stopped',
    );
  }
  if (shortHistory && gap !== null) {
    failed.push('short_history');
    sentences.push(
      `the history (${windowWeeks.toFixed(1)} weeks) spans fewer than ${MIN_GAPS_IN_WINDOW} ` +
        `typical gaps between purchases (${gap.toFixed(1)} weeks)`,
    );
  }
  return {
    level: failed.length ? 'weak' : 'good',
    failed,
    reason: failed.length
      ? `weak fit: ${sentences.join('; ')}; P(alive), churn risk and the next order follow the transparent rules`
      : null,
    noDropoutLogLikelihood: nbd.logLikelihood,
    likelihoodRatio: ratio,
    windowWeeks,
    medianGapWeeks: gap,
  };
}
