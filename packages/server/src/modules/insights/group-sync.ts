import type { Database, Trx } from '../../platform/db/database.js';

/**
 * Writing a fit as a diff: rows come in groups (a product's neighbour list, a profile's due
 * dates, ...), and only the groups whose content changed are replaced, a batch of groups per
 * short transaction. A daily fit after a quiet day writes almost nothing, and a large first
 * fit never holds the database (on SQLite: the one connection) for long.
 */
const GROUPS_PER_TRANSACTION = 500;

/**
 * A group's content, independent of row order; numbers to 9 significant digits, so float noise
 * between two fits is not a change.
 */
const fingerprint = (rows: readonly unknown[][]) =>
  rows
    .map((r) =>
      JSON.stringify(r, (_k, v: unknown) =>
        typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v,
      ),
    )
    .sort()
    .join('\n');

export interface GroupTable<Row extends object> {
  key: (row: Row) => string;
  /** Row fields compared (order matters); `computed_at` and the like are left out. */
  compare: (row: Row) => unknown[];
  stored: () => Promise<Row[]>;
  remove: (trx: Trx, groups: Row[]) => Promise<void>;
  insert: (trx: Trx, rows: Row[]) => Promise<void>;
}

/** Replaces the groups whose rows changed; returns how many groups were written or removed. */
export async function syncGroups<Row extends object>(
  database: Database,
  rows: readonly Row[],
  table: GroupTable<Row>,
): Promise<number> {
  const group = (list: readonly Row[]) => {
    const out = new Map<string, Row[]>();
    for (const r of list) {
      const k = table.key(r);
      const g = out.get(k);
      if (g) g.push(r);
      else out.set(k, [r]);
    }
    return out;
  };
  const next = group(rows);
  const before = group(await table.stored());
  const changed: string[] = [];
  for (const [k, list] of next) {
    const old = before.get(k);
    if (!old || fingerprint(old.map(table.compare)) !== fingerprint(list.map(table.compare))) {
      changed.push(k);
    }
  }
  for (const k of before.keys()) if (!next.has(k)) changed.push(k);
  for (let i = 0; i < changed.length; i += GROUPS_PER_TRANSACTION) {
    const keys = changed.slice(i, i + GROUPS_PER_TRANSACTION);
    const samples = keys.flatMap((k) => (next.get(k) ?? before.get(k) ?? []).slice(0, 1));
    const fresh = keys.flatMap((k) => next.get(k) ?? []);
    await database.db.transaction().execute(async (trx) => {
      await table.remove(trx, samples);
      for (let j = 0; j < fresh.length; j += 200) await table.insert(trx, fresh.slice(j, j + 200));
    });
  }
  return changed.length;
}

/** Deletes rows of `column IN values`, per value of a second key column when there is one. */
export function byKeys<Row extends object>(
  groups: Row[],
  first: (r: Row) => string,
  second?: (r: Row) => string,
): [string | undefined, string[]][] {
  const out = new Map<string | undefined, string[]>();
  for (const g of groups) {
    const s = second?.(g);
    const list = out.get(s) ?? [];
    list.push(first(g));
    out.set(s, list);
  }
  return [...out];
}
