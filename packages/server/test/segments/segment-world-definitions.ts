import {
  consentChannels,
  consentStatuses,
  countOperators,
  zonedOperators,
  type FieldOperator,
  type SegmentCondition,
  type SegmentScalar,
  type SegmentWindow,
  type TimeUnit,
} from '@comeback/contracts';
import fc from 'fast-check';
import type { FieldType } from '../../src/modules/segments/segment-model.js';
import { PRODUCT_VIEWED, referenceField, shift } from './segment-reference.js';
import { BUILT_IN, OPERATORS, type World } from './segment-world-model.js';
import {
  AMOUNTS,
  CATEGORIES,
  DECLARABLE,
  ENUM_VALUES,
  EVENT_NAMES,
  NUMBERS,
  PRODUCTS,
  STRINGS,
  TOTALS,
  UNDECLARED,
  UNITS,
  instantArb,
  isoVariants,
} from './segment-world.js';
import { nearLocalMidnight, zoneArb } from './segment-world-zones.js';
import { filterArb, fromPools, scalarOf } from './segment-world-filters.js';

/**
 * Random segment definitions that are valid for a world: registry fields with operators their
 * type allows and operands of the right type, drawn often from the world's own values so that
 * conditions are sometimes true; every window kind; references to earlier definitions.
 */

const TRAITS = [...DECLARABLE.map((f) => f.name), ...UNDECLARED, 'never_set'].map(
  (n) => `traits.${n}`,
);

const strings = (pool: unknown[]) => pool.filter((v): v is string => typeof v === 'string');
const numbers = (pool: unknown[]) => pool.filter((v): v is number => typeof v === 'number');

interface Span {
  amount: number;
  unit: TimeUnit;
}
/**
 * What a query's conditions are drawn around: the world, one span most windows and date spans
 * use, and the world's instants, from which `at` is that span away - so that values fall
 * exactly on window boundaries often, not once in a thousand runs.
 */
interface Ctx {
  world: World;
  focus: Span;
  times: number[];
  /** The segments a condition may name (a `since_entering` window too). */
  segments: readonly string[];
}

const anySpanArb = fc.record({
  amount: fc.constantFrom(...AMOUNTS),
  unit: fc.constantFrom(...UNITS),
});
const spanArb = (ctx: Ctx): fc.Arbitrary<Span> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(ctx.focus) }, anySpanArb);
const instantsOf = (ctx: Ctx, seen: number[] = ctx.times): fc.Arbitrary<number> =>
  seen.length
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...seen) }, instantArb)
    : instantArb;
const anniversaryArb = fc.oneof(
  fc.record({
    amount: fc.oneof(fc.constantFrom(1, 2, 3, 30, 365, 366), fc.integer({ min: 1, max: 366 })),
    unit: fc.constant('days' as const),
  }),
  fc.record({ amount: fc.integer({ min: 1, max: 52 }), unit: fc.constant('weeks' as const) }),
);
const isoFrom = (instants: fc.Arbitrary<number>) =>
  fc.tuple(instants, fc.nat(9)).map(([t, i]) => {
    const v = isoVariants(t);
    return (i < 6 ? v[0] : i < 8 ? v[1] : v[2]) ?? '';
  });

/** The operands of `operator` on a field of `type` whose values in the world are `seen`. */
function operandsArb(
  ctx: Ctx,
  type: FieldType,
  operator: FieldOperator,
  seen: unknown[],
  enumValues: readonly string[],
): fc.Arbitrary<Record<string, unknown>> {
  const flat = seen.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
  const strs = strings(flat);
  const substrings = strs.flatMap((s) => [s.slice(0, 2), s.slice(1), s.toUpperCase()]);
  let scalar: fc.Arbitrary<SegmentScalar>;
  if (type === 'date') {
    scalar = isoFrom(instantsOf(ctx, numbers(seen)));
  } else if (type === 'boolean') {
    scalar = fc.boolean();
  } else if (type === 'enum') {
    scalar = fc.constantFrom(...enumValues);
  } else if (type === 'number' || ['gt', 'gte', 'lt', 'lte', 'between'].includes(operator)) {
    scalar = fromPools(numbers(flat), NUMBERS);
  } else if (type === 'any' && !['contains', 'not_contains', 'starts_with'].includes(operator)) {
    scalar = fromPools(flat.filter(scalarOf), [...NUMBERS, ...STRINGS, '5', true, false]);
  } else {
    scalar = fromPools([...strs, ...substrings], STRINGS);
  }
  switch (operator) {
    case 'exists':
    case 'not_exists':
      return fc.constant({});
    case 'in':
    case 'not_in':
      return fc.array(scalar, { minLength: 1, maxLength: 3 }).map((values) => ({ values }));
    case 'between':
      return fc.tuple(scalar, scalar).map(([a, b]) => ({ values: [a, b] }));
    case 'within_last':
    case 'more_than_ago':
    case 'within_next':
      return spanArb(ctx).map((s) => ({ ...s }));
    case 'anniversary_within':
      return anniversaryArb;
    default:
      return scalar.map((value) => ({ value }));
  }
}

