import type { TimeUnit } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { idList } from '../../platform/db/bulk-write.js';
import { DAY_MS, localDay, startOfLocalDay } from '../../platform/zone-offsets.js';
import type { RegisteredField } from './field-registry.js';
import { fieldReader, type FieldContext } from './segment-sql-fields.js';
import { profileZoneSql } from './segment-sql-zoned.js';
import { namesADay, shiftDay } from './segment-zoned-dates.js';

/**
 * Timers of date conditions in the profile's zone (segment-timers.ts does the rest): such a
 * condition compares the value's local date with today's, so its answer changes only when the
 * profile's local date does, at a local midnight. For each profile: its zone and the value's
 * local date as the SQL reads them, and the first later local date on which the answer differs;
 * the timer is that date's first instant (DST included: a midnight in a clock change's gap
 * starts at the gap's end).
 */

const CHUNK = 2000;

export interface LocalDateAtom {
  kind: 'local-date';
  field: RegisteredField;
  operator: 'within_last' | 'more_than_ago' | 'within_next' | 'anniversary_within';
  amount: number;
  unit: TimeUnit;
}

/** Per profile of `among` (all of the workspace when absent), the earliest flip of the atoms. */
export async function localDateFlips(
  trx: Trx,
  ctx: { d: 'sqlite' | 'postgres'; workspaceId: string },
  atoms: readonly LocalDateAtom[],
  now: number,
  among: readonly string[] | undefined,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (atoms.length === 0) return out;
  // The atoms' fields are resolved already: the custom fields are not asked again.
  const fields: FieldContext = { ...ctx, at: now, customFields: new Map() };
  const parts =
    among === undefined
      ? [undefined]
      : Array.from({ length: Math.ceil(among.length / CHUNK) }, (_, i) =>
          among.slice(i * CHUNK, (i + 1) * CHUNK),
        );
  for (const [atom, part] of atoms.flatMap((a) => parts.map((p) => [a, p] as const))) {
    const r = fieldReader(fields, atom.field);
    if (!r.ms) continue;
    const base = part
      ? trx
          .selectFrom(idList(ctx.d, part))
          .crossJoin('profiles as p')
          .whereRef('p.id', '=', 'j.value')
      : trx.selectFrom('profiles as p');
    const rows = await base
      .select([
        'p.id',
        sql<unknown>`${r.ms}`.as('v'),
        sql<string>`${profileZoneSql(ctx.d, ctx.workspaceId)}`.as('zone'),
      ])
      .where('p.workspace_id', '=', ctx.workspaceId)
      .execute();
    for (const row of rows) {
      if (row.v === null || row.v === undefined) continue;
      const ms = Number(row.v);
      const day = namesADay(ms) ? Math.floor(ms / DAY_MS) : localDay(row.zone, ms);
      const flip = nextLocalFlip(atom, day, localDay(row.zone, now));
      if (flip === null) continue;
      const at = startOfLocalDay(row.zone, flip);
      const current = out.get(row.id);
      if (at > now && (current === undefined || at < current)) out.set(row.id, at);
    }
  }
  return out;
}

/**
 * The first local date after `today` on which the atom's answer for a value on local date
 * `day` differs from today's, or null when it never does. The answer changes only at the dates
 * where one of its comparisons does, so those are the only dates looked at.
 */
export function nextLocalFlip(atom: LocalDateAtom, day: number, today: number): number | null {
  const holds = (d: number) => localHolds(atom, day, d);
  const candidates: number[] = [];
  const { amount: n, unit } = atom;
  switch (atom.operator) {
    case 'within_last':
      candidates.push(
        day,
        firstDay((d) => shiftDay(d, -n, unit) >= day, day),
      );
      break;
    case 'more_than_ago':
      candidates.push(firstDay((d) => shiftDay(d, -n, unit) >= day, day));
      break;
    case 'within_next':
      candidates.push(
        day + 1,
        firstDay((d) => shiftDay(d, n, unit) > day, day),
      );
      break;
    case 'anniversary_within': {
      const days = unit === 'weeks' ? n * 7 : n;
      let occurrence = nextAnniversary(day, today);
      for (let i = 0; i < 3; i++) {
        candidates.push(occurrence + 1, occurrence - days + 1);
        occurrence = nextAnniversary(day, occurrence + 1);
      }
      break;
    }
  }
  const now = holds(today);
  const later = candidates.filter((d) => d > today).sort((a, b) => a - b);
  return later.find((d) => holds(d) !== now) ?? null;
}

/** The atom's answer on local date `today` for a value on local date `day` (as the SQL). */
export function localHolds(atom: LocalDateAtom, day: number, today: number): boolean {
  const { amount: n, unit } = atom;
  switch (atom.operator) {
    case 'within_last':
      return shiftDay(today, -n, unit) < day && day <= today;
    case 'more_than_ago':
      return day <= shiftDay(today, -n, unit);
    case 'within_next':
      return today <= day && day < shiftDay(today, n, unit);
    case 'anniversary_within':
      return nextAnniversary(day, today) <= today + (unit === 'weeks' ? n * 7 : n) - 1;
  }
}

/** The smallest date `d` where a predicate that stays true once true holds, searched near `guess`. */
function firstDay(holds: (d: number) => boolean, guess: number): number {
  let lo = guess;
  let hi = guess;
  let step = 1;
  while (holds(lo)) {
    lo -= step;
    step *= 2;
  }
  step = 1;
  while (!holds(hi)) {
    hi += step;
    step *= 2;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The first date on or after `from` that celebrates the anniversary of date `day`: its month
 * and day, or for a 29 February, the 28th in a year without one.
 */
function nextAnniversary(day: number, from: number): number {
  const date = new Date(day * DAY_MS);
  const month = date.getUTCMonth();
  const dayOfMonth = date.getUTCDate();
  const start = new Date(from * DAY_MS).getUTCFullYear();
  for (let year = start; ; year++) {
    const onDay = month === 1 && dayOfMonth === 29 && !isLeap(year) ? 28 : dayOfMonth;
    const d = new Date(0);
    d.setUTCFullYear(year, month, onDay);
    d.setUTCHours(0, 0, 0, 0);
    const candidate = Math.round(d.getTime() / DAY_MS);
    if (candidate >= from) return candidate;
  }
}
