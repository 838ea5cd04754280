import { consentChannels, consentStatuses, type CustomField } from '@comeback/contracts';
import fc from 'fast-check';
import { PRODUCT_VIEWED, shift } from './segment-reference.js';
import { NOT_ZONES, ZONES, zoneTraitsArb } from './segment-world-zones.js';
import type {
  World,
  WorldConsent,
  WorldEvent,
  WorldInsight,
  WorldOrder,
  WorldPrediction,
  WorldProfile,
} from './segment-world-model.js';

/**
 * Random worlds for the segment property tests (`writeWorld`, which stores one in the tables the
 * compiler reads, is in segment-world-store.ts). Values come from small shared pools, so that
 * conditions drawn from the same pools (segment-world-definitions.ts) are often true; instants
 * are anchors near leap days and month ends shifted by whole units, and each world takes most
 * of its instants from a few of them, so that many values fall exactly on a window's boundary.
 */

/**
 * Anchors near a leap day, month ends (luxon clamps) and a year end, all within 2023-2026, and
 * near local midnights and clock changes of the zones profiles live in (ZONES).
 */
export const ANCHORS = [
  '2024-02-29T00:00:00.000Z',
  '2024-03-31T12:00:00.000Z',
  '2025-01-31T00:00:00.000Z',
  '2025-02-28T00:00:00.000Z',
  '2025-03-01T06:30:00.000Z',
  '2023-12-31T23:00:00.000Z',
  // Jerusalem: midnight before the spring change (Fri 2025-03-28 02:00 -> 03:00), and the fall one.
  '2025-03-27T22:00:00.000Z',
  '2025-10-25T22:59:59.999Z',
  // Santiago: clocks go back from Sunday 00:00 to Saturday 23:00 (2025-04-06T03:00Z).
  '2025-04-06T03:00:00.000Z',
].map((s) => Date.parse(s));
export const AMOUNTS = [1, 2, 3, 7, 12, 30];
/** The segment ids a world's definitions may refer to, and its stored memberships name. */
export const MEMBERSHIP_SEGMENTS = ['seg-0', 'seg-1'];
export const UNITS = ['minutes', 'hours', 'days', 'weeks', 'months', 'years'] as const;

/** An anchor, an anchor shifted by a few whole units, or any instant of 2023-2026. */
export const instantArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...ANCHORS) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ANCHORS),
        fc.constantFrom(...AMOUNTS),
        fc.constantFrom(...UNITS),
        fc.constantFrom(-1, 1),
      )
      .map(([anchor, n, unit, sign]) => shift(anchor, sign * n, unit)),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 11, 31) }),
  },
);

export const PRODUCTS = ['prod-1', 'prod-2', 'prod-3', 'prod-4', 'prod-5', 'Prod-1'];
export const CATEGORIES = ['Shoes', 'shoes', 'Bags', 'Hats 50%', 'a_b'];
export const STRINGS = [
  'gold',
  'Gold',
  'golden',
  'go',
  'g%ld',
  'g_ld',
  '',
  'silver',
  'ünï',
  "it's",
];
export const NUMBERS = [0, 1, 2, 2.5, 5, 10, 12.5, -3, 100];
export const EVENT_NAMES = [PRODUCT_VIEWED, 'Order Completed', 'Signed Up', 'product viewed'];
export const TOTALS = [0, 5, 10, 12.5, 20, 50, 100.25];
export const ENUM_VALUES = ['gold', 'silver', 'bronze'];

/** Scalars and non-scalars of every JSON type, for undeclared traits and event properties. */
const mixedArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(...STRINGS),
  fc.constantFrom('5', '2.5', '10', 'true'),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ nested: 'gold' }),
  fc.constant(['gold', 5]),
);

