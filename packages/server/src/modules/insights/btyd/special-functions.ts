/**
 * Special functions for the BTYD models: log-gamma, log-beta, the Gauss hypergeometric
 * function 2F1 and the numerically stable pieces built on them. Pure math, no I/O.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Arguments below this are shifted up by the recurrence before Stirling's series is used. */
const STIRLING_FROM = 10;

/**
 * ln Γ(x) for x > 0. For x ≥ 10, Stirling's series with the Bernoulli terms up to z^-13 (the
 * first omitted term is below 3e-17 there); smaller x are shifted with
 * ln Γ(x) = ln Γ(x + n) − ln(x (x+1) … (x+n−1)).
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x === 1 || x === 2) return 0;
  let shift = 0;
  let z = x;
  if (z < STIRLING_FROM) {
    let product = 1;
    while (z < STIRLING_FROM) {
      product *= z;
      z += 1;
    }
    shift = Math.log(product);
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  // B_2k / (2k (2k − 1) z^(2k−1)) for k = 1..7, in Horner form.
  const series =
    inv *
    (1 / 12 +
      inv2 *
        (-1 / 360 +
          inv2 *
            (1 / 1260 +
              inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360 + inv2 / 156))))));
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + series - shift;
}

/**
 * ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the
 * asymptotic series ln z − 1/(2z) − Σ B_2k / (2k z^2k), k = 1..7.
 */
export function digamma(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  let shift = 0;
  let z = x;
  while (z < STIRLING_FROM) {
    shift += 1 / z;
    z += 1;
  }
  const inv2 = 1 / (z * z);
  const series =
    inv2 *
    (1 / 12 +
      inv2 *
        (-1 / 120 +
          inv2 *
            (1 / 252 + inv2 * (-1 / 240 + inv2 * (1 / 132 + inv2 * (-691 / 32760 + inv2 / 12))))));
  return Math.log(z) - 0.5 / z - series - shift;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln(e^u + e^v) without overflow or underflow. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  const hi = u > v ? u : v;
  return hi + Math.log1p(Math.exp(-Math.abs(u - v)));
}

/** (e^(u·l) − 1) / u, continuous at u = 0 (where it is l). */
export function expm1Over(u: number, l: number): number {
  if (Math.abs(u * l) < 1e-10) return l * (1 + (u * l) / 2);
  return Math.expm1(u * l) / u;
}

const MAX_TERMS = 1_000_000;
const EPS = 1e-16;

/**
 * Sums Σ_{n≥1} t_n where t_1 = first and t_{n+1} = t_n (a+n)(b+n) z / ((c+n)(n+1)): the tail of
 * the hypergeometric series. Stops when a term no longer changes the sum and the terms shrink.
 */
function hypergeometricTail(a: number, b: number, c: number, z: number, first: number): number {
  let term = first;
  let sum = first;
  for (let n = 1; n < MAX_TERMS && term !== 0; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    // Stop once past any negative Pochhammer factors and the terms shrink below the sum's ulp.
    if (Math.abs(term) <= EPS * Math.abs(sum) && Math.abs(ratio) < 1 && n > -a && n > -b) break;
  }
  return sum;
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for −1 ≤ z < 1 and c not a non-positive
 * integer: the power series, after Pfaff's transformation for negative z
 * (2F1(a,b;c;z) = (1−z)^−a 2F1(a, c−b; c; z/(z−1))), so the series always runs on [0, 1).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1) || z < -1) throw new RangeError(`hyp2f1: z = ${z} outside [-1, 1)`);
  if (z < 0) return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
  if (z === 0) return 1;
  return 1 + hypergeometricTail(a, b, c, z, (a * b * z) / c);
}

/**
 * (2F1(a, b; c; z) − 1) / b for 0 ≤ z < 1, continuous at b = 0:
 * Σ_{n≥1} (a)_n (b+1)_{n−1} z^n / ((c)_n n!). The BG/NBD conditional expectation needs it with
 * b = a_BG − 1, where the textbook form divides 0 by 0.
 */
export function hyp2f1ExcessOverB(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1ExcessOverB: z = ${z} outside [0, 1)`);
  if (z === 0) return 0;
  return hypergeometricTail(a, b, c, z, (a * z) / c);
}
