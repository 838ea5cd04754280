/**
 * The segment SQL compiler on both engines, against the hand-made world of segment-sql-world.ts:
 * every condition kind and every operator/type row of the semantics, the window kinds with
 * calendar months, missing values (neq matches missing), JSON-typed comparisons, anniversaries
 * across Feb 29, references, and workspace isolation. Expected members are written by hand.
 */
import type { SegmentCondition, TimeUnit } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMembers, isMember, memberIds } from '../../src/modules/segments/segment-sql.js';
import { parseIsoInstant, shiftInstant } from '../../src/modules/segments/segment-time.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import {
  AT,
  DAY,
  HOUR,
  ISO_CASES,
  ISO_WS,
  MONTH_AGO,
  OTHER,
  WS,
  customFields,
  iso,
  isoProfile,
  writeWorld,
} from './segment-sql-world.js';

// Shorthands: the tables below stay one line per case.
type Scalar = string | number | boolean;
const v = (value: Scalar) => ({ value });
const vs = (...values: Scalar[]) => ({ values });
const span = (amount: number, unit: TimeUnit) => ({ amount, unit });
const count = (operator: string, value: number) => ({ count: { operator, value } });
const last = (amount: number, unit: TimeUnit) => ({ window: { kind: 'last', amount, unit } });
const w = (property: string, operator: string, operands: object = {}) => ({
  property,
  operator,
  ...operands,
});
const agg = (fn: string, operator: string, value: number) => ({
  aggregate: { fn, property: 'total', operator, value },
});
// The tables hold valid definitions; the casts keep them short.
const field = (path: string, operator: string, operands: object = {}) =>
  ({ type: 'field', field: path, operator, ...operands }) as SegmentCondition;
const ev = (over: object = {}) =>
  ({ type: 'event', event: 'Order Completed', ...over }) as SegmentCondition;
const bought = (over: object = {}) => ({ type: 'purchased', ...over }) as SegmentCondition;
const views = (over: object) => ({ type: 'category_views', ...over }) as SegmentCondition;
const oos = (over: object = {}) => ({ type: 'viewed_out_of_stock', ...over }) as SegmentCondition;
const not = (condition: SegmentCondition): SegmentCondition => ({ type: 'not', condition });
const segment = (id: string): SegmentCondition => ({ type: 'segment', segment: id });

const REFERENCES = new Map<string, SegmentCondition>([
  ['seg-big', field('computed.total_spent', 'gte', v(90))],
  ['seg-wrap', segment('seg-big')],
]);