/** Trait names a workspace may declare, each with the type it would be declared with. */
export const DECLARABLE: readonly CustomField[] = [
  { name: 'plan', type: 'string' },
  { name: 'score', type: 'number' },
  { name: 'vip', type: 'boolean' },
  { name: 'birthday', type: 'date' },
  { name: 'tier', type: 'enum', values: ENUM_VALUES },
  { name: 'tags', type: 'list' },
];
/** Never declared (custom field names are lower snake_case): odd keys test JSON path quoting. */
export const UNDECLARED = [
  'x',
  'first name',
  'we"ird',
  'back\\slash',
  "it's",
  'ünï',
  'n-1',
  '$v',
  'a[0]',
  'x#y*',
];

/** ISO texts of an instant as stored in a date trait or written in an operand. */
export function isoVariants(t: number): string[] {
  const iso = new Date(t).toISOString();
  const plus2 = new Date(t + 2 * 3_600_000).toISOString().slice(0, 19) + '+02:00';
  return [iso, iso.slice(0, 10), plus2];
}
const isoArb = (t: fc.Arbitrary<number>) =>
  fc.tuple(t, fc.nat(2)).map(([ms, i]) => isoVariants(ms)[i] ?? '');

const dateTraitArb = (time: fc.Arbitrary<number>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 5, arbitrary: time.map((t) => new Date(t).toISOString()) },
    { weight: 2, arbitrary: isoArb(time) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('2020-02-29T00:00:00.000Z', '1996-02-29', '2001-03-01'),
    },
    { weight: 1, arbitrary: fc.constantFrom('soon', '', '2024-13-45', 'not a date') },
    { weight: 1, arbitrary: fc.constant(null) },
  );

/** A value fitting a declared type (coerced at ingestion), or any JSON when undeclared. */
function traitValueArb(
  field: CustomField | undefined,
  time: fc.Arbitrary<number>,
): fc.Arbitrary<unknown> {
  switch (field?.type) {
    case undefined:
      return mixedArb;
    case 'string':
      return fc.oneof(fc.constantFrom(...STRINGS), fc.constant(null));
    case 'number':
      return fc.oneof(fc.constantFrom(...NUMBERS), fc.constant(null));
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constant(null));
    case 'date':
      return dateTraitArb(time);
    case 'enum':
      return fc.constantFrom(...ENUM_VALUES, null);
    case 'list':
      return fc.oneof(fc.subarray(STRINGS, { maxLength: 3 }), fc.constant(null));
  }
}

