import { sql } from 'kysely';

/**
 * The column types that differ between the engines, for raw-SQL migrations: JSON is TEXT on
 * SQLite and JSONB on PostgreSQL; a serial key is AUTOINCREMENT (never reused) or an identity;
 * tables keyed by text are one B-tree on SQLite when WITHOUT ROWID.
 */
export function columnTypes(dialect: 'sqlite' | 'postgres') {
  return {
    json: dialect === 'postgres' ? sql`jsonb` : sql`text`,
    big: sql`bigint`,
    real: dialect === 'postgres' ? sql`double precision` : sql`real`,
    serial:
      dialect === 'postgres'
        ? sql`bigint generated always as identity primary key`
        : sql`integer primary key autoincrement`,
    keyed: dialect === 'sqlite' ? sql` without rowid` : sql``,
  };
}
