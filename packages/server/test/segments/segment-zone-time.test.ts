/**
 * Local dates of segments' dates in the profile's zone: the stored offset periods give the same
 * local date as luxon at any instant of 1900-2200 in zones with DST north and south, a clock
 * change at midnight and half hours; a local day's first instant is exact across DST (Asia/
 * Jerusalem's spring change, Santiago's midnight gap); and a timer's next local flip is the
 * first later date whose answer differs, for every operator.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  localHolds,
  nextLocalFlip,
  type LocalDateAtom,
} from '../../src/modules/segments/segment-zone-timers.js';
import type { RegisteredField } from '../../src/modules/segments/field-registry.js';
import { DAY_MS, localDay, startOfLocalDay, zonePeriods } from '../../src/platform/zone-offsets.js';

const ZONES = [
  'Asia/Jerusalem',
  'Europe/London',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Apia',
  'Africa/Casablanca',
];
const luxonDay = (zone: string, t: number) =>
  Math.round(
    DateTime.fromISO(DateTime.fromMillis(t, { zone }).toISODate() ?? '', {
      zone: 'utc',
    }).toMillis() / DAY_MS,
  );
const iso = (t: number) => new Date(t).toISOString();

describe('zone offsets', () => {
  it('give the local date luxon gives, at random instants of 1900-2200', () => {
    const instant = fc.integer({ min: Date.UTC(1900, 0, 2), max: Date.UTC(2199, 11, 30) });
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, (zone, t) => {
        expect(localDay(zone, t)).toBe(luxonDay(zone, t));
      }),
      { numRuns: 4000, seed: 34 },
    );
  });

  it('give the local date luxon gives a millisecond either side of every clock change', () => {
    for (const zone of ZONES) {
      for (const { startsAt } of zonePeriods(zone).slice(1)) {
        for (const t of [startsAt - 1, startsAt]) expect(localDay(zone, t)).toBe(luxonDay(zone, t));
      }
    }
  });

  it('start a local day at its midnight, or where midnight is skipped, at the gap end', () => {
    const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
    // Jerusalem moves to summer time on Friday 2026-03-27 at 02:00: the 28th starts at +03.
    expect(iso(startOfLocalDay('Asia/Jerusalem', day('2026-03-27')))).toBe(
      '2026-03-26T22:00:00.000Z',
    );
    expect(iso(startOfLocalDay('Asia/Jerusalem', day('2026-03-28')))).toBe(
      '2026-03-27T21:00:00.000Z',
    );
    // Santiago skips from Saturday 2025-09-06 24:00 to Sunday 01:00: Sunday starts at 01:00 -03.
    expect(iso(startOfLocalDay('America/Santiago', day('2025-09-07')))).toBe(
      '2025-09-07T04:00:00.000Z',
    );
    // ... and on 2025-04-06 turns 00:00 back to Saturday 23:00: Sunday starts at 00:00 -04.
    expect(iso(startOfLocalDay('America/Santiago', day('2025-04-06')))).toBe(
      '2025-04-06T04:00:00.000Z',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: day('1901-01-01'), max: day('2199-01-01') }),
        (zone, d) => {
          const start = startOfLocalDay(zone, d);
          expect(localDay(zone, start)).toBeGreaterThanOrEqual(d);
          expect(localDay(zone, start - 1)).toBeLessThan(d);
        },
      ),
      { numRuns: 3000, seed: 35 },
    );
  });
});

describe('next local flip', () => {
  const field = { path: 'traits.birthday', type: 'date' } as RegisteredField;
  const atomArb: fc.Arbitrary<LocalDateAtom> = fc.oneof(
    fc.record({
      kind: fc.constant('local-date' as const),
      field: fc.constant(field),
      operator: fc.constantFrom(
        'within_last' as const,
        'more_than_ago' as const,
        'within_next' as const,
      ),
      amount: fc.constantFrom(1, 2, 7, 12, 30, 365),
      unit: fc.constantFrom('days' as const, 'weeks' as const, 'months' as const, 'years' as const),
    }),
    fc.record({
      kind: fc.constant('local-date' as const),
      field: fc.constant(field),
      operator: fc.constant('anniversary_within' as const),
      amount: fc.constantFrom(1, 2, 7, 30, 52, 365, 366),
      unit: fc.constantFrom('days' as const, 'weeks' as const),
    }),
  );
  // Around leap days and month ends, 1996-2030.
  const dayArb = fc.integer({ min: 9500, max: 22000 });

  it('is the first later date whose answer differs from today, or none in the next 800', () => {
    fc.assert(
      fc.property(atomArb, dayArb, fc.integer({ min: -800, max: 800 }), (atom, value, offset) => {
        if (atom.operator === 'anniversary_within' && atom.unit === 'weeks' && atom.amount > 52) {
          return;
        }
        const today = value + offset;
        const now = localHolds(atom, value, today);
        let first: number | null = null;
        for (let d = today + 1; d <= today + 800 && first === null; d++) {
          if (localHolds(atom, value, d) !== now) first = d;
        }
        const flip = nextLocalFlip(atom, value, today);
        // Never later than the first change (late would miss it); none only if none comes.
        if (first === null) expect(flip === null || flip > today + 800).toBe(true);
        else expect(flip).toBe(first);
      }),
      { numRuns: 600, seed: 36 },
    );
  });
});
