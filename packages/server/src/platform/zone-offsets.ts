import { sql, type QueryExecutorProvider } from 'kysely';
import { IANAZone } from 'luxon';
import { isValidZone } from './time-zones.js';

/**
 * A time zone's UTC offsets as a table of periods, so that SQL on both engines can tell which
 * local date an instant falls on in a profile's zone (segments' dates in the profile's zone, ADR
 * 0017) with the same answer as TypeScript. SQLite knows no time zones and PostgreSQL's own
 * tz data may differ from the runtime's, so neither engine's zone support is used: the periods
 * come from the runtime's IANA data (through luxon), are stored in `time_zone_offsets` when a
 * zone is first stored anywhere (a profile's zone, a workspace's), and TypeScript reads the same
 * periods. They cover 1900-2200; before and after, the first and last offsets continue.
 */

export const DAY_MS = 86_400_000;
/** The years the periods follow the tz data for. */
export const ZONE_OFFSETS_FROM = Date.UTC(1900, 0, 1);
export const ZONE_OFFSETS_TO = Date.UTC(2200, 0, 1);
/** The first period starts before any instant a JavaScript date can hold. */
export const BEFORE_ALL = -8_640_000_000_000_000;
/**
 * Offsets are probed a week apart and each change bisected to the millisecond: no zone of the tz
 * data changes and changes back within a week (Morocco's Ramadan pauses, the shortest, last a
 * month).
 */
const PROBE_MS = 7 * DAY_MS;

export interface ZonePeriod {
  /** The first instant (epoch ms) of the period. */
  startsAt: number;
  /** Local time minus UTC, in ms, from startsAt until the next period. */
  offsetMs: number;
}

const PERIODS = new Map<string, readonly ZonePeriod[]>();

/** The zone's offset periods, oldest first, the first from BEFORE_ALL. Remembered per zone. */
export function zonePeriods(zone: string): readonly ZonePeriod[] {
  const known = PERIODS.get(zone);
  if (known) return known;
  if (!isValidZone(zone)) throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
  const tz = IANAZone.create(zone);
  // luxon gives minutes, fractional for a local mean time with seconds: whole ms are exact.
  const offsetAt = (t: number) => Math.round(tz.offset(t) * 60_000);
  const out: ZonePeriod[] = [{ startsAt: BEFORE_ALL, offsetMs: offsetAt(ZONE_OFFSETS_FROM) }];
  let current = offsetAt(ZONE_OFFSETS_FROM);
  let t = ZONE_OFFSETS_FROM;
  while (t < ZONE_OFFSETS_TO) {
    const next = Math.min(t + PROBE_MS, ZONE_OFFSETS_TO);
    if (offsetAt(next) === current) {
      t = next;
      continue;
    }
    let lo = t;
    let hi = next;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (offsetAt(mid) === current) lo = mid;
      else hi = mid;
    }
    current = offsetAt(hi);
    out.push({ startsAt: hi, offsetMs: current });
    t = hi;
  }
  PERIODS.set(zone, out);
  return out;
}

/** The offset (ms) of `zone` at instant `t`, from its periods (as SQL reads them). */
export function zoneOffsetMs(zone: string, t: number): number {
  const periods = zonePeriods(zone);
  let lo = 0;
  let hi = periods.length - 1;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if ((periods[mid]?.startsAt ?? Infinity) <= t) lo = mid;
    else hi = mid - 1;
  }
  return periods[lo]?.offsetMs ?? 0;
}

/** Floor division, for instants before 1970 too. */
export const floorDiv = (a: number, b: number): number => Math.floor(a / b);

/** The local date (days since 1970-01-01) the wall clock of `zone` shows at instant `t`. */
export function localDay(zone: string, t: number): number {
  return floorDiv(t + zoneOffsetMs(zone, t), DAY_MS);
}

/**
 * The first instant whose local date in `zone` is `day` or later: the local midnight starting
 * `day`, or where midnight falls in a clock change's gap, the end of the gap.
 */
export function startOfLocalDay(zone: string, day: number): number {
  const midnight = day * DAY_MS;
  const periods = zonePeriods(zone);
  let best = Infinity;
  for (let i = 0; i < periods.length; i++) {
    const period = periods[i];
    if (!period) continue;
    const end = periods[i + 1]?.startsAt ?? Infinity;
    // Offsets are under a day: only periods around the midnight can hold the answer.
    if (end <= midnight - 2 * DAY_MS) continue;
    if (period.startsAt > midnight + 2 * DAY_MS) break;
    const first = Math.max(period.startsAt, midnight - period.offsetMs);
    if (first < end) best = Math.min(best, first);
  }
  return best;
}

/**
 * Stores the periods of each of `zones` not stored yet (in the caller's transaction `db`).
 * `seen` remembers, per caller, the zones found stored, so later batches ask nothing; a zone the
 * caller inserted counts as stored only once another transaction finds it (the inserting one may
 * still roll back).
 */
export async function storeZoneOffsets(
  db: QueryExecutorProvider,
  zones: Iterable<string>,
  seen: ZoneOffsetsSeen = { stored: new Set(), inserted: new Map() },
): Promise<void> {
  const wanted = [...new Set(zones)].filter((z) => !seen.stored.has(z) && isValidZone(z));
  if (wanted.length === 0) return;
  const found = await sql<{ zone: string }>`select distinct zone from time_zone_offsets
    where zone in (${sql.join(wanted)})`.execute(db);
  const present = new Set(found.rows.map((r) => r.zone));
  for (const zone of present) {
    const by = seen.inserted.get(zone);
    if (by === undefined || by !== db) seen.stored.add(zone);
  }
  for (const zone of wanted) {
    if (present.has(zone)) continue;
    const periods = zonePeriods(zone);
    for (let i = 0; i < periods.length; i += 200) {
      const rows = periods
        .slice(i, i + 200)
        .map((p) => sql`(${zone}, ${p.startsAt}, ${p.offsetMs})`);
      await sql`insert into time_zone_offsets (zone, starts_at, offset_ms)
        values ${sql.join(rows)} on conflict (zone, starts_at) do nothing`.execute(db);
    }
    seen.inserted.set(zone, db);
  }
}

export interface ZoneOffsetsSeen {
  stored: Set<string>;
  /** Zones this caller inserted, with the transaction that did. */
  inserted: Map<string, QueryExecutorProvider>;
}
