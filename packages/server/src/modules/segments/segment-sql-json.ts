import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { ISO_INSTANT_PATTERN } from './segment-time.js';

/**
 * The SQL pieces whose spelling differs between the engines: bound parameters with the types
 * PostgreSQL must be told, reads of JSON values by their JSON type (TEXT + json_* on SQLite,
 * JSONB operators on PostgreSQL), ISO-8601 strings to epoch ms, and the UTC month-day of an
 * instant. Every user-supplied value is a bound parameter, JSON keys included.
 */
export type Dialect = 'sqlite' | 'postgres';
export type Sql = RawBuilder<unknown>;
export type Bool = RawBuilder<SqlBool>;

export const TRUE: Bool = sql<SqlBool>`(1 = 1)`;
export const FALSE: Bool = sql<SqlBool>`(1 = 0)`;

/** A number parameter; PostgreSQL would otherwise infer the column's type (integer for 2.5). */
export function num(d: Dialect, v: number): Sql {
  return d === 'postgres' ? sql`cast(${v} as double precision)` : sql`${v}`;
}
/** An integer parameter (ms instants, counts). */
export function int(d: Dialect, v: number): Sql {
  return d === 'postgres' ? sql`cast(${v} as bigint)` : sql`${v}`;
}
export function text(d: Dialect, v: string): Sql {
  return d === 'postgres' ? sql`cast(${v} as text)` : sql`${v}`;
}

export function and(parts: Bool[]): Bool {
  if (parts.length === 0) return TRUE;
  return parts.length === 1 && parts[0] ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}
export function or(parts: Bool[]): Bool {
  if (parts.length === 0) return FALSE;
  return parts.length === 1 && parts[0] ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
export function not(p: Bool): Bool {
  return sql<SqlBool>`(not ${p})`;
}
/** Comparisons with a missing value are NULL in SQL and false here, so `not` stays exact. */
export function definite(p: Bool): Bool {
  return sql<SqlBool>`coalesce(${p}, false)`;
}

/** A value inside a JSON document column, by object keys (never array indexes). */
export interface JsonRef {
  d: Dialect;
  doc: Sql;
  path: readonly string[];
}
export const jsonRef = (d: Dialect, doc: Sql, path: readonly string[]): JsonRef => ({
  d,
  doc,
  path,
});

/** SQLite's JSON path with each key quoted (`$."a"."b"`), bound as a parameter. */
function sqlitePath(path: readonly string[]): string {
  return `$${path.map((k) => `."${k.replace(/["\\]/g, (c) => `\\${c}`)}"`).join('')}`;
}
/** PostgreSQL: `doc -> 'a' -> 'b'` with text keys, which never index into arrays. */
function pgValue(ref: JsonRef): Sql {
  return ref.path.reduce<Sql>((acc, key) => sql`(${acc} -> cast(${key} as text))`, ref.doc);
}

const SQLITE_TYPES = {
  string: ['text'],
  number: ['integer', 'real'],
  boolean: ['true', 'false'],
  array: ['array'],
  true: ['true'],
  false: ['false'],
} as const;
const PG_TYPES = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  array: 'array',
} as const;
export type JsonKind = keyof typeof SQLITE_TYPES;

/** Whether the value is present and of the JSON kind (NULL when missing: wrap in definite). */
export function isKind(ref: JsonRef, kind: JsonKind): Bool {
  if (ref.d === 'sqlite') {
    const names = SQLITE_TYPES[kind].map((n) => sql.lit(n));
    return sql<SqlBool>`(json_type(${ref.doc}, ${sqlitePath(ref.path)}) in (${sql.join(names)}))`;
  }
  const v = pgValue(ref);
  if (kind === 'true' || kind === 'false') return sql<SqlBool>`(${v} = ${sql.lit(kind)}::jsonb)`;
  return sql<SqlBool>`(jsonb_typeof(${v}) = ${sql.lit(PG_TYPES[kind])})`;
}

