import { fail, ok, type Result } from '../../platform/errors.js';
import type { OverviewQuery } from './overview-schema.js';

export const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 30;
/** A year and a day: a chart of whole days stays readable and every query stays bounded. */
export const MAX_DAYS = 366;

export interface OverviewWindow {
  /** Inclusive start, ms. */
  from: number;
  /** Exclusive end, ms. */
  to: number;
}

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * The window the overview covers: `to` defaults to now, `from` to `days` (30) days before
 * `to`. A bare day as `to` includes that whole day. `days` lets a client ask for "the last
 * week" by the server's clock (which a test clock may have moved).
 */
export function overviewWindow(query: OverviewQuery, now: number): Result<OverviewWindow> {
  if (query.from !== undefined && query.days !== undefined)
    return fail('validation_failed', 'querystring.days: give from or days, not both', [
      { field: 'querystring.days', message: 'give from or days, not both' },
    ]);
  const to =
    query.to === undefined
      ? now
      : Date.parse(isDay(query.to) ? `${query.to}T00:00:00Z` : query.to) +
        (isDay(query.to) ? DAY_MS : 0);
  const from =
    query.from === undefined
      ? to - (query.days ?? DEFAULT_DAYS) * DAY_MS
      : Date.parse(isDay(query.from) ? `${query.from}T00:00:00Z` : query.from);
  if (!Number.isFinite(from) || !Number.isFinite(to))
    return fail('validation_failed', 'querystring: from and to must be valid times', [
      { field: Number.isFinite(from) ? 'querystring.to' : 'querystring.from', message: 'invalid' },
    ]);
  if (from >= to)
    return fail('validation_failed', 'querystring.from: must be before to', [
      { field: 'querystring.from', message: 'must be before to' },
    ]);
  if (to - from > MAX_DAYS * DAY_MS)
    return fail('validation_failed', `querystring.from: the window is at most ${MAX_DAYS} days`, [
      { field: 'querystring.from', message: `at most ${MAX_DAYS} days before to` },
    ]);
  return ok({ from, to });
}

/** The UTC day of an instant as a number (days since the epoch), as the queries bucket it. */
export const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);
export const dayLabel = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** Every UTC day the window touches, in order. */
export function daysOf(window: OverviewWindow): number[] {
  const days: number[] = [];
  for (let d = dayNumber(window.from); d <= dayNumber(window.to - 1); d++) days.push(d);
  return days;
}
