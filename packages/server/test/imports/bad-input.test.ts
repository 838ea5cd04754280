import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { BAD_CSV, CUSTOMERS, gzip, importKit, type ImportKit } from './kit.js';
import { storedLines } from '../support/order-lines.js';

/** Orders 1..n, three lines each, as CSV. */
function ordersCsv(orders: number): string {
  const rows = ['order_id,customer_id,sku,quantity,price,ordered_at'];
  for (let o = 1; o <= orders; o++) {
    for (let l = 1; l <= 3; l++) {
      rows.push(`${o},c${o % 50},s${l},${l},${o % 7}.25,2024-01-01T00:00:00Z`);
    }
  }
  return rows.join('\n') + '\n';
}

describe.each(engines)('bad input to imports (%s)', (engine) => {
  let kit: ImportKit;
  beforeAll(async () => {
    kit = await importKit(engine, { chunkRows: 500 });
  });
  afterAll(async () => kit?.close());

  it('rejects malformed CSV lines, wrong types, unknown enum values and bad dates with their line; valid rows land', async () => {
    const file = kit.write('customers.csv', BAD_CSV);
    const result = await kit.run({ kind: 'customers', path: file, mapping: CUSTOMERS });
    if (!result.ok) throw new Error(result.error.message);
    const s = result.value;
    expect(s.rows).toBe(s.imported + s.updated + s.unchanged + s.rejected);
    expect(s.imported).toBe(5);
    expect(s.errors).toEqual([
      { line: 3, message: 'malformed CSV: 6 fields where the header has 5' },
      {
        line: 6,
        message: 'column "plan" (traits.plan): unknown value "gold" (expected one of free, pro)',
      },
      {
        line: 7,
        message:
          'column "signup" (traits.signup_at): expected a date like "yyyy-MM-dd", got "06/01/2024"',
      },
      { line: 8, message: 'column "points" (traits.points): expected a number, got "many"' },
      { line: 9, message: 'no identity: customer_id, email or phone is needed' },
      { line: 11, message: 'malformed CSV: text after the closing quote of a quoted field' },
    ]);
    expect(s.rejected).toBe(6);
    // The side file lists each rejected row with its line, reason and original cells.
    expect(s.rejectedFile).toBe(`${file}.rejected.csv`);
    const listed = fs.readFileSync(`${file}.rejected.csv`, 'utf8').trim().split('\n');
    expect(listed[0]).toBe('line,reason,email,name,plan,signup,points');
    expect(listed).toHaveLength(7);
    expect(listed[2]).toBe(
      '6,"column ""plan"" (traits.plan): unknown value ""gold"" (expected one of free, pro)",e@x.com,Ed,gold,2024-01-06,4',
    );
    await kit.processor.catchUp();
    const emails = await kit.rows<{ value: string }>(
      "select value from identifiers where kind = 'email' order by value",
    );
    expect(emails.map((e) => e.value)).toEqual([
      'a@x.com',
      'd@x.com',
      'i@x.com',
      'k@x.com',
      'l@x.com',
    ]);
    const [di] = await kit.rows<{ traits: unknown }>(
      "select p.traits from profiles p join identifiers i on i.profile_id = p.id where i.value = 'd@x.com'",
    );
    const traits = typeof di?.traits === 'string' ? JSON.parse(di.traits) : di?.traits;
    expect(traits).toMatchObject({
      name: 'Di\nTwo',
      plan: 'free',
      points: 3,
      signup_at: '2024-01-05T00:00:00.000Z',
    });
  });

  it('refuses a file that is not what its name or format says, naming line 1', async () => {
    const json = kit.write('looks.csv', '{"email":"a@b.c"}\n');
    const r1 = await kit.run({ kind: 'customers', path: json });
    expect(r1.ok ? null : r1.error.message).toBe(
      'line 1: the file holds JSON, not CSV (use --format jsonl for JSON lines)',
    );
    const csv = kit.write('looks.jsonl', 'email,name\na@b.c,Ana\n');
    const r2 = await kit.run({ kind: 'customers', path: csv });
    expect(r2.ok ? null : r2.error.message).toMatch(/^line 1: the file is not JSON lines/);
    const forced = await kit.run({ kind: 'customers', path: json, format: 'csv' });
    expect(forced.ok ? null : forced.error.message).toMatch(/^line 1: the file holds JSON/);
    const binary = kit.write('image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0]));
    const r3 = await kit.run({ kind: 'customers', path: binary });
    expect(r3.ok ? null : r3.error.message).toBe(
      'line 1: this is not a text file (it contains binary data)',
    );
    const empty = kit.write('empty.csv', '');
    const r4 = await kit.run({ kind: 'customers', path: empty });
    expect(r4.ok ? null : r4.error.message).toBe('line 1: the file is empty');
    const missing = await kit.run({ kind: 'customers', path: `${kit.dir}/nope.csv` });
    expect(missing.ok ? null : missing.error.code).toBe('validation_failed');
    const unknownMapping = await kit.run({
      kind: 'customers',
      path: json,
      mapping: { name: 'nope' },
    });
    expect(unknownMapping.ok ? null : unknownMapping.error.code).toBe('not_found');
  });

  it('sniffs gzip by its magic bytes, whatever the name says', async () => {
    const file = kit.write('plain-name.csv', gzip('email,first_name\ngz@x.com,Gus\n'));
    const result = await kit.run({ kind: 'customers', path: file });
    expect(result.ok ? result.value.imported : result.error.message).toBe(1);
  });

  it('a truncated gzip file: complete orders before the cut land, the cut one does not, with the line', async () => {
    const text = ordersCsv(400);
    const whole = gzip(text);
    const file = kit.write('orders.csv.gz', whole.subarray(0, Math.floor(whole.length * 0.6)));
    const result = await kit.run({ kind: 'orders', path: file });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(
      /^line \d+: the gzip data is truncated: the file ends inside it \(import imp_[\w-]+: \d+ rows before it were imported\)$/,
    );
    const line = Number(/^line (\d+)/.exec(result.error.message)?.[1]);
    expect(line).toBeGreaterThan(100);
    await kit.processor.catchUp();
    // Every order written is whole: three lines, never a part of one.
    const orders = [...(await storedLines(kit.database.db)).entries()]
      .filter(([id, lines]) => !id.startsWith('C') && lines.length > 0)
      .map(([id, lines]) => ({ order_id: id, n: lines.length }));
    expect(orders.length).toBeGreaterThan(50);
    expect(orders.every((o) => Number(o.n) === 3)).toBe(true);
    // Rows 2 .. line-1 were read; the order still open when the file broke is not written.
    expect(orders.length).toBe(Math.ceil((line - 2) / 3) - 1);
    const job = await kit.rows<{ status: string; error: string }>(
      'select status, error from import_jobs where file_path = ?',
      file,
    );
    expect(job[0]).toMatchObject({ status: 'failed' });
    expect(job[0]?.error).toMatch(/gzip data is truncated/);
  });

  it('JSON lines: a broken line and a line that is not an object are rejected with their numbers', async () => {
    const file = kit.write(
      'people.jsonl',
      [
        '{"email":"j1@x.com","first_name":"Jo"}',
        '{"email":"j2@x.com",',
        '[1,2,3]',
        '',
        '{"email":"j3@x.com","traits":{"tier":"gold"},"shoe":42}',
      ].join('\n'),
    );
    const result = await kit.run({ kind: 'customers', path: file });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      rows: 4,
      imported: 2,
      rejected: 2,
      unknownColumns: ['shoe'],
    });
    expect(result.value.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(result.value.errors[0]?.message).toMatch(/^invalid JSON: /);
    expect(result.value.errors[1]?.message).toBe('not a JSON object');
    const listed = fs.readFileSync(`${file}.rejected.jsonl`, 'utf8').trim().split('\n');
    expect(JSON.parse(listed[1] ?? '')).toEqual({
      line: 3,
      reason: 'not a JSON object',
      raw: '[1,2,3]',
    });
  });
});
