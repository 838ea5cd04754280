/**
 * The journey engine's time rules around DST: "send at 10:00 local" stays at 10:00 local across
 * the spring-forward and fall-back nights of Asia/Jerusalem and Europe/Belgrade (whose dates
 * differ), a time in the gap goes out when the gap ends, a time that happens twice goes out
 * once, quiet hours end on the wall clock, and waits in days keep the wall time.
 */
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDuration,
  nextLocalTime,
  quietUntil,
  type QuietHours,
} from '../../src/modules/journeys/local-time.js';
import { isValidZone, profileZone, zoneForCountry } from '../../src/platform/time-zones.js';

const JER = 'Asia/Jerusalem';
const BEG = 'Europe/Belgrade';
const HOUR = 3_600_000;
const DAY = 86_400_000;
const at = (text: string) => Date.parse(text);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const local = (ms: number, zone: string) =>
  DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS ZZ ccc");
const send = (now: string, zone: string, hhmm: string, weekdays?: number[]) =>
  iso(nextLocalTime(at(now), zone, hhmm, weekdays));
const quiet = (now: string, zone: string, start: string, end: string) =>
  iso(quietUntil(at(now), zone, { start, end }));
const wait = (from: string, amount: number, unit: 'minutes' | 'hours' | 'days' | 'weeks') =>
  iso(addDuration(at(from), { amount, unit }, BEG));

describe('the 2026 DST nights, as luxon sees them', () => {
  it.each([
    // zone, last instant before the change, local time then, local time 1 ms later
    [JER, '2026-03-26T23:59:59.999Z', '2026-03-27T01:59:59.999 +02:00 Fri', '03:00:00.000 +03:00'],
    [JER, '2026-10-24T22:59:59.999Z', '2026-10-25T01:59:59.999 +03:00 Sun', '01:00:00.000 +02:00'],
    [BEG, '2026-03-29T00:59:59.999Z', '2026-03-29T01:59:59.999 +01:00 Sun', '03:00:00.000 +02:00'],
    [BEG, '2026-10-25T00:59:59.999Z', '2026-10-25T02:59:59.999 +02:00 Sun', '02:00:00.000 +01:00'],
  ])('%s changes offset right after %s', (zone, lastBefore, before, after) => {
    expect(local(at(lastBefore), zone)).toBe(before);
    expect(local(at(lastBefore) + 1, zone)).toBe(
      `${before.slice(0, 11)}${after} ${before.slice(-3)}`,
    );
  });
});

