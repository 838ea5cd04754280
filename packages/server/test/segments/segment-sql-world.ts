/**
 * The small hand-made world of segment-sql.test.ts, written straight into the tables: four
 * profiles of one workspace (pa..pd) with traits of every declared type and undeclared ones,
 * computed columns, events, orders with lines, products with stock, predictions, insights and
 * neighbours; a fifth profile and stray rows in another workspace that must never count; and
 * one profile per date-trait text of ISO_CASES in a third workspace. The tests' expected member
 * sets are worked out by hand from these rows.
 */
import { eventProfileRow } from '../support/event-profile-row.js';
import { encodeLines, orderLine } from '../support/order-lines.js';
import type { CustomField } from '@comeback/contracts';
import type { Database } from '../../src/platform/db/database.js';

export const WS = 'ws-seg';
export const OTHER = 'ws-other';
export const ISO_WS = 'ws-iso';
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** 2024-03-31T12:00Z: one calendar month earlier is Feb 29 12:00 (luxon clamps). */
export const AT = Date.UTC(2024, 2, 31, 12);
export const MONTH_AGO = Date.UTC(2024, 1, 29, 12);
export const iso = (t: number) => new Date(t).toISOString();

const declared: CustomField[] = [
  { name: 'plan', type: 'string' },
  { name: 'score', type: 'number' },
  { name: 'vip', type: 'boolean' },
  { name: 'birthday', type: 'date' },
  { name: 'tier', type: 'enum', values: ['gold', 'silver'] },
  { name: 'tags', type: 'list' },
];
export const customFields = new Map(declared.map((f) => [f.name, f]));

interface Profile {
  id: string;
  ws?: string;
  traits: Record<string, unknown>;
  created: number;
  orders?: number;
  spent?: number;
  refunded?: number;
  firstOrder?: number;
  lastOrder?: number;
  lastSeen?: number;
  viewed?: string;
  categories?: string[];
  products?: string[];
}
const PROFILES: Profile[] = [
  {
    id: 'pa',
    traits: {
      ...{ plan: 'pro-annual', score: 10, vip: true, birthday: '1990-04-02', tier: 'gold' },
      ...{ tags: ['x', 'y'], nick: 'Al', age: 5, flag: true, 'we"ird\\key\'': 1 },
    },
    created: AT - 400 * DAY,
    ...{ orders: 2, spent: 100, refunded: 10, firstOrder: AT - 100 * DAY, lastOrder: AT - 5 * DAY },
    ...{ lastSeen: AT - HOUR, viewed: 'sku9' },
    ...{ categories: ['shoes', 'hats'], products: ['sku1', 'sku2'] },
  },
  {
    id: 'pb',
    traits: {
      ...{ plan: 'basic', score: 5.5, vip: false, birthday: '1992-02-29T08:00:00.000Z' },
      ...{ tier: 'silver', tags: [], nick: 5, age: '5', flag: 'true' },
    },
    created: MONTH_AGO,
    lastSeen: AT - 40 * DAY,
  },
  {
    id: 'pc',
    // Values of another JSON type than declared: missing.
    traits: {
      ...{ plan: 7, score: '10', birthday: 'not a date', tags: 'x', nick: null },
      ...{ age: 12.5, flag: false },
    },
    created: MONTH_AGO + 6 * HOUR,
    ...{ orders: 1, spent: 30, viewed: 'sku10', categories: ['hats'] },
  },
  {
    id: 'pd',
    traits: {},
    ...{ created: AT, orders: 3, spent: 90, lastSeen: AT + 2 * DAY, categories: ['bags'] },
  },
  {
    id: 'px',
    ws: OTHER,
    traits: { plan: 'basic', score: 10, vip: true },
    ...{ created: AT, orders: 9, spent: 900 },
  },
];

