import type {
  CustomField,
  FieldOperator,
  PropertyFilter,
  SegmentCondition,
  SegmentCount,
  SegmentScalar,
  SegmentWindow,
  TimeUnit,
} from '@comeback/contracts';
import { DateTime } from 'luxon';
import type { FieldType, SegmentReferences } from '../../src/modules/segments/segment-model.js';
import type { World, WorldProfile } from './segment-world-model.js';
import { referenceField } from './segment-reference-fields.js';
import { isZonedCondition, profileZone, zonedHolds } from './segment-reference-zoned.js';

/**
 * The reference segment evaluator: the segment semantics (docs/guides/segments.md) read
 * literally, in plain loops over plain objects, with no SQL and nothing shared with the
 * compiler. It is slow and obvious on purpose: the property tests trust it to say who is in a
 * segment.
 */

export interface ReferenceQuery {
  condition: SegmentCondition;
  references: SegmentReferences;
  at: number;
  customFields: ReadonlyMap<string, CustomField>;
}

/** The item_neighbours strategy `similarTo` reads (what the recommendation module relates by). */
export const SIMILAR_STRATEGY = 'also_bought';
export const PRODUCT_VIEWED = 'Product Viewed';
const DAY = 86_400_000;
const SPANS = { minutes: 60_000, hours: 3_600_000, days: DAY, weeks: 7 * DAY } as const;

/** `at` moved by n units: fixed spans, or calendar months/years in UTC (luxon clamps). */
export function shift(at: number, n: number, unit: TimeUnit): number {
  if (unit === 'months' || unit === 'years') {
    return DateTime.fromMillis(at, { zone: 'utc' })
      .plus({ [unit]: n })
      .toMillis();
  }
  return at + n * SPANS[unit];
}

/** `entry`: the profile's stored entry into the segment a `since_entering` window names. */
export function inWindow(
  t: number,
  window: SegmentWindow | undefined,
  at: number,
  entry: number | undefined,
): boolean {
  if (!window || window.kind === 'ever') return true;
  if (window.kind === 'since_entering') return entry !== undefined && t >= entry;
  if (window.kind === 'last') return t > shift(at, -window.amount, window.unit);
  if (window.kind === 'older_than') return t <= shift(at, -window.amount, window.unit);
  return Date.parse(window.from) <= t && t < Date.parse(window.to);
}

function compare(n: number, c: { operator: SegmentCount['operator']; value: number }): boolean {
  switch (c.operator) {
    case 'gte':
      return n >= c.value;
    case 'gt':
      return n > c.value;
    case 'eq':
      return n === c.value;
    case 'lte':
      return n <= c.value;
    case 'lt':
      return n < c.value;
  }
}

/** The members of the query's segment among the world's profiles. */
export function referenceMembers(world: World, query: ReferenceQuery): Set<string> {
  const out = new Set<string>();
  for (const p of world.profiles) {
    if (holds(world, query, p, query.condition)) out.add(p.id);
  }
  return out;
}

/** When the profile entered the segment a window counts since, if it is a member now. */
function entryOf(world: World, p: WorldProfile, window: SegmentWindow | undefined) {
  if (window?.kind !== 'since_entering') return undefined;
  return world.memberships.find((m) => m.segmentId === window.segment && m.profileId === p.id)
    ?.enteredAt;
}