/** [field, operator, operands, members (space-separated), at] */
type FieldCase = [string, string, object, string, number?];
const FIELD_CASES: FieldCase[] = [
  // string (declared); pc's plan is a number: missing
  ['traits.plan', 'exists', {}, 'pa pb'],
  ['traits.plan', 'not_exists', {}, 'pc pd'],
  ['traits.plan', 'eq', v('basic'), 'pb'],
  ['traits.plan', 'neq', v('basic'), 'pa pc pd'],
  ['traits.plan', 'in', vs('basic', 'pro-annual', 'x'), 'pa pb'],
  ['traits.plan', 'not_in', vs('basic'), 'pa pc pd'],
  ['traits.plan', 'contains', v('annual'), 'pa'],
  ['traits.plan', 'contains', v('Annual'), ''],
  ['traits.plan', 'not_contains', v('annual'), 'pb pc pd'],
  ['traits.plan', 'starts_with', v('pro'), 'pa'],
  ['traits.plan', 'starts_with', v('Pro'), ''],
  ['computed.last_product_viewed', 'starts_with', v('sku'), 'pa pc'],
  ['computed.last_product_viewed', 'contains', v('9'), 'pa'],
  ['computed.last_product_viewed', 'neq', v('sku9'), 'pb pc pd'],
  // number (declared); pc's score is the string "10": missing
  ['traits.score', 'exists', {}, 'pa pb'],
  ['traits.score', 'eq', v(10), 'pa'],
  ['traits.score', 'neq', v(10), 'pb pc pd'],
  ['traits.score', 'in', vs(5.5, 7), 'pb'],
  ['traits.score', 'not_in', vs(5.5), 'pa pc pd'],
  ['traits.score', 'gt', v(5.5), 'pa'],
  ['traits.score', 'gte', v(5.5), 'pa pb'],
  ['traits.score', 'lt', v(10), 'pb'],
  ['traits.score', 'lte', v(10), 'pa pb'],
  ['traits.score', 'between', vs(5, 6), 'pb'],
  ['traits.score', 'between', vs(5.5, 10), 'pa pb'],
  ['computed.order_count', 'gt', v(1), 'pa pd'],
  ['computed.total_spent', 'lt', v(90), 'pb pc'],
  ['computed.refunded_total', 'gt', v(0), 'pa'],
  ['computed.average_order_value', 'eq', v(30), 'pc pd'],
  ['computed.average_order_value', 'not_exists', {}, 'pb'],
  ['computed.average_order_value', 'gte', v(50), 'pa'],
  // boolean
  ['traits.vip', 'exists', {}, 'pa pb'],
  ['traits.vip', 'not_exists', {}, 'pc pd'],
  ['traits.vip', 'eq', v(true), 'pa'],
  ['traits.vip', 'eq', v(false), 'pb'],
  ['traits.vip', 'neq', v(true), 'pb pc pd'],
  // enum
  ['traits.tier', 'exists', {}, 'pa pb'],
  ['traits.tier', 'eq', v('gold'), 'pa'],
  ['traits.tier', 'neq', v('silver'), 'pa pc pd'],
  ['traits.tier', 'in', vs('gold', 'silver'), 'pa pb'],
  ['traits.tier', 'not_in', vs('gold'), 'pb pc pd'],
  ['predictions.churn_risk', 'eq', v('high'), 'pb'],
  ['predictions.churn_risk', 'neq', v('high'), 'pa pc pd'],
  ['predictions.churn_risk', 'in', vs('low', 'medium'), 'pa'],
  // list; pb's tags are empty, pc's a bare string: missing
  ['traits.tags', 'exists', {}, 'pa'],
  ['traits.tags', 'not_exists', {}, 'pb pc pd'],
  ['traits.tags', 'contains', v('x'), 'pa'],
  ['traits.tags', 'not_contains', v('x'), 'pb pc pd'],
  ['traits.tags', 'in', vs('y', 'z'), 'pa'],
  ['traits.tags', 'not_in', vs('z'), 'pa pb pc pd'],
  ['computed.categories_bought', 'contains', v('hats'), 'pa pc'],
  ['computed.categories_bought', 'not_contains', v('hats'), 'pb pd'],
  ['computed.categories_bought', 'in', vs('bags', 'shoes'), 'pa pd'],
  ['computed.categories_bought', 'exists', {}, 'pa pc pd'],
  ['computed.categories_bought', 'not_exists', {}, 'pb'],
  ['computed.products_bought', 'contains', v('sku2'), 'pa'],
  // any (undeclared): JSON-typed; JSON null is missing
  ['traits.nick', 'exists', {}, 'pa pb'],
  ['traits.nick', 'not_exists', {}, 'pc pd'],
  ['traits.age', 'eq', v(5), 'pa'],
  ['traits.age', 'eq', v('5'), 'pb'],
  ['traits.age', 'in', vs(5, '5'), 'pa pb'],
  ['traits.age', 'neq', v(5), 'pb pc pd'],
  ['traits.age', 'not_in', vs('5', 12.5), 'pa pd'],
  ['traits.age', 'gt', v(5), 'pc'],
  ['traits.age', 'gte', v(5), 'pa pc'],
  ['traits.age', 'lt', v(12.5), 'pa'],
  ['traits.age', 'lte', v(12.5), 'pa pc'],
  ['traits.age', 'between', vs(5, 12.5), 'pa pc'],
  ['traits.nick', 'contains', v('l'), 'pa'],
  ['traits.nick', 'not_contains', v('l'), 'pb pc pd'],
  ['traits.nick', 'starts_with', v('A'), 'pa'],
  ['traits.flag', 'eq', v(true), 'pa'],
  ['traits.flag', 'in', vs(false, 'x'), 'pc'],
  // a key that needs quoting in a JSON path
  ['traits.we"ird\\key\'', 'eq', v(1), 'pa'],
  ['traits.we"ird', 'exists', {}, ''],
  // predictions and insights: no row (or only another workspace's) is missing
  ['predictions.p_alive', 'lt', v(0.5), 'pb'],
  ['predictions.p_alive', 'gte', v(0.2), 'pa pb'],
  ['predictions.churn_score', 'exists', {}, 'pa pb'],
  ['predictions.predicted_clv_365d', 'gt', v(100), 'pa'],
  ['predictions.expected_orders_90d', 'gte', v(1.8), 'pa'],
  ['predictions.expected_orders_365d', 'lte', v(1.5), 'pb'],
  ['predictions.expected_next_order_at', 'within_next', span(30, 'days'), 'pa'],
  ['predictions.expected_next_order_at', 'exists', {}, 'pa'],
  ['insights.next_replenishment_due_at', 'within_next', span(7, 'days'), 'pc'],
  ['insights.next_replenishment_product', 'starts_with', v('sku'), 'pc'],
  ['insights.next_likely_category', 'eq', v('socks'), 'pc'],
  ['insights.next_likely_category', 'exists', {}, 'pc'],
  ['insights.next_likely_category_probability', 'gt', v(0.3), 'pc'],
  ['insights.replacement_category', 'neq', v('boots'), 'pa pb pd'],
  ['insights.replacement_due_at', 'before', v(iso(AT)), 'pc'],
  // date traits; pc's is not a date: missing
  ['traits.birthday', 'exists', {}, 'pa pb'],
  ['traits.birthday', 'not_exists', {}, 'pc pd'],
  ['traits.birthday', 'before', v('1991-01-01'), 'pa'],
  ['traits.birthday', 'after', v('1991-01-01T00:00:00Z'), 'pb'],
  ['traits.birthday', 'between', vs('1990-04-02', '1992-02-29T08:00:00Z'), 'pa pb'],
  ['traits.birthday', 'between', vs(iso(Date.UTC(1990, 3, 2) + 1), '1992-02-29T07:59Z'), ''],
  ['traits.birthday', 'anniversary_within', span(3, 'days'), 'pa'],
  ['traits.birthday', 'anniversary_within', span(2, 'days'), ''],
  ['traits.birthday', 'anniversary_within', span(1, 'weeks'), 'pa'],
  ['traits.birthday', 'anniversary_within', span(366, 'days'), 'pa pb'],
  // Feb 29 is celebrated on Feb 28 in a year without it, and on Feb 29 in a leap year.
  ['traits.birthday', 'anniversary_within', span(2, 'days'), 'pb', Date.UTC(2025, 1, 27, 10)],
  ['traits.birthday', 'anniversary_within', span(1, 'days'), '', Date.UTC(2025, 1, 27, 10)],
  ['traits.birthday', 'anniversary_within', span(1, 'days'), '', Date.UTC(2024, 1, 28, 10)],
  ['traits.birthday', 'anniversary_within', span(2, 'days'), 'pb', Date.UTC(2024, 1, 28, 10)],
  // date columns
  ['computed.last_seen_at', 'exists', {}, 'pa pb pd'],
  ['computed.last_seen_at', 'not_exists', {}, 'pc'],
  ['computed.last_seen_at', 'within_last', span(1, 'days'), 'pa'],
  ['computed.last_seen_at', 'more_than_ago', span(30, 'days'), 'pb'],
  ['computed.last_seen_at', 'within_next', span(3, 'days'), 'pd'],
  ['computed.last_seen_at', 'within_next', span(1, 'days'), ''],
  ['computed.first_order_at', 'before', v(iso(AT - 99 * DAY)), 'pa'],
  ['computed.last_order_at', 'after', v(iso(AT - 6 * DAY)), 'pa'],
  // Mar 31 minus one month is Feb 29 12:00 (clamped), when pb was created.
  ['profile.created_at', 'within_last', span(1, 'months'), 'pc pd'],
  ['profile.created_at', 'more_than_ago', span(1, 'months'), 'pa pb'],
  ['profile.created_at', 'within_last', span(1, 'years'), 'pb pc pd'],
  ['profile.created_at', 'within_last', span(40, 'hours'), 'pd'],
  ['profile.created_at', 'within_last', span(90, 'minutes'), 'pd'],
];

