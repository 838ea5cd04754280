import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openSqliteReader } from '../support/sqlite-reader.js';

/**
 * Drives the compiled CLI as a real operating-system process: spawn, wait for its output,
 * signal it, and read its database directly (read-only) to check what it stored.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = `${REPO_ROOT}packages/server/bin/comeback.js`;
const DIST_CLI = `${REPO_ROOT}packages/server/dist/cli.js`;

/** Process tests run the build output; without it every test would fail obscurely. */
export function assertBuilt(): void {
  if (!fs.existsSync(DIST_CLI)) {
    throw new Error(
      `${DIST_CLI} does not exist: process tests run the compiled CLI, run \`npm run build\` first`,
    );
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const live = new Set<CliProcess>();

/** A spawned `comeback` process with its output collected. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<Exit>;
  stdout = '';
  stderr = '';
  exit: Exit | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(args: string[], opts: { cwd?: string; env: Record<string, string> }) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      // Only what the test gives: no DATABASE_URL or keys leak in from the developer's shell.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
      stdio: 'pipe',
    });
    live.add(this);
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => this.#append('stdout', d));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => this.#append('stderr', d));
    this.exited = new Promise<Exit>((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        // Let the pipes deliver what is left before anyone reads the output.
        setImmediate(() => {
          for (const l of this.#listeners) l();
          resolve({ code, signal });
        });
      });
    });
  }

  #append(stream: 'stdout' | 'stderr', data: string): void {
    this[stream] += data;
    for (const l of this.#listeners) l();
  }

  get output(): string {
    return `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  /** Resolves with the first match of `pattern` in stdout; rejects on exit or timeout. */
  waitForStdout(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stdout.match(pattern);
        if (m) return done(() => resolve(m));
        if (this.exit)
          done(() =>
            reject(
              new Error(`exited (${JSON.stringify(this.exit)}) before ${pattern}\n${this.output}`),
            ),
          );
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} after ${timeoutMs} ms\n${this.output}`))),
        timeoutMs,
      );
      const done = (finish: () => void) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        finish();
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Sends `signal` and waits for the exit, at most `timeoutMs`. */
  stop(signal: NodeJS.Signals, timeoutMs = 15_000): Promise<Exit> {
    if (!this.exit) this.child.kill(signal);
    return this.waitExit(timeoutMs, `after ${signal}`);
  }

  async waitExit(timeoutMs: number, why = ''): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still running ${timeoutMs} ms ${why}\n${this.output}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** For afterEach: no test leaves a process behind, whatever happened. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop('SIGKILL').catch(() => undefined)));
}

/** Runs a short CLI command to completion. */
export async function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  const p = new CliProcess(args, {
    env: { LOG_LEVEL: 'warn', ...opts.env },
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  const exit = await p.waitExit(opts.timeoutMs ?? 30_000, `running comeback ${args.join(' ')}`);
  return { ...exit, stdout: p.stdout, stderr: p.stderr };
}

export interface ServerProcess {
  process: CliProcess;
  url: string;
}

interface ServeOptions {
  env: Record<string, string>;
  cwd?: string;
  args?: string[];
}

/** Spawns `comeback serve` (on a free port unless PORT is given) without waiting for it. */
export function spawnServe(opts: ServeOptions): CliProcess {
  return new CliProcess(['serve', ...(opts.args ?? [])], {
    env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...opts.env },
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
}

/** Starts `comeback serve` and waits until it listens. */
export async function startServe(opts: ServeOptions): Promise<ServerProcess> {
  const p = spawnServe(opts);
  const m = await p.waitForStdout(/Comeback is listening on (http:\/\/\S+) /);
  return { process: p, url: m[1] ?? '' };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls `probe` until it returns a value other than undefined. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

export function postTracking(url: string, path: string, key: string, body: unknown) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
}

export function adminGet(url: string, path: string, key: string) {
  return fetch(`${url}${path}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(30_000),
  });
}

export interface Health {
  status: string;
  database: string;
  ingest: { pendingCommit: number };
  role: string;
  processor: { position: number; head: number; behindEvents: number };
}

export async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(30_000) });
  if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
  return (await res.json()) as Health;
}

/** Waits until everything committed has been applied by the processor. */
export function settled(url: string, timeoutMs = 60_000): Promise<Health> {
  return waitUntil(
    'the processor to catch up',
    async () => {
      const h = await health(url);
      return h.processor.behindEvents === 0 && h.ingest.pendingCommit === 0 ? h : undefined;
    },
    timeoutMs,
  );
}

/** A read-only connection to a server's database, opened by the test itself. */
export interface Reader {
  all<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function openReader(databaseUrl: string): Promise<Reader> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = openSqliteReader(databaseUrl.slice('sqlite:'.length));
    return {
      all: async <T>(q: string) => db.prepare(q).all() as T[],
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    all: async <T>(q: string) => (await client.query(q)).rows as T[],
    close: () => client.end(),
  };
}

/** The processor's committed cursor and the last committed event, as stored. */
export async function readCursor(reader: Reader): Promise<{ position: number; head: number }> {
  const [row] = await reader.all<{
    position: number | string | null;
    head: number | string | null;
  }>(
    `select (select position from processor_cursors where name = 'profiles') as position,
            (select max(seq) from events) as head`,
  );
  return { position: Number(row?.position ?? 0), head: Number(row?.head ?? 0) };
}

/** What the events table holds, read directly from the database. */
export interface StoredEvents {
  /** messageId -> how many rows carry it. */
  counts: Map<string, number>;
  /** Rows the processor has not attributed to a profile. */
  unassigned: number;
  /** Distinct orders recorded. */
  orders: number;
}

export async function readStoredEvents(databaseUrl: string): Promise<StoredEvents> {
  const reader = await openReader(databaseUrl);
  try {
    const counts = new Map<string, number>();
    const rows = await reader.all<{ message_id: string; n: number | string }>(
      'select message_id, count(*) as n from events group by message_id',
    );
    for (const r of rows) counts.set(r.message_id, Number(r.n));
    const one = async (q: string) => Number((await reader.all<{ n: number | string }>(q))[0]?.n);
    return {
      counts,
      unassigned: await one(
        `select count(*) as n from events e
          where not exists (select 1 from event_profiles ep where ep.seq = e.seq)`,
      ),
      orders: await one('select count(*) as n from profile_orders'),
    };
  } finally {
    await reader.close();
  }
}
