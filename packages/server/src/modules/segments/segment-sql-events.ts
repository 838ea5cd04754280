import type { SegmentCondition, SegmentCount, SegmentWindow } from '@comeback/contracts';
import { sql, type SqlBool } from 'kysely';
import { AWAITING_ORDER, lineSql } from '../profiles/index.js';
import { COMPARE, jsonReader, operatorPredicate, type FieldContext } from './segment-sql-fields.js';
import {
  and,
  definite,
  int,
  jsonRef,
  num,
  numberOf,
  text,
  type Bool,
  type Sql,
} from './segment-sql-json.js';
import { windowBounds } from './segment-time.js';

/**
 * Conditions over a profile's events and orders, as correlated subqueries on `p.id` that start
 * from the indexes event_profiles (profile_id, event, at) and profile_orders (profile_id): the
 * caller owns the FROM, so nothing here joins onto it.
 */
type Of<T extends SegmentCondition['type']> = Extract<SegmentCondition, { type: T }>;

/**
 * The neighbour list `similarTo` reads, its first 10. The related-products default is the
 * blend, which is not stored; of the stored lists it weighs "customers who bought X also
 * bought" the most.
 */
export const SIMILAR_STRATEGIES = ['also_bought'] as const;
export const SIMILAR_RANK_LIMIT = 10;
export const PRODUCT_VIEWED = 'Product Viewed';
const AGGREGATES = { avg: 'avg', min: 'min', max: 'max' } as const;

/**
 * `t`, an item of profile `profile`, within the window (ever: always). Since entering a segment:
 * at or after the profile's entry into it; a profile not in it has no entry, so the comparison
 * is NULL and no item counts (the caller's WHERE drops the row). Asked as it was at a past
 * instant (`ctx.history`), nothing after it counts, and the entry is the one in effect then.
 */
function inWindow(
  ctx: FieldContext,
  t: Sql,
  profile: Sql,
  window: SegmentWindow | undefined,
): Bool[] {
  const notLater: Bool[] = ctx.history ? [sql<SqlBool>`(${t} <= ${int(ctx.d, ctx.at)})`] : [];
  if (window?.kind === 'since_entering') {
    const entry = ctx.history
      ? entryAt(ctx, window.segment, profile)
      : sql`(select m.entered_at from segment_memberships as m
        where m.segment_id = ${text(ctx.d, window.segment)} and m.profile_id = ${profile})`;
    return [sql<SqlBool>`(${t} >= ${entry})`, ...notLater];
  }
  const bounds = windowBounds(window, ctx.at);
  return [
    ...(['gt', 'gte', 'lt', 'lte'] as const).flatMap((op) => {
      const bound = bounds[op];
      return bound === undefined
        ? []
        : [sql<SqlBool>`(${t} ${sql.raw(COMPARE[op])} ${int(ctx.d, bound)})`];
    }),
    ...notLater,
  ];
}

/**
 * The profile's entry into the segment in effect at `ctx.at`, from the segment's recorded
 * changes: the earliest entry after its last exit up to then (a merge brings the merged
 * profile's history along, and the earlier of two entries stands, as in segment_memberships);
 * NULL when it was not in the segment then.
 */
function entryAt(ctx: FieldContext, segment: string, profile: Sql): Sql {
  const at = int(ctx.d, ctx.at);
  const seg = text(ctx.d, segment);
  return sql`(select min(c.at) from segment_changes as c
    where c.profile_id = ${profile} and c.segment_id = ${seg} and c.kind = 'entered' and c.at <= ${at}
      and c.seq > coalesce((select max(x.seq) from segment_changes as x
        where x.profile_id = ${profile} and x.segment_id = ${seg} and x.kind = 'exited'
          and x.at <= ${at}), 0))`;
}
/** An event's time as event_profiles holds it (the per-profile form reads it from the index). */
const EVENT_TIME = sql.ref('ep.at');
/** The same time in the log (the whole-workspace form starts from the log). */
const LOG_TIME = sql.ref('e.timestamp');
const EVENT_PROFILE = sql.ref('ep.profile_id');

/**
 * `from ... where ...` of the profile's track events named `name` in the window. The index
 * event_profiles (profile_id, event, at) finds exactly those events (migration 038); only
 * when `where` reads the payload (`payload`: property filters, aggregates, product views) is
 * each of them then read from the log, by its seq.
 */
function trackEvents(ctx: FieldContext, name: string, where: Bool[], payload: boolean): Sql {
  const own = sql`ep.profile_id = p.id and ep.event = ${text(ctx.d, name)}`;
  if (!payload) return sql`from event_profiles as ep where ${own} and ${and(where)}`;
  // The profile's events first, then each by its seq: SQLite takes CROSS JOIN's order as given
  // (without statistics it would rather scan the whole log for the name, once per profile);
  // PostgreSQL plans it like any join.
  return sql`from event_profiles as ep cross join events as e
    where ${own} and e.seq = ep.seq and e.workspace_id = ${text(ctx.d, ctx.workspaceId)}
      and ${and(where)}`;
}

