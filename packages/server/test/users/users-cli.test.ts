import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore, UserStore } from '../../src/modules/users/index.js';
import { SystemClock } from '../../src/platform/clock.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import { CliProcess, assertBuilt, killAll, runCli, startServe } from '../process/harness.js';

/** Output lines that carry a password shown once. */
const shownPassword = (stdout: string) => /Password \(shown once\): (\S+)/.exec(stdout)?.[1];

describe.each(engines)('comeback users on %s', (engine) => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    assertBuilt();
    database = await freshDatabase(engine);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-users-cli-'));
    env = { DATABASE_URL: database.url, COMEBACK_DATA_DIR: dataDir };
  });
  afterEach(async () => killAll());
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first start creates the dashboard owner, prints its password once, and it signs in', async () => {
    const first = await startServe({ env, cwd: dataDir });
    const password = /Created dashboard owner owner@localhost \(password shown once\): (\S+)/.exec(
      first.process.stdout,
    )?.[1];
    expect(password, first.process.output).toBeDefined();
    expect(first.process.stdout).toContain(`Sign in to the dashboard at ${first.url}/`);
    expect(first.process.stdout).toMatch(/Created admin key/);
    const res = await fetch(`${first.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@localhost', password }),
    });
    expect(res.status).toBe(200);
    expect(await first.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const second = await startServe({ env, cwd: dataDir });
    expect(second.process.stdout).not.toMatch(/dashboard owner/);
    await second.process.stop('SIGTERM');
  });

  it('creates users (generated or piped password), lists them, and refuses a duplicate', async () => {
    const created = await runCli(
      ['users', 'create', '--email', 'Lea@Example.com', '--role', 'editor', '--name', 'Lea'],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('lea@example.com joined workspace "default" as editor');
    expect(shownPassword(created.stdout)?.length).toBeGreaterThanOrEqual(20);

    const piped = new CliProcess(
      ['users', 'create', '--email', 'vi@example.com', '--role', 'viewer', '--password-stdin'],
      { env: { LOG_LEVEL: 'warn', ...env } },
    );
    piped.child.stdin.end('a-piped-password-0001\n');
    expect(await piped.waitExit(30_000, 'users create --password-stdin')).toMatchObject({
      code: 0,
    });
    expect(shownPassword(piped.stdout)).toBeUndefined();

    const again = await runCli(
      ['users', 'create', '--email', 'lea@example.com', '--role', 'viewer'],
      {
        env,
      },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already a member/);
    const list = await runCli(['users', 'list', '--workspace', 'default'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+WORKSPACE/);
    expect(list.stdout).toMatch(/owner@localhost\s+owner\s+default/);
    expect(list.stdout).toMatch(/lea@example\.com\s+Lea\s+editor\s+default/);
    expect(list.stdout).toMatch(/vi@example\.com\s+viewer\s+default/);
  });

  it('a new password replaces the old one and ends the sessions; remove leaves the workspace', async () => {
    const db = openDatabase(database.url);
    try {
      const users = new UserStore(db, new SystemClock());
      const sessions = new SessionStore(db.db, users, new SystemClock(), { now: () => Date.now() });
      const vi = await users.accountByEmail('vi@example.com');
      expect(vi).not.toBeNull();
      await sessions.create(vi?.id ?? '');

      const changed = await runCli(['users', 'password', '--email', 'vi@example.com'], { env });
      expect(changed.code, changed.stderr).toBe(0);
      const password = shownPassword(changed.stdout) ?? '';
      expect(await users.verifyCredentials('vi@example.com', password)).not.toBeNull();
      expect(await users.verifyCredentials('vi@example.com', 'a-piped-password-0001')).toBeNull();
      const left = await db.db
        .selectFrom('sessions')
        .select('token_hash')
        .where('user_id', '=', vi?.id ?? '')
        .execute();
      expect(left).toEqual([]);

      const removed = await runCli(['users', 'remove', '--email', 'vi@example.com'], { env });
      expect(removed.code, removed.stderr).toBe(0);
      expect((await users.list('default')).map((m) => m.email)).not.toContain('vi@example.com');
      const unknown = await runCli(['users', 'remove', '--email', 'nobody@example.com'], { env });
      expect(unknown.code).toBe(1);
    } finally {
      await db.close();
    }
  });
});
