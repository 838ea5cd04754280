import type { SegmentWindow, TimeUnit } from '@comeback/contracts';
import { DateTime } from 'luxon';

/**
 * The time arithmetic of segments (docs/guides/segments.md): fixed spans for minutes to weeks,
 * calendar arithmetic in UTC for months and years (Mar 31 minus one month is Feb 28 or 29, as
 * luxon clamps), the bounds of an event or purchase window, and the month-days an anniversary
 * falls on. Everything is relative to the instant `at` the caller passes in.
 */

const FIXED_SPANS: Partial<Record<TimeUnit, number>> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};
export const DAY_MS = 86_400_000;

/** `at` moved by `amount` units (negative: into the past). */
export function shiftInstant(at: number, amount: number, unit: TimeUnit): number {
  const fixed = FIXED_SPANS[unit];
  if (fixed !== undefined) return at + amount * fixed;
  // Calendar months in UTC, the day clamped to the target month's length (as luxon does):
  // written out because the processor's timers call this per profile, and luxon's object
  // arithmetic costs ~50x more. segment-time.test.ts holds it equal to luxon.
  const date = new Date(at);
  const months =
    date.getUTCFullYear() * 12 + date.getUTCMonth() + amount * (unit === 'years' ? 12 : 1);
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const timeOfDay = at - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return utcDate(year, month, day) + timeOfDay;
}

/** Date.UTC for any year (Date.UTC reads years 0-99 as 1900-1999). */
function utcDate(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

const daysInMonth = (year: number, month: number) =>
  [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month] ?? 31;

/** luxon's answer, for tests that hold shiftInstant to it. */
export function shiftInstantWithLuxon(at: number, amount: number, unit: TimeUnit): number {
  const fixed = FIXED_SPANS[unit];
  if (fixed !== undefined) return at + amount * fixed;
  const start = DateTime.fromMillis(at, { zone: 'utc' });
  const magnitude = { [unit]: Math.abs(amount) };
  return (amount < 0 ? start.minus(magnitude) : start.plus(magnitude)).toMillis();
}

/** Which instants t a window admits: every bound present must hold (gt: t > gt, ...). */
export interface WindowBounds {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export function windowBounds(window: SegmentWindow | undefined, at: number): WindowBounds {
  if (window === undefined) return {};
  switch (window.kind) {
    case 'ever':
      return {};
    // No upper bound: an event timed slightly ahead of `at` still counts as recent.
    case 'last':
      return { gt: shiftInstant(at, -window.amount, window.unit) };
    case 'older_than':
      return { lte: shiftInstant(at, -window.amount, window.unit) };
    case 'between':
      return { gte: Date.parse(window.from), lt: Date.parse(window.to) };
    // Not bounded in time: the bound is the profile's stored entry (see the SQL compiler).
    case 'since_entering':
      return {};
  }
}

/** The length of an anniversary span in days; only days and weeks make sense for it. */
export function spanDays(amount: number, unit: TimeUnit): number | null {
  if (unit === 'days') return amount;
  if (unit === 'weeks') return amount * 7;
  return null;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const monthDay = (d: Date) =>
  `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;

/**
 * The UTC month-days ('MM-DD') of the days at, at+1d, ..., at+(days-1)d. Someone born on Feb 29
 * celebrates on Feb 28 in a year without Feb 29, so such a Feb 28 brings '02-29' in too.
 */
export function anniversaryMonthDays(at: number, days: number): string[] {
  const out = new Set<string>();
  for (let i = 0; i < Math.min(days, 366); i++) {
    const d = new Date(at + i * DAY_MS);
    const md = monthDay(d);
    out.add(md);
    if (md === '02-28' && !isLeap(d.getUTCFullYear())) out.add('02-29');
  }
  return [...out].sort();
}

/**
 * The ISO-8601 forms a date trait may hold (what the SQL compiler recognises, identically on
 * both engines): `YYYY-MM-DD` (midnight UTC), or `YYYY-MM-DDTHH:MM`, optionally `:SS` and then
 * `.` and 1-9 fraction digits (cut to milliseconds), then `Z` or `+HH:MM`/`-HH:MM` - a time
 * without an offset would depend on the reader's time zone, so it is not a date. Month 01-12,
 * day 01-31 (a day past the month's end runs into the next month, as Date.parse does), hour
 * 00-23 or 24:00:00 (the next midnight), minutes and seconds 00-59, offset up to 23:59.
 * Anything else is not a date: null.
 */
export const ISO_INSTANT_PATTERN =
  '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]{1,9}))?)?(Z|([+-])([0-9]{2}):([0-9]{2})))?$';
const isoInstant = new RegExp(ISO_INSTANT_PATTERN);

export function parseIsoInstant(text: string): number | null {
  const m = isoInstant.exec(text);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? '0');
  const [month, day, hour, minute, second] = [n(2), n(3), n(4), n(5), n(6)];
  const millis = Number(`${m[7] ?? ''}000`.slice(0, 3));
  const offset = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (n(10) * 60 + n(11));
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    (hour <= 23 || (hour === 24 && minute === 0 && second === 0 && millis === 0)) &&
    minute <= 59 &&
    second <= 59 &&
    n(10) <= 23 &&
    n(11) <= 59;
  if (!valid) return null;
  return (
    daysFromCivil(n(1), month, day) * DAY_MS +
    hour * 3_600_000 +
    minute * 60_000 +
    second * 1000 +
    millis -
    offset * 60_000
  );
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), in
 * integer arithmetic the SQL compiler repeats; 400 years are added so every division is of
 * non-negative numbers (truncating and flooring then agree).
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = year - (month <= 2 ? 1 : 0) + 400;
  const era = Math.trunc(y / 400);
  const yoe = y - era * 400;
  const doy = Math.trunc((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.trunc(yoe / 4) - Math.trunc(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468 - 146_097;
}
