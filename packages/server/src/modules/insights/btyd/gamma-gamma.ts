/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013):
 * each purchase's value is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so a customer's
 * mean spend is shrunk from their own average towards the population's. Fitted on customers with
 * at least one repeat purchase and their mean repeat-purchase value m. Pure math, no I/O.
 */
import { maximizeOnLogScale } from './log-scale-fit.js';
import type { MinimizeOptions } from './nelder-mead.js';
import { digamma, lnGamma } from './special-functions.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** A repeat customer for the spend model: x repeat purchases with mean value m (> 0). */
export interface SpendSummary {
  x: number;
  m: number;
}

/**
 * ln f(m | p, q, γ, x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x
 * − (px+q) ln(γ + m x): the density of the mean of x purchase values.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, c: SpendSummary): number {
  const { p, q, gamma } = params;
  const px = p * c.x;
  return (
    lnGamma(px + q) -
    lnGamma(px) -
    lnGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(c.m) +
    px * Math.log(c.x) -
    (px + q) * Math.log(gamma + c.m * c.x)
  );
}

/**
 * Σ ln f over the customers; the log-gamma terms are computed once per distinct x. Given
 * `gradient` (length 3), also fills in ∂/∂(p, q, γ):
 * ∂p = Σ x (ψ(px+q) − ψ(px) + ln m + ln x − ln(γ+mx)); ∂q = Σ ψ(px+q) − ψ(q) + ln γ − ln(γ+mx);
 * ∂γ = Σ q/γ − (px+q)/(γ+mx).
 */
export function gammaGammaTotalLogLikelihood(
  params: GammaGammaParams,
  customers: readonly SpendSummary[],
  gradient?: number[],
): number {
  const { p, q, gamma } = params;
  const perX = new Map<number, { value: number; psiPxq: number; psiPx: number }>();
  const lnGammaParam = Math.log(gamma);
  const constant = -lnGamma(q) + q * lnGammaParam;
  const psiQ = gradient ? digamma(q) : 0;
  let total = 0;
  let gP = 0;
  let gQ = 0;
  let gG = 0;
  for (const c of customers) {
    const px = p * c.x;
    let shared = perX.get(c.x);
    if (shared === undefined) {
      shared = {
        value: lnGamma(px + q) - lnGamma(px) + px * Math.log(c.x),
        psiPxq: gradient ? digamma(px + q) : 0,
        psiPx: gradient ? digamma(px) : 0,
      };
      perX.set(c.x, shared);
    }
    const lnM = Math.log(c.m);
    const lnSpent = Math.log(gamma + c.m * c.x);
    total += constant + shared.value + (px - 1) * lnM - (px + q) * lnSpent;
    if (gradient) {
      gP += c.x * (shared.psiPxq - shared.psiPx + lnM + Math.log(c.x) - lnSpent);
      gQ += shared.psiPxq - psiQ + lnGammaParam - lnSpent;
      gG += q / gamma - (px + q) / (gamma + c.m * c.x);
    }
  }
  if (gradient) {
    gradient[0] = gP;
    gradient[1] = gQ;
    gradient[2] = gG;
  }
  return total;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
  evaluations: number;
  optimizer: 'bfgs' | 'nelder-mead';
  converged: boolean;
}

const asGammaGamma = ([p = 1, q = 1, gamma = 1]: readonly number[]): GammaGammaParams => ({
  p,
  q,
  gamma,
});

/**
 * Maximum likelihood on log-parameters, from p = q = 1, γ = the mean m: BFGS with the analytic
 * gradient, Nelder–Mead from where it stopped if it does not converge.
 */
export function fitGammaGamma(
  customers: readonly SpendSummary[],
  opts: MinimizeOptions = {},
): GammaGammaFit {
  const usable = customers.filter((c) => c.x > 0 && c.m > 0 && Number.isFinite(c.m));
  if (usable.length === 0) throw new RangeError('fitGammaGamma needs a repeat customer');
  const meanM = usable.reduce((sum, c) => sum + c.m, 0) / usable.length;
  const fit = maximizeOnLogScale(
    (phi, gradient) => gammaGammaTotalLogLikelihood(asGammaGamma(phi), usable, gradient),
    [0, 0, Math.log(meanM)],
    usable.length,
    opts,
  );
  return {
    params: asGammaGamma(fit.phi),
    logLikelihood: fit.logLikelihood,
    customers: usable.length,
    evaluations: fit.evaluations,
    optimizer: fit.optimizer,
    converged: fit.converged,
  };
}

/** E[Z] for a new customer, p γ / (q − 1); needs q > 1 (otherwise the mean does not exist). */
export function populationMeanSpend(params: GammaGammaParams): number | null {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : null;
}

/**
 * E[Z | x, m] = (p (γ + m x)) / (p x + q − 1): a weighted average of the population mean
 * (weight (q−1)/(px+q−1)) and the customer's own mean m (weight px/(px+q−1)). Without repeat
 * purchases it is the population mean. Null when q ≤ 1.
 */
export function conditionalExpectedSpend(
  params: GammaGammaParams,
  c: { x: number; m: number | null },
): number | null {
  const population = populationMeanSpend(params);
  if (population === null) return null;
  if (c.x <= 0 || c.m === null || !(c.m > 0)) return population;
  return (params.p * (params.gamma + c.m * c.x)) / (params.p * c.x + params.q - 1);
}

/** The weight of the customer's own mean in conditionalExpectedSpend, px / (px + q − 1). */
export function ownSpendWeight(params: GammaGammaParams, x: number): number {
  return x > 0 ? (params.p * x) / (params.p * x + params.q - 1) : 0;
}