/** Present and not JSON null. */
export function isPresent(ref: JsonRef): Bool {
  const type =
    ref.d === 'sqlite'
      ? sql`json_type(${ref.doc}, ${sqlitePath(ref.path)})`
      : sql`jsonb_typeof(${pgValue(ref)})`;
  return sql<SqlBool>`(coalesce(${type}, 'null') <> 'null')`;
}

/** The string, or NULL when the value is not a JSON string. */
export function textOf(ref: JsonRef): Sql {
  const value =
    ref.d === 'sqlite'
      ? sql`json_extract(${ref.doc}, ${sqlitePath(ref.path)})`
      : sql`(${pgValue(ref)} #>> '{}')`;
  return sql`(case when ${isKind(ref, 'string')} then ${value} end)`;
}

/** The number, or NULL when the value is not a JSON number. */
export function numberOf(ref: JsonRef): Sql {
  const value =
    ref.d === 'sqlite'
      ? sql`json_extract(${ref.doc}, ${sqlitePath(ref.path)})`
      : sql`cast(${pgValue(ref)} as double precision)`;
  return sql`(case when ${isKind(ref, 'number')} then ${value} end)`;
}

/** A JSON array with at least one element. */
export function isNonEmptyList(ref: JsonRef): Bool {
  if (ref.d === 'sqlite') {
    return sql<SqlBool>`(${isKind(ref, 'array')} and json_array_length(${ref.doc}, ${sqlitePath(ref.path)}) > 0)`;
  }
  return sql<SqlBool>`(${isKind(ref, 'array')} and ${pgValue(ref)} <> '[]'::jsonb)`;
}

/** A JSON array with a string element equal to one of `values`. */
export function listHasAny(ref: JsonRef, values: readonly string[]): Bool {
  if (values.length === 0) return FALSE;
  if (ref.d === 'sqlite') {
    const list = sql.join(values.map((v) => sql`${v}`));
    return sql<SqlBool>`(${isKind(ref, 'array')} and exists (select 1 from json_each(${ref.doc}, ${sqlitePath(ref.path)}) as je where je.type = 'text' and je.value in (${list})))`;
  }
  // `?|` matches string elements of an array (and a bare string: hence the array test).
  return sql<SqlBool>`(${isKind(ref, 'array')} and ${pgValue(ref)} ?| cast(${[...values]} as text[]))`;
}

/** `s` contains `v` (case-sensitive substring). */
export function containsText(d: Dialect, s: Sql, v: string): Bool {
  return d === 'sqlite'
    ? sql<SqlBool>`(instr(${s}, ${v}) > 0)`
    : sql<SqlBool>`(strpos(${s}, ${text(d, v)}) > 0)`;
}
/** `s` begins with `v` (case-sensitive). */
export function startsWithText(d: Dialect, s: Sql, v: string): Bool {
  return sql<SqlBool>`(substr(${s}, 1, length(${text(d, v)})) = ${text(d, v)})`;
}

/**
 * Epoch ms of an ISO-8601 string in the forms of `parseIsoInstant` (segment-time.ts), else NULL,
 * by the same integer arithmetic on both engines: no engine date parser (PostgreSQL's raises
 * on an invalid date and reads the session's time zone; SQLite's accepts more forms).
 */
export function isoMs(d: Dialect, s: Sql): Sql {
  const parts = d === 'sqlite' ? sqliteIsoParts(s) : pgIsoParts(s);
  return sql`(select (era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468 - 146097) * 86400000
      + h * 3600000 + mi * 60000 + sec * 1000 + frac - sgn * (oh * 60 + om) * 60000
    from (select yy / 400 as era, yy - (yy / 400) * 400 as yoe, (153 * ((mo + 9) % 12) + 2) / 5 + dd - 1 as doy,
        h, mi, sec, frac, sgn, oh, om
      from (select y - (case when mo <= 2 then 1 else 0 end) + 400 as yy, mo, dd, h, mi, sec, frac, sgn, oh, om
        from (${parts}) as iso_parts
        where mo between 1 and 12 and dd between 1 and 31 and mi <= 59 and sec <= 59
          and (h <= 23 or (h = 24 and mi = 0 and sec = 0 and frac = 0)) and oh <= 23 and om <= 59) as iso_year) as iso_days)`;
}

