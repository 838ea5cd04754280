import type { SegmentCondition } from '@comeback/contracts';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { SegmentQuery } from './segment-model.js';
import {
  categoryViewsPredicate,
  eventPredicate,
  purchasePredicate,
  viewedOutOfStockPredicate,
} from './segment-sql-events.js';
import { fieldPredicate, type FieldContext, type SegmentPlan } from './segment-sql-fields.js';
import { and, not, or, text, type Bool } from './segment-sql-json.js';

/**
 * The segment compiler: a definition becomes one boolean SQL expression over `profiles as p`
 * (docs/guides/segments.md gives the meaning; test/segments holds a reference evaluator in
 * plain TypeScript that it must agree with on both engines). The expression is a pure filter -
 * correlated subqueries and EXISTS, no joins - so callers can put it in any query over profiles.
 */

/** The filter for profiles of the query's workspace that are members at `query.at`. */
export function segmentFilter(
  dialect: 'sqlite' | 'postgres',
  query: SegmentQuery,
  plan: SegmentPlan = 'per-profile',
): Expression<SqlBool> {
  const ctx: FieldContext = {
    d: dialect,
    workspaceId: query.workspaceId,
    at: query.at,
    customFields: query.customFields,
    plan,
    ...(query.history === true ? { history: true } : {}),
  };
  const member = compile(ctx, query, query.condition, []);
  return and([sql<SqlBool>`(p.workspace_id = ${text(dialect, query.workspaceId)})`, member]);
}

function compile(
  ctx: FieldContext,
  query: SegmentQuery,
  c: SegmentCondition,
  /** The segments being inlined, outermost first: a cycle here is a checker bug. */
  inlining: readonly string[],
): Bool {
  switch (c.type) {
    case 'and':
      return and(cheapFirst(c.conditions).map((x) => compile(ctx, query, x, inlining)));
    case 'or':
      return or(cheapFirst(c.conditions).map((x) => compile(ctx, query, x, inlining)));
    case 'not':
      return not(compile(ctx, query, c.condition, inlining));
    case 'field':
      return fieldPredicate(ctx, c);
    case 'event':
      return eventPredicate(ctx, c);
    case 'purchased':
      return purchasePredicate(ctx, c);
    case 'category_views':
      return categoryViewsPredicate(ctx, c);
    case 'viewed_out_of_stock':
      return viewedOutOfStockPredicate(ctx, c);
    case 'consent':
      return consentPredicate(ctx, c);
    case 'segment': {
      const referenced = query.references.get(c.segment);
      if (!referenced || inlining.includes(c.segment)) {
        throw new Error(`segment ${c.segment} is unresolved or cyclic: check the definition first`);
      }
      return compile(ctx, query, referenced, [...inlining, c.segment]);
    }
  }
}

/** The profile's current consent on the channel is the status (the row the send gate reads). */
function consentPredicate(ctx: FieldContext, c: Extract<SegmentCondition, { type: 'consent' }>) {
  return sql<SqlBool>`exists (select 1 from consents as cs
    where cs.profile_id = p.id and cs.workspace_id = ${text(ctx.d, ctx.workspaceId)}
      and cs.channel = ${text(ctx.d, c.channel)} and cs.status = ${text(ctx.d, c.status)})`;
}

export async function countMembers(database: Database, query: SegmentQuery): Promise<number> {
  const row = await database.db
    .selectFrom('profiles as p')
    .select(sql<number>`count(*)`.as('n'))
    .where(segmentFilter(database.dialect, query, 'whole-workspace'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Member profile ids in ascending order, after `page.after` (exclusive). */
export async function memberIds(
  database: Database,
  query: SegmentQuery,
  page: { after?: string; limit: number },
): Promise<string[]> {
  let q = database.db
    .selectFrom('profiles as p')
    .select('p.id')
    .where(segmentFilter(database.dialect, query, 'whole-workspace'));
  if (page.after !== undefined) q = q.where('p.id', '>', page.after);
  const rows = await q.orderBy('p.id').limit(page.limit).execute();
  return rows.map((r) => r.id);
}

export async function isMember(
  database: Database,
  query: SegmentQuery,
  profileId: string,
): Promise<boolean> {
  const row = await database.db
    .selectFrom('profiles as p')
    .select('p.id')
    .where('p.id', '=', profileId)
    .where(segmentFilter(database.dialect, query))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Both engines evaluate AND/OR terms mostly in the order written and stop at the first that
 * decides: a profile's own columns first, its orders next, its events (the longest lists)
 * last, so "ordered at least once and viewed 3 times" reads the views only of buyers. The
 * answer is the same in any order (every term is true or false, never unknown).
 */
function cheapFirst(conditions: readonly SegmentCondition[]): SegmentCondition[] {
  const cost = (c: SegmentCondition): number => {
    switch (c.type) {
      case 'field':
        return c.field.startsWith('traits.') || c.field.startsWith('computed.') ? 0 : 1;
      case 'consent':
        return 1;
      case 'purchased':
        return 2;
      case 'not':
        return cost(c.condition);
      case 'and':
      case 'or':
        return Math.max(...c.conditions.map(cost));
      default:
        return 3;
    }
  };
  return conditions
    .map((c, i) => ({ c, i, k: cost(c) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.c);
}
