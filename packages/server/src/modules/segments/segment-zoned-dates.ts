import type { TimeUnit } from '@comeback/contracts';
import { DAY_MS, shiftInstant } from './segment-time.js';

/**
 * Calendar dates as day numbers (days since 1970-01-01), for date conditions in the profile's
 * zone: the SQL compiler, the timers and the docs count in them the same way.
 */

/**
 * An instant at exactly midnight UTC names a calendar day (that day, in every zone), not a
 * moment: a date without a time (`1990-03-28`) parses to it, and ingestion stores a declared
 * date field's dates so (`1990-03-28T00:00:00.000Z`, docs/guides/tracking.md).
 */
export const namesADay = (t: number): boolean => t % DAY_MS === 0;

/** `day` moved by `amount` units on the calendar (months clamp: Mar 31 - 1 month = Feb 28/29). */
export function shiftDay(day: number, amount: number, unit: TimeUnit): number {
  return Math.round(shiftInstant(day * DAY_MS, amount, unit) / DAY_MS);
}