function holds(world: World, q: ReferenceQuery, p: WorldProfile, c: SegmentCondition): boolean {
  switch (c.type) {
    case 'and':
      return c.conditions.every((x) => holds(world, q, p, x));
    case 'or':
      return c.conditions.some((x) => holds(world, q, p, x));
    case 'not':
      return !holds(world, q, p, c.condition);
    case 'segment': {
      const inner = q.references.get(c.segment);
      if (!inner) throw new Error(`reference ${c.segment} not resolved`);
      return holds(world, q, p, inner);
    }
    case 'field': {
      const read = referenceField(world, q.customFields, p, c.field);
      if (read.type === 'date' && isZonedCondition(c)) {
        return zonedHolds(profileZone(world, p), read, c, q.at);
      }
      return operatorHolds(read.type, read.value, c, q.at);
    }
    case 'event': {
      const matching = world.events.filter(
        (e) =>
          e.profileId === p.id &&
          e.type === 'track' &&
          e.event === c.event &&
          inWindow(e.timestamp, c.window, q.at, entryOf(world, p, c.window)) &&
          (c.where ?? []).every((f) => filterHolds(e.properties, f)),
      );
      if (!compare(matching.length, c.count ?? { operator: 'gte', value: 1 })) return false;
      if (!c.aggregate) return true;
      const path = c.aggregate.property;
      const nums = matching
        .map((e) => propertyAt(e.properties, path))
        .filter((v): v is number => typeof v === 'number');
      const sum = nums.reduce((a, b) => a + b, 0);
      if (c.aggregate.fn !== 'sum' && nums.length === 0) return false;
      const value =
        c.aggregate.fn === 'sum'
          ? sum
          : c.aggregate.fn === 'avg'
            ? sum / nums.length
            : c.aggregate.fn === 'min'
              ? Math.min(...nums)
              : Math.max(...nums);
      return compare(value, c.aggregate);
    }
    case 'purchased': {
      const related = world.neighbours
        .filter((n) => n.productId === c.similarTo && n.strategy === SIMILAR_STRATEGY)
        .filter((n) => n.rank <= 10)
        .map((n) => n.relatedId);
      const orders = world.orders.filter(
        (o) =>
          o.profileId === p.id &&
          o.status !== 'cancelled' &&
          o.orderedAt !== -1 &&
          inWindow(o.orderedAt, c.window, q.at, entryOf(world, p, c.window)) &&
          (!c.orderTotal || compare(o.total, c.orderTotal)) &&
          (c.product === undefined || o.lines.some((l) => l.productId === c.product)) &&
          (c.category === undefined || o.lines.some((l) => l.category === c.category)) &&
          (c.similarTo === undefined ||
            o.lines.some((l) => l.productId !== null && related.includes(l.productId))),
      );
      if (!compare(orders.length, c.count ?? { operator: 'gte', value: 1 })) return false;
      return (
        !c.spent ||
        compare(
          orders.reduce((a, o) => a + o.total, 0),
          c.spent,
        )
      );
    }
    case 'category_views': {
      const byCategory = new Map<string, Set<string>>();
      for (const v of productViews(world, p, c.window, q.at)) {
        if (typeof v.category !== 'string') continue;
        const ids = byCategory.get(v.category) ?? new Set<string>();
        ids.add(v.productId);
        byCategory.set(v.category, ids);
      }
      if (c.category !== undefined) return (byCategory.get(c.category)?.size ?? 0) >= c.atLeast;
      return [...byCategory.values()].some((ids) => ids.size >= c.atLeast);
    }
    case 'viewed_out_of_stock':
      return productViews(world, p, c.window, q.at).some((v) =>
        world.products.some((x) => x.id === v.productId && x.stock !== null && x.stock <= 0),
      );
    case 'consent':
      return world.consents.some(
        (x) => x.profileId === p.id && x.channel === c.channel && x.status === c.status,
      );
  }
}

/** The profile's 'Product Viewed' track events in the window whose product_id is a string. */
function productViews(
  world: World,
  p: WorldProfile,
  window: SegmentWindow | undefined,
  at: number,
) {
  const out: { productId: string; category: unknown }[] = [];
  for (const e of world.events) {
    if (e.profileId !== p.id || e.type !== 'track' || e.event !== PRODUCT_VIEWED) continue;
    if (!inWindow(e.timestamp, window, at, entryOf(world, p, window))) continue;
    const productId = propertyAt(e.properties, 'product_id');
    if (typeof productId !== 'string') continue;
    out.push({ productId, category: propertyAt(e.properties, 'category') });
  }
  return out;
}

