import type { SegmentCondition } from '@comeback/contracts';
import { DateTime } from 'luxon';
import { profileZoneOf, workspaceZoneOr } from '../../src/platform/time-zones.js';
import type { Read } from './segment-reference.js';
import type { World, WorldProfile } from './segment-world-model.js';

/**
 * The reference's reading of date conditions with `zone: "profile"` (docs/guides/segments.md,
 * "Dates in the profile's time zone"), literally: calendar dates as ISO texts, luxon for the
 * zone and the calendar. Only which zone a profile is in comes from the server (the resolution
 * journeys use, platform/time-zones.ts); nothing of the compiler's date arithmetic is shared.
 */

type Field = Extract<SegmentCondition, { type: 'field' }>;

const ZONED = ['before', 'after', 'between', 'within_last', 'more_than_ago', 'within_next'];

/** The zone applies: a zoned operator, and for spans, days or longer. */
export function isZonedCondition(c: Field): boolean {
  if (c.zone !== 'profile') return false;
  if (![...ZONED, 'anniversary_within'].includes(c.operator)) return false;
  return c.unit !== 'minutes' && c.unit !== 'hours';
}

/** The profile's zone: its own traits', else the workspace's when valid, else UTC. */
export function profileZone(world: World, p: WorldProfile): string {
  return profileZoneOf(p.traits, workspaceZoneOr(world.workspaceZone));
}

/** The guide: the tz data's offsets from 1900 to 2200, the first and last continuing outside. */
const FROM = Date.UTC(1900, 0, 1);
const TO = Date.UTC(2200, 0, 1);

/** The calendar date (YYYY-MM-DD) the wall clock of `zone` shows at instant `t`. */
export function localDate(zone: string, t: number): string {
  const clamped = Math.min(Math.max(t, FROM), TO);
  const offset = Math.round(DateTime.fromMillis(clamped, { zone }).offset * 60_000);
  return new Date(t + offset).toISOString().slice(0, 10);
}

const plus = (date: string, n: number, unit: string) =>
  DateTime.fromISO(date, { zone: 'utc' })
    .plus({ [unit]: n })
    .toISODate() ?? '';

/**
 * The date an instant stands for: exactly midnight UTC names that calendar day (a date without a
 * time, or a declared date field as ingestion stores it); any other instant, its local date.
 */
function dateOf(zone: string, t: number): string {
  const utc = new Date(t).toISOString();
  return utc.endsWith('T00:00:00.000Z') ? utc.slice(0, 10) : localDate(zone, t);
}

function operandDate(zone: string, operand: unknown): string | null {
  if (typeof operand !== 'string' || Number.isNaN(Date.parse(operand))) return null;
  return dateOf(zone, Date.parse(operand));
}

export function zonedHolds(zone: string, read: Read, c: Field, at: number): boolean {
  if (typeof read.value !== 'number') return false;
  const date = dateOf(zone, read.value);
  const today = localDate(zone, at);
  const n = c.amount ?? 0;
  const unit = c.unit ?? 'days';
  switch (c.operator) {
    case 'before':
    case 'after': {
      const bound = operandDate(zone, c.value);
      if (bound === null) return false;
      return c.operator === 'before' ? date < bound : date > bound;
    }
    case 'between': {
      const [low, high] = (c.values ?? []).map((v) => operandDate(zone, v));
      return low !== null && high !== null && low !== undefined && high !== undefined
        ? low <= date && date <= high
        : false;
    }
    case 'within_last':
      return plus(today, -n, unit) < date && date <= today;
    case 'more_than_ago':
      return date <= plus(today, -n, unit);
    case 'within_next':
      return today <= date && date < plus(today, n, unit);
    case 'anniversary_within': {
      const days = unit === 'weeks' ? n * 7 : n;
      const target = date.slice(5);
      for (let k = 0; k < days; k++) {
        const day = plus(today, k, 'days');
        const year = Number(day.slice(0, 4));
        const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
        if (day.slice(5) === target) return true;
        if (target === '02-29' && day.slice(5) === '02-28' && !leap) return true;
      }
      return false;
    }
    default:
      throw new Error(`operator ${c.operator} takes no zone`);
  }
}
