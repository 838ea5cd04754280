/**
 * `comeback flows list|show|enable` through the compiled CLI on both engines: the list, a
 * flow's parameters, enabling one and then all (idempotently), a dry run that writes nothing,
 * and bad input (an unknown flow, a bad parameter, no workspace) refused with exit 2.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace } from '../../src/modules/workspaces/index.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { assertBuilt, runCli } from '../process/harness.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

describe.each(engines)('comeback flows on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let env: Record<string, string>;
  let dataDir: string;
  const journeyCount = async () =>
    (await database.db.selectFrom('journeys').select('id').execute()).length;

  beforeAll(async () => {
    assertBuilt();
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    await ensureWorkspace(database.db, { id: 'default', name: 'Shop', now: Date.UTC(2026, 0, 1) });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-flows-'));
    env = { DATABASE_URL: test.url, COMEBACK_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the flows and shows one with its parameters', async () => {
    const list = await runCli(['flows', 'list'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^FLOW\s+TRIGGER/);
    expect(list.stdout).toContain('cart-abandonment');
    const shown = await runCli(['flows', 'show', 'win-back', '--param', 'lapsedDays=60'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/lapsedDays\s+days\s+60/);
  });

  it('enables one flow, then all, changing nothing the second time', async () => {
    const dry = await runCli(['flows', 'enable', 'cart-abandonment', '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run');
    expect(await journeyCount()).toBe(0);

    const one = await runCli(
      ['flows', 'enable', 'cart-abandonment', '--param', 'offerCode=SPRING15'],
      { env },
    );
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/cart-abandonment: journey created.*-> active, version 1/);
    const all = await runCli(['flows', 'enable', '--all'], { env });
    expect(all.code, all.stderr).toBe(0);
    // Enabling all uses each flow's defaults: the cart flow's code goes back to its default.
    expect(all.stdout).toMatch(/cart-abandonment: journey unchanged; templates: .*1 updated/);
    const count = await journeyCount();
    expect(count).toBeGreaterThanOrEqual(20);
    const again = await runCli(['flows', 'enable', '--all'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(
      again.stdout
        .trim()
        .split('\n')
        .every((l) => l.includes(': unchanged')),
    ).toBe(true);
    expect(await journeyCount()).toBe(count);
  });

  it('refuses an unknown flow, a bad parameter and a missing workspace with exit 2', async () => {
    const unknown = await runCli(['flows', 'enable', 'nope'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no flow nope');
    const bad = await runCli(['flows', 'enable', 'win-back', '--param', 'lapsedDays=2'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('params.lapsedDays: must be between 30 and 365');
    const shape = await runCli(['flows', 'enable', 'win-back', '--param', 'lapsedDays'], { env });
    expect(shape.code).toBe(2);
    const none = await runCli(['flows', 'enable', 'win-back', '--workspace', 'ghost'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no workspace "ghost"');
  });
});
