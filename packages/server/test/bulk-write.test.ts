/**
 * bulk-write.ts on both engines (and on SQLite through Kysely's executor too, as a caller
 * without the raw connection runs it): fixed-SQL multi-row inserts across every row-count edge
 * of the fixed-size SQLite statements, conflicts, nulls, numbers and hostile text, and the
 * one-parameter `anyOf` lookup.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anyOf,
  bulkInsert,
  bulkTable,
  SQLITE_ROWS,
  type BulkTarget,
  type BulkValue,
} from '../src/platform/db/bulk-write.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { freshDatabase, type TestDatabase } from './support/engines.js';

const PLAIN = bulkTable({
  table: 'bulk_plain',
  columns: [
    { name: 'k', pgType: 'text' },
    { name: 'n', pgType: 'int4' },
    { name: 'label', pgType: 'text' },
    { name: 'amount', pgType: 'float8' },
    { name: 'at', pgType: 'int8' },
    { name: 'doc', pgType: 'jsonb' },
  ],
});
const KEEP = bulkTable({ ...PLAIN.spec, conflict: { target: ['k', 'n'], update: 'nothing' } });
const REPLACE = bulkTable({
  ...PLAIN.spec,
  conflict: { target: ['k', 'n'], update: ['label', 'amount'] },
});
/** A label once known stays; the amount adds up. */
const MERGE = bulkTable({
  ...PLAIN.spec,
  conflict: {
    target: ['k', 'n'],
    update: [
      { column: 'label', expression: 'coalesce(bulk_plain.label, excluded.label)' },
      { column: 'amount', expression: 'bulk_plain.amount + excluded.amount' },
    ],
  },
});

const HOSTILE = [
  `it's "quoted"`,
  'back\\slash \\" and {braces}, commas',
  'NULL',
  '',
  'ünïcödé ✓ 漢字 🛒 \u{1F9D1}\u200D\u{1F373}',
  `'); drop table bulk_plain; --`,
  ' leading and trailing ',
  'line\nbreak\ttab',
];

const row = (k: string, n: number): BulkValue[] => [
  k,
  n,
  n % 7 === 0 ? null : (HOSTILE[n % HOSTILE.length] ?? null),
  n % 5 === 0 ? null : n * 1.25 - 3.1,
  1_767_225_600_000 + n,
  n % 3 === 0 ? null : JSON.stringify({ n, tag: HOSTILE[n % HOSTILE.length] }),
];

interface Stored {
  k: string;
  n: number;
  label: string | null;
  amount: number | null;
  at: number;
  doc: string | null;
}

type Mode = 'prepared statements' | 'through Kysely' | 'unnest';
const cases: ['sqlite' | 'postgres', Mode][] = [
  ['sqlite', 'prepared statements'],
  ['sqlite', 'through Kysely'],
  ['postgres', 'unnest'],
];

