import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * One better-sqlite3 connection shared by Kysely and by the synchronous hot paths (group-commit
 * appends). Both go through the same mutex, so a synchronous batch can never
 * run inside a Kysely transaction that is awaiting between statements. Prepared statements are
 * cached by SQL text: Kysely compiles the same shapes over and over.
 */
export class SqliteConnectionGate {
  readonly raw: BetterSqlite3.Database;
  #queue: Promise<void> = Promise.resolve();
  #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(raw: BetterSqlite3.Database) {
    this.raw = raw;
  }

  /** Waits for the connection, then holds it until the returned release is called. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const turn = this.#queue.then(() => release);
    this.#queue = this.#queue.then(() => held);
    return turn;
  }

  /**
   * Runs `work` synchronously with the connection held, inside one IMMEDIATE transaction.
   * `pragmas` apply to this transaction only (SQLite accepts some, like `synchronous`, only
   * outside a transaction): `during` is set before it begins, `after` once it has ended.
   */
  async exclusiveTransaction<T>(
    work: (raw: BetterSqlite3.Database) => T,
    pragmas?: { during: string[]; after: string[] },
    /**
     * 'deferred' takes each file's write lock at its first write: an append, which writes the
     * log's file only, then never locks (or waits for) the derived file.
     */
    begin: 'immediate' | 'deferred' = 'immediate',
  ): Promise<T> {
    const release = await this.acquire();
    try {
      for (const p of pragmas?.during ?? []) this.raw.pragma(p);
      return this.raw.transaction(work)[begin](this.raw);
    } finally {
      for (const p of pragmas?.after ?? []) this.raw.pragma(p);
      release();
    }
  }

  /**
   * Copies the WAL into the database file and empties it, so that pages an erasure overwrote
   * leave no older copy in the WAL. Best effort: a reader on another connection (the processor
   * thread) may hold old frames, and the next checkpoint after it finishes does the rest.
   */
  async checkpoint(): Promise<void> {
    const release = await this.acquire();
    try {
      this.raw.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      release();
    }
  }

  /**
   * Copies what it can of the log file's WAL into the file without waiting for readers or
   * writers (PASSIVE), when the connection is free: the processor thread does this for the
   * main thread, whose own automatic checkpoints (page copies and an fsync inside an append's
   * commit) would stall the event loop (see server.ts).
   */
  async checkpointLog(): Promise<void> {
    const release = await this.acquire();
    try {
      const result: unknown = this.raw.pragma('main.wal_checkpoint(PASSIVE)', { simple: false });
      const first: unknown = Array.isArray(result) ? result[0] : undefined;
      const log = typeof first === 'object' && first !== null && 'log' in first ? first.log : 0;
      // A WAL can be started over only when no reader is in it as a writer begins, which a
      // busy processor (a reader of the log) rarely allows: past the bound, wait for the
      // readers to finish (appends meanwhile retry, see EventLog.append) so the next append
      // starts the WAL from its beginning.
      if (typeof log === 'number' && log > LOG_WAL_PAGES) {
        this.raw.pragma('main.wal_checkpoint(RESTART)');
      }
    } finally {
      release();
    }
  }

  statement(sql: string): BetterSqlite3.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      if (this.#statements.size > 2000) this.#statements.clear();
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }
}

/** The log's WAL, in pages, past which its checkpoint waits to start it over (64 MB). */
const LOG_WAL_PAGES = 16_384;

class GatedConnection implements DatabaseConnection {
  readonly #gate: SqliteConnectionGate;
  constructor(gate: SqliteConnectionGate) {
    this.#gate = gate;
  }
  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#gate.statement(compiled.sql);
    if (stmt.reader) {
      // The driver contract: Kysely's query builder gives the rows their type.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
      return Promise.resolve({ rows: stmt.all(...compiled.parameters) as R[] });
    }
    const { changes, lastInsertRowid } = stmt.run(...compiled.parameters);
    return Promise.resolve({
      rows: [],
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
    });
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used on SQLite');
  }
}

class GatedDriver implements Driver {
  readonly #gate: SqliteConnectionGate;
  readonly #connection: GatedConnection;
  readonly #releases: (() => void)[] = [];
  readonly #deferWriteLocks: boolean;
  constructor(gate: SqliteConnectionGate, deferWriteLocks: boolean) {
    this.#gate = gate;
    this.#connection = new GatedConnection(gate);
    this.#deferWriteLocks = deferWriteLocks;
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    this.#releases.push(await this.#gate.acquire());
    return this.#connection;
  }
  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    // IMMEDIATE takes the write locks (of every attached file) up front: no upgrade deadlock
    // with another process. A read-only transaction takes no write lock at all: one consistent
    // snapshot for reading. A connection with deferred write locks (the processor's) handles
    // a failed upgrade itself (SQLITE_BUSY: it retries the batch).
    const deferred = settings.accessMode === 'read only' || this.#deferWriteLocks;
    await connection.executeQuery(
      CompiledQuery.raw(deferred ? 'begin deferred' : 'begin immediate'),
    );
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {
    this.#releases.shift()?.();
  }
  async destroy(): Promise<void> {
    this.#gate.raw.close();
  }
}

export class GatedSqliteDialect implements Dialect {
  readonly #gate: SqliteConnectionGate;
  readonly #deferWriteLocks: boolean;
  constructor(gate: SqliteConnectionGate, deferWriteLocks = false) {
    this.#gate = gate;
    this.#deferWriteLocks = deferWriteLocks;
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new GatedDriver(this.#gate, this.#deferWriteLocks);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}
