import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Everything a run leaves behind (server processes, temp dirs) is registered here and removed at
 * the end, on failure, on Ctrl-C and - synchronously, as a last resort - on process exit.
 */
const children = new Set<ChildProcess>();
const dirs = new Set<string>();
/** Removals that need I/O (dropping a PostgreSQL database): run on Ctrl-C after the kills. */
const asyncCleanups = new Set<() => Promise<void>>();

/**
 * Registers an asynchronous removal for Ctrl-C / SIGTERM; returns the function that
 * unregisters it (call it once the owner removed the thing itself, normally in a finally).
 */
export function trackAsyncCleanup(cleanup: () => Promise<void>): () => void {
  asyncCleanups.add(cleanup);
  return () => asyncCleanups.delete(cleanup);
}

async function runAsyncCleanups(timeoutMs: number): Promise<void> {
  const pending = [...asyncCleanups].map((c) =>
    c().catch((error: unknown) => process.stderr.write(`cleanup failed: ${String(error)}\n`)),
  );
  asyncCleanups.clear();
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, timeoutMs))]);
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `comeback-bench-${prefix}-`));
  dirs.add(dir);
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

function killNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

let installed = false;

export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping servers and removing temp dirs\n`);
      killNow();
      // Servers are dead by now, so their databases can be dropped.
      void runAsyncCleanups(10_000).finally(() => process.exit(130));
    });
  }
}

/** Kills what is still running and removes temp dirs (the normal end of a run). */
export function cleanupAll(): void {
  killNow();
}