/** A field condition; `zonedDates`: only date fields, with a zoned operator, in the profile's zone. */
function fieldArb(ctx: Ctx, zonedDates = false): fc.Arbitrary<SegmentCondition> {
  const world = ctx.world;
  const customFields = new Map(world.customFields.map((f) => [f.name, f]));
  const options = [...BUILT_IN, ...TRAITS].flatMap((field) => {
    const reads = world.profiles.map((p) => referenceField(world, customFields, p, field));
    const type = reads[0]?.type ?? 'any';
    const seen = reads.map((r) => r.value).filter((v) => v !== undefined);
    const enumValues = field === 'predictions.churn_risk' ? ['low', 'medium', 'high'] : ENUM_VALUES;
    return zonedDates && type !== 'date' ? [] : [{ field, type, seen, enumValues }];
  });
  if (options.length === 0)
    return fc.constant({ type: 'field', field: 'profile.created_at', operator: 'exists' });
  const operatorsOf = (type: FieldType) => (zonedDates ? zonedOperators : OPERATORS[type]);
  return fc
    .constantFrom(...options)
    .chain(({ field, type, seen, enumValues }) =>
      fc
        .constantFrom(...operatorsOf(type))
        .chain((operator) =>
          fc
            .tuple(
              operandsArb(ctx, type, operator, seen, enumValues),
              zonedDates ? fc.constant('profile' as const) : zoneArb(type, operator),
            )
            .map(
              ([operands, zone]) =>
                compact({ type: 'field', field, operator, ...operands, zone }) as SegmentCondition,
            ),
        ),
    );
}

/** Absent, ever, last / older than N units, between two instants, or since entering a segment. */
const windowArb = (ctx: Ctx): fc.Arbitrary<SegmentWindow | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    ...(ctx.segments.length
      ? [
          fc
            .constantFrom(...ctx.segments)
            .map((segment) => ({ kind: 'since_entering' as const, segment })),
        ]
      : []),
    fc.constant({ kind: 'ever' as const }),
    spanArb(ctx).map((s) => ({ kind: 'last' as const, ...s })),
    spanArb(ctx).map((s) => ({ kind: 'older_than' as const, ...s })),
    fc
      .tuple(isoFrom(instantsOf(ctx)), isoFrom(instantsOf(ctx)))
      .filter(([a, b]) => Date.parse(a) !== Date.parse(b))
      .map(([a, b]) => {
        const [from, to] = Date.parse(a) < Date.parse(b) ? [a, b] : [b, a];
        return { kind: 'between' as const, from, to };
      }),
  );

const countArb = fc.record({
  operator: fc.constantFrom(...countOperators),
  value: fc.integer({ min: 0, max: 3 }),
});
const moneyArb = fc.record({
  operator: fc.constantFrom(...countOperators),
  value: fc.constantFrom(...TOTALS, 15, 30),
});

/** Drops the keys whose value is undefined (the schemas are strict about their keys). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
/** Present one time in three: each optional part of a condition narrows it. */
const opt = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const eventArb = (ctx: Ctx): fc.Arbitrary<SegmentCondition> =>
  fc
    .record({
      event: fc.oneof(
        { weight: 3, arbitrary: fc.constant(PRODUCT_VIEWED) },
        { weight: 2, arbitrary: fc.constantFrom(...EVENT_NAMES, 'Never Sent') },
      ),
      where: fc.option(fc.array(filterArb(ctx.world), { minLength: 1, maxLength: 2 }), {
        nil: undefined,
        freq: 2,
      }),
      window: windowArb(ctx),
      count: opt(countArb),
      aggregate: opt(
        fc.record({
          fn: fc.constantFrom('sum' as const, 'avg' as const, 'min' as const, 'max' as const),
          property: fc.constantFrom('price', 'quantity', '$v', 'product.price', 'a.b', 'a-b'),
          operator: fc.constantFrom(...countOperators),
          value: fc.constantFrom(...NUMBERS),
        }),
      ),
    })
    .map((c) => compact({ type: 'event' as const, ...c }));

const purchasedArb = (ctx: Ctx): fc.Arbitrary<SegmentCondition> =>
  fc
    .record({
      line: fc.oneof(
        fc.constant({}),
        fc.constantFrom(...PRODUCTS).map((product) => ({ product })),
        fc.constantFrom(...CATEGORIES).map((category) => ({ category })),
        fc.constantFrom(...PRODUCTS).map((similarTo) => ({ similarTo })),
      ),
      window: windowArb(ctx),
      count: opt(countArb),
      orderTotal: opt(moneyArb),
      spent: opt(moneyArb),
    })
    .map(({ line, ...c }) => compact({ type: 'purchased' as const, ...line, ...c }));

const categoryViewsArb = (ctx: Ctx): fc.Arbitrary<SegmentCondition> =>
  fc
    .record({
      category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
      atLeast: fc.integer({ min: 1, max: 3 }),
      window: windowArb(ctx),
    })
    .map((c) => compact({ type: 'category_views' as const, ...c }));

