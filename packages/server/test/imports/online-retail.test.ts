import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { FieldMapping } from '@comeback/contracts';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataPath } from '../support/shared-data.js';
import { importKit, RETAIL_MAPPING, type ImportKit } from './kit.js';
import { countLines } from '../support/order-lines.js';

/**
 * The UCI Online Retail data set (541,909 rows; ../shared/data/online-retail/README.md), which
 * only the full-data runs have (skipped without it; support/shared-data.ts). Its
 * cleaning rules - CustomerID present, invoice not 'C', Quantity > 0, UnitPrice > 0 - give
 * 4,338 customers with orders and 18,532 orders. Credit notes ('C' invoices, negative
 * quantities) are imported as refunds of the customer's latest earlier order holding the
 * product; the rows no such order explains, and the rows failing the rules, are rejected with
 * their reason.
 */
const DIR = sharedDataPath('online-retail');
const FULL = path.join(DIR, 'online_retail_full.csv.gz');
const SAMPLE = path.join(DIR, 'online_retail_sample_10pct_customers.csv');

/** What the cleaning rules keep, computed from the raw file (independently of the import). */
async function cleaned(
  file: string,
  columns: { invoice: string; customer: string; quantity: string; price: string },
) {
  const input = fs.createReadStream(file);
  const text = file.endsWith('.gz') ? input.pipe(zlib.createGunzip()) : input;
  const customers = new Set<string>();
  const invoices = new Set<string>();
  let rows = 0;
  let kept = 0;
  let noCustomer = 0;
  let badAmounts = 0;
  /** Credit-note rows of a customer with a quantity and a price: refunds to attribute. */
  let credits = 0;
  for await (const r of text.pipe(parse({ columns: true }))) {
    const row = r as Record<string, string>;
    rows++;
    const invoice = row[columns.invoice] ?? '';
    const customer = row[columns.customer] ?? '';
    const quantity = Number(row[columns.quantity]);
    const price = Number(row[columns.price]);
    if (customer === '') noCustomer++;
    else if (invoice.startsWith('C')) {
      if (Math.abs(quantity) > 0 && Math.abs(price) > 0) credits++;
      else badAmounts++;
    } else if (!(quantity > 0) || !(price > 0)) badAmounts++;
    else {
      kept++;
      customers.add(String(Math.trunc(Number(customer))));
      invoices.add(invoice);
    }
  }
  const distinct = { customers: customers.size, invoices: invoices.size };
  return { rows, kept, noCustomer, badAmounts, credits, ...distinct };
}

async function checkProfiles(
  kit: ImportKit,
  expected: { customers: number; invoices: number; kept: number },
) {
  expect(await kit.count('select count(*) from profiles')).toBe(expected.customers);
  expect(await kit.count('select count(*) from profile_orders where ordered_at >= 0')).toBe(
    expected.invoices,
  );
  expect(await kit.count('select count(*) from profile_orders where ordered_at < 0')).toBe(0);
  expect(await kit.count('select count(distinct profile_id) from profile_orders')).toBe(
    expected.customers,
  );
  expect(await countLines(kit.database.db)).toBe(expected.kept);
  // total_spent is what was paid less what was refunded, order by order.
  const spent = await kit.count('select round(sum(total_spent) * 100) from profiles');
  const net = await kit.count(
    "select round(sum(total - refunded) * 100) from profile_orders where status <> 'cancelled'",
  );
  expect(Math.abs(spent - net)).toBeLessThanOrEqual(1);
}

