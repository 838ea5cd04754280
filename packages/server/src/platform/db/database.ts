import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Schema } from './schema.js';
import { GatedSqliteDialect, SqliteConnectionGate } from './sqlite-driver.js';

export type Db = Kysely<Schema>;
export type Trx = Transaction<Schema>;

/**
 * A database handle: Kysely for everything, plus the raw engine for the few hot paths that
 * need it (SQLite's gate; PostgreSQL's pool).
 */
export type Database =
  | {
      dialect: 'sqlite';
      db: Db;
      /**
       * The same connection, whose write transactions take each file's write lock at their
       * first write: for a transaction on the main thread that writes the main file only (a
       * follower's batch), which then never waits for the processor's batch on the derived
       * file. One that read the main file before another connection wrote it fails at its
       * first write (SQLITE_BUSY_SNAPSHOT) instead of waiting: run them through
       * inMainFileTransaction (main-file-transaction.ts), which runs them again. On PostgreSQL,
       * `db` itself.
       */
      writesMainFile: Db;
      sqlite: SqliteConnectionGate;
      /** Write transactions begin DEFERRED (see OpenOptions.deferWriteLocks). */
      deferWriteLocks: boolean;
      close(): Promise<void>;
    }
  | { dialect: 'postgres'; db: Db; writesMainFile: Db; pool: pg.Pool; close(): Promise<void> };

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface OpenOptions {
  /** Errors of idle PostgreSQL connections (a server restart, a terminated backend). */
  onConnectionError?: (error: Error) => void;
  /**
   * SQLite: 'full' (default) fsyncs every commit - for anything acknowledged to a caller
   * (appends, erasures, keys). 'normal' survives a process crash but not a power loss - for the
   * processor thread's own connection, whose state is derived from the log and re-derived after
   * such a loss (a later full commit's fsync makes earlier commits durable too, in order). It
   * applies to the derived file only; the log's file stays FULL on every connection.
   * 'replay': both files NORMAL, on this connection only - for the demo's replay of a
   * synthetic store, which is run again (it resumes) rather than trusted to survive a power
   * loss; it commits thousands of small steps whose fsyncs were half of its time. Other
   * processes' connections to the same files keep their own setting.
   */
  durability?: 'full' | 'normal' | 'replay';
  /**
   * SQLite: write transactions begin DEFERRED, so each takes the write lock of only the files
   * it writes, when it first writes them - for the processor's own connection, whose writes go
   * to the derived file only and must never wait for (or hold up) appends to the log. Other
   * connections begin IMMEDIATE: both files locked up front, no upgrade to fail half-way.
   */
  deferWriteLocks?: boolean;
}

/** The SQLite schema name of the derived-state file (see ADR 0015). */
export const DERIVED_SCHEMA = 'derived';

/**
 * The file holding the processor's derived state beside the log's file: `comeback.db` ->
 * `comeback.derived.db`. An in-memory database gets an in-memory derived part.
 */
export function derivedFileOf(file: string): string {
  if (file === ':memory:') return file;
  const ext = path.extname(file);
  return ext ? `${file.slice(0, -ext.length)}.derived${ext}` : `${file}.derived`;
}

