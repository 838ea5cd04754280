import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LagStats } from '../src/modules/ingest/lag-stats.js';

/** The percentile as /health has always defined it, on a plain sorted copy. */
const naive = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
};

describe('LagStats', () => {
  it('answers null before any lag', () => {
    expect(new LagStats(4).percentile(50)).toBeNull();
  });

  it('gives the same percentiles as sorting the window, records in between included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { maxLength: 30 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (size, rounds) => {
          const stats = new LagStats(size);
          const all: number[] = [];
          for (const round of rounds) {
            for (const ms of round) {
              stats.record(ms);
              all.push(ms);
            }
            const window = all.slice(-size);
            for (const p of [0, 50, 99, 100]) {
              expect(stats.percentile(p)).toBe(window.length ? naive(window, p) : null);
            }
          }
        },
      ),
    );
  });
});
