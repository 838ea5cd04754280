import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeDir, tempDir, trackChild } from './cleanup.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'packages/server/bin/comeback.js');

export interface ServerHandle {
  url: string;
  writeKey: string;
  pid: number;
  /** Graceful stop (SIGTERM), then SIGKILL after a grace period; removes the temp dir. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Extra `node` flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=DIR`. */
  nodeArgs?: string[];
  role?: 'all' | 'api';
}

/**
 * Starts a real `comeback serve` process (role all: HTTP and the processor) on a fresh SQLite
 * file in a temp dir, on a free port, and resolves once it listens.
 */
export async function startServer(opts: ServerOptions = {}): Promise<ServerHandle> {
  const dir = tempDir('server');
  const writeKey = 'cbw_bench_write_key_000001';
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, 'serve'], {
    cwd: dir,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${path.join(dir, 'comeback.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      COMEBACK_WRITE_KEY: writeKey,
      COMEBACK_API_KEY: 'cba_bench_admin_key_000001',
      COMEBACK_ROLE: opts.role ?? 'all',
      LOG_LEVEL: 'warn',
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

  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error('server did not start in 30 s')), 30_000);
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before listening:\n${stderr}`));
      });
    });
    child.stdout.resume();
    if (child.pid === undefined) throw new Error('server has no pid');
    return { url, writeKey, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
