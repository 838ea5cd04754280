import { describe, expect, it } from 'vitest';
import { bfgs } from '../../src/modules/insights/btyd/bfgs.js';
import { nelderMead } from '../../src/modules/insights/btyd/nelder-mead.js';

const rosenbrock = (x: readonly number[]) => {
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] ?? 0;
    const b = x[i + 1] ?? 0;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
  }
  return f;
};

describe('nelderMead', () => {
  it('finds the minimum of the 2-D Rosenbrock valley from the classic start', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.value).toBeLessThan(1e-12);
  });

  it('finds the minimum of the 4-D Rosenbrock function (as many parameters as BG/NBD)', () => {
    // (From x1 < 0 it may end in the local minimum near x1 = −0.776 that 4-D Rosenbrock has.)
    const r = nelderMead(rosenbrock, [0, 0, 0, 0], { step: 1 });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(v).toBeCloseTo(1, 5);
  });

  it('finds the centre of a badly scaled, rotated quadratic', () => {
    const centre = [3, -2, 0.5];
    const f = (x: readonly number[]) => {
      const d = x.map((v, i) => v - (centre[i] ?? 0));
      const [a = 0, b = 0, c = 0] = d;
      return 1000 * (a + b) ** 2 + (a - b) ** 2 + 0.01 * c * c + 5;
    };
    const r = nelderMead(f, [0, 0, 0]);
    expect(r.value).toBeCloseTo(5, 10);
    r.x.forEach((v, i) => expect(v).toBeCloseTo(centre[i] ?? 0, 4));
  });

  it('works in one dimension', () => {
    const r = nelderMead((x) => ((x[0] ?? 0) - Math.PI) ** 2, [10]);
    expect(r.x[0]).toBeCloseTo(Math.PI, 8);
  });

  it('treats non-finite values as infinitely bad (constraints)', () => {
    // Minimum of (x − 2)² subject to x ≤ 1, and NaN where x < −5.
    const f = (x: readonly number[]) => {
      const v = x[0] ?? 0;
      if (v > 1) return Infinity;
      if (v < -5) return NaN;
      return (v - 2) ** 2;
    };
    const r = nelderMead(f, [-3]);
    expect(r.x[0]).toBeLessThanOrEqual(1);
    expect(r.x[0]).toBeCloseTo(1, 6);
  });

  it('maximises a likelihood: the MLE of a normal sample is its mean and (biased) sd', () => {
    const sample = [2.1, 3.7, 1.4, 5.0, 2.9, 4.4, 3.3, 2.2];
    const mean = sample.reduce((s, v) => s + v, 0) / sample.length;
    const sd = Math.sqrt(sample.reduce((s, v) => s + (v - mean) ** 2, 0) / sample.length);
    // Parameters (mu, ln sigma): the log keeps sigma positive, as the BTYD fits do.
    const nll = (t: readonly number[]) => {
      const mu = t[0] ?? 0;
      const sigma = Math.exp(t[1] ?? 0);
      return sample.reduce((s, v) => s + Math.log(sigma) + (v - mu) ** 2 / (2 * sigma * sigma), 0);
    };
    const r = nelderMead(nll, [0, 0]);
    expect(r.x[0]).toBeCloseTo(mean, 7);
    expect(Math.exp(r.x[1] ?? 0)).toBeCloseTo(sd, 7);
  });

  it('stops at the evaluation budget and says it did not converge', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 30 });
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBeLessThanOrEqual(33);
  });

  it('restarts from its best point until a restart no longer improves', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1]);
    expect(r.restarts).toBeGreaterThanOrEqual(1);
  });
});

/** Rosenbrock's value and analytic gradient. */
const rosenbrockWithGradient = (x: readonly number[]) => {
  const gradient = x.map(() => 0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] ?? 0;
    const b = x[i + 1] ?? 0;
    gradient[i] = (gradient[i] ?? 0) - 400 * a * (b - a * a) - 2 * (1 - a);
    gradient[i + 1] = (gradient[i + 1] ?? 0) + 200 * (b - a * a);
  }
  return { value: rosenbrock(x), gradient };
};

describe('bfgs', () => {
  it('finds the minimum of the 2-D Rosenbrock valley in far fewer evaluations', () => {
    const r = bfgs(rosenbrockWithGradient, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
    const nm = nelderMead(rosenbrock, [-1.2, 1]);
    expect(r.evaluations).toBeLessThan(nm.evaluations / 2);
  });

  it('finds the minimum of the 4-D Rosenbrock function', () => {
    const r = bfgs(rosenbrockWithGradient, [0, 0, 0, 0]);
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(v).toBeCloseTo(1, 6);
  });

  it('solves a badly scaled quadratic exactly (within a few iterations of n)', () => {
    const scales = [1000, 1, 0.01];
    const f = (x: readonly number[]) => ({
      value: x.reduce((s, v, i) => s + (scales[i] ?? 1) * (v - i) ** 2, 0),
      gradient: x.map((v, i) => 2 * (scales[i] ?? 1) * (v - i)),
    });
    const r = bfgs(f, [5, 5, 5]);
    expect(r.converged).toBe(true);
    r.x.forEach((v, i) => expect(v).toBeCloseTo(i, 6));
    expect(r.iterations).toBeLessThan(30);
  });

  it('backs off from steps into regions where the objective is not finite', () => {
    // ln-barrier: f = x − ln(x) is minimal at x = 1 and undefined for x ≤ 0.
    const f = (x: readonly number[]) => {
      const v = x[0] ?? 0;
      return v > 0
        ? { value: v - Math.log(v), gradient: [1 - 1 / v] }
        : { value: NaN, gradient: [NaN] };
    };
    const r = bfgs(f, [8], { maxStep: 100 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 7);
  });

  it('accepts a point where f can no longer tell steps apart only if the gradient is small', () => {
    // A quartic whose value is rounded to 1e-4 (as if lost in rounding noise): within ~0.08 of
    // the minimum no step decreases it, though the gradient 4(x − 3)³ is not yet zero there.
    const f = (x: readonly number[]) => ({
      value: Math.round(((x[0] ?? 0) - 3) ** 4 * 1e4) / 1e4,
      gradient: [4 * ((x[0] ?? 0) - 3) ** 3],
    });
    const strict = bfgs(f, [10]);
    expect(Math.abs((strict.x[0] ?? 0) - 3)).toBeLessThan(0.1);
    expect(strict.converged).toBe(false);
    const tolerant = bfgs(f, [10], { stalledGradientTolerance: 1e-2 });
    expect(tolerant.converged).toBe(true);
    expect(Math.abs((tolerant.x[0] ?? 0) - 3)).toBeLessThan(0.1);
  });

  it('says it did not converge when out of iterations, or when it starts at a bad point', () => {
    expect(bfgs(rosenbrockWithGradient, [-1.2, 1], { maxIterations: 3 }).converged).toBe(false);
    const bad = bfgs(() => ({ value: NaN, gradient: [0] }), [1]);
    expect(bad.converged).toBe(false);
  });
});
