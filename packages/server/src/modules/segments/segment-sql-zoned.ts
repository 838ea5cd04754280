import { zonedOperators, type FieldOperator } from '@comeback/contracts';
import { sql, type SqlBool } from 'kysely';
import { workspaceZoneSettingKey } from '../../platform/time-zones.js';
import type { FieldContext, Operands, Reader } from './segment-sql-fields.js';
import {
  FALSE,
  definite,
  int,
  monthDayOf,
  text,
  type Bool,
  type Dialect,
  type Sql,
} from './segment-sql-json.js';
import { DAY_MS, anniversaryMonthDays, spanDays } from './segment-time.js';
import { namesADay, shiftDay } from './segment-zoned-dates.js';

/**
 * Date conditions with `zone: "profile"` (docs/guides/segments.md, "Dates in the profile's time
 * zone"): they compare calendar dates in the profile's zone. Per profile the SQL reads its zone
 * (`profiles.time_zone`, else the workspace's, else UTC) and the day of the value (the day a UTC
 * midnight names, else the instant's local date) and of the instant asked (its local date),
 * through the zone's stored offset periods (platform/zone-offsets.ts): no engine's own time
 * zone support, so both engines and TypeScript give the same dates.
 */

/** Adding K days before dividing keeps the dividend positive: integer division then floors. */
const K = 1_000_000;

/** Whether a zone applies: zoned operators, and for spans, units of days or longer. */
export function isZoned(o: Operands): boolean {
  if (o.zone !== 'profile') return false;
  if (!(zonedOperators as readonly FieldOperator[]).includes(o.operator)) return false;
  return o.unit !== 'minutes' && o.unit !== 'hours';
}

/** The offset (ms) of zone `zone` at instant `t`, from its stored periods. */
function offsetOf(zone: Sql, t: Sql): Sql {
  return sql`(select o.offset_ms from time_zone_offsets as o
    where o.zone = ${zone} and o.starts_at <= ${t} order by o.starts_at desc limit 1)`;
}

/** Days since 1970-01-01 of epoch ms `t` read as UTC (`t` + an offset: the local date). */
function dayOf(ctx: FieldContext, t: Sql): Sql {
  // Integer division needs integers throughout: SQLite binds numbers as REAL (which divides
  // exactly), so the constants are literals and the instant is cast.
  const whole = ctx.d === 'sqlite' ? sql`cast(${t} as integer)` : t;
  return sql`((${whole} + ${sql.lit(K * DAY_MS)}) / ${sql.lit(DAY_MS)} - ${sql.lit(K)})`;
}

/** The zone of profile `p`: its own, else the workspace's (a stored zone), else UTC. */
export function profileZoneSql(d: Dialect, workspaceId: string): Sql {
  const key = text(d, workspaceZoneSettingKey(workspaceId));
  const named =
    d === 'sqlite'
      ? sql`json_extract(st.value, '$.timezone')`
      : sql`(cast(st.value as jsonb) ->> 'timezone')`;
  // A workspace's zone is stored (with its offsets) when its settings are saved: a zone with no
  // stored offsets is not a valid one, and UTC applies, as journeys read it.
  return sql`coalesce(p.time_zone, (select o.zone from settings as st
      cross join time_zone_offsets as o
      where st.key = ${key} and o.zone = ${named} limit 1), 'UTC')`;
}

/** An operand's day: the day it names (a date, a UTC midnight), or an instant's local date. */
function operandDay(ctx: FieldContext, zone: Sql, value: unknown): Sql | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  if (namesADay(t)) return int(ctx.d, Math.floor(t / DAY_MS));
  const at = int(ctx.d, t);
  return dayOf(ctx, sql`${at} + ${offsetOf(zone, at)}`);
}

/**
 * `f(today)` for the local date today is for the profile: an offset is under a day, so today is
 * the UTC date of the instant asked, or the day before or after. The three answers are worked
 * out here and picked in SQL.
 */
function byToday(ctx: FieldContext, today: Sql, f: (day: number) => Bool): Bool {
  const utcDay = Math.floor(ctx.at / DAY_MS);
  const [before, same, after] = [utcDay - 1, utcDay, utcDay + 1].map(f);
  return sql<SqlBool>`(case ${today} when ${int(ctx.d, utcDay - 1)} then ${before}
    when ${int(ctx.d, utcDay)} then ${same} else ${after} end)`;
}

/** The zoned date operator applied to the date `r` reads (false where it has none). */
export function zonedDatePredicate(ctx: FieldContext, r: Reader, o: Operands): Bool {
  if (!r.ms) return FALSE;
  const d = ctx.d;
  const zone = sql.ref('zd.zone');
  const day = sql.ref('zd.vday');
  const today = sql.ref('zd.today');
  const n = (v: number) => int(d, v);
  let predicate: Bool;
  switch (o.operator) {
    case 'before':
    case 'after': {
      const bound = operandDay(ctx, zone, o.value);
      if (!bound) return FALSE;
      predicate = sql<SqlBool>`(${day} ${sql.raw(o.operator === 'before' ? '<' : '>')} ${bound})`;
      break;
    }
    case 'between': {
      const [low, high] = (o.values ?? []).map((v) => operandDay(ctx, zone, v));
      if (!low || !high) return FALSE;
      predicate = sql<SqlBool>`(${day} >= ${low} and ${day} <= ${high})`;
      break;
    }
    case 'within_last':
    case 'more_than_ago':
    case 'within_next': {
      const { amount, unit } = o;
      if (amount === undefined || unit === undefined) return FALSE;
      const operator = o.operator;
      predicate = byToday(ctx, today, (t) => {
        if (operator === 'within_last') {
          return sql<SqlBool>`(${day} > ${n(shiftDay(t, -amount, unit))} and ${day} <= ${n(t)})`;
        }
        if (operator === 'more_than_ago') {
          return sql<SqlBool>`(${day} <= ${n(shiftDay(t, -amount, unit))})`;
        }
        return sql<SqlBool>`(${day} >= ${n(t)} and ${day} < ${n(shiftDay(t, amount, unit))})`;
      });
      break;
    }
    case 'anniversary_within': {
      const days =
        o.amount !== undefined && o.unit !== undefined ? spanDays(o.amount, o.unit) : null;
      if (days === null) return FALSE;
      const monthDay = monthDayOf(d, sql`(${day} * ${n(DAY_MS)})`);
      predicate = byToday(ctx, today, (t) => {
        const monthDays = anniversaryMonthDays(t * DAY_MS, days).map((md) => text(d, md));
        return sql<SqlBool>`(${monthDay} in (${sql.join(monthDays)}))`;
      });
      break;
    }
    default:
      return FALSE;
  }
  const at = n(ctx.at);
  const v = ctx.d === 'sqlite' ? sql`cast(zq.v as integer)` : sql.ref('zq.v');
  // The value (ms) and the zone once per profile; its day and today's from them.
  return definite(sql<SqlBool>`(select ${predicate} from (select zq.zone as zone,
      (case when ${v} % ${sql.lit(DAY_MS)} = 0 then ${dayOf(ctx, v)}
        else ${dayOf(ctx, sql`${v} + ${offsetOf(sql.ref('zq.zone'), v)}`)} end) as vday,
      ${dayOf(ctx, sql`${at} + ${offsetOf(sql.ref('zq.zone'), at)}`)} as today
    from (select ${profileZoneSql(ctx.d, ctx.workspaceId)} as zone, ${r.ms} as v) as zq
    where zq.v is not null) as zd)`);
}
