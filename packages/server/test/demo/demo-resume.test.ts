/**
 * `comeback demo` killed (SIGKILL) half-way and run again, on both engines: the second run
 * resumes the same workspace from where the first stopped, every call of the synthetic store
 * reaches the event log exactly once, and the demo ends finished with each flow's messages
 * sent once per step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStore } from '../../src/modules/demo/demo-store.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { CliProcess, assertBuilt, runCli } from '../process/harness.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const DAY = 86_400_000;
const ARGS = ['demo', '--customers', '40', '--days', '12', '--seed', '5'];

describe.each(engines)('the demo stopped and resumed on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    assertBuilt();
    test = await freshDatabase(engine);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-demo-resume-'));
    env = { DATABASE_URL: test.url, COMEBACK_DATA_DIR: dataDir };
    database = openDatabase(test.url);
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const state = async () => {
    const row = await database.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'demo:demo')
      .executeTakeFirst()
      .catch(() => undefined);
    return row
      ? (JSON.parse(row.value) as { start: number; postedUntil: number; finished: boolean })
      : null;
  };

  it('resumes after a SIGKILL without losing or doubling a call', async () => {
    const first = new CliProcess(ARGS, { env: { ...env, LOG_LEVEL: 'warn' } });
    // Killed once a few days of the store have been sent.
    for (let i = 0; i < 600; i++) {
      const s = await state();
      if (s && s.postedUntil > s.start + 4 * DAY) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const stopped = await first.stop('SIGKILL');
    expect(stopped.signal).toBe('SIGKILL');
    const half = await state();
    expect(half?.finished).toBe(false);

    // The rest of the store's days: about 10 s quiet, several times that with the suite beside it.
    const second = await runCli(ARGS, { env, timeoutMs: 180_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Demo store "demo" (resumed)');
    const end = await state();
    expect(end?.finished).toBe(true);

    const expected = demoStore({ seed: 5, customers: 40, days: 12, start: end!.start })
      .actions.flatMap((a) => (a.kind === 'call' ? [a.call.messageId] : []))
      .sort();
    const logged = await database.db
      .selectFrom('events')
      .select('message_id')
      .where('workspace_id', '=', 'demo')
      .where('message_id', 'like', 'demo-%')
      .execute();
    expect(logged.map((e) => e.message_id).sort()).toEqual(expected);

    const doubled = await database.db
      .selectFrom('journey_steps')
      .select(['enrollment_id', 'node', sql<number>`count(*)`.as('n')])
      .where('workspace_id', '=', 'demo')
      .where('outcome', '=', 'sent')
      .groupBy(['enrollment_id', 'node'])
      .having(sql<number>`count(*)`, '>', 1)
      .execute();
    expect(doubled).toEqual([]);
  }, 240_000);
});
