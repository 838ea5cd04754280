import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Order, Profile } from '@comeback/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/platform/db/database.js';
import type { SignedDelivery } from './connectors/kit.js';
import { shopifyDelivery, shopifyKit } from './connectors/shopify-kit.js';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const SECRET = 'shopify-app-client-secret-erasure';

/** A person with every kind of identifier, and a name, all unlikely to occur by chance. */
const person = (tag: string, digits: string) => ({
  email: `${tag}.erasure@example.com`,
  phone: `+1 555 01${digits}`,
  phoneDigits: `155501${digits}`,
  userId: `${tag}-user-77`,
  customerId: `7788${digits}`,
  firstName: `${tag[0]?.toUpperCase()}${tag.slice(1)}ebediah`,
  lastName: `Quill${tag}`,
});
type Person = ReturnType<typeof person>;
const needlesOf = (p: Person) => [
  p.email,
  p.phoneDigits,
  p.userId,
  p.customerId,
  p.firstName.toLowerCase(),
  p.lastName.toLowerCase(),
];

/** Every table's every row, as lower-cased JSON text, by table. */
async function dumpTables(database: Database): Promise<Map<string, string>> {
  const names =
    database.dialect === 'sqlite'
      ? (
          await sql<{ name: string }>`select name from sqlite_master where type = 'table'
            union all select name from derived.sqlite_master where type = 'table'`.execute(
            database.db,
          )
        ).rows.map((r) => r.name)
      : (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(database.db)
        ).rows.map((r) => r.name);
  expect(names).toEqual(expect.arrayContaining(['events', 'profiles', 'import_ledger', 'jobs']));
  const out = new Map<string, string>();
  for (const name of names) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(database.db);
    out.set(name, JSON.stringify(rows.rows).toLowerCase());
  }
  return out;
}

/** Where any of the needles still occurs: `table: needle` or `file: needle`. */
async function leftovers(t: TestServer, dataDir: string, needles: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [table, text] of await dumpTables(t.server.services.database)) {
    for (const n of needles) if (text.includes(n)) found.push(`${table}: ${n}`);
  }
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? walk(full) : [full];
    });
  for (const file of walk(dataDir)) {
    const text = fs.readFileSync(file).toString('latin1').toLowerCase();
    for (const n of needles) if (text.includes(n)) found.push(`${path.basename(file)}: ${n}`);
  }
  return found;
}

