import type { SegmentCondition } from '@comeback/contracts';
import { CARRIED_TRAITS, ORDER_EVENTS } from '../profiles/index.js';

/** What can change a segment's answer for a profile: any call, some track events, or none. */
export type Dependencies =
  { kind: 'any' } | { kind: 'calls'; calls: Set<string> } | { kind: 'none' };

/** A workspace's segment conditions by id (undefined: no such segment there). */
export type ConditionLookup = (segmentId: string) => SegmentCondition | undefined;

const PRODUCT_VIEWED = 'track:Product Viewed';
/** The calls that write orders (and so the order fields and purchases). */
const ORDER_CALLS = [...ORDER_EVENTS].map((e) => `track:${e}`);
/** Profile columns only order events write; the rest (last seen, created) move with any call. */
const ORDER_COLUMNS = new Set([
  'order_count',
  'total_spent',
  'refunded_total',
  'first_order_at',
  'last_order_at',
  'categories_bought',
  'products_bought',
]);
/** Fields the daily model fits write (predictions, insights, RFM), not events. */
const FIT_FIELDS = /^(predictions|insights|rfm)\./;

/**
 * Which calls of a batch can change the answer (as `TouchedProfile.calls` names them): events
 * and affinity depend on their track events; traits on calls that carried traits; order fields
 * and purchases on order events; the last product viewed on views; last seen and the like on
 * any call; predictions and insights on none (the model fits change them, see readsFits), nor
 * consent (written outside the log: LiveSegments follows its feed). A merge survivor is asked
 * about every segment whatever its calls (LiveSegments). References count what the referenced
 * segment depends on.
 */
export function dependenciesOf(
  condition: SegmentCondition,
  lookup: ConditionLookup,
  visiting = new Set<string>(),
): Dependencies {
  const merge = (parts: Dependencies[]): Dependencies => {
    if (parts.some((p) => p.kind === 'any')) return { kind: 'any' };
    const calls = new Set<string>();
    for (const p of parts) if (p.kind === 'calls') for (const c of p.calls) calls.add(c);
    return calls.size ? { kind: 'calls', calls } : { kind: 'none' };
  };
  switch (condition.type) {
    case 'and':
    case 'or':
      return merge(condition.conditions.map((c) => dependenciesOf(c, lookup, visiting)));
    case 'not':
      return dependenciesOf(condition.condition, lookup, visiting);
    case 'field':
      return fieldDependencies(condition.field);
    case 'event':
      return { kind: 'calls', calls: new Set([`track:${condition.event}`]) };
    case 'category_views':
    case 'viewed_out_of_stock':
      return { kind: 'calls', calls: new Set([PRODUCT_VIEWED]) };
    case 'purchased':
      return { kind: 'calls', calls: new Set(ORDER_CALLS) };
    case 'consent':
      return { kind: 'none' };
    case 'segment': {
      const target = lookup(condition.segment);
      if (!target || visiting.has(condition.segment)) return { kind: 'none' };
      visiting.add(condition.segment);
      const deps = dependenciesOf(target, lookup, visiting);
      visiting.delete(condition.segment);
      return deps;
    }
  }
}

function fieldDependencies(path: string): Dependencies {
  if (FIT_FIELDS.test(path)) return { kind: 'none' };
  if (path.startsWith('traits.')) return { kind: 'calls', calls: new Set([CARRIED_TRAITS]) };
  if (path === 'computed.last_product_viewed') {
    return { kind: 'calls', calls: new Set([PRODUCT_VIEWED]) };
  }
  const column = path.startsWith('computed.') ? path.slice('computed.'.length) : '';
  if (ORDER_COLUMNS.has(column) || column === 'average_order_value') {
    return { kind: 'calls', calls: new Set(ORDER_CALLS) };
  }
  return { kind: 'any' };
}

/**
 * Whether any leaf condition of the answer, through and/or/not and the segments it references
 * (a cycle counts once), satisfies `leaf`.
 */
function readsAny(
  condition: SegmentCondition,
  lookup: ConditionLookup,
  leaf: (c: SegmentCondition) => boolean,
  visiting = new Set<string>(),
): boolean {
  switch (condition.type) {
    case 'and':
    case 'or':
      return condition.conditions.some((c) => readsAny(c, lookup, leaf, visiting));
    case 'not':
      return readsAny(condition.condition, lookup, leaf, visiting);
    case 'segment': {
      const target = lookup(condition.segment);
      if (!target || visiting.has(condition.segment)) return false;
      visiting.add(condition.segment);
      return readsAny(target, lookup, leaf, visiting);
    }
    default:
      return leaf(condition);
  }
}