export function openDatabase(url: string, opts: OpenOptions = {}): Database {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const derivedFile = derivedFileOf(file);
    if (file !== ':memory:') {
      makePrivate(file);
      makePrivate(derivedFile);
    }
    const raw = new BetterSqlite3(file);
    // Two files, two write locks (ADR 0015): appends write the log's file, the processor the
    // derived file, so neither waits for the other. Unqualified table names resolve to
    // whichever file holds the table, and one connection can join across both.
    raw.prepare(`attach database ? as ${DERIVED_SCHEMA}`).run(derivedFile);
    for (const schema of ['main', DERIVED_SCHEMA]) {
      // The log's file is always FULL: on the processor's connection too, whose only writes
      // to it (deleting events a batch dropped) must not be undone by a power loss after the
      // derived file recorded them done.
      const normal =
        opts.durability === 'replay' || (opts.durability === 'normal' && schema === DERIVED_SCHEMA);
      raw.pragma(`${schema}.journal_mode = WAL`);
      // A WAL that grew under load is cut back to 64 MB each time it starts over.
      raw.pragma(`${schema}.journal_size_limit = 67108864`);
      raw.pragma(`${schema}.synchronous = ${normal ? 'NORMAL' : 'FULL'}`);
      // Profiles and indexes are updated at random: keep the working set in memory (128 MB).
      raw.pragma(`${schema}.cache_size = -131072`);
    }
    raw.pragma('busy_timeout = 5000');
    if (opts.deferWriteLocks === true || opts.durability === 'replay') {
      // The processor's own connection, which commits to the derived file only: it rewrites
      // the same hot pages batch after batch, and checkpointing every 1,000 pages (the
      // default) copied most of them into the file after every batch; at 16,384 pages (64 MB
      // of WAL) a page rewritten by many batches is copied once. (The setting is per
      // connection; the main thread's connection keeps the default for the log's appends.)
      // The demo's replay writes like that too: a journey pass's commit dirties pages of a
      // dozen indexes, and at 1,000 pages a checkpoint (page copies and an fsync) followed
      // every third pass. It rewrites those pages for hours of virtual time, so it lets the
      // WAL grow to 262,144 pages (1 GB) first: at 64 MB its 3,000-customer store wrote
      // ~160 checkpoints (~30 s of its commits, each copying the same hot pages again);
      // at 1 GB a handful (1,000 customers: 57 checkpoints, 8 s -> 4, 2 s). The WAL is cut
      // back to journal_size_limit after each.
      raw.pragma(`wal_autocheckpoint = ${opts.durability === 'replay' ? 262_144 : 16_384}`);
    }
    raw.pragma('temp_store = MEMORY');
    raw.pragma('foreign_keys = ON');
    // Deleted rows are overwritten with zeros, so an erased person's data does not linger in
    // free pages of the file (the WAL keeps old pages until a checkpoint: see erasure).
    // (Without a schema name the setting applies to every attached file.)
    raw.pragma('secure_delete = ON');
    const gate = new SqliteConnectionGate(raw);
    const deferWriteLocks = opts.deferWriteLocks === true;
    const db = new Kysely<Schema>({ dialect: new GatedSqliteDialect(gate, deferWriteLocks) });
    // Destroying it would close the shared connection: only `db` is ever destroyed.
    const writesMainFile = new Kysely<Schema>({ dialect: new GatedSqliteDialect(gate, true) });
    return {
      dialect: 'sqlite',
      db,
      writesMainFile,
      sqlite: gate,
      deferWriteLocks,
      close: () => db.destroy(),
    };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      // Times are int8 milliseconds and fit a double exactly; return them as numbers.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Without a listener, an idle client's error (e.g. PostgreSQL restarting) would crash the
  // process; the pool already discards that client and opens a new one when needed.
  pool.on('error', (error) => opts.onConnectionError?.(error));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { dialect: 'postgres', db, writesMainFile: db, pool, close: () => db.destroy() };
}

/**
 * The database holds customers' data: its directory is created 0700 and the file 0600 before
 * SQLite opens it (SQLite gives the -wal and -shm files the database file's mode). An existing
 * file (and its side files) loses any group and other permissions it had; an existing
 * directory is left as it is (it may be shared, like the working directory).
 */
function makePrivate(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      const { mode } = fs.statSync(f);
      if (mode & 0o077) fs.chmodSync(f, mode & 0o700);
    } catch (error) {
      // A side file that does not exist (yet) gets the database file's mode when created; a
      // file of another owner that we may use keeps the mode that owner gave it.
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      if (code !== 'ENOENT' && code !== 'EPERM') throw error;
    }
  }
}

export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: migrationProvider({ dialect: database.dialect }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