/** [condition, members] */
type Case = [SegmentCondition, string];
const EVENT_CASES: Case[] = [
  // track only, exact name, own workspace
  [ev(), 'pa pb pc'],
  [ev(count('eq', 0)), 'pd'],
  [ev(count('gte', 2)), 'pa pc'],
  [ev(count('gt', 1)), 'pa pc'],
  [ev(count('eq', 1)), 'pb'],
  [ev(count('lt', 2)), 'pb pd'],
  [ev(count('lte', 1)), 'pb pd'],
  [ev({ window: { kind: 'ever' }, ...count('gte', 2) }), 'pa pc'],
  // pc's event at exactly one month ago is out of `last`, in `older_than`
  [ev({ ...last(1, 'months'), ...count('eq', 1) }), 'pa pb pc'],
  [ev({ window: { kind: 'older_than', amount: 1, unit: 'months' } }), 'pa pc'],
  [ev({ ...last(2, 'months'), ...count('eq', 0) }), 'pd'],
  [ev({ window: { kind: 'between', from: iso(MONTH_AGO), to: iso(MONTH_AGO + 6 * HOUR) } }), 'pc'],
  [ev({ event: 'Signed Up', ...last(2, 'hours') }), 'pd'],
  [ev({ ...last(7, 'weeks'), ...count('gte', 2) }), 'pa pc'],
  [ev({ where: [w('currency', 'eq', v('EUR'))] }), 'pa pb'],
  [ev({ where: [w('total', 'gt', v(40))] }), 'pa'],
  [ev({ where: [w('total', 'eq', v('70'))] }), 'pb'],
  [ev({ where: [w('items.count', 'eq', v(2))] }), 'pa'],
  [ev({ where: [w('list.0', 'exists')] }), ''],
  [ev({ where: [w('currency', 'neq', v('EUR'))] }), 'pa pc'],
  [ev({ where: [w('currency', 'in', vs('USD', 'GBP'))] }), 'pa'],
  [ev({ where: [w('currency', 'not_in', vs('EUR'))] }), 'pa pc'],
  [ev({ where: [w('currency', 'exists')] }), 'pa pb'],
  [ev({ where: [w('currency', 'not_exists')] }), 'pc'],
  [ev({ where: [w('currency', 'contains', v('U'))] }), 'pa pb'],
  [ev({ where: [w('currency', 'starts_with', v('US'))] }), 'pa'],
  [ev({ where: [w('total', 'lte', v(20))] }), 'pc'],
  [ev({ where: [w('total', 'lt', v(20))], ...count('eq', 1) }), 'pc'],
  [ev({ where: [w('total', 'gte', v(30)), w('currency', 'eq', v('USD'))] }), 'pa'],
  [ev(agg('sum', 'gte', 80)), 'pa'],
  [ev(agg('sum', 'lte', 0)), 'pb'],
  [ev(agg('avg', 'gt', 20)), 'pa'],
  [ev(agg('avg', 'lt', 1000)), 'pa pc'],
  [ev(agg('min', 'lte', 10)), 'pc'],
  [ev(agg('max', 'gte', 50)), 'pa'],
  [ev({ ...count('gte', 2), ...agg('max', 'lt', 40) }), 'pc'],
];

