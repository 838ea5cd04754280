import type { CustomField } from '@comeback/contracts';
import fc from 'fast-check';
import type { Database } from '../../src/platform/db/database.js';
import {
  PRODUCT_VIEWED,
  shift,
  type World,
  type WorldEvent,
  type WorldInsight,
  type WorldOrder,
  type WorldPrediction,
  type WorldProfile,
} from './segment-reference.js';

/**
 * Random worlds for the segment property tests, and `writeWorld`, which stores one in the
 * tables the compiler reads. Values come from small shared pools so that conditions drawn from
 * the same pools (segment-world-definitions.ts) are often true, and instants come from a few anchors
 * shifted by whole units, so that events fall exactly on window boundaries.
 */

/** Anchors near a leap day, month ends (luxon clamps) and a year end, all within 2023-2026. */
export const ANCHORS = [
  '2024-02-29T00:00:00.000Z',
  '2024-03-31T12:00:00.000Z',
  '2025-01-31T00:00:00.000Z',
  '2025-02-28T00:00:00.000Z',
  '2025-03-01T06:30:00.000Z',
  '2023-12-31T23:00:00.000Z',
].map((s) => Date.parse(s));
export const AMOUNTS = [1, 2, 3, 7, 12, 30];
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
export const UNDECLARED = ['x', 'first name', 'we"ird', 'back\\slash', "it's", 'ünï', 'n-1', '$v'];

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
    traits: traitsArb(declared, time),
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

/** A whole world: 1-30 profiles, up to 200 events, a few orders, the catalog and insights. */
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
    return { ...w, profiles, events, orders, predictions, insights };
  });

/** The stored id of a world's profile: profile ids are unique across workspaces. */
export const profileKey = (workspaceId: string, id: string) => `${workspaceId}-${id}`;

/** Stores `world` as workspace `workspaceId` (which must be new), directly into the tables. */
export async function writeWorld(
  database: Database,
  workspaceId: string,
  world: World,
): Promise<void> {
  const db = database.db;
  const ws = workspaceId;
  const key = (id: string) => profileKey(ws, id);
  const json = (v: unknown) => JSON.stringify(v);
  await db
    .insertInto('profiles')
    .values(
      world.profiles.map((p) => ({
        id: key(p.id),
        workspace_id: ws,
        created_at: p.createdAt,
        updated_at: p.createdAt,
        traits: json(p.traits),
        trait_times: '{}',
        order_count: p.orderCount,
        total_spent: p.totalSpent,
        refunded_total: p.refundedTotal,
        first_order_at: p.firstOrderAt,
        last_order_at: p.lastOrderAt,
        last_seen_at: p.lastSeenAt,
        last_product_viewed: p.lastProductViewed,
        last_product_viewed_at: null,
        categories_bought: json(p.categoriesBought),
        products_bought: json(p.productsBought),
        recreated_after_erasure: 0,
      })),
    )
    .execute();
  if (world.events.length) {
    const seqs = await db
      .insertInto('events')
      .values(
        world.events.map((e) => ({
          workspace_id: ws,
          message_id: e.messageId,
          type: e.type,
          event: e.event,
          user_id: null,
          anonymous_id: 'anon',
          timestamp: e.timestamp,
          received_at: e.timestamp,
          payload: json({
            type: e.type,
            messageId: e.messageId,
            ...(e.event !== null ? { event: e.event } : {}),
            ...(e.properties !== undefined ? { properties: e.properties } : {}),
          }),
          time_adjusted: null,
        })),
      )
      .returning(['seq', 'message_id'])
      .execute();
    const seqOf = new Map(seqs.map((r) => [r.message_id, Number(r.seq)]));
    const applied = world.events.flatMap((e) =>
      e.profileId === null
        ? []
        : [{ seq: seqOf.get(e.messageId) ?? -1, profile_id: key(e.profileId) }],
    );
    if (applied.length) await db.insertInto('event_profiles').values(applied).execute();
  }
  if (world.orders.length) {
    await db
      .insertInto('profile_orders')
      .values(
        world.orders.map((o) => ({
          workspace_id: ws,
          order_id: o.id,
          profile_id: key(o.profileId),
          total: o.total,
          refunded: 0,
          currency: null,
          ordered_at: o.orderedAt,
          status: o.status,
          cancelled_at: o.status === 'cancelled' ? 0 : null,
        })),
      )
      .execute();
    const lines = world.orders.flatMap((o) =>
      o.lines.map((l, i) => ({
        workspace_id: ws,
        order_id: o.id,
        line_no: i,
        product_id: l.productId,
        category: l.category,
        quantity: 1,
      })),
    );
    if (lines.length) await db.insertInto('order_lines').values(lines).execute();
  }
  if (world.products.length) {
    await db
      .insertInto('products')
      .values(
        world.products.map((p) => ({
          workspace_id: ws,
          id: p.id,
          title: p.id,
          categories: '[]',
          stock: p.stock,
          active: 1,
          consumable: 0,
          attributes: '{}',
          source: 'test',
          source_updated_at: 0,
          created_at: 0,
          updated_at: 0,
        })),
      )
      .execute();
  }
  if (world.predictions.length) {
    await db
      .insertInto('customer_value_predictions')
      .values(
        world.predictions.map((p) => ({
          workspace_id: ws,
          profile_id: key(p.profileId),
          run_id: 1,
          method: 'rules' as const,
          p_alive: p.pAlive,
          expected_orders_90d: p.expectedOrders90d,
          expected_orders_365d: p.expectedOrders365d,
          predicted_clv_365d: p.predictedClv365d,
          expected_spend: 0,
          churn_risk: p.churnRisk,
          churn_basis: 'test',
          churn_score: p.churnScore,
          expected_next_order_at: p.expectedNextOrderAt,
          x: 0,
          t_x: 0,
          t_cal: 0,
          monetary: null,
          average_order_value: 0,
          computed_at: 0,
        })),
      )
      .execute();
  }
  if (world.insights.length) {
    await db
      .insertInto('profile_insights')
      .values(
        world.insights.map((x) => ({
          workspace_id: ws,
          profile_id: key(x.profileId),
          next_replenishment_due_at: x.nextReplenishmentDueAt,
          next_replenishment_product: x.nextReplenishmentProduct,
          next_likely_category: x.nextLikelyCategory,
          next_likely_category_probability: x.nextLikelyCategoryProbability,
          next_likely_category_at: null,
          replacement_category: x.replacementCategory,
          replacement_due_at: x.replacementDueAt,
          computed_at: 0,
        })),
      )
      .execute();
  }
  if (world.neighbours.length) {
    await db
      .insertInto('item_neighbours')
      .values(
        world.neighbours.map((n) => ({
          workspace_id: ws,
          product_id: n.productId,
          strategy: n.strategy,
          rank: n.rank,
          related_id: n.relatedId,
          score: 1,
          support: 1,
        })),
      )
      .execute();
  }
  if (world.customFields.length) {
    await db
      .insertInto('custom_fields')
      .values(
        world.customFields.map((f) => ({
          workspace_id: ws,
          name: f.name,
          type: f.type,
          enum_values: f.values ? json(f.values) : null,
          description: null,
          created_at: 0,
        })),
      )
      .execute();
  }
}