describe.each(cases)('bulk writes on %s (%s)', (engine, mode) => {
  let handle: TestDatabase;
  let database: Database;
  let target: BulkTarget;
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    database = openDatabase(handle.url);
    target = mode === 'through Kysely' ? { dialect: 'sqlite' } : database;
    const real = database.dialect === 'postgres' ? sql`double precision` : sql`real`;
    const json = database.dialect === 'postgres' ? sql`jsonb` : sql`text`;
    await sql`create table bulk_plain (k text not null, n integer not null, label text,
      amount ${real}, at bigint not null, doc ${json}, primary key (k, n))`.execute(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await handle?.drop();
  });

  const insert = (table: typeof PLAIN, rows: BulkValue[][]) =>
    database.db.transaction().execute((trx) => bulkInsert(target, trx, table, rows));
  const stored = async (k: string): Promise<Stored[]> => {
    const { rows } = await sql<Stored>`select k, n, label, amount, at, doc from bulk_plain
      where k = ${k} order by n`.execute(database.db);
    // PostgreSQL gives jsonb back parsed, SQLite the text: compare as text.
    return rows.map((r) => ({
      ...r,
      amount: r.amount === null ? null : Number(r.amount),
      at: Number(r.at),
      doc: r.doc === null || typeof r.doc === 'string' ? r.doc : JSON.stringify(r.doc),
    }));
  };
  const expected = (rows: BulkValue[][]): Stored[] =>
    rows.map(([k, n, label, amount, at, doc]) => ({
      k: String(k),
      n: Number(n),
      label: label === null ? null : String(label),
      amount: amount === null ? null : Number(amount),
      at: Number(at),
      doc: doc === null ? null : JSON.stringify(JSON.parse(String(doc))),
    }));
  const asText = (rows: Stored[]) =>
    rows.map((r) => ({ ...r, doc: r.doc === null ? null : JSON.stringify(JSON.parse(r.doc)) }));

  it.each([0, 1, SQLITE_ROWS - 1, SQLITE_ROWS, SQLITE_ROWS + 1, 200])(
    'inserts %i rows exactly as given',
    async (count) => {
      const k = `count-${count}`;
      const rows = Array.from({ length: count }, (_, n) => row(k, n));
      await insert(PLAIN, rows);
      const back = await stored(k);
      expect(back).toHaveLength(count);
      expect(asText(back)).toEqual(expected(rows));
    },
  );

  it('stores numbers as given: fractions, negatives, zero, large times', async () => {
    const k = 'numbers';
    const amounts = [0, -0.01, 0.1 + 0.2, 1e15, -123456.789, 9_007_199_254_740_991, 1 / 3];
    const rows = amounts.map((amount, n) => [k, n, null, amount, 253_402_300_799_999 - n, null]);
    await insert(PLAIN, rows);
    const back = await stored(k);
    expect(back.map((r) => r.amount)).toEqual(amounts);
    expect(back.map((r) => r.at)).toEqual(rows.map((r) => r[4]));
  });

  it('keeps hostile text byte for byte, in text and in JSON', async () => {
    const k = 'text';
    const rows = HOSTILE.map((label, n) => [k, n, label, null, 0, JSON.stringify({ label })]);
    await insert(PLAIN, rows);
    const back = await stored(k);
    expect(back.map((r) => r.label)).toEqual(HOSTILE);
    expect(back.map((r) => JSON.parse(r.doc ?? 'null'))).toEqual(
      HOSTILE.map((label) => ({ label })),
    );
    expect(await stored('count-1')).toHaveLength(1); // the table is still there
  });

  it('leaves existing rows alone on conflict do nothing', async () => {
    const k = 'keep';
    const first = Array.from({ length: 70 }, (_, n) => row(k, n));
    await insert(PLAIN, first);
    const again = Array.from({ length: 140 }, (_, n) => [k, n, 'new', 1, 2, null]);
    await insert(KEEP, again);
    const back = await stored(k);
    expect(asText(back.slice(0, 70))).toEqual(expected(first));
    expect(back.slice(70).map((r) => r.label)).toEqual(Array(70).fill('new'));
  });

  it('updates only the named columns on conflict', async () => {
    const k = 'replace';
    const first = Array.from({ length: 66 }, (_, n) => row(k, n));
    await insert(PLAIN, first);
    const again = first.map(([, n]): BulkValue[] => [
      k,
      Number(n),
      `label ${String(n)}`,
      null,
      0,
      null,
    ]);
    await insert(REPLACE, again);
    const back = await stored(k);
    expect(back.map((r) => r.label)).toEqual(again.map((r) => r[2]));
    expect(back.map((r) => r.amount)).toEqual(again.map(() => null));
    // Columns not named keep their stored values.
    expect(back.map((r) => r.at)).toEqual(first.map((r) => r[4]));
    expect(asText(back).map((r) => r.doc)).toEqual(expected(first).map((r) => r.doc));
  });

  it('applies conflict expressions against the stored row', async () => {
    const k = 'merge';
    await insert(PLAIN, [
      [k, 1, 'kept', 10, 0, null],
      [k, 2, null, 1.5, 0, null],
    ]);
    await insert(MERGE, [
      [k, 1, 'ignored', 5, 0, null],
      [k, 2, 'filled', 2.25, 0, null],
      [k, 3, 'fresh', 7, 0, null],
    ]);
    expect((await stored(k)).map((r) => [r.n, r.label, r.amount])).toEqual([
      [1, 'kept', 15],
      [2, 'filled', 3.75],
      [3, 'fresh', 7],
    ]);
  });

  it('writes nothing when one row is the wrong width, and in a rolled-back transaction', async () => {
    const k = 'refused';
    const rows = [row(k, 1), [k, 2, 'short']];
    await expect(insert(PLAIN, rows)).rejects.toThrow(/a row of 3 values/);
    await expect(
      database.db.transaction().execute(async (trx) => {
        await bulkInsert(target, trx, PLAIN, [row(k, 3), row(k, 4)]);
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    expect(await stored(k)).toEqual([]);
  });

  it('refuses to run outside a transaction', async () => {
    // @ts-expect-error a Kysely instance is not a transaction
    await expect(bulkInsert(target, database.db, PLAIN, [row('x', 1)])).rejects.toThrow(
      /transaction/,
    );
  });

  it.runIf(mode === 'prepared statements')(
    'refuses a transaction of another connection',
    async () => {
      const other = openDatabase(handle.url);
      try {
        await expect(
          other.db.transaction().execute((trx) => bulkInsert(database, trx, PLAIN, [row('y', 1)])),
        ).rejects.toThrow(/not on this connection/);
      } finally {
        await other.close();
      }
      expect(await stored('y')).toEqual([]);
    },
  );

  it('finds rows by any of many values in one parameter', async () => {
    const k = 'lookup';
    const labels = [...HOSTILE, ...Array.from({ length: 3000 }, (_, i) => `many-${i}`)];
    await insert(
      PLAIN,
      labels.map((label, n) => [k, n, label, null, 0, null]),
    );
    const find = async (values: string[]) => {
      const { rows } = await sql<{ n: number }>`select n from bulk_plain
        where k = ${k} and ${anyOf(database.dialect, 'label', values)} order by n`.execute(
        database.db,
      );
      return rows.map((r) => r.n);
    };
    expect(await find([])).toEqual([]);
    expect(await find(HOSTILE)).toEqual(HOSTILE.map((_, n) => n));
    expect(await find(['many-2999', 'many-0', 'many-0', 'absent', 'NULL'])).toEqual([
      2,
      HOSTILE.length,
      HOSTILE.length + 2999,
    ]);
    expect(await find(labels)).toHaveLength(labels.length);
  });
});

describe('bulk table specs', () => {
  const columns = [{ name: 'k', pgType: 'text' as const }];
  it('accept only plain identifiers and plain expressions', () => {
    expect(() => bulkTable({ table: 'bulk plain', columns })).toThrow(/identifier/);
    expect(() => bulkTable({ table: 't', columns: [{ name: 'K"', pgType: 'text' }] })).toThrow(
      /identifier/,
    );
    expect(() => bulkTable({ table: 't', columns: [...columns, ...columns] })).toThrow(/distinct/);
    expect(() =>
      bulkTable({ table: 't', columns, conflict: { target: ['k;'], update: 'nothing' } }),
    ).toThrow(/identifier/);
    expect(() =>
      bulkTable({
        table: 't',
        columns,
        conflict: { target: ['k'], update: [{ column: 'k', expression: "'x'; drop table t" }] },
      }),
    ).toThrow(/expression/);
    expect(() => anyOf('sqlite', 'k) or (1', [])).toThrow(/identifier/);
  });

  it('build one fixed statement per engine and row count', () => {
    const t = bulkTable({
      table: 't',
      columns: [...columns, { name: 'v', pgType: 'float8' }],
      conflict: { target: ['k'], update: ['v'] },
    });
    expect(t.postgres).toBe(
      'insert into t (k, v) select * from unnest($1::text[], $2::float8[]) ' +
        'on conflict (k) do update set v = excluded.v',
    );
    expect(t.sqlite.one).toBe(
      'insert into t (k, v) values (?, ?) on conflict (k) do update set v = excluded.v',
    );
    expect(t.sqlite.many.match(/\(\?, \?\)/g)).toHaveLength(SQLITE_ROWS);
  });
});
