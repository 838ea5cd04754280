import { bfgs, type ValueAndGradient } from './bfgs.js';
import { nelderMead, type MinimizeOptions } from './nelder-mead.js';

/** Log-parameters beyond this are treated as a failed fit (e^±30 is far outside any store). */
const LOG_BOUND = 30;

export interface LogScaleFit {
  /** The fitted parameters, back on their natural (positive) scale. */
  phi: number[];
  logLikelihood: number;
  evaluations: number;
  optimizer: 'bfgs' | 'nelder-mead';
  converged: boolean;
}

/** The natural parameters of log-parameters θ: φ = e^θ. */
export const fromLogScale = (theta: readonly number[]): number[] => theta.map((t) => Math.exp(t));

/**
 * Maximum likelihood for positive parameters, on their logarithms: BFGS on the mean negative
 * log-likelihood with the analytic gradient (chain rule ∂/∂ln φ = φ ∂/∂φ); if that does not
 * converge, Nelder–Mead from where it stopped. `totalLogLikelihood` adds ∂LL/∂φ into `gradient`.
 */
export function maximizeOnLogScale(
  totalLogLikelihood: (phi: number[], gradient: number[]) => number,
  start: number[],
  observations: number,
  opts: MinimizeOptions = {},
): LogScaleFit {
  const n = observations;
  const meanNll = (theta: readonly number[]): ValueAndGradient => {
    if (theta.some((t) => Math.abs(t) > LOG_BOUND)) {
      return { value: Infinity, gradient: theta.map(() => 0) };
    }
    const phi = fromLogScale(theta);
    const g = phi.map(() => 0);
    const value = -totalLogLikelihood(phi, g) / n;
    return { value, gradient: g.map((gi, i) => (-gi * (phi[i] ?? 0)) / n) };
  };
  let result = bfgs(meanNll, start);
  let optimizer: LogScaleFit['optimizer'] = 'bfgs';
  let evaluations = result.evaluations;
  if (!result.converged) {
    const from = Number.isFinite(result.value) ? result.x : start;
    result = nelderMead((theta) => meanNll(theta).value, from, {
      step: 1,
      fTolerance: 1e-12,
      xTolerance: 1e-7,
      // A fallback: data whose maximum lies at infinity (all spends equal...) stop here.
      maxEvaluations: 1500,
      ...opts,
    });
    optimizer = 'nelder-mead';
    evaluations += result.evaluations;
  }
  return {
    phi: fromLogScale(result.x),
    logLikelihood: -result.value * n,
    evaluations,
    optimizer,
    converged: result.converged && Number.isFinite(result.value),
  };
}