type Event = [
  profile: string,
  name: string,
  at: number,
  props?: object,
  type?: string,
  ws?: string,
];
const OC = 'Order Completed';
const PV = 'Product Viewed';
const EVENTS: Event[] = [
  ['pa', OC, AT - 2 * DAY, { total: 50, currency: 'EUR', items: { count: 2 } }],
  ['pa', OC, AT - 40 * DAY, { total: 30, currency: 'USD' }],
  ['pb', OC, AT - DAY, { total: '70', currency: 'EUR' }],
  ['pc', OC, AT - DAY, { total: 99 }, 'page'],
  ['pd', 'order completed', AT - DAY, { total: 99 }],
  ['pc', OC, MONTH_AGO, { total: 10 }],
  ['pc', OC, MONTH_AGO + 6 * HOUR, { total: 20, list: [1, 2] }],
  // Another workspace's event, of that workspace's profile (the processor links an event only to
  // a profile of its own workspace): it counts for nobody here.
  ['px', OC, AT - DAY, { total: 99 }, 'track', OTHER],
  ['pd', 'Signed Up', AT + HOUR],
  ['pa', PV, AT - DAY, { product_id: 'p1', category: 'shoes' }],
  ['pa', PV, AT - 2 * DAY, { product_id: 'p2', category: 'shoes' }],
  ['pa', PV, AT - 3 * DAY, { product_id: 'p2', category: 'shoes' }],
  ['pa', PV, AT - DAY, { product_id: 'p3', category: 'hats' }],
  ['pb', PV, AT - DAY, { product_id: 'p1', category: 'shoes' }],
  ['pb', PV, AT - DAY, { product_id: 5, category: 'shoes' }],
  ['pb', PV, AT - DAY, { product_id: 'p4', category: 7 }],
  ['pb', PV, AT - 60 * DAY, { product_id: 'p5', category: 'shoes' }],
  ['pb', PV, AT - DAY, { product_id: 'nul' }],
  ['pc', PV, AT - DAY, { product_id: 'p9', category: 'boots' }, 'page'],
  ['pc', PV, AT - 40 * DAY, { product_id: 'oos2' }],
  ['pd', PV, AT - DAY, { product_id: 'oos1', category: 'shoes' }],
];

type Line = [product: string | null, category: string | null];
type Order = [id: string, profile: string, at: number, total: number, status: string, Line[]];
const ORDERS: [ws: string, Order][] = [
  [
    WS,
    [
      'o1',
      'pa',
      AT - 5 * DAY,
      60,
      'placed',
      [
        ['sku1', 'shoes'],
        ['sku2', 'hats'],
      ],
    ],
  ],
  [WS, ['o2', 'pa', AT - 100 * DAY, 40, 'placed', [['sku3', 'socks']]]],
  [WS, ['o3', 'pb', AT - DAY, 500, 'cancelled', [['sku1', 'shoes']]]],
  [WS, ['o4', 'pb', -1, 20, 'placed', [['sku1', 'shoes']]]],
  [WS, ['o5', 'pc', AT - 10 * DAY, 30, 'placed', [['sku7', 'bags']]]],
  [WS, ['o6', 'pd', AT - 2 * DAY, 30, 'fulfilled', [['sku8', 'hats']]]],
  [WS, ['o7', 'pd', AT - 3 * DAY, 30, 'placed', []]],
  [WS, ['o8', 'pd', AT - 50 * DAY, 30, 'placed', [[null, null]]]],
  [OTHER, ['o5', 'pc', AT - DAY, 1000, 'placed', [['sku1', 'shoes']]]],
];

/** [workspace, id, stock] */
const PRODUCTS: [string, string, number | null][] = [
  [WS, 'oos1', 0],
  [WS, 'oos2', -1],
  [WS, 'in1', 5],
  [WS, 'nul', null],
  [OTHER, 'p1', 0],
];
/** [workspace, product, strategy, rank, related] */
const NEIGHBOURS: [string, string, string, number, string][] = [
  [WS, 'sku1', 'also_bought', 1, 'sku7'],
  [WS, 'sku1', 'also_bought', 11, 'sku8'],
  [WS, 'sku1', 'bought_together', 1, 'sku3'],
  [OTHER, 'sku1', 'also_bought', 2, 'sku8'],
];

/** A stored date trait and the instant it means (null: not a date). */
export const ISO_CASES: [unknown, number | null][] = [
  ['2020-02-30', Date.UTC(2020, 2, 1)],
  ['2021-02-29', Date.UTC(2021, 2, 1)],
  ['2020-01-01T10:00Z', Date.UTC(2020, 0, 1, 10)],
  ['2020-01-01T10:00:00.1234Z', Date.UTC(2020, 0, 1, 10, 0, 0, 123)],
  ['2020-01-01T10:00:00.5+02:00', Date.UTC(2020, 0, 1, 8, 0, 0, 500)],
  ['2020-01-01T23:30:00-01:30', Date.UTC(2020, 0, 2, 1)],
  ['2020-01-01T24:00:00Z', Date.UTC(2020, 0, 2)],
  ['0001-01-01', -62_135_596_800_000],
  ['1969-12-31T23:59:59.999Z', -1],
  ['2020-13-01', null],
  ['2020-00-10', null],
  ['2020-01-32', null],
  ['2020-01-01T10:00:00', null],
  ['2020-01-01T10:60Z', null],
  ['2020-01-01T24:00:01Z', null],
  ['2020-1-01', null],
  [' 2020-01-01', null],
  ['2020-01-01T10:00:00.Z', null],
  ['2020-01-01T10:00:00.1234567890Z', null],
  ['2020-01-01t10:00z', null],
  ['2020-01-01T10:00+24:00', null],
  ['2020-01-01Z', null],
  ['', null],
  [20200101, null],
];
export const isoProfile = (i: number) => `iso-${String(i).padStart(2, '0')}`;

const json = (v: unknown) => JSON.stringify(v);

