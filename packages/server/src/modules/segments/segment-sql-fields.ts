import type {
  DateZone,
  FieldOperator,
  SegmentCondition,
  SegmentScalar,
  TimeUnit,
} from '@comeback/contracts';
import { sql, type SqlBool } from 'kysely';
import { resolveField, type FieldSource, type RegisteredField } from './field-registry.js';
import type { FieldType } from './segment-model.js';
import {
  FALSE,
  and,
  containsText,
  definite,
  int,
  isKind,
  isNonEmptyList,
  isPresent,
  isoMs,
  jsonRef,
  listHasAny,
  monthDayOf,
  not,
  num,
  numberOf,
  or,
  startsWithText,
  text,
  textOf,
  type Bool,
  type Dialect,
  type JsonRef,
  type Sql,
} from './segment-sql-json.js';
import { anniversaryMonthDays, shiftInstant, spanDays } from './segment-time.js';
import { isZoned, zonedDatePredicate } from './segment-sql-zoned.js';

/**
 * `field` conditions: the registry says where the value lives and its type; a Reader gives
 * the value by JSON type (a number only where the value is a number, ...), so every operator is
 * written once and a value of another type than the operand simply never matches.
 */
export interface FieldContext {
  d: Dialect;
  workspaceId: string;
  at: number;
  customFields: Parameters<typeof resolveField>[0];
  /**
   * 'whole-workspace': the question is about every profile (a count, a backfill), so event
   * conditions read the window's events once, grouped by profile, instead of each profile's
   * events in turn ('per-profile', for one profile or a batch's few).
   */
  plan?: SegmentPlan;
  /** As it was at `at` (SegmentQuery.history). */
  history?: boolean;
}
export type SegmentPlan = 'per-profile' | 'whole-workspace';

export type FieldCondition = Extract<SegmentCondition, { type: 'field' }>;

export interface Reader {
  type: FieldType;
  /** The value exists (for a list: is non-empty). */
  present: Bool;
  num: Sql | null;
  str: Sql | null;
  bool: { isTrue: Bool; isFalse: Bool } | null;
  /** Epoch ms of a date. */
  ms: Sql | null;
  list: JsonRef | null;
}

const none = { num: null, str: null, bool: null, ms: null, list: null };

/** A JSON value read as `type` (undeclared: `any`, every JSON type as itself). */
export function jsonReader(ref: JsonRef, type: FieldType): Reader {
  switch (type) {
    case 'number':
      return { ...none, type, present: isKind(ref, 'number'), num: numberOf(ref) };
    case 'string':
    case 'enum':
      return { ...none, type, present: isKind(ref, 'string'), str: textOf(ref) };
    case 'boolean':
      return { ...none, type, present: isKind(ref, 'boolean'), bool: booleans(ref) };
    case 'date': {
      const ms = isoMs(ref.d, textOf(ref));
      return { ...none, type, present: sql<SqlBool>`(${ms} is not null)`, ms };
    }
    case 'list':
      return { ...none, type, present: isNonEmptyList(ref), list: ref };
    case 'any':
      return {
        ...none,
        type,
        present: isPresent(ref),
        num: numberOf(ref),
        str: textOf(ref),
        bool: booleans(ref),
      };
  }
}
const booleans = (ref: JsonRef) => ({ isTrue: isKind(ref, 'true'), isFalse: isKind(ref, 'false') });

function sourceReader(ctx: FieldContext, type: FieldType, source: FieldSource): Reader {
  if (source.from === 'trait') {
    return jsonReader(jsonRef(ctx.d, sql.ref('p.traits'), [source.key]), type);
  }
  const value =
    source.from === 'column'
      ? sql.ref(`p.${source.column}`)
      : source.from === 'ratio'
        ? sql`(case when ${sql.ref(`p.${source.denominator}`)} > 0
            then ${sql.ref(`p.${source.numerator}`)} / ${sql.ref(`p.${source.denominator}`)} end)`
        : sql`(select ${sql.ref(`t.${source.column}`)} from ${sql.table(source.table)} as t
            where t.workspace_id = ${text(ctx.d, ctx.workspaceId)} and t.profile_id = p.id)`;
  if (type === 'list') return jsonReader(jsonRef(ctx.d, value, []), type);
  const present = sql<SqlBool>`(${value} is not null)`;
  if (type === 'number') return { ...none, type, present, num: value };
  if (type === 'string' || type === 'enum') return { ...none, type, present, str: value };
  if (type === 'date') return { ...none, type, present, ms: value };
  throw new Error(`a ${type} column is not readable as a field`);
}

export function fieldReader(ctx: FieldContext, field: RegisteredField): Reader {
  return sourceReader(ctx, field.type, field.source);
}

export function fieldPredicate(ctx: FieldContext, c: FieldCondition): Bool {
  const field = resolveField(ctx.customFields, c.field);
  if (!field) throw new Error(`unknown segment field ${c.field}`);
  return operatorPredicate(ctx, fieldReader(ctx, field), c);
}

export interface Operands {
  operator: FieldOperator;
  value?: SegmentScalar | undefined;
  values?: SegmentScalar[] | undefined;
  amount?: number | undefined;
  unit?: TimeUnit | undefined;
  zone?: DateZone | undefined;
}