/** Whether the answer reads what the daily model fits write (predictions, insights, related). */
export function readsFits(condition: SegmentCondition, lookup: ConditionLookup): boolean {
  return readsAny(condition, lookup, (c) =>
    c.type === 'field'
      ? FIT_FIELDS.test(c.field)
      : c.type === 'purchased' && c.similarTo !== undefined,
  );
}

/**
 * Whether the answer reads consent, which the consent service writes outside the event log
 * (API, preference pages, webhooks, the consent follower): LiveSegments follows its changes.
 */
export function readsConsent(condition: SegmentCondition, lookup: ConditionLookup): boolean {
  return readsAny(condition, lookup, (c) => c.type === 'consent');
}

/**
 * How a profile's answer can move when a batch only adds events to it (its own calls, or a
 * merged-away profile's history joining it): `up` only from out to in ("did X at least N times
 * in the window": more events can only add to the count), `down` only from in to out ("did not
 * do X"), `constant` not at all (predictions, insights: written by the fits), `both` either way.
 * The processor skips the stored members of an `up` segment and the stored non-members of a
 * `down` one, so a heavy shopper's long history is not counted again on every view (ADR 0018).
 * Time is not an added event: a window's edge is the timers' part, and a re-check they make
 * evaluates everyone. Anything not provably one-way is `both`.
 */
export type Direction = 'up' | 'down' | 'constant' | 'both';

/** Windows whose item sets only grow as events are added (`since_entering` moves its start). */
const GROWING_WINDOWS = new Set(['ever', 'last', 'older_than', 'between']);

export function directionOf(
  condition: SegmentCondition,
  lookup: ConditionLookup,
  visiting = new Set<string>(),
): Direction {
  const growing = (window: { kind: string } | undefined) =>
    window === undefined || GROWING_WINDOWS.has(window.kind);
  switch (condition.type) {
    case 'and':
    case 'or':
      return condition.conditions
        .map((c) => directionOf(c, lookup, visiting))
        .reduce<Direction>(combine, 'constant');
    case 'not': {
      const inner = directionOf(condition.condition, lookup, visiting);
      return inner === 'up' ? 'down' : inner === 'down' ? 'up' : inner;
    }
    case 'field':
      return FIT_FIELDS.test(condition.field) ? 'constant' : 'both';
    case 'event': {
      if (condition.aggregate !== undefined || !growing(condition.window)) return 'both';
      const op = condition.count?.operator ?? 'gte';
      const value = condition.count?.value ?? 1;
      if (op === 'gte' || op === 'gt') return 'up';
      if (op === 'lte' || op === 'lt' || (op === 'eq' && value === 0)) return 'down';
      return 'both';
    }
    case 'category_views':
    case 'viewed_out_of_stock':
      // Stock crossing zero is not an added event: StockRechecks re-checks those viewers.
      return growing(condition.window) ? 'up' : 'both';
    case 'purchased':
    case 'consent':
      return 'both';
    case 'segment': {
      const target = lookup(condition.segment);
      if (!target || visiting.has(condition.segment)) return 'both';
      visiting.add(condition.segment);
      const direction = directionOf(target, lookup, visiting);
      visiting.delete(condition.segment);
      return direction;
    }
  }
}

function combine(a: Direction, b: Direction): Direction {
  if (a === 'constant') return b;
  if (b === 'constant' || a === b) return a;
  return 'both';
}

/** The segment a window counts "since entering", if any. */
export function entryWindowOf(condition: SegmentCondition): string | undefined {
  switch (condition.type) {
    case 'event':
    case 'purchased':
    case 'category_views':
    case 'viewed_out_of_stock':
      return condition.window?.kind === 'since_entering' ? condition.window.segment : undefined;
    default:
      return undefined;
  }
}

/**
 * The segments whose stored entries the answer reads ("since entering" windows), through the
 * segments it references: a change of their membership can change the answer.
 */
export function entriesRead(condition: SegmentCondition, lookup: ConditionLookup): Set<string> {
  const out = new Set<string>();
  readsAny(condition, lookup, (c) => {
    const segment = entryWindowOf(c);
    if (segment !== undefined) out.add(segment);
    return false;
  });
  return out;
}
