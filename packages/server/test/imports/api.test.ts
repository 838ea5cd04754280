import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ImportJobView } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import {
  ADMIN_KEY,
  WRITE_KEY,
  json,
  startTestServer,
  type TestServer,
} from '../support/test-server.js';
import { gzip, ORDERS_CSV } from './kit.js';

const MAPPING = {
  name: 'shop-orders',
  kind: 'orders',
  columns: [
    { source: 'Bestellung', target: 'order_id' },
    { source: 'Mail', target: 'email', transform: ['trim', 'lowercase'] },
    { source: 'Artikel', target: 'line.sku' },
    { source: 'Menge', target: 'line.quantity' },
    { source: 'Preis', target: 'line.price', numberLocale: 'de-DE' },
    { source: 'Datum', target: 'ordered_at', dateFormat: 'dd.MM.yyyy', timezone: 'Europe/Berlin' },
  ],
  constants: { currency: 'EUR' },
};

const GERMAN_CSV = [
  'Bestellung,Mail,Artikel,Menge,Preis,Datum,Notiz',
  'B-1,Ute@Example.de,K1,2,"1.250,00",03.04.2024,gift',
  'B-1,ute@example.de,K2,1,"9,99",03.04.2024,',
  'B-2,max@example.de,K1,1,"1.250,00",04.05.2024,',
  'B-3,max@example.de,K3,x,"5,00",05.05.2024,',
].join('\n');

describe.each(engines)('imports over the admin API (%s)', (engine) => {
  let t: TestServer;
  let tmp: string;
  beforeAll(async () => {
    t = await startTestServer(engine);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-import-api-'));
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Streams a file as the request body, as a client uploading a large export would. */
  const upload = (query: string, file: string, type: string, key = ADMIN_KEY) =>
    fetch(`${t.url}/api/v1/imports?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': type },
      body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);

  async function finished(id: string): Promise<ImportJobView> {
    for (let i = 0; i < 300; i++) {
      const job = await json<ImportJobView>(await t.api(`/api/v1/imports/${id}`));
      if (job.status === 'done' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not finish`);
  }

  it('saves, lists, reads and replaces a named mapping; refuses a bad one', async () => {
    const created = await t.api('/api/v1/import-mappings', { method: 'POST', body: MAPPING });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ name: 'shop-orders', kind: 'orders' });
    const again = await t.api('/api/v1/import-mappings', { method: 'POST', body: MAPPING });
    expect(again.status).toBe(409);
    const list = await json<{ data: { name: string }[] }>(await t.api('/api/v1/import-mappings'));
    expect(list.data.map((m) => m.name)).toEqual(['shop-orders']);
    const body = { ...MAPPING, name: undefined };
    const replaced = await t.api('/api/v1/import-mappings/shop-orders', { method: 'PUT', body });
    expect(replaced.status).toBe(200);
    const missing = await t.api('/api/v1/import-mappings/nope', { method: 'PUT', body });
    expect(missing.status).toBe(404);
    const bad = await t.api('/api/v1/import-mappings', {
      method: 'POST',
      body: { ...MAPPING, name: 'bad', columns: [{ source: 'a', target: 'shoe_size' }] },
    });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'columns.0' }] },
    });
  });

  it('uploads a CSV, answers 202, and the import can be followed to its summary', async () => {
    const file = path.join(tmp, 'bestellungen.csv');
    fs.writeFileSync(file, GERMAN_CSV);
    const res = await upload(
      'kind=orders&mapping=shop-orders&name=bestellungen.csv',
      file,
      'text/csv',
    );
    expect(res.status).toBe(202);
    const accepted = await json<ImportJobView>(res);
    expect(accepted).toMatchObject({ kind: 'orders', format: 'csv', file: 'bestellungen.csv' });
    expect(accepted.progress.totalBytes).toBe(fs.statSync(file).size);
    const job = await finished(accepted.id);
    expect(job.status).toBe('done');
    expect(job.progress).toMatchObject({ rows: 4, totalBytes: fs.statSync(file).size });
    expect(job.summary).toMatchObject({
      rows: 4,
      imported: 3,
      rejected: 1,
      unknownColumns: ['Notiz'],
      errors: [{ line: 5, message: 'column "Menge" (line.quantity): expected a number, got "x"' }],
    });
    const rejected = await t.api(`/api/v1/imports/${accepted.id}/rejected`);
    expect(rejected.status).toBe(200);
    expect((await rejected.text()).split('\n')[1]).toMatch(/^5,/);

    await t.settle();
    const found = await json<{ data: { id: string; computed: Record<string, unknown> }[] }>(
      await t.api('/api/v1/profiles?email=ute@example.de'),
    );
    expect(found.data[0]?.computed).toMatchObject({ order_count: 1, total_spent: 2509.99 });
    const list = await json<{ data: ImportJobView[] }>(await t.api('/api/v1/imports'));
    expect(list.data[0]?.id).toBe(accepted.id);
  });

  it('takes a gzipped upload (format sniffed) and reports a file that is not what it claims', async () => {
    const gz = path.join(tmp, 'shop.csv.gz');
    fs.writeFileSync(gz, gzip(ORDERS_CSV));
    const res = await upload('kind=orders', gz, 'application/gzip');
    expect(res.status).toBe(202);
    const job = await finished((await json<ImportJobView>(res)).id);
    expect(job).toMatchObject({ status: 'done', summary: { imported: 4, rejected: 0 } });

    const fake = path.join(tmp, 'fake.csv');
    fs.writeFileSync(fake, '{"order_id":"1"}\n');
    const bad = await finished(
      (await json<ImportJobView>(await upload('kind=orders', fake, 'text/csv'))).id,
    );
    expect(bad.status).toBe('failed');
    expect(bad.error).toBe(
      'line 1: the file holds JSON, not CSV (use --format jsonl for JSON lines)',
    );
  });

  it('refuses uploads without a kind, with a write key, an unknown mapping or as JSON', async () => {
    const file = path.join(tmp, 'x.csv');
    fs.writeFileSync(file, ORDERS_CSV);
    expect((await upload('format=csv', file, 'text/csv')).status).toBe(400);
    expect((await upload('kind=orders', file, 'text/csv', WRITE_KEY)).status).toBe(403);
    const unknown = await upload('kind=orders&mapping=nope', file, 'text/csv');
    expect(unknown.status).toBe(404);
    const asJson = await t.api('/api/v1/imports?kind=orders', { method: 'POST', body: { a: 1 } });
    expect(asJson.status).toBe(400);
    expect((await t.api('/api/v1/imports/imp_nope')).status).toBe(404);
  });
});