/** PostgreSQL: the pattern's groups (y, mo, d, h, mi, s, fraction, zone, sign, oh, om). */
function pgIsoParts(s: Sql): Sql {
  const g = (i: number) => sql.raw(`m[${i}]`);
  const n = (i: number) => sql`coalesce(cast(${g(i)} as bigint), 0)`;
  return sql`select ${n(1)} as y, ${n(2)} as mo, ${n(3)} as dd, ${n(4)} as h, ${n(5)} as mi,
      ${n(6)} as sec, cast(substr(coalesce(${g(7)}, '') || '000', 1, 3) as bigint) as frac,
      (case ${g(9)} when '-' then -1 when '+' then 1 else 0 end) as sgn, ${n(10)} as oh, ${n(11)} as om
    from (select regexp_match(${s}, cast(${ISO_INSTANT_PATTERN} as text)) as m) as iso_match
    where m is not null`;
}

/**
 * SQLite has no regular expressions: the same forms by GLOB on fixed positions. The zone is
 * the last 1 (`Z`) or 6 (`+HH:MM`) characters, required after a time; between the minutes
 * and the zone come nothing, `:SS`, or `:SS.` and 1-9 digits.
 */
function sqliteIsoParts(s: Sql): Sql {
  const digits2 = (from: number) => sql.raw(`cast(substr(s, ${from}, 2) as integer)`);
  return sql`select cast(substr(s, 1, 4) as integer) as y, ${digits2(6)} as mo, ${digits2(9)} as dd,
      (case when l > 10 then ${digits2(12)} else 0 end) as h,
      (case when l > 10 then ${digits2(15)} else 0 end) as mi,
      (case when length(mid) >= 3 then cast(substr(mid, 2, 2) as integer) else 0 end) as sec,
      (case when length(mid) >= 5 then cast(substr(substr(mid, 5) || '000', 1, 3) as integer) else 0 end) as frac,
      (case when z = 6 then (case substr(s, -6, 1) when '-' then -1 else 1 end) else 0 end) as sgn,
      (case when z = 6 then cast(substr(s, -5, 2) as integer) else 0 end) as oh,
      (case when z = 6 then cast(substr(s, -2, 2) as integer) else 0 end) as om
    from (select s, l, z, (case when l > 10 then substr(s, 17, l - 16 - z) else '' end) as mid
      from (select s, length(s) as l,
          (case when substr(s, -1) = 'Z' then 1
            when length(s) >= 22 and substr(s, -6) glob '[+-][0-9][0-9]:[0-9][0-9]' then 6
            else 0 end) as z
        from (select ${s} as s) as iso_text
        where typeof(s) = 'text') as iso_zone
      where substr(s, 1, 10) glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
        and (l = 10 or (z > 0 and substr(s, 11, 6) glob 'T[0-9][0-9]:[0-9][0-9]'))) as iso_shape
    where l = 10 or mid = '' or mid glob ':[0-9][0-9]'
      or (mid glob ':[0-9][0-9].[0-9]*' and length(mid) <= 13 and ltrim(substr(mid, 5), '0123456789') = '')`;
}

/** The UTC month-day ('MM-DD') of an epoch-ms instant. */
export function monthDayOf(d: Dialect, ms: Sql): Sql {
  return d === 'sqlite'
    ? sql`strftime('%m-%d', ${ms} / 1000.0, 'unixepoch')`
    : sql`to_char(to_timestamp(cast(${ms} as double precision) / 1000) at time zone 'UTC', 'MM-DD')`;
}
