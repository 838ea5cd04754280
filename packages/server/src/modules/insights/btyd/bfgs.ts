/**
 * BFGS quasi-Newton minimisation with an analytic gradient (Nocedal & Wright 2006, ch. 6): the
 * inverse Hessian is built up from gradient changes, each step is found by a backtracking line
 * search on the Armijo condition, and an update that would lose positive definiteness (a step
 * without positive curvature) is skipped. With the gradient of the BTYD likelihoods this needs a
 * few dozen passes over the customers where Nelder–Mead needs several hundred.
 */
import type { MinimizeResult } from './nelder-mead.js';

export interface ValueAndGradient {
  value: number;
  gradient: number[];
}

export interface BfgsOptions {
  /** Converged when every |∂f/∂x_i| is at most this (default 1e-8). */
  gradientTolerance?: number;
  /**
   * Also converged when no step decreases f any more (the differences have reached the
   * rounding noise of f) and every |∂f/∂x_i| is at most this (default 1e-6).
   */
  stalledGradientTolerance?: number;
  maxIterations?: number;
  /** Largest first step along the initial (steepest-descent) direction (default 1). */
  maxStep?: number;
}

const ARMIJO = 1e-4;

export function bfgs(
  objective: (x: readonly number[]) => ValueAndGradient,
  start: readonly number[],
  opts: BfgsOptions = {},
): MinimizeResult {
  const n = start.length;
  const gTol = opts.gradientTolerance ?? 1e-8;
  const stalledTol = opts.stalledGradientTolerance ?? 1e-6;
  const maxIterations = opts.maxIterations ?? 500;
  let evaluations = 0;
  const evaluate = (x: number[]) => {
    evaluations++;
    const r = objective(x);
    return { x, f: r.value, g: r.gradient };
  };
  const dot = (u: readonly number[], v: readonly number[]) =>
    u.reduce((s, ui, i) => s + ui * (v[i] ?? 0), 0);
  const identity = (): number[][] =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

  let point = evaluate([...start]);
  if (!Number.isFinite(point.f) || point.g.some((v) => !Number.isFinite(v))) {
    return {
      x: point.x,
      value: Infinity,
      evaluations,
      iterations: 0,
      restarts: 0,
      converged: false,
    };
  }
  let H = identity(); // inverse Hessian approximation
  let iterations = 0;
  let converged = false;
  let stalled = false;
  let firstStep = true;
  while (iterations < maxIterations) {
    if (Math.max(...point.g.map(Math.abs)) <= gTol) {
      converged = true;
      break;
    }
    iterations++;
    let direction = H.map((row) => -dot(row, point.g));
    let slope = dot(direction, point.g);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): start over from steepest descent.
      H = identity();
      direction = point.g.map((v) => -v);
      slope = dot(direction, point.g);
    }
    const norm = Math.sqrt(dot(direction, direction));
    const nearlyFlat = Math.max(...point.g.map(Math.abs)) <= stalledTol;
    let step = firstStep ? Math.min(1, (opts.maxStep ?? 1) / norm) : 1;
    let next: ReturnType<typeof evaluate> | undefined;
    for (let tries = 0; tries < 60; tries++) {
      const candidate = evaluate(point.x.map((v, i) => v + step * (direction[i] ?? 0)));
      if (
        Number.isFinite(candidate.f) &&
        candidate.g.every((v) => Number.isFinite(v)) &&
        candidate.f <= point.f + ARMIJO * step * slope
      ) {
        next = candidate;
        break;
      }
      // Near the minimum with f no longer telling points apart: halving further is pointless.
      if (nearlyFlat && Math.abs(candidate.f - point.f) <= 1e-14 * Math.abs(point.f)) break;
      step /= 2;
    }
    if (!next) {
      stalled = true; // no decrease along a descent direction: as good as it gets numerically
      break;
    }
    const s = next.x.map((v, i) => v - (point.x[i] ?? 0));
    const y = next.g.map((v, i) => v - (point.g[i] ?? 0));
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (firstStep) {
        // Scale the initial guess to the curvature just seen (Nocedal & Wright, eq. 6.20).
        const scale = sy / dot(y, y);
        H = H.map((row) => row.map((v) => v * scale));
      }
      const rho = 1 / sy;
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      // H' = H − ρ(H y sᵀ + s yᵀ H) + (ρ² yᵀHy + ρ) s sᵀ
      H = H.map((row, i) =>
        row.map(
          (v, j) =>
            v -
            rho * ((Hy[i] ?? 0) * (s[j] ?? 0) + (s[i] ?? 0) * (Hy[j] ?? 0)) +
            (rho * rho * yHy + rho) * (s[i] ?? 0) * (s[j] ?? 0),
        ),
      );
      firstStep = false;
    }
    const moved = Math.max(...s.map(Math.abs));
    point = next;
    if (moved < 1e-14) {
      stalled = true;
      break;
    }
  }
  const largest = Math.max(...point.g.map(Math.abs));
  if (!converged) converged = largest <= gTol || (stalled && largest <= stalledTol);
  return { x: point.x, value: point.f, evaluations, iterations, restarts: 0, converged };
}
