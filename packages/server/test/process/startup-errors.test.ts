/**
 * Start-up failures as an operator meets them: one line on stderr naming the cause and the
 * fix, no stack trace, a non-zero exit; and the small promises of the CLI itself (--version,
 * the exit codes its help states, a worker that says it started).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, PG_ADMIN_URL, type TestDatabase } from '../support/engines.js';
import { assertBuilt, freePort, killAll, runCli, spawnServe } from './harness.js';

const databases: TestDatabase[] = [];
beforeAll(() => assertBuilt());
afterEach(() => killAll());
afterAll(async () => {
  await killAll();
  await Promise.all(databases.map((d) => d.drop()));
});

/** A start-up failure: exit 1, one line on stderr starting `comeback:`, nothing like a stack. */
function expectOneLine(result: { code: number | null; stderr: string }, mentions: RegExp[]) {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^comeback: /);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
  for (const m of mentions) expect(lines[0]).toMatch(m);
}

const pgUrl = (change: (u: URL) => void) => {
  const u = new URL(PG_ADMIN_URL);
  change(u);
  return u.toString();
};

describe('start-up failures print one line with the fix', () => {
  it('when the port is taken', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const db = await freshDatabase('sqlite');
      databases.push(db);
      const result = await runCli(['serve'], {
        env: { DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: String(port) },
      });
      expectOneLine(result, [new RegExp(`127\\.0\\.0\\.1:${port}`), /already in use/, /--port/]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('when PostgreSQL does not answer', async () => {
    const port = await freePort(); // nothing listens there
    const url = pgUrl((u) => {
      u.hostname = '127.0.0.1';
      u.port = String(port);
      u.password = 'not-to-be-printed';
    });
    const result = await runCli(['serve'], { env: { DATABASE_URL: url, PORT: '0' } });
    expectOneLine(result, [new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port}`), /refused/]);
    expect(result.stderr).not.toContain('not-to-be-printed');
  });

  it('when the PostgreSQL database does not exist (also for migrate)', async () => {
    const url = pgUrl((u) => (u.pathname = '/cb_missing_database_h5'));
    const serve = await runCli(['serve'], { env: { DATABASE_URL: url, PORT: '0' } });
    expectOneLine(serve, [
      /no database "cb_missing_database_h5"/,
      /createdb cb_missing_database_h5/,
    ]);
    const migrate = await runCli(['migrate'], { env: { DATABASE_URL: url } });
    expectOneLine(migrate, [/no database "cb_missing_database_h5"/]);
  });

  it('when the SQLite path cannot be created', async () => {
    // Its directory would have to be made where a file already is.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-cli-'));
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    try {
      const result = await runCli(['serve'], {
        env: { DATABASE_URL: `sqlite:${file}/comeback.db`, PORT: '0' },
      });
      expectOneLine(result, [/a-file\/comeback\.db/, /DATABASE_URL/]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the CLI itself', () => {
  it('--version prints the version', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await runCli([flag]);
      expect(result).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    }
  });

  it('states its exit codes and keeps them: 2 for bad arguments', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/Exit codes: 0 .*; 1 .*; 2 bad arguments/);
    expect((await runCli(['serve', '--role', 'chef'])).code).toBe(2);
    expect((await runCli(['serve', '--port', 'x'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
    expect((await runCli(['keys', 'create'])).code).toBe(2);
  });

  it('says that a --role worker process started', async () => {
    const db = await freshDatabase('sqlite');
    databases.push(db);
    const worker = spawnServe({ env: { DATABASE_URL: db.url }, args: ['--role', 'worker'] });
    await worker.waitForStdout(/^Comeback worker started on SQLite/m);
    expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