/** The operator applied to the value `r` reads; every result is true or false, never NULL. */
export function operatorPredicate(ctx: FieldContext, r: Reader, o: Operands): Bool {
  const { d } = ctx;
  const value = o.value;
  const values = o.values ?? [];
  const positive = (op: FieldOperator): Bool => {
    if (r.type === 'date' && isZoned(o)) return zonedDatePredicate(ctx, r, o);
    switch (op) {
      case 'exists':
        return r.present;
      case 'eq':
        return value === undefined ? FALSE : equalsAny(d, r, [value]);
      case 'in':
        return r.list ? listHasAny(r.list, strings(values)) : equalsAny(d, r, values);
      case 'contains':
        if (typeof value !== 'string') return FALSE;
        if (r.list) return listHasAny(r.list, [value]);
        return r.str ? containsText(d, r.str, value) : FALSE;
      case 'starts_with':
        return typeof value === 'string' && r.str ? startsWithText(d, r.str, value) : FALSE;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return typeof value === 'number' && r.num
          ? sql<SqlBool>`(${r.num} ${sql.raw(COMPARE[op])} ${num(d, value)})`
          : FALSE;
      case 'between':
        return r.type === 'date' ? dateBetween(ctx, r, values) : numberBetween(ctx, r, values);
      default:
        return datePredicate(ctx, r, o);
    }
  };
  const negated = NEGATIONS[o.operator];
  if (negated) return not(definite(positive(negated)));
  return definite(positive(o.operator));
}

const NEGATIONS: Partial<Record<FieldOperator, FieldOperator>> = {
  not_exists: 'exists',
  neq: 'eq',
  not_in: 'in',
  not_contains: 'contains',
};
export const COMPARE = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' } as const;

const strings = (values: readonly SegmentScalar[]) =>
  values.filter((v): v is string => typeof v === 'string');

/** Equal to one of `values`, each compared only with a value of its own JSON type. */
function equalsAny(d: Dialect, r: Reader, values: readonly SegmentScalar[]): Bool {
  const parts: Bool[] = [];
  const nums = values.filter((v): v is number => typeof v === 'number');
  const strs = strings(values);
  if (nums.length && r.num) {
    parts.push(sql<SqlBool>`(${r.num} in (${sql.join(nums.map((v) => num(d, v)))}))`);
  }
  if (strs.length && r.str) {
    parts.push(sql<SqlBool>`(${r.str} in (${sql.join(strs.map((v) => text(d, v)))}))`);
  }
  if (r.bool && values.includes(true)) parts.push(r.bool.isTrue);
  if (r.bool && values.includes(false)) parts.push(r.bool.isFalse);
  return or(parts);
}

function numberBetween(ctx: FieldContext, r: Reader, values: readonly SegmentScalar[]): Bool {
  const [low, high] = values;
  if (typeof low !== 'number' || typeof high !== 'number' || !r.num) return FALSE;
  return sql<SqlBool>`(${r.num} >= ${num(ctx.d, low)} and ${r.num} <= ${num(ctx.d, high)})`;
}

function dateBetween(ctx: FieldContext, r: Reader, values: readonly SegmentScalar[]): Bool {
  const [low, high] = values.map((v) => (typeof v === 'string' ? Date.parse(v) : NaN));
  if (low === undefined || high === undefined || Number.isNaN(low) || Number.isNaN(high)) {
    return FALSE;
  }
  return msRange(ctx, r, { gte: low, lte: high });
}

function msRange(
  ctx: FieldContext,
  r: Reader,
  bounds: { gt?: number; gte?: number; lt?: number; lte?: number },
): Bool {
  if (!r.ms) return FALSE;
  const ms = r.ms;
  return and(
    (['gt', 'gte', 'lt', 'lte'] as const).flatMap((op) => {
      const bound = bounds[op];
      return bound === undefined
        ? []
        : [sql<SqlBool>`(${ms} ${sql.raw(COMPARE[op])} ${int(ctx.d, bound)})`];
    }),
  );
}

function datePredicate(ctx: FieldContext, r: Reader, o: Operands): Bool {
  const { at } = ctx;
  const instant = typeof o.value === 'string' ? Date.parse(o.value) : NaN;
  const span = o.amount !== undefined && o.unit !== undefined ? { n: o.amount, u: o.unit } : null;
  switch (o.operator) {
    case 'before':
      return Number.isNaN(instant) ? FALSE : msRange(ctx, r, { lt: instant });
    case 'after':
      return Number.isNaN(instant) ? FALSE : msRange(ctx, r, { gt: instant });
    case 'within_last':
      return span ? msRange(ctx, r, { gt: shiftInstant(at, -span.n, span.u), lte: at }) : FALSE;
    case 'more_than_ago':
      return span ? msRange(ctx, r, { lte: shiftInstant(at, -span.n, span.u) }) : FALSE;
    case 'within_next':
      return span ? msRange(ctx, r, { gte: at, lt: shiftInstant(at, span.n, span.u) }) : FALSE;
    case 'anniversary_within': {
      const days = span ? spanDays(span.n, span.u) : null;
      if (days === null || !r.ms) return FALSE;
      const monthDays = anniversaryMonthDays(at, days).map((md) => text(ctx.d, md));
      return sql<SqlBool>`(${monthDayOf(ctx.d, r.ms)} in (${sql.join(monthDays)}))`;
    }
    default:
      throw new Error(`operator ${o.operator} is not compiled for ${r.type} fields`);
  }
}