const outOfStockArb = (ctx: Ctx): fc.Arbitrary<SegmentCondition> =>
  windowArb(ctx).map((window) => compact({ type: 'viewed_out_of_stock' as const, window }));

const consentArb: fc.Arbitrary<SegmentCondition> = fc.record({
  type: fc.constant('consent' as const),
  channel: fc.constantFrom(...consentChannels),
  status: fc.constantFrom(...consentStatuses),
});

/** A condition tree at most `depth` levels of and/or/not deep, referring to `segments`. */
export function conditionArb(
  outer: Ctx,
  depth: number,
  segments: readonly string[],
): fc.Arbitrary<SegmentCondition> {
  const ctx: Ctx = { ...outer, segments };
  const leaves: fc.WeightedArbitrary<SegmentCondition>[] = [
    { weight: 6, arbitrary: fieldArb(ctx) },
    { weight: 2, arbitrary: fieldArb(ctx, true) },
    { weight: 3, arbitrary: eventArb(ctx) },
    { weight: 3, arbitrary: purchasedArb(ctx) },
    { weight: 1, arbitrary: categoryViewsArb(ctx) },
    { weight: 1, arbitrary: outOfStockArb(ctx) },
    { weight: 1, arbitrary: consentArb },
  ];
  if (segments.length) {
    const ref = fc
      .constantFrom(...segments)
      .map((segment) => ({ type: 'segment' as const, segment }));
    leaves.push({ weight: 1, arbitrary: ref });
  }
  if (depth <= 0) return fc.oneof(...leaves);
  const sub = conditionArb(ctx, depth - 1, segments);
  const children = fc.array(sub, { minLength: 1, maxLength: 3 });
  return fc.oneof(
    ...leaves,
    { weight: 2, arbitrary: children.map((conditions) => ({ type: 'and' as const, conditions })) },
    { weight: 2, arbitrary: children.map((conditions) => ({ type: 'or' as const, conditions })) },
    { weight: 1, arbitrary: sub.map((condition) => ({ type: 'not' as const, condition })) },
  );
}

export interface GeneratedQuery {
  condition: SegmentCondition;
  /** Earlier definitions, by id (`seg-0`, ...), which later ones may refer to. */
  references: Map<string, SegmentCondition>;
  at: number;
  /** More single conditions, each checked alone on the same world at the same instant. */
  probes: SegmentCondition[];
}

/**
 * Every instant the world holds (events, orders, profile and trait dates, predictions,
 * insights), as often as it occurs.
 */
function worldTimes(world: World): number[] {
  const out: (number | null)[] = [
    ...world.events.map((e) => e.timestamp),
    ...world.orders.map((o) => (o.orderedAt === -1 ? null : o.orderedAt)),
    ...world.profiles.flatMap((p) => [p.createdAt, p.firstOrderAt, p.lastOrderAt, p.lastSeenAt]),
    ...world.profiles
      .map((p) => p.traits.birthday)
      .map((b) => (typeof b === 'string' ? Date.parse(b) : null)),
    ...world.predictions.map((p) => p.expectedNextOrderAt),
    ...world.insights.flatMap((x) => [x.nextReplenishmentDueAt, x.replacementDueAt]),
  ];
  // Repeats kept: an instant many values share is drawn more often.
  return out.filter((t): t is number => t !== null && !Number.isNaN(t));
}

/** Up to two referable definitions, then the queried one, and the instant asked about. */
export function queryArb(world: World): fc.Arbitrary<GeneratedQuery> {
  const times = worldTimes(world);
  return fc
    .record({ n: fc.integer({ min: 0, max: 2 }), focus: anySpanArb })
    .chain(({ n, focus }) => {
      const ctx: Ctx = { world, focus, times, segments: [] };
      const from = (sign: number) =>
        fc.constantFrom(...times).map((t) => shift(t, sign * focus.amount, focus.unit));
      const midnight = nearLocalMidnight(world, focus);
      const at = times.length
        ? fc.oneof(
            { weight: 1, arbitrary: instantArb },
            { weight: 4, arbitrary: from(1) },
            { weight: 1, arbitrary: from(-1) },
            { weight: 1, arbitrary: from(0) },
            ...(midnight ? [{ weight: 3, arbitrary: midnight }] : []),
          )
        : instantArb;
      const ids = Array.from({ length: n }, (_, i) => `seg-${i}`);
      const defs = ids.map((_, i) => conditionArb(ctx, 2, ids.slice(0, i)));
      return fc
        .record({
          defs: fc.tuple(...defs),
          condition: conditionArb(ctx, 3, ids),
          at,
          probes: fc.array(conditionArb(ctx, 0, ids), { maxLength: 8 }),
        })
        .map(({ defs: earlier, condition, at: instant, probes }) => ({
          condition,
          references: new Map(earlier.map((c, i) => [`seg-${i}`, c])),
          at: instant,
          probes,
        }));
    });
}