describe('nextLocalTime', () => {
  it.each([
    // Belgrade: 10:00 is 09:00Z in winter, 08:00Z in summer.
    [BEG, '2026-03-27T12:00Z', ['2026-03-28T09', '2026-03-29T08', '2026-03-30T08']],
    [BEG, '2026-10-23T12:00Z', ['2026-10-24T08', '2026-10-25T09', '2026-10-26T09']],
    // Jerusalem: 10:00 is 08:00Z in winter, 07:00Z in summer.
    [JER, '2026-03-25T12:00Z', ['2026-03-26T08', '2026-03-27T07', '2026-03-28T07']],
    [JER, '2026-10-23T12:00Z', ['2026-10-24T07', '2026-10-25T08', '2026-10-26T08']],
  ])(
    'sends at 10:00 in %s the day before, of and after the DST night (from %s)',
    (zone, from, hours) => {
      const sends: string[] = [];
      let now = at(from);
      for (let i = 0; i < 3; i++) {
        const next = nextLocalTime(now, zone, '10:00');
        sends.push(new Date(next).toISOString());
        now = next + 60_000;
      }
      expect(sends).toEqual(hours.map((hour) => `${hour}:00:00.000Z`));
    },
  );

  it.each([
    // Belgrade 2026-03-29 02:00-02:59 does not exist; the gap ends at 03:00 +02:00 = 01:00Z.
    ['2026-03-28T23:00:00Z', BEG, '02:30', '2026-03-29T01:00:00.000Z'],
    ['2026-03-28T23:00:00Z', BEG, '02:00', '2026-03-29T01:00:00.000Z'],
    ['2026-03-29T01:00:00Z', BEG, '02:30', '2026-03-29T01:00:00.000Z'],
    ['2026-03-29T01:00:01Z', BEG, '02:30', '2026-03-30T00:30:00.000Z'],
    // Jerusalem 2026-03-27 02:00-02:59 does not exist; the gap ends at 03:00 +03:00 = 00:00Z.
    ['2026-03-26T22:00:00Z', JER, '02:30', '2026-03-27T00:00:00.000Z'],
    ['2026-03-26T22:00:00Z', JER, '03:00', '2026-03-27T00:00:00.000Z'],
  ])(
    'sends a time in the spring-forward gap when the gap ends: %s %s %s',
    (now, zone, hhmm, expected) => {
      expect(send(now, zone, hhmm)).toBe(expected);
    },
  );

  it.each([
    // Belgrade 2026-10-25 02:30 is 00:30Z (+02:00) and again 01:30Z (+01:00).
    ['2026-10-24T22:00:00Z', BEG, '02:30', '2026-10-25T00:30:00.000Z'],
    ['2026-10-25T00:31:00Z', BEG, '02:30', '2026-10-26T01:30:00.000Z'],
    // Jerusalem 2026-10-25 01:30 is 22:30Z (+03:00) the evening before and again 23:30Z (+02:00).
    ['2026-10-24T21:00:00Z', JER, '01:30', '2026-10-24T22:30:00.000Z'],
    ['2026-10-24T22:31:00Z', JER, '01:30', '2026-10-25T23:30:00.000Z'],
  ])(
    'sends a time that happens twice only at its first occurrence: %s %s %s',
    (now, zone, hhmm, expected) => {
      expect(send(now, zone, hhmm)).toBe(expected);
    },
  );

  it('keeps to the allowed weekdays (1 = Monday)', () => {
    expect(DateTime.fromISO('2026-03-25', { zone: BEG }).weekday).toBe(3);
    // Wednesday -> Monday 2026-03-30 09:00 +02:00, after the clocks went forward.
    expect(send('2026-03-25T12:00:00Z', BEG, '09:00', [1])).toBe('2026-03-30T07:00:00.000Z');
    // Monday 09:00 has passed -> the next Monday.
    expect(send('2026-03-30T07:00:01Z', BEG, '09:00', [1])).toBe('2026-04-06T07:00:00.000Z');
    // The weekday is the local one: Saturday 00:30 in Jerusalem is still Friday in UTC.
    expect(send('2026-03-27T21:00:00Z', JER, '00:30', [6])).toBe('2026-03-27T21:30:00.000Z');
    expect(send('2026-03-25T12:00:00Z', JER, '00:30', [5, 7])).toBe('2026-03-26T22:30:00.000Z');
  });

  it('returns now when now is the target, the next day a minute later', () => {
    const target = at('2026-06-10T07:00:00Z'); // 10:00 in Jerusalem (+03:00)
    expect(nextLocalTime(target, JER, '10:00')).toBe(target);
    expect(iso(nextLocalTime(target + 60_000, JER, '10:00'))).toBe('2026-06-11T07:00:00.000Z');
    expect(iso(nextLocalTime(target - 1, JER, '10:00'))).toBe('2026-06-10T07:00:00.000Z');
  });

  it('refuses a bad clock, zone or weekday list', () => {
    const now = at('2026-06-10T07:00:00Z');
    for (const clock of ['24:00', '9:00', '10:60', ' 10:00', '10:00:00', '']) {
      expect(() => nextLocalTime(now, BEG, clock)).toThrow(RangeError);
    }
    expect(() => nextLocalTime(now, 'Mars/Base', '10:00')).toThrow(RangeError);
    for (const weekdays of [[], [0], [8], [1.5]]) {
      expect(() => nextLocalTime(now, BEG, '10:00', weekdays)).toThrow(RangeError);
    }
  });
});

