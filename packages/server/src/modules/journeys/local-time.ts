import { DateTime, IANAZone } from 'luxon';
import { isValidZone } from '../../platform/time-zones.js';

/**
 * The time rules of the journey engine: the next instant a local wall time comes round ("send at
 * 10:00 local", optionally on some weekdays only), when quiet hours end, and waits in calendar
 * days. Pure functions: instants are epoch ms passed in. Which zone a profile lives in is
 * resolved in platform/time-zones.ts, shared with segments.
 *
 * DST rules, the same everywhere in this module:
 * - A wall time that does not exist (inside a spring-forward gap, e.g. 02:30 in Europe/Belgrade
 *   on 2026-03-29) resolves to the first valid instant after the gap: the transition itself,
 *   03:00 local. A send planned for the gap goes out as soon as the clock has jumped, not an
 *   extra gap-length later, and never on the next day.
 * - A wall time that happens twice (fall-back) resolves to its FIRST occurrence, so a daily
 *   send never fires twice that night. Only quietUntil takes the next occurrence after `now`,
 *   because quiet hours are read off the wall clock and the second pass is quiet again.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** How many local dates nextLocalTime looks at: today and the next 7 (same weekday again). */
const SEARCH_DAYS = 8;

/**
 * The first instant at or after `now` whose wall time in `zone` is `at`, on a local date whose
 * weekday (1 = Monday .. 7 = Sunday) is in `weekdays` (all days when absent). See the DST rules
 * above; a fall-back day whose first occurrence has passed moves on to the next allowed day.
 */
export function nextLocalTime(
  now: number,
  zone: string,
  at: string,
  weekdays?: readonly number[],
): number {
  const tz = zoneOf(zone);
  const time = parseClock(at);
  const allowed = weekdaySet(weekdays);
  for (const date of localDates(now, tz)) {
    if (!allowed.has(date.weekday)) continue;
    const first = resolveWallTime(tz, date, time)[0];
    if (first !== undefined && first >= now) return first;
  }
  // Unreachable: 8 consecutive dates hold every weekday and today's weekday twice.
  throw new RangeError(`no ${at} in ${zone} within ${SEARCH_DAYS} days`);
}

/** 'HH:MM' bounds of quiet hours; start > end wraps midnight, start === end means none. */
export interface QuietHours {
  start: string;
  end: string;
}

/**
 * Null when the wall time of `now` in `zone` is outside quiet hours (start inclusive, end
 * exclusive), else the instant they end: the next time the wall clock shows `end`. Unlike
 * nextLocalTime this takes the next occurrence after `now` on a fall-back night, since a
 * clock turned back into quiet hours must leave them when it shows `end` again.
 */
export function quietUntil(now: number, zone: string, quiet: QuietHours): number | null {
  const tz = zoneOf(zone);
  const start = parseClock(quiet.start);
  const end = parseClock(quiet.end);
  if (start === end) return null;
  const wall = wallOf(DateTime.fromMillis(now, { zone: tz }));
  const inside = start < end ? wall >= start && wall < end : wall >= start || wall < end;
  if (!inside) return null;
  for (const date of localDates(now, tz)) {
    const next = resolveWallTime(tz, date, end).find((instant) => instant > now);
    if (next !== undefined) return next;
  }
  throw new RangeError(`quiet hours in ${zone} do not end within ${SEARCH_DAYS} days`);
}

export type DurationUnit = 'minutes' | 'hours' | 'days' | 'weeks';

/**
 * `from` plus a wait. Minutes and hours are elapsed time (a 24-hour wait across a DST night
 * ends at a different wall time); days and weeks are calendar days in `zone`, keeping the wall
 * time of `from` (a nonexistent one moves past the gap, an ambiguous one takes the first).
 */
/**
 * A span as elapsed milliseconds (a day as 24 hours): for windows that count back from now -
 * entry periods, attribution windows, budgets - where a clock change must not shift the edge.
 */
export function elapsedMs(d: { amount: number; unit: DurationUnit }): number {
  const unit = { minutes: MINUTE_MS, hours: HOUR_MS, days: DAY_MS, weeks: 7 * DAY_MS }[d.unit];
  return d.amount * unit;
}