describe.skipIf(!hasSharedData)('Online Retail, the full file (sqlite)', () => {
  let kit: ImportKit;
  beforeAll(async () => {
    kit = await importKit('sqlite');
  });
  afterAll(async () => kit?.close());

  it(
    'imports 4,338 customers and 18,532 orders; refunds and rejected rows are accounted for',
    { timeout: 240_000 },
    async () => {
      const expected = await cleaned(FULL, {
        invoice: 'InvoiceNo',
        customer: 'CustomerID',
        quantity: 'Quantity',
        price: 'UnitPrice',
      });
      // The README's figures, which the rules must reproduce.
      expect(expected).toMatchObject({
        rows: 541_909,
        customers: 4_338,
        invoices: 18_532,
        kept: 397_884,
      });
      const rejectedFile = path.join(kit.dir, 'retail.rejected.csv');
      const result = await kit.run({
        kind: 'orders',
        path: FULL,
        mapping: RETAIL_MAPPING,
        rejectedFile,
      });
      if (!result.ok) throw new Error(result.error.message);
      const s = result.value;
      expect(s.rows).toBe(541_909);
      expect(s.imported + s.rejected).toBe(541_909);
      expect(s.unknownColumns).toEqual([]);
      await kit.processor.catchUp();
      await checkProfiles(kit, expected);

      // Every rejected row is listed once, with its line and reason.
      const reasons = { noCustomer: 0, badAmount: 0, refund: 0, other: 0 };
      let listed = 0;
      const lines = readline.createInterface({ input: fs.createReadStream(rejectedFile) });
      for await (const line of lines) {
        if (listed++ === 0) continue;
        if (line.includes('no customer: customer_id, email or phone')) reasons.noCustomer++;
        else if (line.includes('must be greater than 0')) reasons.badAmount++;
        else if (/^\d+,refund of /.test(line)) reasons.refund++;
        else reasons.other++;
      }
      expect(listed - 1).toBe(s.rejected);
      expect(reasons).toMatchObject({
        noCustomer: expected.noCustomer,
        badAmount: expected.badAmounts,
        other: 0,
      });
      // Credit notes: each row either refunds an earlier order of its customer, or is rejected
      // because no earlier order (in this file) holds its product, or that one is refunded.
      const refundRows = s.imported - expected.kept;
      expect(refundRows + reasons.refund).toBe(expected.credits);
      expect(refundRows).toBeGreaterThan(0);
      const refunds = await kit.count('select count(*) from order_refunds');
      expect(refunds).toBe(
        await kit.count("select count(*) from events where event = 'Order Refunded'"),
      );
      expect(await kit.count('select round(sum(refunded_total)) from profiles')).toBe(
        await kit.count('select round(sum(amount)) from order_refunds'),
      );

      // The same file again: nothing changes.
      const events = await kit.count('select count(*) from events');
      const again = await kit.run({
        kind: 'orders',
        path: FULL,
        mapping: RETAIL_MAPPING,
        rejectedFile,
      });
      if (!again.ok) throw new Error(again.error.message);
      expect(again.value).toMatchObject({
        imported: 0,
        updated: 0,
        unchanged: s.imported,
        rejected: s.rejected,
      });
      expect(await kit.count('select count(*) from events')).toBe(events);
    },
  );
});

const SAMPLE_MAPPING: FieldMapping = {
  kind: 'orders',
  columns: [
    { source: 'invoice', target: 'order_id' },
    { source: 'stock_code', target: 'line.product_id' },
    { source: 'quantity', target: 'line.quantity', exclusiveMinimum: 0 },
    {
      source: 'invoice_date',
      target: 'ordered_at',
      dateFormat: 'yyyy-MM-dd HH:mm:ss',
      timezone: 'Europe/London',
    },
    { source: 'unit_price', target: 'line.price', exclusiveMinimum: 0 },
    { source: 'customer_id', target: 'customer_id', transform: ['integer'] },
    { source: 'country', target: 'traits.country' },
  ],
  constants: { currency: 'GBP' },
  refunds: RETAIL_MAPPING.refunds,
};

describe.skipIf(!hasSharedData)('Online Retail, the 10% sample (postgres)', () => {
  let kit: ImportKit;
  beforeAll(async () => {
    kit = await importKit('postgres');
  });
  afterAll(async () => kit?.close());

  it('matches the cleaning rules computed from the raw file', { timeout: 120_000 }, async () => {
    const expected = await cleaned(SAMPLE, {
      invoice: 'invoice',
      customer: 'customer_id',
      quantity: 'quantity',
      price: 'unit_price',
    });
    expect(expected.customers).toBe(436);
    const result = await kit.run({
      kind: 'orders',
      path: SAMPLE,
      mapping: SAMPLE_MAPPING,
      rejectedFile: path.join(kit.dir, 'sample.rejected.csv'),
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.rows).toBe(expected.rows);
    await kit.processor.catchUp();
    await checkProfiles(kit, expected);
  });
});
