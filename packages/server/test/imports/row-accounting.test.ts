/**
 * Every data row of an import is counted exactly once - imported, updated, unchanged or
 * rejected with its line and reason - and what is counted as landed really lands (issue 9,
 * item 14). Random customer and order files mixing good and bad rows, on both engines, through
 * the import service the CLI, the API and SFTP pulls all run.
 */
import type { FieldMapping } from '@comeback/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { importKit, type ImportKit } from './kit.js';

interface Summary {
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: { line: number; message: string }[];
}

const landed = (s: Summary) => s.imported + s.updated + s.unchanged;

/** A customers row: its cells, and whether it must be rejected. */
const customerRow = (domain: string) =>
  fc.oneof(
    fc
      .record({ user: fc.constantFrom('ana', 'bo', 'Ana', 'cy', 'di'), points: fc.nat(99) })
      .map(({ user, points }) => ({
        cells: [`${user}@${domain}`, '', String(points)],
        bad: false,
      })),
    fc
      .constantFrom('not-an-email', 'x@', '@', 'a b@c.d', `ana@@${domain}`)
      .map((email) => ({ cells: [email, '', '1'], bad: true })),
    fc.constant({ cells: ['', '+1 555 0100 77', '2'], bad: false }),
    fc.constant({ cells: ['', '12', '3'], bad: true }),
    fc.constant({ cells: ['', '', '4'], bad: true }),
    fc.constant({ cells: [`ed@${domain}`, '', 'many'], bad: true }),
  );

const CUSTOMERS: FieldMapping = {
  kind: 'customers',
  columns: [
    { source: 'email', target: 'email' },
    { source: 'phone', target: 'phone' },
    { source: 'points', target: 'traits.points', type: 'number' },
  ],
};

/** An orders row (one line of an order); bad ones break one field each. */
const orderRow = (prefix: string, domain: string) =>
  fc
    .record({
      order: fc.constantFrom('1', '2', '3', '4'),
      email: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('ana', 'bo').map((u) => `${u}@${domain}`) },
        { weight: 1, arbitrary: fc.constant('not-an-email') },
      ),
      total: fc.constantFrom('', '20', '-50', 'abc', '1e200'),
      price: fc.constantFrom('5', '0', '-1', 'x'),
      quantity: fc.constantFrom('1', '3', '-2', '2000000'),
    })
    .map((r) => ({
      cells: [`${prefix}${r.order}`, r.email, r.total, 'SKU', r.price, r.quantity],
      order: `${prefix}${r.order}`,
      email: r.email,
      bad:
        r.email === 'not-an-email' ||
        ['-50', 'abc', '1e200'].includes(r.total) ||
        ['-1', 'x'].includes(r.price) ||
        ['-2', '2000000'].includes(r.quantity),
    }));

