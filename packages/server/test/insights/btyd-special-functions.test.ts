import { describe, expect, it } from 'vitest';
import {
  digamma,
  expm1Over,
  hyp2f1,
  hyp2f1ExcessOverB,
  lnBeta,
  lnGamma,
  logAddExp,
} from '../../src/modules/insights/btyd/special-functions.js';

const close = (actual: number, expected: number, rel = 1e-13) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

describe('lnGamma', () => {
  it('matches ln((n-1)!) computed as an exact product, for n up to 171', () => {
    let factorial = 1; // (n-1)!
    for (let n = 1; n <= 171; n++) {
      if (n > 1) factorial *= n - 1;
      close(lnGamma(n), Math.log(factorial), 2e-15 * n);
    }
  });

  it('matches known values at half-integers, small and large arguments', () => {
    close(lnGamma(0.5), 0.5 * Math.log(Math.PI)); // Γ(1/2) = √π
    close(lnGamma(1.5), Math.log(Math.sqrt(Math.PI) / 2));
    close(lnGamma(2.5), Math.log((3 * Math.sqrt(Math.PI)) / 4));
    close(lnGamma(0.1), 2.252712651734206);
    close(lnGamma(1000), 5905.220423209181);
    close(lnGamma(1e6), 12815504.56914761);
    // Γ(x) ~ 1/x − γ near 0.
    close(lnGamma(1e-8), -Math.log(1e-8) - 0.5772156649015329 * 1e-8, 1e-15);
  });

  it('satisfies the recurrence, the reflection and the duplication formulas', () => {
    for (const x of [0.013, 0.243, 0.793, 1.7, 2.426, 4.414, 9.99, 10.01, 37.5, 812.3]) {
      close(lnGamma(x + 1) - lnGamma(x), Math.log(x), 1e-13);
      // Legendre: Γ(x) Γ(x + 1/2) = 2^(1−2x) √π Γ(2x)
      close(
        lnGamma(x) + lnGamma(x + 0.5),
        (1 - 2 * x) * Math.LN2 + 0.5 * Math.log(Math.PI) + lnGamma(2 * x),
        1e-13,
      );
      if (x < 1) close(lnGamma(x) + lnGamma(1 - x), Math.log(Math.PI / Math.sin(Math.PI * x)));
    }
  });

  it('is +Infinity at 0 and NaN for negative arguments', () => {
    expect(lnGamma(0)).toBe(Infinity);
    expect(lnGamma(-1.5)).toBeNaN();
  });
});

describe('digamma', () => {
  const EULER = 0.5772156649015329;
  it('matches known values and the harmonic numbers', () => {
    close(digamma(1), -EULER);
    close(digamma(0.5), -EULER - 2 * Math.LN2);
    let harmonic = 0;
    for (let n = 1; n <= 60; n++) {
      harmonic += 1 / n;
      close(digamma(n + 1), harmonic - EULER, 1e-14);
    }
  });

  it('is the derivative of lnGamma and satisfies the reflection formula', () => {
    for (const x of [0.05, 0.243, 0.793, 2.426, 9.7, 10.3, 150]) {
      const h = 1e-5 * Math.max(1, x);
      const numeric = (lnGamma(x + h) - lnGamma(x - h)) / (2 * h);
      expect(Math.abs(digamma(x) - numeric)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)));
      close(digamma(x + 1) - digamma(x), 1 / x, 1e-13);
      if (x < 1) close(digamma(1 - x) - digamma(x), Math.PI / Math.tan(Math.PI * x), 1e-12);
    }
  });
});

describe('lnBeta and logAddExp', () => {
  it('lnBeta matches B(a, b) for integers and B(1/2, 1/2) = π', () => {
    close(lnBeta(3, 4), Math.log((2 * 6) / 720)); // 2! 3! / 6!
    close(lnBeta(0.5, 0.5), Math.log(Math.PI));
    close(lnBeta(1, 7.3), -Math.log(7.3));
  });

  it('logAddExp is ln(e^u + e^v) without overflow', () => {
    close(logAddExp(Math.log(2), Math.log(3)), Math.log(5));
    close(logAddExp(1000, 1000), 1000 + Math.LN2);
    close(logAddExp(-1000, -1001), -1000 + Math.log1p(Math.exp(-1)));
    expect(logAddExp(-Infinity, 3)).toBe(3);
  });

  it('expm1Over is (e^(u l) − 1)/u and l at u = 0', () => {
    close(expm1Over(0.3, -2), Math.expm1(-0.6) / 0.3);
    close(expm1Over(-0.207, -1.5), Math.expm1(0.3105) / -0.207);
    close(expm1Over(0, -2.5), -2.5);
    close(expm1Over(1e-14, -2.5), -2.5, 1e-12);
  });
});

describe('hyp2f1', () => {
  const zs = [-0.9, -0.3, 0, 0.2, 0.5, 0.8, 0.95, 0.99];

  it('2F1(a, b; b; z) = (1 − z)^−a', () => {
    for (const z of zs) {
      for (const [a, b] of [
        [0.243, 2.1],
        [3.5, 0.7],
        [-1.3, 4],
      ] as const) {
        close(hyp2f1(a, b, b, z), Math.pow(1 - z, -a), 1e-12);
      }
    }
  });

  it('matches the elementary closed forms', () => {
    for (const z of zs.filter((v) => v !== 0)) {
      close(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z, 1e-12);
    }
    for (const s of [0.1, 0.5, 0.9, 0.97]) {
      close(hyp2f1(0.5, 1, 1.5, s * s), Math.atanh(s) / s, 1e-12);
      close(hyp2f1(0.5, 0.5, 1.5, s * s), Math.asin(s) / s, 1e-12);
    }
  });

  it('terminates for a negative integer parameter (a polynomial)', () => {
    const b = 2.7;
    const c = 1.9;
    const z = 0.6;
    close(hyp2f1(-2, b, c, z), 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)));
  });

  it('is symmetric in a and b and refuses z ≥ 1', () => {
    close(hyp2f1(1.2, 3.4, 5.6, 0.7), hyp2f1(3.4, 1.2, 5.6, 0.7), 1e-13);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });

  it('hyp2f1ExcessOverB is (2F1 − 1)/b, and its b → 0 limit', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      for (const [a, b, c] of [
        [2.0, 0.3, 3.1],
        [1.976, -0.207, 4.219],
        [-0.5, 1.5, 2.5],
      ] as const) {
        close(hyp2f1ExcessOverB(a, b, c, z), (hyp2f1(a, b, c, z) - 1) / b, 1e-11);
      }
      // b = 0, a = 1, c = 2: Σ z^n / (n (n+1)) = 1 − ln(1−z) (1 − 1/z) ... written out:
      const limit = 1 - Math.log1p(-z) + Math.log1p(-z) / z;
      close(hyp2f1ExcessOverB(1, 0, 2, z), limit, 1e-12);
    }
    expect(hyp2f1ExcessOverB(1, 2, 3, 0)).toBe(0);
  });
});
