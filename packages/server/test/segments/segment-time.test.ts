/**
 * Calendar arithmetic of segment windows: the hand-written month/year shift (the processor's
 * timers call it per profile) equals luxon's on random instants, including month ends, leap
 * days, years before 1970 and far ahead; the timer's edge crossing is the first instant a
 * `last` window no longer holds an item.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shiftInstant, shiftInstantWithLuxon } from '../../src/modules/segments/segment-time.js';
import { edgeCrossing } from '../../src/modules/segments/segment-timers.js';

const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
const units = fc.constantFrom('minutes', 'hours', 'days', 'weeks', 'months', 'years' as const);

describe('segment time arithmetic', () => {
  it('shifts by calendar months and years exactly as luxon does', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -10_000, max: 10_000 }), units, (at, n, unit) => {
        expect(shiftInstant(at, n, unit)).toBe(shiftInstantWithLuxon(at, n, unit));
      }),
      { numRuns: 5000, seed: 20261206 },
    );
    const mar31 = Date.parse('2024-03-31T10:00:00Z');
    expect(new Date(shiftInstant(mar31, -1, 'months')).toISOString()).toBe(
      '2024-02-29T10:00:00.000Z',
    );
    expect(
      new Date(shiftInstant(Date.parse('2024-02-29T00:00:00Z'), 1, 'years')).toISOString(),
    ).toBe('2025-02-28T00:00:00.000Z');
  });

  it('finds the first instant an item leaves a last-N window', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 120 }), units, (t, n, unit) => {
        const edge = edgeCrossing(t, n, unit);
        // At the edge the window's lower bound has reached t; a millisecond before it had not.
        expect(shiftInstant(edge, -n, unit)).toBeGreaterThanOrEqual(t);
        expect(shiftInstant(edge - 1, -n, unit)).toBeLessThan(t);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
