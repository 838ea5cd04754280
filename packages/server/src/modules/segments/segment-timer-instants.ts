import type { CustomField, SegmentCondition, SegmentWindow, TimeUnit } from '@comeback/contracts';
import { resolveField, type RegisteredField } from './field-registry.js';
import { DAY_MS, shiftInstant } from './segment-time.js';
import type { LocalDateAtom } from './segment-zone-timers.js';

/**
 * The instants at which a profile's answer can change with time alone (see segment-timers.ts):
 * which parts of a condition depend on the clock, and for each the next instant it can flip.
 */

export type Atom =
  | { kind: 'items'; source: 'events'; event: string; amount: number; unit: TimeUnit }
  | { kind: 'items'; source: 'orders'; amount: number; unit: TimeUnit }
  | {
      kind: 'date';
      field: RegisteredField;
      operator: 'within_last' | 'more_than_ago' | 'within_next' | 'anniversary_within';
      amount: number;
      unit: TimeUnit;
    }
  /** A date in the profile's zone: it flips at the profile's local midnights (own file). */
  | LocalDateAtom;

/** The clock-dependent parts of a condition, with referenced segments' inlined. */
export function timedAtomsOf(
  condition: SegmentCondition,
  references: ReadonlyMap<string, SegmentCondition>,
  customFields: ReadonlyMap<string, CustomField>,
): Atom[] {
  const out: Atom[] = [];
  const visiting = new Set<string>();
  const timed = (w: SegmentWindow | undefined) =>
    w?.kind === 'last' || w?.kind === 'older_than' ? w : undefined;
  const walk = (c: SegmentCondition): void => {
    switch (c.type) {
      case 'and':
      case 'or':
        c.conditions.forEach(walk);
        return;
      case 'not':
        walk(c.condition);
        return;
      case 'event':
      case 'category_views':
      case 'viewed_out_of_stock': {
        const w = timed(c.window);
        if (!w) return;
        const event = c.type === 'event' ? c.event : 'Product Viewed';
        out.push({ kind: 'items', source: 'events', event, amount: w.amount, unit: w.unit });
        return;
      }
      case 'purchased': {
        const w = timed(c.window);
        if (w) out.push({ kind: 'items', source: 'orders', amount: w.amount, unit: w.unit });
        return;
      }
      case 'field': {
        const op = c.operator;
        if (
          op !== 'within_last' &&
          op !== 'more_than_ago' &&
          op !== 'within_next' &&
          op !== 'anniversary_within'
        ) {
          return;
        }
        const field = resolveField(customFields, c.field);
        if (!field || c.amount === undefined || c.unit === undefined) return;
        // Minutes and hours are elapsed time in either zone.
        const local = c.zone === 'profile' && c.unit !== 'minutes' && c.unit !== 'hours';
        out.push({
          kind: local ? 'local-date' : 'date',
          field,
          operator: op,
          amount: c.amount,
          unit: c.unit,
        });
        return;
      }
      case 'consent':
        return; // changes only when consent is written (LiveSegments follows those)
      case 'segment': {
        const target = references.get(c.segment);
        if (!target || visiting.has(c.segment)) return;
        visiting.add(c.segment);
        walk(target);
        visiting.delete(c.segment);
        return;
      }
    }
  };
  walk(condition);
  return out;
}

/**
 * The first instant `at` with shift(at, -amount) >= t: when an item of time t leaves a `last`
 * window (or enters an `older_than` one). Exact for calendar units too, where month lengths
 * make the shift uneven: shift(at, -amount) never decreases as `at` grows, so a binary search
 * from the naive guess finds the boundary.
 */
export function edgeCrossing(t: number, amount: number, unit: TimeUnit): number {
  return firstInstant((at) => shiftInstant(at, -amount, unit) >= t, shiftInstant(t, amount, unit));
}

/** The first instant `at` with shift(at, +amount) > t (a date entering a `within_next`). */
function enteringNext(t: number, amount: number, unit: TimeUnit): number {
  return firstInstant((at) => shiftInstant(at, amount, unit) > t, shiftInstant(t, -amount, unit));
}

/** Smallest integer instant where a monotone predicate turns true, searching near `guess`. */
function firstInstant(holds: (at: number) => boolean, guess: number): number {
  if (holds(guess) && !holds(guess - 1)) return guess;
  let lo = guess;
  let hi = guess;
  let step = DAY_MS;
  if (holds(guess)) {
    while (holds(lo)) {
      lo -= step;
      step *= 2;
    }
  } else {
    while (!holds(hi)) {
      hi += step;
      step *= 2;
    }
  }
  // holds(hi), !holds(lo)
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function nextDateFlip(
  atom: Extract<Atom, { kind: 'date' }>,
  t: number,
  now: number,
): number | null {
  switch (atom.operator) {
    case 'within_last':
      // True while shift(at,-N) < t <= at: it starts at t and ends at the edge crossing.
      if (t > now) return t;
      return shiftInstant(now, -atom.amount, atom.unit) < t
        ? edgeCrossing(t, atom.amount, atom.unit)
        : null;
    case 'more_than_ago':
      return shiftInstant(now, -atom.amount, atom.unit) < t
        ? edgeCrossing(t, atom.amount, atom.unit)
        : null;
    case 'within_next':
      // True while at <= t < shift(at,+N): it starts when shift passes t and ends just after t.
      if (t < now) return null;
      return shiftInstant(now, atom.amount, atom.unit) > t
        ? t + 1
        : enteringNext(t, atom.amount, atom.unit);
    case 'anniversary_within':
      return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  }
}