export function addDuration(
  from: number,
  d: { amount: number; unit: DurationUnit },
  zone: string,
): number {
  if (!Number.isFinite(d.amount)) throw new RangeError(`duration amount ${d.amount}`);
  if (d.unit === 'minutes') return from + d.amount * MINUTE_MS;
  if (d.unit === 'hours') return from + d.amount * HOUR_MS;
  if (!Number.isInteger(d.amount)) {
    throw new RangeError(`a wait in ${d.unit} takes a whole number, not ${d.amount}`);
  }
  const days = d.unit === 'weeks' ? d.amount * 7 : d.amount;
  if (days === 0) return from;
  // UTC has no clock changes: a day is always 24 hours.
  if (zone === 'UTC') return from + days * 24 * HOUR_MS;
  const tz = zoneOf(zone);
  const local = DateTime.fromMillis(from, { zone: tz });
  const wall = wallOf(local);
  const date = civilDate(local).plus({ days });
  const first = resolveWallTime(tz, date, wall)[0];
  if (first === undefined) throw new RangeError(`no wall time on ${date.toISODate()}`);
  return first;
}

// --- internals ---------------------------------------------------------------------------

/**
 * An IANA zone that remembers the offsets it was asked for, by exact instant. A journey pass
 * asks the same few (its `now`, the same wall times on the same dates) for every enrollment it
 * walks, and each answer costs Luxon an Intl formatting; an exact instant's offset never
 * changes, so the remembered answer is the answer.
 */
class RememberingZone extends IANAZone {
  readonly #offsets = new Map<number, number>();

  override offset(ts: number): number {
    let offset = this.#offsets.get(ts);
    if (offset === undefined) {
      offset = super.offset(ts);
      if (this.#offsets.size >= OFFSETS_KEPT) this.#offsets.clear();
      this.#offsets.set(ts, offset);
    }
    return offset;
  }
}

/** Instants whose offset a zone remembers at most (then it starts again). */
const OFFSETS_KEPT = 4096;
const zones = new Map<string, RememberingZone>();

function zoneOf(zone: string): IANAZone {
  let tz = zones.get(zone);
  if (tz === undefined) {
    if (!isValidZone(zone)) throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
    tz = new RememberingZone(zone);
    zones.set(zone, tz);
  }
  return tz;
}

/** 'HH:MM' (00:00-23:59) -> ms since local midnight. */
function parseClock(text: string): number {
  const match = typeof text === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text) : null;
  if (match === null) throw new RangeError(`expected HH:MM, got ${JSON.stringify(text)}`);
  return Number(match[1]) * HOUR_MS + Number(match[2]) * MINUTE_MS;
}

function weekdaySet(weekdays: readonly number[] | undefined): ReadonlySet<number> {
  if (weekdays === undefined) return new Set([1, 2, 3, 4, 5, 6, 7]);
  for (const day of weekdays) {
    if (!Number.isInteger(day) || day < 1 || day > 7) throw new RangeError(`weekday ${day}`);
  }
  if (weekdays.length === 0) throw new RangeError('no weekday allowed');
  return new Set(weekdays);
}

function wallOf(local: DateTime): number {
  return local.hour * HOUR_MS + local.minute * MINUTE_MS + local.second * 1000 + local.millisecond;
}

/** The local calendar date, as a UTC midnight: calendar arithmetic with no DST in the way. */
function civilDate(local: DateTime): DateTime {
  return DateTime.fromObject(
    { year: local.year, month: local.month, day: local.day },
    { zone: 'utc' },
  );
}

/** The local date of `now` in `tz` and the SEARCH_DAYS - 1 dates after it. */
function* localDates(now: number, tz: IANAZone): Generator<DateTime> {
  const today = civilDate(DateTime.fromMillis(now, { zone: tz }));
  for (let i = 0; i < SEARCH_DAYS; i++) yield today.plus({ days: i });
}

/**
 * The instants whose wall time in `tz` is `wall` (ms since midnight) on `date` (a UTC-midnight
 * civil date), earliest first: one normally, two on a fall-back overlap, and for a wall time
 * in a spring-forward gap the single instant the gap ends.
 */
function resolveWallTime(tz: IANAZone, date: DateTime, wall: number): number[] {
  // The wall time read as if it were UTC; the real instant is this minus the offset then.
  const naive = date.toMillis() + wall;
  // Offsets in force a day either side: any offset the instant could have is among them.
  const offsets = [...new Set([-DAY_MS, 0, DAY_MS].map((shift) => tz.offset(naive + shift)))];
  const valid = offsets
    .map((offset) => naive - offset * MINUTE_MS)
    .filter((instant) => naive - tz.offset(instant) * MINUTE_MS === instant)
    .sort((a, b) => a - b);
  if (valid.length > 0) return valid;
  // A gap: reading the wall time with the later (larger) offset lands before the transition,
  // with the earlier offset after it. Bisect to the first millisecond on the new offset.
  let lo = naive - Math.max(...offsets) * MINUTE_MS;
  let hi = naive - Math.min(...offsets) * MINUTE_MS;
  const before = tz.offset(lo);
  if (tz.offset(hi) === before) return [hi];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (tz.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return [hi];
}