const property = (ctx: FieldContext, path: string) =>
  jsonRef(ctx.d, sql.ref('e.payload'), ['properties', ...path.split('.')]);

/**
 * How many rows `base` (a `from ... where ...`) has, compared: the common "at least one" and
 * "none" are EXISTS, which stop at the first row.
 */
function countCompare(ctx: FieldContext, base: Sql, count: SegmentCount | undefined): Bool {
  const { operator, value } = count ?? { operator: 'gte', value: 1 };
  const atLeastOne = (operator === 'gte' && value === 1) || (operator === 'gt' && value === 0);
  const none =
    (operator === 'eq' && value === 0) ||
    (operator === 'lt' && value === 1) ||
    (operator === 'lte' && value === 0);
  if (atLeastOne) return sql<SqlBool>`exists (select 1 ${base})`;
  if (none) return sql<SqlBool>`(not exists (select 1 ${base}))`;
  // Counting stops one row past the number compared with: the answer is the same, and a
  // shopper with thousands of events costs at most value + 1 rows, not their whole history.
  const enough = int(ctx.d, value + 1);
  return sql<SqlBool>`((select count(*) from (select 1 ${base} limit ${enough}) as counted) ${sql.raw(COMPARE[operator])} ${int(ctx.d, value)})`;
}

export function eventPredicate(ctx: FieldContext, c: Of<'event'>): Bool {
  const filters = (c.where ?? []).map((f) =>
    operatorPredicate(ctx, jsonReader(property(ctx, f.property), 'any'), f),
  );
  const base = trackEvents(
    ctx,
    c.event,
    [...inWindow(ctx, EVENT_TIME, EVENT_PROFILE, c.window), ...filters],
    filters.length > 0 || c.aggregate !== undefined,
  );
  if (ctx.plan === 'whole-workspace') return eventSetPredicate(ctx, c, filters);
  const parts = [countCompare(ctx, base, c.count)];
  if (c.aggregate) {
    const { fn, operator, value } = c.aggregate;
    const x = numberOf(property(ctx, c.aggregate.property));
    // Sum of no numbers is 0; an average, minimum or maximum of none is missing: false.
    const aggregate =
      fn === 'sum' ? sql`coalesce(sum(${x}), 0)` : sql`${sql.raw(AGGREGATES[fn])}(${x})`;
    parts.push(
      definite(
        sql<SqlBool>`((select ${aggregate} ${base}) ${sql.raw(COMPARE[operator])} ${num(ctx.d, value)})`,
      ),
    );
  }
  return and(parts);
}

export function purchasePredicate(ctx: FieldContext, c: Of<'purchased'>): Bool {
  const { d } = ctx;
  const where = [...inWindow(ctx, sql.ref('o.ordered_at'), sql.ref('o.profile_id'), c.window)];
  if (c.orderTotal) {
    where.push(
      sql<SqlBool>`(o.total ${sql.raw(COMPARE[c.orderTotal.operator])} ${num(d, c.orderTotal.value)})`,
    );
  }
  const lines = lineSql(d, 'o');
  const line =
    c.product !== undefined
      ? sql<SqlBool>`(${lines.field('product_id')} = ${text(d, c.product)})`
      : c.category !== undefined
        ? sql<SqlBool>`(${lines.field('category')} = ${text(d, c.category)})`
        : c.similarTo !== undefined
          ? sql<SqlBool>`(${lines.field('product_id')} in (select n.related_id from item_neighbours as n
              where n.workspace_id = ${text(d, ctx.workspaceId)} and n.product_id = ${text(d, c.similarTo)}
                and n.strategy in (${sql.join(SIMILAR_STRATEGIES.map((s) => text(d, s)))})
                and n.rank <= ${int(d, SIMILAR_RANK_LIMIT)}))`
          : null;
  if (line) {
    // The order's lines are a JSON array on its row (ADR 0025).
    where.push(sql<SqlBool>`exists (select 1 from ${lines.from} where ${line})`);
  }
  const base = sql`from profile_orders as o
    where o.profile_id = p.id and o.workspace_id = ${text(d, ctx.workspaceId)}
      and o.status <> 'cancelled' and o.ordered_at <> ${int(d, AWAITING_ORDER)} and ${and(where)}`;
  const parts = [countCompare(ctx, base, c.count)];
  if (c.spent) {
    parts.push(
      sql<SqlBool>`((select coalesce(sum(o.total), 0) ${base}) ${sql.raw(COMPARE[c.spent.operator])} ${num(d, c.spent.value)})`,
    );
  }
  return and(parts);
}

/**
 * A view's product id and category, each when the event carried it as a string: kept beside
 * the profile in event_profiles (migration 039), so affinity conditions never read the log.
 */
const VIEWED_PRODUCT = sql.ref('ep.product_id');
const VIEWED_CATEGORY = sql.ref('ep.category');