describe.each(engines)('erasure leaves no copies, and erased orders stay erased (%s)', (engine) => {
  let t: TestServer;
  let connectorId = '';
  let dataDir = '';
  let n = 0;

  beforeAll(async () => {
    t = await startTestServer(engine);
    // SQLite: the database file, its WAL and the side files share the database's directory.
    const { databaseUrl, dataDir: configured } = t.server.services.config;
    dataDir = databaseUrl.startsWith('sqlite:')
      ? path.dirname(databaseUrl.slice('sqlite:'.length))
      : (configured ?? fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-erasure-')));
    const res = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'shopify', name: 'Shop', secret: SECRET },
    });
    expect(res.status).toBe(201);
    connectorId = (await json<{ id: string }>(res)).id;
  });
  afterAll(async () => t?.stop());

  const post = async (d: SignedDelivery) => {
    const res = await fetch(`${t.url}/webhooks/shopify/${connectorId}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    await t.settle();
  };
  const gdpr = (topic: string, body: unknown) =>
    post(shopifyDelivery(topic, body, SECRET, `${engine}-gdpr-${++n}`));
  const orderSpec = (p: Person, orderId: string, updatedAt = '2026-04-01T10:00:00Z') => ({
    orderId,
    customerId: p.customerId,
    email: p.email,
    total: 42,
    currency: 'EUR',
    createdAt: '2026-04-01T10:00:00Z',
    updatedAt,
    lines: [
      { productId: '5001', variantId: '6001', sku: 'S1', name: 'Lens', price: 42, quantity: 1 },
    ],
  });
  const profilesOf = async (email: string) =>
    (
      await json<{ data: Profile[] }>(
        await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`),
      )
    ).data;
  const orderOf = async (id: string) => {
    const res = await t.api(`/api/v1/orders/${id}`);
    return res.status === 200 ? json<Order>(res) : null;
  };

  /** The person everywhere: tracking, a Shopify order and access request, an import. */
  async function spread(p: Person, orderId: string): Promise<{ profileId: string; jobId: string }> {
    const identify = await t.send('/v1/identify', {
      userId: p.userId,
      timestamp: '2026-03-01T10:00:00Z',
      traits: {
        email: p.email,
        phone: p.phone,
        customer_id: p.customerId,
        first_name: p.firstName,
        last_name: p.lastName,
      },
    });
    expect(identify.status).toBe(200);
    for (const d of shopifyKit.orderCreated(orderSpec(p, orderId), SECRET, `${engine}-${orderId}`))
      await post(d);
    await gdpr('customers/data_request', {
      shop_id: 954889,
      shop_domain: 'comeback-test.myshopify.com',
      orders_requested: [Number(orderId)],
      customer: { id: Number(p.customerId), email: p.email, phone: p.phone },
      data_request: { id: 9999 },
    });
    // One good row and one the import rejects (an unreadable time): both name the person.
    const file = path.join(dataDir, `customers-${++n}.csv`);
    fs.writeFileSync(
      file,
      [
        'customer_id,email,phone,first_name,last_name,updated_at',
        `${p.customerId},${p.email},${p.phone},${p.firstName},${p.lastName},2026-03-02T10:00:00Z`,
        `${p.customerId},${p.email},${p.phone},${p.firstName},${p.lastName},not-a-time`,
      ].join('\n') + '\n',
    );
    const run = await t.server.services.imports.run({
      workspaceId: 'default',
      kind: 'customers',
      path: file,
    });
    if (!run.ok) throw new Error(run.error.message);
    const summary = run.value;
    expect(summary.rejected).toBe(1);
    fs.rmSync(file); // the store's own input file is not ours to erase
    await t.settle();
    const [profile, ...others] = await profilesOf(p.email);
    expect(others).toEqual([]);
    if (!profile) throw new Error('the person has no profile');
    expect(profile.computed.order_count).toBe(1);
    return { profileId: profile.id, jobId: summary.jobId };
  }

  it('DELETE /profiles/{id} leaves the person in no table, file or API answer', async () => {
    const zed = person('zed', '7788');
    const { profileId, jobId } = await spread(zed, '91001');
    const before = await leftovers(t, dataDir, needlesOf(zed));
    // The test sees every copy it then expects gone (a grep that finds nothing proves nothing).
    expect(before).toEqual(
      expect.arrayContaining([
        `data_requests: ${zed.email}`,
        `identifiers: ${zed.email}`,
        `events: ${zed.lastName.toLowerCase()}`,
        expect.stringMatching(/\.rejected\.csv: zed/),
      ]),
    );
    const rejected = await t.api(`/api/v1/imports/${jobId}/rejected`);
    expect(await rejected.text()).toContain(zed.email);

    expect((await t.api(`/api/v1/profiles/${profileId}`, { method: 'DELETE' })).status).toBe(200);
    expect(await leftovers(t, dataDir, needlesOf(zed))).toEqual([]);
    const requests = await json<{ data: unknown[] }>(
      await t.api(`/api/v1/connectors/${connectorId}/data-requests`),
    );
    expect(requests.data).toEqual([]);
    const served = await t.api(`/api/v1/imports/${jobId}/rejected`);
    if (served.status === 200) expect(await served.text()).not.toContain(zed.email);
  });

  it('customers/redact leaves no copy either, its finished job included', async () => {
    const yul = person('yul', '4466');
    await spread(yul, '91002');
    await gdpr('customers/redact', {
      shop_id: 954889,
      shop_domain: 'comeback-test.myshopify.com',
      customer: { id: Number(yul.customerId), email: yul.email, phone: yul.phone },
      orders_to_redact: [91002],
    });
    const pending = await leftovers(t, dataDir, needlesOf(yul));
    expect(pending).toContain(`jobs: ${yul.email}`); // the request itself, until it is carried out
    await t.server.services.jobs.runDue();
    expect(await profilesOf(yul.email)).toEqual([]);
    expect(await leftovers(t, dataDir, needlesOf(yul))).toEqual([]);
  });

  it('an erased order stays erased: a later orders/updated neither recreates nor counts it', async () => {
    const xia = person('xia', '2255');
    for (const d of shopifyKit.orderCreated(orderSpec(xia, '91003'), SECRET, `${engine}-x1`))
      await post(d);
    const [before] = await profilesOf(xia.email);
    expect(before?.computed.order_count).toBe(1);
    const erasedAt = t.server.services.clock.now();
    expect((await t.api(`/api/v1/profiles/${before?.id}`, { method: 'DELETE' })).status).toBe(200);
    // A routine update of the order, stamped after the erasure.
    const later = new Date(erasedAt + 60_000).toISOString();
    for (const d of shopifyKit.orderUpdated(orderSpec(xia, '91003', later), SECRET, `${engine}-x2`))
      await post(d);
    expect(await orderOf('91003')).toBeNull();
    const back = await profilesOf(xia.email);
    expect(back.map((p) => p.computed.order_count)).not.toContain(1);
    expect(back.every((p) => p.computed.first_order_at === null)).toBe(true);
  });

  it('an update of an order never seen does not place it at the update time', async () => {
    const call = (event: string, at: string, properties: Record<string, unknown>) => ({
      type: 'track',
      userId: `upd-${engine}`,
      event,
      timestamp: at,
      properties: { order_id: `U-${engine}`, ...properties },
    });
    await t.send('/v1/batch', {
      batch: [
        call('Order Updated', '2026-05-03T10:00:00Z', {
          total: 80,
          updated_at: '2026-05-03T10:00:00Z',
        }),
      ],
    });
    await t.settle();
    const found = await json<{ data: Profile[] }>(
      await t.api(`/api/v1/profiles?userId=upd-${engine}`),
    );
    expect(found.data[0]?.computed).toMatchObject({ order_count: 0, first_order_at: null });
    expect(await orderOf(`U-${engine}`)).toBeNull();
    // The placement arrives late: counted once, at its own time, with the newer total.
    await t.send('/v1/batch', {
      batch: [call('Order Completed', '2026-05-01T10:00:00Z', { total: 60 })],
    });
    await t.settle();
    const order = await orderOf(`U-${engine}`);
    expect(order).toMatchObject({ orderedAt: '2026-05-01T10:00:00.000Z', total: 80 });
    const after = await json<{ data: Profile[] }>(
      await t.api(`/api/v1/profiles?userId=upd-${engine}`),
    );
    expect(after.data[0]?.computed).toMatchObject({ order_count: 1, total_spent: 80 });
  });
});