function profileRow(p: Profile) {
  return {
    ...{ id: p.id, workspace_id: p.ws ?? WS, created_at: p.created, updated_at: p.created },
    ...{ traits: json(p.traits), trait_times: '{}', order_count: p.orders ?? 0 },
    ...{ total_spent: p.spent ?? 0, refunded_total: p.refunded ?? 0 },
    ...{ first_order_at: p.firstOrder ?? null, last_order_at: p.lastOrder ?? null },
    ...{ last_seen_at: p.lastSeen ?? null, last_product_viewed: p.viewed ?? null },
    ...{ categories_bought: json(p.categories ?? []), products_bought: json(p.products ?? []) },
    recreated_after_erasure: 0,
  };
}

function prediction(ws: string, profile: string, pAlive: number, next: number | null) {
  return {
    ...{ workspace_id: ws, profile_id: profile, run_id: 1, method: 'rules' as const },
    ...{ p_alive: pAlive, expected_orders_90d: pAlive * 2, expected_orders_365d: pAlive * 5 },
    ...{ predicted_clv_365d: pAlive * 250, expected_spend: 0, churn_basis: 'test' },
    ...{ churn_risk: pAlive > 0.5 ? ('low' as const) : ('high' as const) },
    ...{ churn_score: 1 - pAlive, expected_next_order_at: next, x: 0, t_x: 0, t_cal: 0 },
    ...{ monetary: null, average_order_value: 0, computed_at: 0 },
  };
}

const NO_INSIGHTS = {
  ...{ next_replenishment_due_at: null, next_replenishment_product: null },
  ...{ next_likely_category: null, next_likely_category_probability: null },
  ...{ next_likely_category_at: null, replacement_category: null, replacement_due_at: null },
  computed_at: 0,
};

export async function writeWorld(database: Database): Promise<void> {
  const db = database.db;
  await db.insertInto('profiles').values(PROFILES.map(profileRow)).execute();
  for (const [i, [profile, event, at, properties, type = 'track', ws = WS]] of EVENTS.entries()) {
    const payload = json({ type, event, ...(properties ? { properties } : {}) });
    const row = await db
      .insertInto('events')
      .values({
        ...{ workspace_id: ws, message_id: `m${i}`, type, event, user_id: null },
        ...{ anonymous_id: 'anon', timestamp: at, received_at: at, payload, time_adjusted: null },
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    const seq = Number(row.seq);
    await db
      .insertInto('event_profiles')
      .values(eventProfileRow({ seq, profileId: profile, type, event, at, properties }))
      .execute();
  }
  for (const [ws, [id, profile, at, total, status, lines]] of ORDERS) {
    await db
      .insertInto('profile_orders')
      .values({
        ...{ workspace_id: ws, order_id: id, profile_id: profile, total, refunded: 0 },
        ...{ currency: null, ordered_at: at, status },
        lines: encodeLines(lines.map(([product, category]) => orderLine(product, category))),
      })
      .execute();
  }
  await db
    .insertInto('products')
    .values(
      PRODUCTS.map(([ws, id, stock]) => ({
        ...{ workspace_id: ws, id, title: id, categories: '[]', stock, attributes: '{}' },
        ...{ source: 'test', source_updated_at: 0, created_at: 0, updated_at: 0 },
        ...{ active: 1, consumable: 0 },
      })),
    )
    .execute();
  await db
    .insertInto('customer_value_predictions')
    .values([
      prediction(WS, 'pa', 0.9, AT + 10 * DAY),
      prediction(WS, 'pb', 0.2, null),
      prediction(OTHER, 'pc', 0.2, AT + DAY),
    ])
    .execute();
  await db
    .insertInto('profile_insights')
    .values([
      {
        ...{ ...NO_INSIGHTS, workspace_id: WS, profile_id: 'pc' },
        ...{ next_replenishment_due_at: AT + 3 * DAY, next_replenishment_product: 'sku5' },
        ...{ next_likely_category: 'socks', next_likely_category_probability: 0.4 },
        ...{ replacement_category: 'boots', replacement_due_at: AT - DAY },
      },
      { ...NO_INSIGHTS, workspace_id: WS, profile_id: 'pd' },
      { ...NO_INSIGHTS, workspace_id: OTHER, profile_id: 'pa', next_likely_category: 'socks' },
    ])
    .execute();
  await db
    .insertInto('item_neighbours')
    .values(
      NEIGHBOURS.map(([ws, product, strategy, rank, related]) => ({
        ...{ workspace_id: ws, product_id: product, strategy, rank, related_id: related },
        ...{ score: 1, support: 1 },
      })),
    )
    .execute();
  await db
    .insertInto('profiles')
    .values(
      ISO_CASES.map(([text], i) =>
        profileRow({ id: isoProfile(i), ws: ISO_WS, traits: { birthday: text }, created: 0 }),
      ),
    )
    .execute();
}