function traitsArb(declared: ReadonlyMap<string, CustomField>, time: fc.Arbitrary<number>) {
  const names = [...DECLARABLE.map((f) => f.name), ...UNDECLARED];
  return fc
    .tuple(...names.map((n) => fc.option(traitValueArb(declared.get(n), time), { nil: undefined })))
    .map((values) => {
      const traits: Record<string, unknown> = {};
      values.forEach((v, i) => {
        const name = names[i];
        if (v !== undefined && name !== undefined) traits[name] = v;
      });
      return traits;
    });
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const profileArb = (declared: ReadonlyMap<string, CustomField>, time: fc.Arbitrary<number>) =>
  fc.record({
    createdAt: time,
    traits: fc
      .tuple(traitsArb(declared, time), zoneTraitsArb)
      .map(([traits, zone]) => ({ ...traits, ...zone })),
    orderCount: fc.constantFrom(0, 0, 1, 2, 3),
    totalSpent: fc.constantFrom(...TOTALS),
    refundedTotal: fc.constantFrom(0, 0, 5),
    firstOrderAt: maybe(time),
    lastOrderAt: maybe(time),
    lastSeenAt: maybe(time),
    lastProductViewed: maybe(fc.constantFrom(...PRODUCTS, ...STRINGS)),
    categoriesBought: fc.subarray(CATEGORIES, { maxLength: 3 }),
    productsBought: fc.subarray(PRODUCTS, { maxLength: 3 }),
  });

/** Event properties: the keys conditions read, typed right and wrong, nested and odd. */
const propertiesArb: fc.Arbitrary<unknown> = fc
  .tuple(
    // A product view's keys are usually there and of the right type.
    fc.option(
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PRODUCTS) }, fc.constantFrom(5, null)),
      {
        nil: undefined,
        freq: 6,
      },
    ),
    fc.option(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CATEGORIES) }, fc.constant(7)), {
      nil: undefined,
      freq: 6,
    }),
    fc.record(
      {
        price: fc.oneof(fc.constantFrom(...NUMBERS), mixedArb),
        quantity: fc.constantFrom(1, 2, 3, '2'),
        'a-b': mixedArb,
        $v: fc.constantFrom(...NUMBERS),
        product: fc.record(
          { category: fc.constantFrom(...CATEGORIES), price: mixedArb },
          { requiredKeys: [] },
        ),
        'a.b': fc.constantFrom('gold', 5),
        '@id': mixedArb,
        a: fc.record({ b: mixedArb }, { requiredKeys: [] }),
        tags: fc.subarray(STRINGS, { maxLength: 2 }),
        flag: fc.oneof(fc.boolean(), fc.constant('true')),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([productId, category, rest]) => ({
    ...(productId !== undefined ? { product_id: productId } : {}),
    ...(category !== undefined ? { category } : {}),
    ...rest,
  }));

const eventArb = (profiles: number, time: fc.Arbitrary<number>) =>
  fc.record({
    // `profiles` (one past the last index) stands for an event applied to no profile.
    who: fc.integer({ min: 0, max: profiles }),
    type: fc.constantFrom('track', 'track', 'track', 'track', 'track', 'page', 'identify'),
    event: fc.oneof(
      { weight: 3, arbitrary: fc.constant(PRODUCT_VIEWED) },
      fc.constantFrom(...EVENT_NAMES),
    ),
    timestamp: time,
    properties: fc.option(propertiesArb, { nil: undefined, freq: 10 }),
  });

const orderArb = (profiles: number, time: fc.Arbitrary<number>) =>
  fc.record({
    who: fc.integer({ min: 0, max: profiles - 1 }),
    total: fc.constantFrom(...TOTALS),
    status: fc.constantFrom('placed', 'placed', 'fulfilled', 'cancelled', 'refunded'),
    orderedAt: fc.oneof({ weight: 6, arbitrary: time }, { weight: 1, arbitrary: fc.constant(-1) }),
    lines: fc.array(
      fc.record({
        productId: maybe(fc.constantFrom(...PRODUCTS)),
        category: maybe(fc.constantFrom(...CATEGORIES)),
      }),
      { maxLength: 3 },
    ),
  });

const predictionArb = (time: fc.Arbitrary<number>) =>
  fc.record({
    pAlive: fc.constantFrom(0, 0.25, 0.5, 1),
    expectedOrders90d: fc.constantFrom(0, 0.5, 1, 2.5),
    expectedOrders365d: fc.constantFrom(0, 1, 2, 5),
    predictedClv365d: fc.constantFrom(0, 10, 12.5, 100),
    churnScore: fc.constantFrom(0, 0.25, 0.75, 1),
    churnRisk: fc.constantFrom('low' as const, 'medium' as const, 'high' as const),
    expectedNextOrderAt: maybe(time),
  });

const insightArb = (time: fc.Arbitrary<number>) =>
  fc.record({
    nextReplenishmentDueAt: maybe(time),
    nextReplenishmentProduct: maybe(fc.constantFrom(...PRODUCTS)),
    nextLikelyCategory: maybe(fc.constantFrom(...CATEGORIES)),
    nextLikelyCategoryProbability: maybe(fc.constantFrom(0, 0.25, 0.5, 1)),
    replacementCategory: maybe(fc.constantFrom(...CATEGORIES)),
    replacementDueAt: maybe(time),
  });

/**
 * A whole world: 1-30 profiles, up to 200 events, a few orders, the catalog, insights and
 * consents (any status, or none, per profile and channel).
 */
export const worldArb: fc.Arbitrary<World> = fc
  .record({
    declared: fc.subarray([...DECLARABLE]),
    profiles: fc.integer({ min: 1, max: 30 }),
    events: fc.integer({ min: 0, max: 200 }),
    // Most of a world's instants come from a few, so that many values share a boundary.
    pool: fc.uniqueArray(instantArb, { minLength: 2, maxLength: 8 }),
  })
  .chain(({ declared, profiles, events, pool }) => {
    const time = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...pool) },
      { weight: 1, arbitrary: instantArb },
    );
    const fields = new Map(declared.map((f) => [f.name, f]));
    const per = <T>(arb: fc.Arbitrary<T>) =>
      fc.array(arb, { minLength: profiles, maxLength: profiles });
    return fc.record({
      customFields: fc.constant(declared),
      profiles: per(profileArb(fields, time)),
      events: fc.array(eventArb(profiles, time), { minLength: events, maxLength: events }),
      orders: fc
        .integer({ min: 0, max: Math.min(30, 2 * profiles) })
        .chain((n) => fc.array(orderArb(profiles, time), { minLength: n, maxLength: n })),
      products: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom(...PRODUCTS),
          stock: fc.constantFrom(null, -2, 0, 1, 5),
        }),
        { selector: (p) => p.id, maxLength: PRODUCTS.length },
      ),
      predictions: per(fc.option(predictionArb(time), { nil: undefined })),
      insights: per(fc.option(insightArb(time), { nil: undefined })),
      neighbours: fc.uniqueArray(
        fc.record({
          productId: fc.constantFrom(...PRODUCTS),
          strategy: fc.constantFrom('also_bought', 'bought_together'),
          rank: fc.constantFrom(1, 2, 3, 10, 11, 12),
          relatedId: fc.constantFrom(...PRODUCTS),
        }),
        { selector: (n) => `${n.productId}|${n.strategy}|${n.rank}`, maxLength: 25 },
      ),
      consents: fc.uniqueArray(
        fc.record({
          who: fc.integer({ min: 0, max: profiles - 1 }),
          channel: fc.constantFrom(...consentChannels),
          status: fc.constantFrom(...consentStatuses),
        }),
        { selector: (c) => `${c.who}|${c.channel}`, maxLength: 2 * profiles },
      ),
      // Stored entries into the segments definitions may name (seg-0, seg-1): input data here.
      memberships: fc.uniqueArray(
        fc.record({
          who: fc.integer({ min: 0, max: profiles - 1 }),
          segmentId: fc.constantFrom(...MEMBERSHIP_SEGMENTS),
          enteredAt: time,
        }),
        { selector: (m) => `${m.who}|${m.segmentId}`, maxLength: 2 * profiles },
      ),
      workspaceZone: fc.option(fc.constantFrom(...ZONES, ...NOT_ZONES), { nil: null }),
    });
  })
  .map((w) => {
    const id = (i: number) => `p${String(i).padStart(2, '0')}`;
    const profiles: WorldProfile[] = w.profiles.map((p, i) => ({ id: id(i), ...p }));
    const events: WorldEvent[] = w.events.map((e, i) => ({
      messageId: `m${i}`,
      profileId: e.who < profiles.length ? id(e.who) : null,
      type: e.type,
      event: e.type === 'identify' ? null : e.event,
      timestamp: e.timestamp,
      ...(e.properties !== undefined ? { properties: e.properties } : {}),
    }));
    const orders: WorldOrder[] = w.orders.map((o, i) => ({
      id: `o${i}`,
      profileId: id(o.who),
      total: o.total,
      status: o.status,
      orderedAt: o.orderedAt,
      lines: o.lines,
    }));
    const predictions: WorldPrediction[] = w.predictions.flatMap((p, i) =>
      p ? [{ profileId: id(i), ...p }] : [],
    );
    const insights: WorldInsight[] = w.insights.flatMap((x, i) =>
      x ? [{ profileId: id(i), ...x }] : [],
    );
    const consents: WorldConsent[] = w.consents.map(({ who, ...c }) => ({
      profileId: id(who),
      ...c,
    }));
    const memberships = w.memberships.map(({ who, ...m }) => ({ profileId: id(who), ...m }));
    return { ...w, profiles, events, orders, predictions, insights, consents, memberships };
  });

export { profileKey, writeWorld } from './segment-world-store.js';