/** A dotted path into the properties object: objects only (not arrays); JSON null = missing. */
export function propertyAt(properties: unknown, path: string): unknown {
  let cur = properties;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur === null ? undefined : cur;
}

function filterHolds(properties: unknown, f: PropertyFilter): boolean {
  return operatorHolds('any', propertyAt(properties, f.property), f, 0);
}

export { referenceField, type Read } from './segment-reference-fields.js';

interface Operands {
  operator: FieldOperator;
  value?: SegmentScalar | undefined;
  values?: SegmentScalar[] | undefined;
  amount?: number | undefined;
  unit?: TimeUnit | undefined;
}

const NEGATIONS: Partial<Record<FieldOperator, FieldOperator>> = {
  not_exists: 'exists',
  neq: 'eq',
  not_in: 'in',
  not_contains: 'contains',
};

/** JSON-typed equality: a number equals only a number, a string only a string, and so on. */
const same = (a: unknown, b: unknown) => typeof a === typeof b && a === b;

/** Every operator of every type; each negative is exactly the negation of its positive. */
export function operatorHolds(type: FieldType, value: unknown, c: Operands, at: number): boolean {
  const positive = NEGATIONS[c.operator];
  if (positive) return !operatorHolds(type, value, { ...c, operator: positive }, at);
  if (value === undefined || value === null) return false;
  const list = type === 'list' ? (value as unknown[]) : null;
  const values = c.values ?? [];
  switch (c.operator) {
    case 'exists':
      return list ? list.length > 0 : true;
    case 'eq':
      return same(value, c.value);
    case 'in':
      return list
        ? list.some((el) => values.some((v) => same(el, v)))
        : values.some((v) => same(value, v));
    case 'contains':
      if (list) return list.some((el) => same(el, c.value));
      return typeof value === 'string' && typeof c.value === 'string' && value.includes(c.value);
    case 'starts_with':
      return typeof value === 'string' && typeof c.value === 'string' && value.startsWith(c.value);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value !== 'number' || typeof c.value !== 'number') return false;
      return compare(value, { operator: c.operator, value: c.value });
    case 'between': {
      const [a, b] = values;
      if (type === 'date') {
        const t = value as number;
        return Date.parse(String(a)) <= t && t <= Date.parse(String(b));
      }
      if (typeof value !== 'number' || typeof a !== 'number' || typeof b !== 'number') {
        return false;
      }
      return a <= value && value <= b;
    }
    case 'before':
      return (value as number) < Date.parse(String(c.value));
    case 'after':
      return (value as number) > Date.parse(String(c.value));
    case 'within_last':
    case 'more_than_ago':
    case 'within_next':
    case 'anniversary_within':
      return spanHolds(c.operator, value as number, c.amount ?? 0, c.unit ?? 'days', at);
    default:
      throw new Error(`operator ${c.operator} reached the evaluator`);
  }
}

function spanHolds(
  operator: 'within_last' | 'more_than_ago' | 'within_next' | 'anniversary_within',
  t: number,
  amount: number,
  unit: TimeUnit,
  at: number,
): boolean {
  if (operator === 'within_last') return shift(at, -amount, unit) < t && t <= at;
  if (operator === 'more_than_ago') return t <= shift(at, -amount, unit);
  if (operator === 'within_next') return at <= t && t < shift(at, amount, unit);
  const days = unit === 'weeks' ? amount * 7 : amount;
  const monthDay = (ms: number) => new Date(ms).toISOString().slice(5, 10);
  const target = monthDay(t);
  for (let k = 0; k < days; k++) {
    const day = at + k * DAY;
    const md = monthDay(day);
    if (md === target) return true;
    const year = new Date(day).getUTCFullYear();
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (target === '02-29' && md === '02-28' && !leap) return true;
  }
  return false;
}
