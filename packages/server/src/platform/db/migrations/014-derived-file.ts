import { sql, type Kysely } from 'kysely';
import { DERIVED_SCHEMA } from '../database.js';
import type { MigrationContext } from './index.js';

/**
 * The tables the processor writes (and the erasure records it must read in the same snapshot),
 * which on SQLite live in the derived file beside the log's file (ADR 0015). Everything else -
 * the log, workspaces and keys, jobs, imports, catalog, insights - stays in the main file.
 */
export const DERIVED_TABLES = [
  'processor_cursors',
  'processor_failures',
  'profiles',
  'identifiers',
  'profile_merges',
  'profile_orders',
  'order_lines',
  'order_refunds',
  'order_fulfilments',
  'erasures',
  'event_profiles',
] as const;

interface MasterRow {
  name: string;
  sql: string | null;
}

/**
 * SQLite: moves each derived table (definition, rows, indexes) from the main file to the
 * derived file. Each table moves in two transactions, each writing one file - a copy into the
 * derived file, then the drop from the main file - because a transaction across two WAL files
 * is not atomic across a crash. Rerun after a crash between them, the copy is made again from
 * the main file's table, which is still the one queries see. PostgreSQL: nothing to do.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  if (dialect !== 'sqlite') return;
  for (const table of DERIVED_TABLES) {
    const master = async (schema: string, type: string) =>
      (
        await sql<MasterRow>`select name, sql from ${sql.raw(`${schema}.sqlite_master`)}
          where type = ${type} and tbl_name = ${table} and sql is not null`.execute(db)
      ).rows;
    const [definition] = await master('main', 'table');
    if (!definition?.sql) continue; // moved already
    const indexes = await master('main', 'index');
    const target = `${DERIVED_SCHEMA}.${table}`;
    await db.transaction().execute(async (trx) => {
      await sql`drop table if exists ${sql.raw(target)}`.execute(trx);
      await sql.raw(qualify(definition.sql ?? '', /^create table\s+("?)(\w+)\1/i)).execute(trx);
      await sql`insert into ${sql.raw(target)} select * from ${sql.raw(`main.${table}`)}`.execute(
        trx,
      );
      for (const index of indexes) {
        await sql
          .raw(qualify(index.sql ?? '', /^create (?:unique )?index\s+("?)(\w+)\1/i))
          .execute(trx);
      }
    });
    await db.transaction().execute(async (trx) => {
      await sql`drop table ${sql.raw(`main.${table}`)}`.execute(trx);
    });
  }
}

/** `CREATE TABLE name (...)` -> `CREATE TABLE derived.name (...)` (same for an index's name). */
function qualify(definition: string, head: RegExp): string {
  const match = head.exec(definition);
  if (!match?.[2]) throw new Error(`unexpected schema definition: ${definition.slice(0, 80)}`);
  const name = match[2];
  return definition.replace(head, (whole) =>
    whole.replace(new RegExp(`"?${name}"?$`), `${DERIVED_SCHEMA}.${name}`),
  );
}
