import {
  zonedOperators,
  type DateZone,
  type FieldOperator,
  type TimeUnit,
} from '@comeback/contracts';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { FieldType } from '../../src/modules/segments/segment-model.js';
import { profileZone } from './segment-reference-zoned.js';
import type { World } from './segment-world-model.js';

/**
 * Zones profiles and workspaces name: DST north and south, a change at midnight (Santiago), half
 * hours (Lord Howe, Kathmandu's +05:45), the extremes (+14, -11), and names that are no zone.
 */
export const ZONES = [
  'Asia/Jerusalem',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'UTC',
];
export const NOT_ZONES = ['Mars/Olympus', '', 'utc+2'];
/** What a profile's traits say of its zone: a zone, a country, an address, or junk. */
export const zoneTraitsArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('timezone', 'time_zone', 'timeZone'), fc.constantFrom(...ZONES))
      .map(([key, zone]) => ({ [key]: key === 'timezone' ? ` ${zone}` : zone })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('Israel', 'US', 'rs', 'the  Türkiye', 'Atlantis', 'NZ'), fc.boolean())
      .map(([country, inAddress]) => (inAddress ? { address: { country } } : { country })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...NOT_ZONES, 42), fc.constantFrom('Chile', 'Nepal'))
      .map(([timezone, country]) => ({ timezone, country })),
  },
);

/** A date operator's calendar: mostly the profile's zone, sometimes UTC said or left out. */
export function zoneArb(
  type: FieldType,
  operator: FieldOperator,
): fc.Arbitrary<DateZone | undefined> {
  if (type !== 'date' || !(zonedOperators as readonly string[]).includes(operator)) {
    return fc.constant(undefined);
  }
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant('utc' as const) },
    { weight: 3, arbitrary: fc.constant('profile' as const) },
  );
}

/**
 * An instant at or next to a local midnight in a profile's zone, the focus span (or a day or
 * two) after one of its date values: where its dates in its zone change, where a window's edge
 * in local dates falls on its value, and where zones (and their clock changes) disagree.
 */
export function nearLocalMidnight(
  world: World,
  focus: { amount: number; unit: TimeUnit },
): fc.Arbitrary<number> | null {
  const dated = world.profiles.flatMap((p) => {
    const zone = profileZone(world, p);
    const prediction = world.predictions.find((x) => x.profileId === p.id);
    const insight = world.insights.find((x) => x.profileId === p.id);
    const birthday = typeof p.traits.birthday === 'string' ? Date.parse(p.traits.birthday) : null;
    return [
      p.createdAt,
      p.firstOrderAt,
      p.lastOrderAt,
      p.lastSeenAt,
      birthday,
      prediction?.expectedNextOrderAt ?? null,
      insight?.nextReplenishmentDueAt ?? null,
    ].flatMap((t) => (t === null || Number.isNaN(t) ? [] : [{ t, zone }]));
  });
  if (dated.length === 0) return null;
  const span =
    focus.unit === 'minutes' || focus.unit === 'hours' ? {} : { [focus.unit]: focus.amount };
  return fc
    .tuple(
      fc.constantFrom(...dated),
      fc.oneof(
        { weight: 2, arbitrary: fc.constant(span) },
        fc.integer({ min: -2, max: 2 }).map((days) => ({ days })),
      ),
      fc.constantFrom(-1, 0, 1, 3_600_000),
    )
    .map(
      ([{ t, zone }, shift, delta]) =>
        DateTime.fromMillis(t, { zone }).startOf('day').plus(shift).toMillis() + delta,
    );
}
