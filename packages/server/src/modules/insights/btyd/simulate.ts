/**
 * Seeded simulation of customers from known BG/NBD and Gamma-Gamma parameters: what the
 * parameter-recovery tests and the benchmark fit against. Pure, reproducible (same seed, same
 * customers); not used by the server itself.
 */
import type { BgNbdParams } from './bg-nbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';

/** mulberry32: a small seeded PRNG returning floats in [0, 1). Not for cryptography. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000); shapes below 1 are boosted by U^(1/shape). */
export function sampleGamma(random: () => number, shape: number, rate: number): number {
  if (shape < 1) {
    return sampleGamma(random, shape + 1, rate) * Math.pow(1 - random(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function sampleBeta(random: () => number, a: number, b: number): number {
  const x = sampleGamma(random, a, 1);
  return x / (x + sampleGamma(random, b, 1));
}

export interface SimulatedCustomer {
  /** Purchase times in weeks from the start of the observation window, the first included. */
  purchases: number[];
  /** Value of each purchase (same order). */
  values: number[];
  /** Weeks from the first purchase to the end of the window. */
  T: number;
}

export interface SimulationOptions {
  seed: number;
  /** Length of the observation window in weeks. */
  weeks: number;
  /** First purchases spread uniformly over the first `acquisitionWeeks` of the window. */
  acquisitionWeeks: number;
  /** Spend model; without it every purchase is worth 1. */
  spend?: GammaGammaParams;
}

/**
 * Customers under BG/NBD: λ ~ Gamma(r, α), p ~ Beta(a, b); after the first purchase, purchases
 * follow a Poisson process at rate λ, and after each repeat purchase the customer drops out with
 * probability p. Values per purchase: Gamma(p_s, ν) with ν ~ Gamma(q, γ).
 */
export function simulateCustomers(
  params: BgNbdParams,
  n: number,
  opts: SimulationOptions,
): SimulatedCustomer[] {
  const random = seededRandom(opts.seed);
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = sampleGamma(random, params.r, params.alpha);
    const dropout = sampleBeta(random, params.a, params.b);
    const nu = opts.spend ? sampleGamma(random, opts.spend.q, opts.spend.gamma) : 0;
    const value = () => (opts.spend ? sampleGamma(random, opts.spend.p, nu) : 1);
    const first = random() * opts.acquisitionWeeks;
    const purchases = [first];
    const values = [value()];
    let t = first;
    for (;;) {
      t += -Math.log(1 - random()) / lambda;
      if (!(t <= opts.weeks)) break;
      purchases.push(t);
      values.push(value());
      if (random() < dropout) break;
    }
    out.push({ purchases, values, T: opts.weeks - first });
  }
  return out;
}

/** The continuous-time summary (no day merging) of a simulated customer. */
export function summaryOfSimulated(c: SimulatedCustomer): {
  x: number;
  tx: number;
  T: number;
  m: number | null;
} {
  const first = c.purchases[0] ?? 0;
  const last = c.purchases[c.purchases.length - 1] ?? first;
  const x = c.purchases.length - 1;
  const repeatTotal = c.values.slice(1).reduce((s, v) => s + v, 0);
  return { x, tx: last - first, T: c.T, m: x > 0 ? repeatTotal / x : null };
}
