import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteReader } from '../support/sqlite-reader.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CliProcess, killAll, runCli } from '../process/harness.js';
import { BAD_CSV, CUSTOMERS, ORDERS_CSV, gzip, importKit } from './kit.js';

/**
 * `comeback import` as users run it: the compiled CLI in its own process, on SQLite (where it
 * reads CSV in a thread of its own). Killed with SIGKILL in the middle of an import, the same
 * command run again continues after the last checkpoint.
 */
describe('comeback import (the CLI, sqlite)', () => {
  let dir: string;
  let env: Record<string, string>;
  const db = () => openSqliteReader(path.join(dir, 'data', 'comeback.db'));
  const count = (sql: string) => {
    const handle = db();
    try {
      return Number(Object.values(handle.prepare(sql).get() as object)[0]);
    } finally {
      handle.close();
    }
  };

  beforeAll(() => {
    assertBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-import-cli-'));
    env = { DATABASE_URL: `sqlite:${path.join(dir, 'data', 'comeback.db')}`, LOG_LEVEL: 'warn' };
  });
  afterEach(killAll);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has --help, and refuses bad arguments with exit code 2', async () => {
    const help = await runCli(['import', '--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: comeback import \[options\] <kind> <file>/);
    expect(help.stdout).toMatch(/--mapping <file\|name>/);
    const kind = await runCli(['import', 'shoes', 'x.csv'], { env });
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/kind must be one of customers, orders, products, events/);
    const missing = await runCli(['import', 'orders', path.join(dir, 'nope.csv')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Import failed: cannot read/);
    // The cause once, without a second "Error:" from String(error).
    expect(missing.stderr).not.toMatch(/Error:/);
  });

  it('imports, prints the summary, and a second run finds everything unchanged', async () => {
    const file = path.join(dir, 'shop.csv');
    fs.writeFileSync(file, ORDERS_CSV);
    const first = await runCli(['import', 'orders', file], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Import imp_[\w-]+ \(orders\) of .*shop\.csv$/m);
    expect(first.stdout).toMatch(/^ {2}imported: {2}4$/m);
    expect(first.stdout).toMatch(/^ {2}rejected: {2}0$/m);
    expect(first.stdout).toMatch(/profiles applied in/);
    // Profiles are applied when the command returns.
    expect(count('select count(*) from profile_orders where ordered_at >= 0')).toBe(3);
    expect(count('select round(sum(total_spent) * 100) from profiles')).toBe(1125);
    const second = await runCli(['import', 'orders', file], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^ {2}unchanged: 4$/m);
    expect(second.stdout).toMatch(/^ {2}imported: {2}0$/m);
  });

  it('reports bad rows exactly as the in-process reader does (the CSV thread), and fails a bad file with 1', async () => {
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, BAD_CSV);
    const mapping = path.join(dir, 'people.json');
    fs.writeFileSync(mapping, JSON.stringify(CUSTOMERS));
    const res = await runCli(['import', 'customers', file, '--mapping', mapping, '--json'], {
      env,
    });
    expect(res.code).toBe(0);
    const cli = JSON.parse(res.stdout) as { errors: unknown[]; imported: number; rejected: number };
    const kit = await importKit('sqlite');
    try {
      const inProcess = await kit.run({
        kind: 'customers',
        path: kit.write('people.csv', BAD_CSV),
        mapping: CUSTOMERS,
      });
      if (!inProcess.ok) throw new Error(inProcess.error.message);
      expect(cli.errors).toEqual(inProcess.value.errors);
      expect(cli).toMatchObject({
        imported: inProcess.value.imported,
        rejected: inProcess.value.rejected,
      });
    } finally {
      await kit.close();
    }
    const fake = path.join(dir, 'fake.csv');
    fs.writeFileSync(fake, gzip('{"email":"a@b.c"}\n'));
    const failed = await runCli(['import', 'customers', fake], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Import failed: line 1: the file holds JSON, not CSV/);
  });

  it(
    'killed with SIGKILL mid-import, the same command continues after its checkpoint: complete, no duplicates',
    { timeout: 120_000 },
    async () => {
      const orders = 40_000;
      const rows = ['order_id,customer_id,sku,quantity,price,ordered_at'];
      for (let o = 1; o <= orders; o++) {
        for (let l = 1; l <= 3; l++)
          rows.push(`k${o},kc${o % 997},s${l},${l},1.${l}0,2024-03-01T10:00:00Z`);
      }
      const file = path.join(dir, 'many.csv.gz');
      fs.writeFileSync(file, gzip(rows.join('\n') + '\n'));
      const before = count('select count(*) from events');

      const victim = new CliProcess(['import', 'orders', file], { env });
      // Wait for a committed chunk (the checkpoint moved), then kill without warning.
      let checkpointed = 0;
      for (let i = 0; i < 2000 && checkpointed === 0 && !victim.exit; i++) {
        await new Promise((r) => setTimeout(r, 10));
        try {
          checkpointed = count(
            "select max(rows) from import_jobs where file_name like '%many.csv.gz'",
          );
        } catch {
          // The database may not exist yet.
        }
      }
      expect(victim.exit).toBeUndefined();
      await victim.stop('SIGKILL');
      const partial = count('select count(*) from events') - before;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(orders);
      const jobId = String(
        db()
          .prepare("select id from import_jobs where file_name like '%many.csv.gz'")
          .pluck()
          .get(),
      );

      const rerun = await runCli(['import', 'orders', file, '--json'], { env });
      expect(rerun.code).toBe(0);
      const summary = JSON.parse(rerun.stdout) as Record<string, unknown>;
      expect(summary).toMatchObject({ jobId, rows: orders * 3, imported: orders * 3, rejected: 0 });
      expect(count('select count(*) from events') - before).toBe(orders);
      expect(count('select count(*) from events')).toBe(
        count('select count(distinct message_id) from events'),
      );
      expect(count("select count(*) from profile_orders where order_id like 'k%'")).toBe(orders);
      expect(
        count("select sum(json_array_length(lines)) from profile_orders where order_id like 'k%'"),
      ).toBe(orders * 3);
    },
  );
});
