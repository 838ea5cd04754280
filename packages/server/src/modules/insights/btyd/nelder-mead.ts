/**
 * Nelder–Mead minimisation with restarts: derivative-free, robust on the smooth, low-dimensional
 * (3–4 parameter) likelihood surfaces of the BTYD models, which are fitted on log-parameters so
 * the search space is unconstrained. Uses the dimension-adaptive coefficients of Gao & Han
 * (2012). A point where the objective is not finite is treated as infinitely bad, which lets
 * callers express constraints by returning Infinity.
 */

export interface MinimizeOptions {
  /** Initial simplex edge along each axis (default 0.5). */
  step?: number;
  /** Stop when the simplex's values differ by at most this, relative to |best| + 1e-10. */
  fTolerance?: number;
  /** ...and its vertices lie within this distance of the best vertex (per coordinate). */
  xTolerance?: number;
  /** Budget of objective evaluations over all restarts (default 20,000). */
  maxEvaluations?: number;
  /** Restarts from the best point after convergence, until one no longer improves (default 5). */
  maxRestarts?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
  iterations: number;
  restarts: number;
  /** False when the evaluation budget ran out before the tolerances were met. */
  converged: boolean;
}

interface Vertex {
  x: number[];
  f: number;
}

export function nelderMead(
  objective: (x: readonly number[]) => number,
  start: readonly number[],
  opts: MinimizeOptions = {},
): MinimizeResult {
  const n = start.length;
  if (n === 0) throw new RangeError('nelderMead needs at least one dimension');
  const step = opts.step ?? 0.5;
  const fTol = opts.fTolerance ?? 1e-12;
  const xTol = opts.xTolerance ?? 1e-9;
  const maxEvaluations = opts.maxEvaluations ?? 20_000;
  const maxRestarts = opts.maxRestarts ?? 5;
  // Gao & Han's coefficients; for one dimension they degenerate, so use the classic ones.
  const m = Math.max(n, 2);
  const alpha = 1;
  const beta = 1 + 2 / m; // expansion
  const gamma = 0.75 - 1 / (2 * m); // contraction
  const delta = 1 - 1 / m; // shrink

  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations++;
    const f = objective(x);
    return { x, f: Number.isFinite(f) ? f : Infinity };
  };
  const along = (from: readonly number[], to: readonly number[], t: number) =>
    from.map((v, i) => v + t * ((to[i] ?? 0) - v));

  let best = evaluate([...start]);
  let iterations = 0;
  let restarts = 0;
  let converged = false;
  for (let round = 0; round <= maxRestarts; round++) {
    const simplex: Vertex[] = [best];
    for (let i = 0; i < n; i++) {
      const x = [...best.x];
      x[i] = (x[i] ?? 0) + step;
      simplex.push(evaluate(x));
    }
    converged = false;
    while (evaluations < maxEvaluations) {
      simplex.sort((p, q) => p.f - q.f);
      const lo = vertex(simplex, 0);
      const hi = vertex(simplex, n);
      const spreadF = hi.f - lo.f;
      const spreadX = Math.max(
        ...simplex.map((v) => Math.max(...v.x.map((c, i) => Math.abs(c - (lo.x[i] ?? 0))))),
      );
      if (spreadF <= fTol * (Math.abs(lo.f) + 1e-10) && spreadX <= xTol) {
        converged = true;
        break;
      }
      iterations++;
      const centroid = new Array<number>(n).fill(0);
      for (let k = 0; k < n; k++) {
        const v = vertex(simplex, k);
        for (let i = 0; i < n; i++) centroid[i] = (centroid[i] ?? 0) + (v.x[i] ?? 0) / n;
      }
      const reflected = evaluate(along(centroid, hi.x, -alpha));
      const secondWorst = vertex(simplex, n - 1);
      if (reflected.f < lo.f) {
        const expanded = evaluate(along(centroid, hi.x, -alpha * beta));
        simplex[n] = expanded.f < reflected.f ? expanded : reflected;
      } else if (reflected.f < secondWorst.f) {
        simplex[n] = reflected;
      } else {
        // Contract towards the better of the worst vertex and its reflection.
        const outside = reflected.f < hi.f;
        const contracted = evaluate(along(centroid, hi.x, outside ? -alpha * gamma : gamma));
        if (contracted.f < (outside ? reflected.f : hi.f)) {
          simplex[n] = contracted;
        } else {
          for (let k = 1; k <= n; k++) {
            simplex[k] = evaluate(along(lo.x, vertex(simplex, k).x, delta));
          }
        }
      }
    }
    simplex.sort((p, q) => p.f - q.f);
    const roundBest = vertex(simplex, 0);
    const improved = best.f - roundBest.f;
    best = roundBest.f <= best.f ? roundBest : best;
    if (evaluations >= maxEvaluations) break;
    // A restart that moved the optimum by less than the tolerance confirms it.
    if (round > 0 && improved <= fTol * (Math.abs(best.f) + 1e-10)) break;
    if (round < maxRestarts) restarts++;
  }
  return { x: best.x, value: best.f, evaluations, iterations, restarts, converged };
}

function vertex(simplex: readonly Vertex[], k: number): Vertex {
  const v = simplex[k];
  if (!v) throw new Error(`simplex has no vertex ${k}`);
  return v;
}