const OTHER_CASES: Case[] = [
  // not cancelled, not awaiting, own workspace
  [bought(), 'pa pc pd'],
  [bought(count('eq', 0)), 'pb'],
  [bought({ product: 'sku1' }), 'pa'],
  [bought({ category: 'hats' }), 'pa pd'],
  // also_bought neighbours of rank <= 10 only
  [bought({ similarTo: 'sku1' }), 'pc'],
  [bought(last(7, 'days')), 'pa pd'],
  [bought({ window: { kind: 'older_than', amount: 30, unit: 'days' } }), 'pa pd'],
  [bought(count('gte', 3)), 'pd'],
  [bought(count('eq', 2)), 'pa'],
  [bought({ orderTotal: { operator: 'gte', value: 50 } }), 'pa'],
  [bought({ spent: { operator: 'gte', value: 90 } }), 'pa pd'],
  [bought({ spent: { operator: 'gt', value: 90 } }), 'pa'],
  [bought({ ...last(7, 'days'), spent: { operator: 'gte', value: 60 } }), 'pa pd'],
  [bought({ category: 'shoes', spent: { operator: 'lte', value: 100 } }), 'pa'],
  [views({ category: 'shoes', atLeast: 2 }), 'pa pb'],
  [views({ category: 'shoes', atLeast: 2, ...last(30, 'days') }), 'pa'],
  [views({ category: 'hats', atLeast: 1 }), 'pa'],
  [views({ atLeast: 1 }), 'pa pb pd'],
  [views({ atLeast: 2 }), 'pa pb'],
  [views({ atLeast: 3 }), ''],
  [oos(), 'pc pd'],
  [oos(last(30, 'days')), 'pd'],
  [segment('seg-wrap'), 'pa pd'],
  [not(segment('seg-big')), 'pb pc'],
  [
    {
      type: 'or',
      conditions: [
        field('traits.plan', 'eq', v('basic')),
        field('computed.order_count', 'gt', v(2)),
      ],
    },
    'pb pd',
  ],
  [not(field('traits.score', 'gt', v(6))), 'pb pc pd'],
  [{ type: 'and', conditions: [bought(), not(ev())] }, 'pd'],
];