describe('quietUntil', () => {
  it.each([
    // 21:00-09:00 ends at 09:00 local across both DST nights of both zones.
    ['2026-03-28T22:00:00Z', BEG, '2026-03-29T07:00:00.000Z'],
    ['2026-10-24T22:00:00Z', BEG, '2026-10-25T08:00:00.000Z'],
    ['2026-03-26T20:00:00Z', JER, '2026-03-27T06:00:00.000Z'],
    ['2026-10-24T20:00:00Z', JER, '2026-10-25T07:00:00.000Z'],
    ['2026-03-29T05:00:00Z', BEG, '2026-03-29T07:00:00.000Z'], // after midnight: same morning
    ['2026-03-29T19:00:00Z', BEG, '2026-03-30T07:00:00.000Z'], // 21:00 local: start is quiet
    ['2026-03-29T07:00:00Z', BEG, null], // 09:00 local: end is not
    ['2026-03-29T08:00:00Z', BEG, null],
    ['2026-03-29T18:59:59Z', BEG, null],
  ])('21:00-09:00 at %s in %s ends at %s', (now, zone, expected) => {
    expect(quiet(now, zone, '21:00', '09:00')).toBe(expected);
  });

  it('handles a window within one day, and start === end as none', () => {
    expect(quiet('2026-06-10T10:30:00Z', JER, '13:00', '15:00')).toBe('2026-06-10T12:00:00.000Z');
    expect(quiet('2026-06-10T09:30:00Z', JER, '13:00', '15:00')).toBeNull();
    expect(quiet('2026-06-10T20:00:00Z', JER, '22:00', '22:00')).toBeNull();
    expect(quiet('2026-06-10T20:00:00Z', JER, '00:00', '00:00')).toBeNull();
    const bad: QuietHours = { start: '21:00', end: '9:00' };
    expect(() => quietUntil(at('2026-06-10T20:00:00Z'), JER, bad)).toThrow(RangeError);
  });

  it('ends at the gap end, or at the next occurrence of the end, on a DST night', () => {
    // Quiet until 02:30, which Belgrade skips on 2026-03-29: over at 03:00 +02:00.
    expect(quiet('2026-03-28T23:30:00Z', BEG, '22:00', '02:30')).toBe('2026-03-29T01:00:00.000Z');
    // 01:00-02:30 on 2026-10-25: 02:45 +02:00 is outside; the clock turns back into quiet hours
    // at 02:00 +01:00, which end at the second 02:30 (01:30Z), not the next night.
    expect(quiet('2026-10-24T23:15:00Z', BEG, '01:00', '02:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(quiet('2026-10-25T00:45:00Z', BEG, '01:00', '02:30')).toBeNull();
    expect(quiet('2026-10-25T01:15:00Z', BEG, '01:00', '02:30')).toBe('2026-10-25T01:30:00.000Z');
  });
});

describe('addDuration', () => {
  it('keeps the local wall time across DST for days and weeks', () => {
    expect(wait('2026-03-28T09:00:00Z', 1, 'days')).toBe('2026-03-29T08:00:00.000Z');
    expect(wait('2026-10-24T08:00:00Z', 1, 'days')).toBe('2026-10-25T09:00:00.000Z');
    expect(wait('2026-10-20T08:00:00Z', 1, 'weeks')).toBe('2026-10-27T09:00:00.000Z');
    expect(wait('2026-03-30T08:00:00Z', -2, 'days')).toBe('2026-03-28T09:00:00.000Z');
    expect(wait('2026-03-30T08:00:00Z', 0, 'days')).toBe('2026-03-30T08:00:00.000Z');
    const day = { amount: 1, unit: 'days' } as const;
    expect(iso(addDuration(at('2026-03-26T08:00:00Z'), day, JER))).toBe('2026-03-27T07:00:00.000Z');
    expect(iso(addDuration(at('2026-10-24T07:00:00Z'), day, JER))).toBe('2026-10-25T08:00:00.000Z');
  });

  it('moves a wall time the gap swallowed past the gap, an ambiguous one to the first', () => {
    // 02:30 on 2026-03-28 + 1 day: 02:30 does not exist on 03-29, so 03:00 +02:00.
    expect(wait('2026-03-28T01:30:00Z', 1, 'days')).toBe('2026-03-29T01:00:00.000Z');
    expect(wait('2026-10-24T00:30:00Z', 1, 'days')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('adds minutes and hours as elapsed time', () => {
    expect(wait('2026-03-28T09:00:00Z', 24, 'hours')).toBe('2026-03-29T09:00:00.000Z');
    expect(wait('2026-03-29T00:30:00Z', 90, 'minutes')).toBe('2026-03-29T02:00:00.000Z');
    expect(() => wait('2026-03-29T00:30:00Z', 1.5, 'days')).toThrow(RangeError);
    expect(() => wait('2026-03-29T00:30:00Z', Number.NaN, 'hours')).toThrow(RangeError);
    expect(() => addDuration(0, { amount: 1, unit: 'days' }, 'Mars/Base')).toThrow(RangeError);
  });
});

describe('zones of profiles', () => {
  it('validates zones', () => {
    const loose = isValidZone as (zone: unknown) => boolean;
    expect([BEG, 'UTC', 'america/new_york'].map(loose)).toEqual([true, true, true]);
    const junk = ['Mars/Base', '', ' ', '__proto__', 'constructor', '+01:00', 42, null];
    expect(junk.map(loose)).toEqual(junk.map(() => false));
  });

  it('maps countries by code or English name, case-insensitively', () => {
    const names = [
      'rs',
      'IL',
      'Israel',
      'SERBIA',
      'united states',
      ' The  Netherlands ',
      'Türkiye',
    ];
    expect(names.map(zoneForCountry)).toEqual([
      BEG,
      JER,
      JER,
      BEG,
      'America/New_York',
      'Europe/Amsterdam',
      'Europe/Istanbul',
    ]);
    expect(['UK', 'AU', 'ca'].map(zoneForCountry)).toEqual([
      'Europe/London',
      'Australia/Sydney',
      'America/Toronto',
    ]);
    const unknown = ['Atlantis', 'XX', '', '__proto__', 'constructor', 'toString'];
    expect(unknown.map(zoneForCountry)).toEqual(unknown.map(() => null));
  });

  it('has a valid zone for every country it lists', () => {
    const eu = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE';
    const more = 'GB IL RS BA ME MK US CA MX BR AR AU NZ JP CN IN SG HK KR TR AE SA EG ZA NG KE';
    const codes = `${eu} ${more} RU UA CH NO IS`.split(' ');
    expect(codes).toHaveLength(58);
    const zones = codes.map(zoneForCountry);
    expect(zones.filter((zone) => zone === null || !isValidZone(zone))).toEqual([]);
    expect(new Set(zones).size).toBe(58);
  });

  it('takes the profile zone, then the country, then the workspace default', () => {
    const tokyo = { zone: 'Asia/Tokyo', source: 'profile' };
    expect(profileZone({ timezone: 'Asia/Tokyo', country: 'RS' }, 'UTC')).toEqual(tokyo);
    expect(profileZone({ timezone: ' Asia/Tokyo ' }, 'UTC')).toEqual(tokyo);
    const serbia = { zone: BEG, source: 'country' };
    expect(profileZone({ timezone: 'Mars/Base', country: 'Serbia' }, 'UTC')).toEqual(serbia);
    expect(profileZone({ timezone: 42, country: 'rs' }, 'UTC')).toEqual(serbia);
    for (const junk of ['Mars/Base', '', 42, '__proto__', null, {}, ['Asia/Tokyo']]) {
      expect(profileZone({ timezone: junk, country: junk }, JER)).toEqual({
        zone: JER,
        source: 'workspace',
      });
    }
    expect(profileZone({}, JER)).toEqual({ zone: JER, source: 'workspace' });
  });
});

describe('nextLocalTime on random instants', () => {
  const zones = [JER, BEG, 'America/New_York', 'UTC', 'Australia/Sydney'];
  const start = Date.UTC(2026, 0, 1);
  const end = Date.UTC(2028, 0, 1);
  // Every offset change of these zones in 2026-2027 (two a year each, none in UTC), so that
  // half the random instants fall within two days of one.
  const changes = zones.flatMap((zone) => {
    const tz = IANAZone.create(zone);
    const found: number[] = [];
    for (let t = start, before = tz.offset(t); t < end; t += HOUR) {
      const offset = tz.offset(t + HOUR);
      if (offset !== before) found.push(t + HOUR);
      before = offset;
    }
    return found;
  });
  const instant = fc.oneof(
    fc.integer({ min: start, max: end - 1 }),
    fc
      .tuple(fc.constantFrom(...changes), fc.integer({ min: -2 * DAY, max: DAY }))
      .map(([change, shift]) => change + shift),
  );
  const clock = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const days = fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 });

  /**
   * The expected send, found without the module: luxon's reading of the wall time on each
   * date and the hour either side (these zones shift by one hour, on the hour), the earliest
   * match of a date, or for a gap luxon's shifted reading cut back to the hour the gap ends.
   */
  function expectedSend(now: number, zone: string, hhmm: string, weekdays?: number[]): number {
    const [hour = 0, minute = 0] = hhmm.split(':').map(Number);
    for (let i = 0; i < 8; i++) {
      const date = DateTime.fromMillis(now, { zone }).plus({ days: i });
      if (weekdays !== undefined && !weekdays.includes(date.weekday)) continue;
      const { year, month, day } = date;
      const luxon = DateTime.fromObject({ year, month, day, hour, minute }, { zone }).toMillis();
      const matches = [luxon - HOUR, luxon, luxon + HOUR].filter((t) => {
        const there = DateTime.fromMillis(t, { zone });
        return there.toISODate() === date.toISODate() && there.toFormat('HH:mm') === hhmm;
      });
      const first = matches[0] ?? DateTime.fromMillis(luxon, { zone }).startOf('hour').toMillis();
      if (first >= now) return first;
    }
    throw new Error('no send within 8 days');
  }

  it('finds DST changes to test around', () => {
    expect(changes).toHaveLength(16);
  });

  it('lands at or after now, within 8 days, at the wall time unless it did not exist', () => {
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom(...zones),
        clock,
        fc.option(days, { nil: undefined }),
        (now, zone, hhmm, weekdays) => {
          const next = nextLocalTime(now, zone, hhmm, weekdays);
          expect(iso(next)).toBe(iso(expectedSend(now, zone, hhmm, weekdays)));
          expect(next).toBeGreaterThanOrEqual(now);
          expect(next).toBeLessThan(now + 8 * DAY + HOUR);
          if (weekdays === undefined) expect(next).toBeLessThan(now + 25 * HOUR);
          const there = DateTime.fromMillis(next, { zone });
          if (there.toFormat('HH:mm') !== hhmm) {
            // Only where a spring-forward gap swallowed hhmm: the offset grows right at `next`.
            const tz = IANAZone.create(zone);
            expect(tz.offset(next - 1)).toBeLessThan(tz.offset(next));
            const before = DateTime.fromMillis(next - 1, { zone }).toFormat('HH:mm');
            expect(before < hhmm && hhmm < there.toFormat('HH:mm')).toBe(true);
          }
          // Never twice on one local date: the send after this one is on a later date.
          const after = DateTime.fromMillis(nextLocalTime(next + 1, zone, hhmm, weekdays), {
            zone,
          });
          expect((after.toISODate() ?? '') > (there.toISODate() ?? '')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