describe.each(engines)('every import row is counted exactly once on %s', (engine) => {
  let kit: ImportKit;
  let run = 0;
  beforeAll(async () => {
    // Small chunks: rows of one order and duplicates of one customer straddle commits.
    kit = await importKit(engine, { chunkRows: 3 });
  });
  afterAll(async () => kit?.close());

  const importFile = async (
    kind: 'customers' | 'orders' | 'products' | 'events',
    name: string,
    text: string,
    mapping?: FieldMapping,
  ): Promise<Summary> => {
    const file = kit.write(name, text);
    const result = await kit.run({ kind, path: file, ...(mapping ? { mapping } : {}) });
    if (!result.ok) throw new Error(result.error.message);
    await kit.processor.catchUp();
    return result.value;
  };

  it('customers with invalid e-mails are rejected with their line, not counted and dropped', async () => {
    const summary = await importFile(
      'customers',
      'invalid-emails.csv',
      ['email,first_name', 'not-an-email,A', 'NOT-AN-EMAIL,B', 'ok@fixed.test,C', 'x@,D'].join(
        '\n',
      ),
    );
    expect(summary).toMatchObject({ rows: 4, imported: 1, updated: 0, rejected: 3 });
    expect(summary.errors).toEqual([
      { line: 2, message: 'email "not-an-email" is not an e-mail address' },
      { line: 3, message: 'email "NOT-AN-EMAIL" is not an e-mail address' },
      { line: 5, message: 'email "x@" is not an e-mail address' },
    ]);
    expect(await kit.count("select count(*) from identifiers where kind = 'email'")).toBe(1);
  });

  it('a JSON line with several rows (products, variants) is counted once, taken whole or rejected', async () => {
    const orders = [
      {
        order_id: 'J-1',
        email: 'j@fixed.test',
        products: [
          { sku: 'A', price: 1 },
          { sku: 'B', price: 2 },
        ],
      },
      {
        order_id: 'J-2',
        email: 'j@fixed.test',
        products: [
          { sku: 'A', price: 1 },
          { sku: 'B', price: 'abc' },
        ],
      },
      {
        order_id: 'J-3',
        email: 'j@fixed.test',
        products: [
          { sku: 'A', price: -1 },
          { sku: 'B', quantity: -1 },
        ],
      },
    ];
    const summary = await importFile(
      'orders',
      'orders.jsonl',
      orders.map((o) => JSON.stringify(o)).join('\n'),
    );
    expect(summary).toMatchObject({ rows: 3, imported: 1, rejected: 2 });
    expect(summary.errors.map((e) => e.line)).toEqual([2, 3]);
    const ids = await kit.rows<{ order_id: string }>(
      "select order_id from profile_orders where order_id like 'J-%' order by order_id",
    );
    expect(ids.map((r) => r.order_id)).toEqual(['J-1']);
    const products = [
      {
        id: 'P-1',
        title: 'Ok',
        variants: [
          { id: 'v1', price: 1 },
          { id: 'v2', price: 2 },
        ],
      },
      {
        id: 'P-2',
        title: 'Bad',
        variants: [
          { id: 'v1', price: -1 },
          { id: 'v2', price: -2 },
        ],
      },
    ];
    const catalog = await importFile(
      'products',
      'products.jsonl',
      products.map((p) => JSON.stringify(p)).join('\n'),
    );
    expect(catalog).toMatchObject({ rows: 2, imported: 1, rejected: 1 });
  });

  it('property: random customer files - each row once, every counted customer lands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(customerRow('x.test'), { minLength: 1, maxLength: 40 }),
        async (rows) => {
          const domain = `run${++run}.test`;
          const lines = rows.map((r) => r.cells.join(',').replaceAll('x.test', domain));
          const text = ['email,phone,points', ...lines].join('\n');
          const first = await importFile('customers', `c-${run}.csv`, text, CUSTOMERS);
          expect(first.rows).toBe(rows.length);
          expect(landed(first) + first.rejected).toBe(rows.length);
          expect(first.rejected).toBe(rows.filter((r) => r.bad).length);
          // Nothing counted is silently dropped: each distinct good e-mail became an identifier.
          const emails = new Set(
            rows.filter((r) => !r.bad && r.cells[0] !== '').map((r) => r.cells[0]?.toLowerCase()),
          );
          const stored = await kit.count(
            "select count(*) from identifiers where kind = 'email' and value like ?",
            `%@${domain}`,
          );
          expect(stored).toBe(emails.size);
          const again = await importFile('customers', `c-${run}.csv`, text, CUSTOMERS);
          expect(again).toMatchObject({ rows: rows.length, rejected: first.rejected });
          expect(again.unchanged).toBe(rows.length - first.rejected);
        },
      ),
      { numRuns: 8, seed: 9014 },
    );
  });

  it('property: random order files - each row once, every counted order lands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderRow('O', 'x.test'), { minLength: 1, maxLength: 40 }),
        async (rows) => {
          const prefix = `R${++run}-`;
          const domain = `run${run}.test`;
          const fixed = rows.map((r) => ({
            ...r,
            cells: r.cells.map((c) => c.replace(/^O/, prefix).replaceAll('x.test', domain)),
            order: r.order.replace(/^O/, prefix),
          }));
          const text = [
            'order_id,email,total,line.sku,line.price,line.quantity',
            ...fixed.map((r) => r.cells.join(',')),
          ].join('\n');
          const first = await importFile('orders', `o-${run}.csv`, text);
          expect(first.rows).toBe(rows.length);
          expect(landed(first) + first.rejected).toBe(rows.length);
          // Every row with a bad field is rejected (more may be: an order naming two customers).
          const rejectedLines = new Set(first.errors.map((e) => e.line));
          expect(rejectedLines.size).toBe(first.rejected);
          fixed.forEach((r, i) => {
            if (r.bad) expect(rejectedLines.has(i + 2), `line ${i + 2}`).toBe(true);
          });
          // Each order with a counted row is stored; no other.
          const expected = new Set(
            fixed.filter((_, i) => !rejectedLines.has(i + 2)).map((r) => r.order),
          );
          const stored = await kit.rows<{ order_id: string }>(
            'select order_id from profile_orders where order_id like ?',
            `${prefix}%`,
          );
          expect(new Set(stored.map((s) => s.order_id))).toEqual(expected);
          const again = await importFile('orders', `o-${run}.csv`, text);
          expect(again).toMatchObject({ rows: rows.length, rejected: first.rejected });
          expect(again.unchanged).toBe(rows.length - first.rejected);
        },
      ),
      { numRuns: 8, seed: 9014 },
    );
  });
});