describe.each(engines)('segment SQL on %s', (engine) => {
  let handle: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    database = openDatabase(handle.url);
    await migrateToLatest(database);
    await writeWorld(database);
  });
  afterAll(async () => {
    await database?.close();
    await handle?.drop();
  });

  const query = (condition: SegmentCondition, at = AT, workspaceId = WS) => ({
    ...{ workspaceId, condition, references: REFERENCES, at, customFields },
  });
  /** Members by memberIds (pages of 2), checked against countMembers and isMember. */
  async function members(condition: SegmentCondition, at = AT, workspaceId = WS) {
    const q = query(condition, at, workspaceId);
    const ids: string[] = [];
    for (let page = await memberIds(database, q, { limit: 2 }); page.length;) {
      ids.push(...page);
      page = await memberIds(database, q, { after: page[page.length - 1], limit: 2 });
    }
    expect(await countMembers(database, q)).toBe(ids.length);
    for (const id of ['pa', 'pb', 'pc', 'pd', 'px']) {
      expect(await isMember(database, q, id)).toBe(ids.includes(id));
    }
    return ids.join(' ');
  }
  const check = async (cases: (Case | [Case[0], Case[1], number | undefined])[]) => {
    for (const [condition, expected, at] of cases) {
      expect(await members(condition, at), JSON.stringify(condition)).toBe(expected);
    }
  };

  it('field conditions: every operator of every type', async () => {
    await check(
      FIELD_CASES.map(([path, op, operands, expected, at]) => [
        field(path, op, operands),
        expected,
        at,
      ]),
    );
  });
  it('event conditions: windows, counts, filters, aggregates', () => check(EVENT_CASES));
  it('purchases, category views, out of stock, references, and/or/not', () => check(OTHER_CASES));

  it('pages member ids in ascending order after a cursor', async () => {
    const all = query(field('profile.created_at', 'exists'));
    expect(await memberIds(database, all, { limit: 3 })).toEqual(['pa', 'pb', 'pc']);
    expect(await memberIds(database, all, { after: 'pb', limit: 10 })).toEqual(['pc', 'pd']);
    expect(await memberIds(database, all, { after: 'pd', limit: 10 })).toEqual([]);
    expect(await countMembers(database, all)).toBe(4);
    const other = query(field('profile.created_at', 'exists'), AT, OTHER);
    expect(await memberIds(database, other, { limit: 10 })).toEqual(['px']);
  });

  it('reads date traits in exactly the ISO forms of parseIsoInstant', async () => {
    const dates = ISO_CASES.flatMap(([, ms], i) => (ms === null ? [] : [isoProfile(i)]));
    expect(await members(field('traits.birthday', 'exists'), AT, ISO_WS)).toBe(dates.join(' '));
    for (const [i, [text, ms]] of ISO_CASES.entries()) {
      expect(typeof text === 'string' ? parseIsoInstant(text) : null, String(text)).toBe(ms);
      if (ms === null) continue;
      const exactly = field('traits.birthday', 'between', vs(iso(ms), iso(ms)));
      expect(await members(exactly, AT, ISO_WS), String(text)).toBe(isoProfile(i));
    }
  });
});

describe('segment time', () => {
  it('shifts calendar months and years in UTC with clamping, fixed units exactly', () => {
    expect(shiftInstant(AT, -1, 'months')).toBe(MONTH_AGO);
    expect(shiftInstant(Date.UTC(2024, 1, 29), -1, 'years')).toBe(Date.UTC(2023, 1, 28));
    expect(shiftInstant(Date.UTC(2023, 0, 31, 5), 1, 'months')).toBe(Date.UTC(2023, 1, 28, 5));
    expect(shiftInstant(AT, -2, 'weeks')).toBe(AT - 14 * DAY);
    expect(shiftInstant(AT, 3, 'minutes')).toBe(AT + 180_000);
  });
});