/** Product Viewed events in the window whose product_id is a string (and `more`). */
function productViews(ctx: FieldContext, window: SegmentWindow | undefined, more: Bool[]): Sql {
  return trackEvents(
    ctx,
    PRODUCT_VIEWED,
    [
      ...inWindow(ctx, EVENT_TIME, EVENT_PROFILE, window),
      sql<SqlBool>`(${VIEWED_PRODUCT} is not null)`,
      ...more,
    ],
    false,
  );
}

export function categoryViewsPredicate(ctx: FieldContext, c: Of<'category_views'>): Bool {
  if (c.category !== undefined) {
    const base = productViews(ctx, c.window, [
      sql<SqlBool>`(${VIEWED_CATEGORY} = ${text(ctx.d, c.category)})`,
    ]);
    return definite(
      sql<SqlBool>`((select count(distinct ${VIEWED_PRODUCT}) ${base}) >= ${int(ctx.d, c.atLeast)})`,
    );
  }
  const base = productViews(ctx, c.window, [sql<SqlBool>`(${VIEWED_CATEGORY} is not null)`]);
  return sql<SqlBool>`exists (select 1 ${base} group by ${VIEWED_CATEGORY}
    having count(distinct ${VIEWED_PRODUCT}) >= ${int(ctx.d, c.atLeast)})`;
}

export function viewedOutOfStockPredicate(ctx: FieldContext, c: Of<'viewed_out_of_stock'>): Bool {
  const base = trackEvents(
    ctx,
    PRODUCT_VIEWED,
    [
      ...inWindow(ctx, EVENT_TIME, EVENT_PROFILE, c.window),
      sql<SqlBool>`exists (select 1 from products as pr
        where pr.workspace_id = ${text(ctx.d, ctx.workspaceId)} and pr.id = ${VIEWED_PRODUCT}
          and pr.stock is not null and pr.stock <= 0)`,
    ],
    false,
  );
  return sql<SqlBool>`exists (select 1 ${base})`;
}

const holdsForNone = (operator: SegmentCount['operator'], value: number, none = 0): boolean =>
  operator === 'gte'
    ? none >= value
    : operator === 'gt'
      ? none > value
      : operator === 'eq'
        ? none === value
        : operator === 'lte'
          ? none <= value
          : none < value;

/**
 * An event condition for every profile at once: the window's matching events are read once
 * (the log first, each event's profile by its seq) and grouped by profile; a profile passes by
 * being in the group that compares, or - where no events at all would pass (a "did not", a sum
 * below a bound) - by having none. Same answers as the per-profile form (the property tests
 * run both).
 */
function eventSetPredicate(ctx: FieldContext, c: Of<'event'>, filters: Bool[]): Bool {
  const { d } = ctx;
  const base = sql`from events as e cross join event_profiles as ep
    where ep.seq = e.seq and e.workspace_id = ${text(d, ctx.workspaceId)}
      and e.type = 'track' and e.event = ${text(d, c.event)}
      and ${and([...inWindow(ctx, LOG_TIME, EVENT_PROFILE, c.window), ...filters])}`;
  const anyEvent = sql<SqlBool>`(p.id in (select ep.profile_id ${base}))`;
  const noEvent = sql<SqlBool>`(p.id not in (select ep.profile_id ${base}))`;
  const grouped = (having: Sql, emptyPasses: boolean): Bool => {
    const inGroup = sql<SqlBool>`(p.id in (select ep.profile_id ${base}
      group by ep.profile_id having ${having}))`;
    return emptyPasses ? sql<SqlBool>`(${inGroup} or ${noEvent})` : inGroup;
  };
  const { operator, value } = c.count ?? { operator: 'gte', value: 1 };
  const parts: Bool[] = [];
  if ((operator === 'gte' && value === 1) || (operator === 'gt' && value === 0)) {
    parts.push(anyEvent);
  } else if (holdsForNone(operator, value) && !holdsForNone(operator, value, 1)) {
    // Only zero passes (eq 0, lt 1, lte 0): "did not".
    parts.push(noEvent);
  } else {
    parts.push(
      grouped(
        sql`count(*) ${sql.raw(COMPARE[operator])} ${int(d, value)}`,
        holdsForNone(operator, value),
      ),
    );
  }
  if (c.aggregate) {
    const { fn, operator: op, value: bound } = c.aggregate;
    const x = numberOf(property(ctx, c.aggregate.property));
    // A sum of no numbers is 0; an average, minimum or maximum of none is missing: false.
    const aggregate =
      fn === 'sum' ? sql`coalesce(sum(${x}), 0)` : sql`${sql.raw(AGGREGATES[fn])}(${x})`;
    const having = sql`${aggregate} ${sql.raw(COMPARE[op])} ${num(d, bound)}`;
    parts.push(grouped(having, fn === 'sum' && holdsForNone(op, bound)));
  }
  return and(parts);
}
