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
import { fieldPredicate, type FieldContext } from './segment-sql-fields.js';
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
): Expression<SqlBool> {
  const ctx: FieldContext = {
    d: dialect,
    workspaceId: query.workspaceId,
    at: query.at,
    customFields: query.customFields,
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
      return and(c.conditions.map((x) => compile(ctx, query, x, inlining)));
    case 'or':
      return or(c.conditions.map((x) => compile(ctx, query, x, inlining)));
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
    case 'segment': {
      const referenced = query.references.get(c.segment);
      if (!referenced || inlining.includes(c.segment)) {
        throw new Error(`segment ${c.segment} is unresolved or cyclic: check the definition first`);
      }
      return compile(ctx, query, referenced, [...inlining, c.segment]);
    }
  }
}

export async function countMembers(database: Database, query: SegmentQuery): Promise<number> {
  const row = await database.db
    .selectFrom('profiles as p')
    .select(sql<number>`count(*)`.as('n'))
    .where(segmentFilter(database.dialect, query))
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
    .where(segmentFilter(database.dialect, query));
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
