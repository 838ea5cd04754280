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

export function inWindow(t: number, window: SegmentWindow | undefined, at: number): boolean {
  if (!window || window.kind === 'ever') return true;
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
      return operatorHolds(read.type, read.value, c, q.at);
    }
    case 'event': {
      const matching = world.events.filter(
        (e) =>
          e.profileId === p.id &&
          e.type === 'track' &&
          e.event === c.event &&
          inWindow(e.timestamp, c.window, q.at) &&
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
          inWindow(o.orderedAt, c.window, q.at) &&
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
    if (!inWindow(e.timestamp, window, at)) continue;
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

/** A field's type and its value; undefined = missing (absent, NULL, JSON null, wrong type). */
export interface Read {
  type: FieldType;
  value: unknown;
}

const own = (table: Record<string, Read>, key: string) =>
  Object.hasOwn(table, key) ? table[key] : undefined;
const num = (v: number | null | undefined) => (typeof v === 'number' ? v : undefined);
const str = (v: string | null | undefined) => (typeof v === 'string' ? v : undefined);

/** A registry field of a profile: its type and value (exported for the generator's samples). */
export function referenceField(
  world: World,
  customFields: ReadonlyMap<string, CustomField>,
  p: WorldProfile,
  path: string,
): Read {
  const dot = path.indexOf('.');
  const area = path.slice(0, dot);
  const name = path.slice(dot + 1);
  if (area === 'traits') {
    const raw = Object.hasOwn(p.traits, name) ? p.traits[name] : undefined;
    const declared = customFields.get(name);
    if (!declared) return { type: 'any', value: raw === null ? undefined : raw };
    return { type: declared.type, value: typedTrait(declared.type, raw) };
  }
  if (area === 'computed' || area === 'profile') {
    const computed: Record<string, Read> = {
      'computed.order_count': { type: 'number', value: p.orderCount },
      'computed.total_spent': { type: 'number', value: p.totalSpent },
      'computed.refunded_total': { type: 'number', value: p.refundedTotal },
      'computed.average_order_value': {
        type: 'number',
        value: p.orderCount > 0 ? p.totalSpent / p.orderCount : undefined,
      },
      'computed.first_order_at': { type: 'date', value: num(p.firstOrderAt) },
      'computed.last_order_at': { type: 'date', value: num(p.lastOrderAt) },
      'computed.last_seen_at': { type: 'date', value: num(p.lastSeenAt) },
      'computed.categories_bought': { type: 'list', value: p.categoriesBought },
      'computed.products_bought': { type: 'list', value: p.productsBought },
      'computed.last_product_viewed': { type: 'string', value: str(p.lastProductViewed) },
      'profile.created_at': { type: 'date', value: p.createdAt },
    };
    const read = own(computed, path);
    if (read) return read;
  }
  if (area === 'predictions') {
    const r = world.predictions.find((x) => x.profileId === p.id);
    const values: Record<string, Read> = {
      p_alive: { type: 'number', value: r?.pAlive },
      expected_orders_90d: { type: 'number', value: r?.expectedOrders90d },
      expected_orders_365d: { type: 'number', value: r?.expectedOrders365d },
      predicted_clv_365d: { type: 'number', value: r?.predictedClv365d },
      churn_score: { type: 'number', value: r?.churnScore },
      churn_risk: { type: 'enum', value: r?.churnRisk },
      expected_next_order_at: { type: 'date', value: num(r?.expectedNextOrderAt) },
    };
    const read = own(values, name);
    if (read) return read;
  }
  if (area === 'insights') {
    const r = world.insights.find((x) => x.profileId === p.id);
    const values: Record<string, Read> = {
      next_replenishment_due_at: { type: 'date', value: num(r?.nextReplenishmentDueAt) },
      next_replenishment_product: { type: 'string', value: str(r?.nextReplenishmentProduct) },
      next_likely_category: { type: 'string', value: str(r?.nextLikelyCategory) },
      next_likely_category_probability: {
        type: 'number',
        value: num(r?.nextLikelyCategoryProbability),
      },
      replacement_category: { type: 'string', value: str(r?.replacementCategory) },
      replacement_due_at: { type: 'date', value: num(r?.replacementDueAt) },
    };
    const read = own(values, name);
    if (read) return read;
  }
  throw new Error(`no field ${path} (the checker should have refused it)`);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A declared trait's JSON value read as its declared type. A value of another JSON type is
 * treated as missing: ingestion coerces declared traits, so only a date trait is expected to
 * hold something unparseable (the generator produces no other mismatch).
 */
function typedTrait(type: CustomField['type'], raw: unknown): unknown {
  switch (type) {
    case 'number':
      return typeof raw === 'number' ? raw : undefined;
    case 'string':
    case 'enum':
      return typeof raw === 'string' ? raw : undefined;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'list':
      return Array.isArray(raw) ? raw : undefined;
    case 'date': {
      if (typeof raw !== 'string' || !ISO_DATE.test(raw)) return undefined;
      const t = Date.parse(raw);
      return Number.isNaN(t) ? undefined : t;
    }
  }
}

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
