import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Trx } from './database.js';

/**
 * Many rows written in one go inside the caller's transaction, with SQL fixed per table. Kysely
 * builds, compiles and hashes a new multi-row statement of up to thousands of parameters for
 * each call; with fixed statements instead the processor spends about a quarter less CPU per
 * 21-line order. On SQLite: cached prepared statements of a fixed row count plus a one-row
 * statement for the rest. On PostgreSQL: one array parameter per column and `unnest`, so the
 * statement has the same text - and parameter count - whatever the number of rows.
 */

/** What a bulk statement binds: both engines take these as they are. */
export type BulkValue = string | number | null;

/** A column's PostgreSQL element type for `unnest($n::type[])` (SQLite needs none). */
export type PgType = 'text' | 'float8' | 'int8' | 'int4' | 'jsonb';

export interface BulkColumn {
  name: string;
  pgType: PgType;
}

/** An update on conflict: a column takes the new row's value, or a fixed expression's. */
export type ConflictUpdate = string | { column: string; expression: string };

export interface BulkTableSpec {
  table: string;
  columns: readonly BulkColumn[];
  conflict?: { target: readonly string[]; update: 'nothing' | readonly ConflictUpdate[] };
}

/** Rows per SQLite statement: 64 rows of 20 columns stay far under SQLite's 32,766 variables. */
export const SQLITE_ROWS = 64;
/** Rows per PostgreSQL statement: bounds one statement's arrays, not its planning. */
export const PG_ROWS = 10_000;

/** A table's bulk statements, built once (declare them as module constants). */
export interface BulkTable {
  readonly spec: BulkTableSpec;
  readonly width: number;
  readonly sqlite: { readonly many: string; readonly one: string };
  readonly postgres: string;
}

/**
 * What a bulk write needs of the database: its engine, and on SQLite the shared connection's
 * prepared statements (`Database` has both). The raw statements run on the connection the
 * caller's transaction holds (see SqliteConnectionGate): same connection, same transaction.
 * Without `sqlite` the same fixed SQL goes through Kysely's executor instead.
 */
export type BulkTarget =
  | { dialect: 'postgres' }
  | {
      dialect: 'sqlite';
      sqlite?: {
        readonly raw: { readonly inTransaction: boolean };
        statement(sql: string): BetterSqlite3.Statement;
      };
    };

const IDENTIFIER = /^[a-z_]+$/;
/** Conflict expressions are code constants too: names, calls, comparisons, sums - no literals. */
const EXPRESSION = /^[a-z_.,()<>=+ ]+$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`bulk write: not a plain identifier: ${name}`);
  return name;
}

export function bulkTable(spec: BulkTableSpec): BulkTable {
  const table = identifier(spec.table);
  const names = spec.columns.map((c) => identifier(c.name));
  if (names.length === 0 || new Set(names).size !== names.length) {
    throw new Error(`bulk write: ${table} needs distinct columns`);
  }
  const conflict = conflictClause(spec);
  const head = `insert into ${table} (${names.join(', ')})`;
  const tuple = `(${names.map(() => '?').join(', ')})`;
  const sqliteValues = (rows: number) => Array.from({ length: rows }, () => tuple).join(', ');
  const arrays = spec.columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
  return {
    spec,
    width: names.length,
    sqlite: {
      many: `${head} values ${sqliteValues(SQLITE_ROWS)}${conflict}`,
      one: `${head} values ${sqliteValues(1)}${conflict}`,
    },
    postgres: `${head} select * from unnest(${arrays})${conflict}`,
  };
}

function conflictClause(spec: BulkTableSpec): string {
  if (!spec.conflict) return '';
  const target = spec.conflict.target.map(identifier);
  const head = ` on conflict (${target.join(', ')}) do`;
  const { update } = spec.conflict;
  if (update === 'nothing') return `${head} nothing`;
  if (update.length === 0) throw new Error(`bulk write: ${spec.table}: empty conflict update`);
  const sets = update.map((u) => {
    if (typeof u === 'string') return `${identifier(u)} = excluded.${u}`;
    if (!EXPRESSION.test(u.expression)) {
      throw new Error(`bulk write: ${spec.table}: unexpected expression for ${u.column}`);
    }
    return `${identifier(u.column)} = ${u.expression}`;
  });
  return `${head} update set ${sets.join(', ')}`;
}

