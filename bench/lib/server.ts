import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeDir, tempDir, trackChild } from './cleanup.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'packages/server/bin/comeback.js');

/** The keys every bench server is started with (env, so the server creates them itself). */
export const WRITE_KEY = 'cbw_bench_write_key_000001';
/** The admin key every bench server has (for benchmarks that set things up over the API). */
export const API_KEY = 'cba_bench_admin_key_000001';

export interface ServerHandle {
  /** The HTTP base URL; '' for a `--role worker` process (it serves no HTTP). */
  url: string;
  writeKey: string;
  pid: number;
  /** Graceful stop (SIGTERM), then SIGKILL after a grace period; removes the temp dir. */
  stop(): Promise<void>;
  /** null while the process runs; else how it ended and the tail of its stderr. */
  exitedWith(): string | null;
}

export interface ServerOptions {
  /** Extra `node` flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=DIR`. */
  nodeArgs?: string[];
  role?: 'all' | 'api' | 'worker';
  /**
   * The database to use (e.g. a PostgreSQL database shared by an api and worker processes).
   * Unset: a fresh SQLite file in the process's temp dir.
   */
  databaseUrl?: string;
  /**
   * COMEBACK_SECRET. Processes sharing one database need the same instance secret (each would
   * otherwise generate its own in its own data dir, and the second would refuse to start).
   */
  secret?: string;
}

/**
 * Starts a real `comeback serve` process (role all by default: HTTP and the processor) in a
 * temp dir, on a free port, and resolves once it listens (a worker: once it says it started).
 * Only the CLI and its documented environment are used, so the server may change freely.
 */
export async function startServer(opts: ServerOptions = {}): Promise<ServerHandle> {
  const dir = tempDir('server');
  const role = opts.role ?? 'all';
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, 'serve', '--role', role], {
    cwd: dir,
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl ?? `sqlite:${path.join(dir, 'comeback.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      COMEBACK_WRITE_KEY: WRITE_KEY,
      COMEBACK_API_KEY: API_KEY,
      COMEBACK_ROLE: role,
      LOG_LEVEL: 'warn',
      ...(opts.secret !== undefined ? { COMEBACK_SECRET: opts.secret } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.stdout.setEncoding('utf8');

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    removeDir(dir);
  };

  // A worker serves no HTTP: it prints that it started instead of a URL.
  const ready = role === 'worker' ? /worker started/ : /listening on (http:\/\/\S+)/;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`${role} did not start in 30 s`)), 30_000);
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const m = ready.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] ?? '');
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${role} exited (${code ?? signal}) before it was ready:\n${stderr}`));
      });
    });
    child.stdout.resume();
    if (child.pid === undefined) throw new Error('server has no pid');
    const exitedWith = () =>
      child.exitCode === null && child.signalCode === null
        ? null
        : `${role} pid ${child.pid} exited (${child.exitCode ?? child.signalCode}):\n${stderr}`;
    return { url, writeKey: WRITE_KEY, pid: child.pid, stop, exitedWith };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Creates a workspace (if new) with a write key through the CLI (`comeback keys create`), on
 * the database of a running server, and answers the key.
 */
export function createWriteKey(databaseUrl: string, workspace: string, secret?: string): string {
  const out = execFileSync(
    process.execPath,
    [BIN, 'keys', 'create', '--scope', 'write', '--workspace', workspace],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'warn',
        ...(secret !== undefined ? { COMEBACK_SECRET: secret } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const key = out.trim().split('\n').at(-1) ?? '';
  if (!key) throw new Error(`keys create printed no key for ${workspace}`);
  return key;
}
