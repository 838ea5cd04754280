import BetterSqlite3 from 'better-sqlite3';
import { DERIVED_SCHEMA, derivedFileOf } from '../../src/platform/db/database.js';

/**
 * A read-only connection of the test's own to a server's SQLite database, with the derived
 * file (profiles, orders, the processor's cursor: ADR 0015) attached, so that plain table
 * names resolve as they do in the server.
 */
export function openSqliteReader(file: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  db.prepare(`attach database ? as ${DERIVED_SCHEMA}`).run(derivedFileOf(file));
  return db;
}