/**
 * Inserts `rows` (each one value per column, in the spec's order) inside `trx`. Rows with the
 * same conflict key must not repeat within one call: PostgreSQL refuses to update a row twice
 * in one statement (SQLite would apply them in order), so callers pass one row per key.
 */
export async function bulkInsert(
  target: BulkTarget,
  trx: Trx,
  table: BulkTable,
  rows: readonly (readonly BulkValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  // Only inside a transaction does the caller hold the connection (and its transaction).
  if (!trx.isTransaction) throw new Error('bulk write: needs the caller’s transaction');
  for (const row of rows) {
    if (row.length !== table.width) {
      throw new Error(`bulk write: ${table.spec.table}: a row of ${row.length} values`);
    }
  }
  if (target.dialect === 'postgres') {
    for (let start = 0; start < rows.length; start += PG_ROWS) {
      const part = rows.slice(start, start + PG_ROWS);
      const columns = Array.from({ length: table.width }, (_, c) => part.map((row) => row[c]));
      await trx.executeQuery(CompiledQuery.raw(table.postgres, columns));
    }
    return;
  }
  const gate = target.sqlite;
  if (gate) {
    // A transaction of another connection (another Database) would leave these statements
    // outside it: auto-committed on their own, or waiting for that transaction's lock.
    if (!gate.raw.inTransaction) throw new Error('bulk write: trx is not on this connection');
    // Synchronous: nothing else runs on the connection between these statements.
    sqliteStatements(table, rows, (sqlText, params) => gate.statement(sqlText).run(params));
    return;
  }
  const statements: [string, BulkValue[]][] = [];
  sqliteStatements(table, rows, (sqlText, params) => statements.push([sqlText, [...params]]));
  for (const [sqlText, params] of statements) {
    await trx.executeQuery(CompiledQuery.raw(sqlText, params));
  }
}

/** Full statements of SQLITE_ROWS rows, then one statement per remaining row. */
function sqliteStatements(
  table: BulkTable,
  rows: readonly (readonly BulkValue[])[],
  run: (sqlText: string, params: readonly BulkValue[]) => void,
): void {
  const { width } = table;
  const full = rows.length - (rows.length % SQLITE_ROWS);
  // One parameter array for every full statement: each run binds it before returning.
  const params = new Array<BulkValue>(SQLITE_ROWS * width);
  for (let start = 0; start < full; start += SQLITE_ROWS) {
    let p = 0;
    for (let r = start; r < start + SQLITE_ROWS; r++) {
      const row = rows[r] ?? [];
      for (let c = 0; c < width; c++) params[p++] = row[c] ?? null;
    }
    run(table.sqlite.many, params);
  }
  for (let r = full; r < rows.length; r++) run(table.sqlite.one, rows[r] ?? []);
}

/**
 * `column` is one of `values`, as one bound parameter however many values there are (no IN list
 * of hundreds of parameters, planned anew each time on PostgreSQL): `= any($1::text[])` there,
 * `in (select value from json_each(?))` on SQLite. For Kysely's `.where(...)`.
 */
export function anyOf(
  dialect: 'sqlite' | 'postgres',
  column: string,
  values: readonly string[],
): RawBuilder<SqlBool> {
  // `column` or `alias.column`, each part a plain identifier.
  const ref = sql.ref(column.split('.').map(identifier).join('.'));
  return dialect === 'postgres'
    ? sql<SqlBool>`${ref} = any(${sql.val([...values])}::text[])`
    : sql<SqlBool>`${ref} in (select value from json_each(${sql.val(JSON.stringify(values))}))`;
}

/**
 * A list of ids as a table `j(value)`, to start a query from: `selectFrom(idList(...))
 * .crossJoin('profiles as p').whereRef('p.id', '=', 'j.value')` reads exactly those rows. With
 * `p.id in (json_each)` instead, SQLite prefers an index on another column of the WHERE (the
 * workspace) and scans every row of it, checking each against the list: 10x slower for a few
 * thousand ids among 50,000. CROSS JOIN keeps the list first on SQLite.
 */
export function idList(dialect: 'sqlite' | 'postgres', ids: readonly string[]) {
  return dialect === 'postgres'
    ? sql<{ value: string }>`(select unnest(${sql.val([...ids])}::text[]) as value)`.as('j')
    : sql<{ value: string }>`(select value from json_each(${sql.val(JSON.stringify(ids))}))`.as(
        'j',
      );
}
