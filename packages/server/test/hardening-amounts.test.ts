/**
 * Money and quantities at every edge (issue 9, item 3), on both engines: absurd, non-finite,
 * negative and non-numeric amounts are refused by tracking (400 naming the event and field),
 * by a webhook (a failed delivery saying why) and by imports (a rejected row with its reason);
 * and a profile whose stored numbers are already absurd - written before the edges checked -
 * still reads, and the customer-value fit and status still answer.
 */
import type { Order, Profile } from '@comeback/contracts';
import { MAX_AMOUNT } from '@comeback/contracts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCallRow } from '../src/modules/ingest/index.js';
import {
  fitCustomerValue,
  predictCustomer,
  scoringModelOf,
} from '../src/modules/insights/btyd/customer-value.js';
import { simulateCustomers } from '../src/modules/insights/btyd/simulate.js';
import { DAY_MS, summarizePurchases } from '../src/modules/insights/btyd/summaries.js';
import { MAX_MONEY_SUM } from '../src/modules/profiles/profile-state.js';
import { wooDelivery, wooFixture } from './connectors/woocommerce-kit.js';
import { engines } from './support/engines.js';
import { expectEnvelope, expectRefused, rowCounts } from './support/rejections.js';
import { ADMIN_KEY, json, startTestServer, type TestServer } from './support/test-server.js';
import { fitAndWait } from './insights/customer-value-fit-helper.js';

const WOO_SECRET = 'woo-amounts-secret-0001';

const order = (userId: string, orderId: string, properties: Record<string, unknown>) => ({
  userId,
  event: 'Order Completed',
  properties: { order_id: orderId, currency: 'EUR', ...properties },
});

it('keeps every customer-value estimate finite with orders at the amount bound', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  const start = now - 78 * 7 * DAY_MS;
  const simulated = simulateCustomers({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 400, {
    seed: 3,
    weeks: 78,
    acquisitionWeeks: 12,
    spend: { p: 6.25, q: 3.74, gamma: 15.44 },
  });
  // Three customers whose every order is worth the largest amount any edge accepts.
  const summaries = simulated.flatMap((c, i) => {
    const purchases = c.purchases.map((w, k) => ({
      at: start + w * 7 * DAY_MS,
      value: i < 3 ? MAX_AMOUNT : (c.values[k] ?? 0),
    }));
    const summary = summarizePurchases(purchases, now);
    return summary ? [summary] : [];
  });
  const scoring = scoringModelOf(fitCustomerValue(summaries));
  expect(Number.isFinite(scoring.rules.storeMeanValue)).toBe(true);
  for (const c of summaries) {
    const p = predictCustomer(scoring, c);
    for (const v of [p.pAlive, p.expectedOrders90d, p.expectedOrders365d, p.spend, p.clv365d]) {
      expect(Number.isFinite(v)).toBe(true);
    }
  }
});

describe.each(engines)('amounts at every edge on %s', (engine) => {
  let t: TestServer;
  let connectorId = '';
  let dir = '';
  beforeAll(async () => {
    t = await startTestServer(engine);
    const res = await t.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'woocommerce', name: 'Woo shop', secret: WOO_SECRET },
    });
    expect(res.status).toBe(201);
    connectorId = (await json<{ id: string }>(res)).id;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-amounts-'));
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const profileOf = async (userId: string): Promise<Profile | undefined> => {
    const res = await t.api(`/api/v1/profiles?userId=${userId}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await json<{ data: Profile[] }>(res)).data[0];
  };

  it('refuses the 1e200 × 1e200 order with 400 naming the field, and stores nothing', async () => {
    const huge = order('u-huge', 'H-1', {
      products: [{ product_id: 'p', price: 1e200, quantity: 1e200 }],
    });
    const body = await expectRefused(t, () => t.send('/v1/track', huge), {
      status: 400,
      code: 'validation_failed',
      field: 'properties.products.0.price',
    });
    expect(body.error.details.map((d) => d.field)).toContain('properties.products.0.quantity');
    expect(body.error.message).toContain('1e+12');
    // In a batch, the call's index is named too.
    await expectRefused(
      t,
      () =>
        t.send('/v1/batch', {
          batch: [
            { type: 'track', userId: 'u-huge', event: 'Product Viewed' },
            { type: 'track', ...huge },
          ],
        }),
      { status: 400, code: 'validation_failed', field: 'batch.1.properties.products.0.price' },
    );
    // Lines within the bounds that multiply past it, without a total, are refused as well.
    await expectRefused(
      t,
      () =>
        t.send('/v1/track', order('u-huge', 'H-2', { products: [{ price: 1e9, quantity: 1e6 }] })),
      { status: 400, code: 'validation_failed', field: 'properties.products.0' },
    );
    expect(await profileOf('u-huge')).toBeUndefined();
  });

  it('refuses negative, non-numeric and non-finite order amounts with a clear message', async () => {
    const refused = async (properties: Record<string, unknown>, field: string, mentions: string) =>
      expectRefused(t, () => t.send('/v1/track', order('u-neg', 'N-1', properties)), {
        status: 400,
        code: 'validation_failed',
        field,
        mentions,
      });
    await refused({ total: -50 }, 'properties.total', 'Order Refunded');
    await refused({ total: 'abc' }, 'properties.total', 'must be a number');
    await refused({ revenue: '' }, 'properties.revenue', 'must be a number');
    await refused({ total: 10, tax: -1 }, 'properties.tax', 'negative');
    await refused(
      { products: [{ price: 5, quantity: -2 }] },
      'properties.products.0.quantity',
      'negative',
    );
    await refused({ total: MAX_AMOUNT * 10 }, 'properties.total', 'at most');
    // JSON's 1e400 parses to Infinity.
    await expectRefused(
      t,
      () =>
        t.send(
          '/v1/track',
          '{"userId":"u-neg","event":"Order Completed","properties":{"order_id":"N-2","total":1e400}}',
        ),
      { status: 400, code: 'validation_failed', field: 'properties.total' },
    );
    // A refund cannot be negative either.
    await expectRefused(
      t,
      () =>
        t.send('/v1/track', {
          userId: 'u-neg',
          event: 'Order Refunded',
          properties: { order_id: 'N-1', total: -5 },
        }),
      { status: 400, code: 'validation_failed', field: 'properties.total' },
    );
    expect(await profileOf('u-neg')).toBeUndefined();
  });

  it('accepts amounts up to the bound, decimal strings, and text amounts on other events', async () => {
    const ok = async (call: unknown) => {
      const res = await t.send('/v1/track', call);
      expect(res.status, await res.text()).toBe(200);
    };
    await ok(order('u-ok', 'OK-1', { total: MAX_AMOUNT }));
    await ok(order('u-ok', 'OK-2', { total: '59.90', discount: -5 }));
    // Not an order: a text price is stored as sent (nothing adds it up), a number is bounded.
    await ok({ userId: 'u-ok', event: 'Product Viewed', properties: { price: '19,99 €' } });
    await expectRefused(
      t,
      () =>
        t.send('/v1/track', {
          userId: 'u-ok',
          event: 'Product Viewed',
          properties: { price: 1e200 },
        }),
      { status: 400, code: 'validation_failed', field: 'properties.price' },
    );
    await t.settle();
    const p = await profileOf('u-ok');
    expect(p?.computed).toMatchObject({ order_count: 2, total_spent: MAX_AMOUNT + 59.9 });
  });

  it('fails a webhook delivery whose order total is negative, "abc" or absurd, saying why', async () => {
    const deliver = (resource: unknown, deliveryId: string) => {
      const d = wooDelivery('order.created', resource, WOO_SECRET, deliveryId);
      return fetch(`${t.url}/webhooks/woocommerce/${connectorId}`, {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      });
    };
    const base = wooFixture('order');
    const items = Array.isArray(base.line_items) ? base.line_items : [];
    const cases = [
      { id: 'neg', resource: { ...base, id: 801, total: '-50.00' }, field: 'properties.total' },
      { id: 'abc', resource: { ...base, id: 802, total: 'abc' }, field: 'total' },
      {
        id: 'huge',
        resource: {
          ...base,
          id: 803,
          line_items: items.map((l: unknown) => ({
            ...(typeof l === 'object' && l !== null ? l : {}),
            price: `1${'0'.repeat(200)}`,
          })),
        },
        field: 'line_items.0.price',
      },
    ];
    for (const c of cases) {
      // Only the delivery log changes: the failure is recorded there, nothing else is written.
      const before = await rowCounts(t);
      await expectEnvelope(await deliver(c.resource, `amounts-${c.id}`), {
        status: 400,
        code: 'validation_failed',
        field: c.field,
      });
      expect(await rowCounts(t)).toEqual({
        ...before,
        webhook_deliveries: before.webhook_deliveries + 1,
      });
    }
    const res = await t.api(`/api/v1/connectors/${connectorId}/deliveries?limit=100&failed=true`);
    const failed = (await json<{ data: { deliveryId: string; error: string }[] }>(res)).data;
    const errorOf = (id: string) => failed.find((d) => d.deliveryId.includes(id))?.error;
    expect(errorOf('amounts-neg')).toMatch(/properties\.total: must not be negative/);
    expect(errorOf('amounts-abc')).toContain('total');
    expect(errorOf('amounts-huge')).toContain('line_items.0.price');
  });

  it('refuses negative and "abc" totals in an orders import, row by row with the reason', async () => {
    const file = path.join(dir, 'orders.csv');
    fs.writeFileSync(
      file,
      [
        'order_id,email,total,line.sku,line.price,line.quantity',
        'I-1,imp@example.com,10,A,10,1',
        'I-2,imp@example.com,-50,A,10,1',
        'I-3,imp@example.com,abc,A,10,1',
        `I-4,imp@example.com,,A,${1e200},1`,
        'I-5,imp@example.com,,A,10,-3',
      ].join('\n'),
    );
    const res = await fetch(`${t.url}/api/v1/imports?kind=orders&name=orders.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
      body: fs.readFileSync(file),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const summary = await finishedImport(t, (await json<{ id: string }>(res)).id);
    expect(summary).toMatchObject({ rows: 5, imported: 1, rejected: 4 });
    const reasons = summary.errors.map((e) => [e.line, e.message]);
    expect(reasons).toEqual([
      [3, expect.stringContaining('total is -50')],
      [4, expect.stringContaining('expected a number, got "abc"')],
      [5, expect.stringContaining('over the limit')],
      [6, expect.stringContaining('line.quantity is -3')],
    ]);
    await t.settle();
    const profile = (
      await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?email=imp@example.com'))
    ).data[0];
    expect(profile?.computed).toMatchObject({ order_count: 1, total_spent: 10 });
  });

  it('applies order events logged before the edges checked without overflowing', async () => {
    // Written straight into the log, as the tracking API accepted them before this fix.
    const at = t.server.services.clock.now();
    const old = (messageId: string, properties: Record<string, unknown>) =>
      serverCallRow(
        'default',
        {
          type: 'track',
          event: 'Order Completed',
          messageId,
          timestamp: at,
          identity: { customer_id: 'c-logged' },
          properties,
        },
        { kind: 'test' },
        at,
      );
    await t.server.services.appendQueue.append([
      old('logged-1', { order_id: 'L-1', products: [{ price: 1e200, quantity: 1e200 }] }),
      old('logged-2', { order_id: 'L-2', total: -50 }),
      old('logged-3', { order_id: 'L-3', total: 'abc', products: [{ price: 4, quantity: 2 }] }),
    ]);
    await t.settle();
    const res = await t.api('/api/v1/profiles?customerId=c-logged');
    expect(res.status, await res.clone().text()).toBe(200);
    const [p] = (await json<{ data: Profile[] }>(res)).data;
    // The absurd line and the negative total count as not given; "abc" falls back to the lines.
    expect(p?.computed).toMatchObject({ order_count: 3, total_spent: 8 });
  });

  it('still reads a profile whose stored numbers are absurd, and fits customer value', async () => {
    // A profile with one order, then its numbers made absurd as an unchecked edge left them.
    const res = await t.send(
      '/v1/track',
      order('u-old', 'OLD-1', { products: [{ product_id: 'p', price: 5, quantity: 2 }] }),
    );
    expect(res.status).toBe(200);
    await t.settle();
    const id = (await profileOf('u-old'))?.id ?? '';
    // A fit, then the profile, its order, prediction and the run made absurd as an unchecked
    // edge left them (a run's JSON keeps Infinity as null).
    await fitAndWait(t);
    const db = t.server.services.database.db;
    await db
      .updateTable('profiles')
      .set({ total_spent: Infinity, refunded_total: -Infinity })
      .where('id', '=', id)
      .execute();
    await db
      .updateTable('profile_orders')
      .set({ total: Infinity })
      .where('order_id', '=', 'OLD-1')
      .execute();
    await db
      .updateTable('profile_orders')
      .set({ lines: '[{"product_id":"p","price":1e200,"quantity":1e200}]' })
      .where('order_id', '=', 'OLD-1')
      .execute();
    await db
      .updateTable('customer_value_predictions')
      .set({ predicted_clv_365d: Infinity, expected_orders_365d: -Infinity })
      .where('profile_id', '=', id)
      .execute();
    const runs = await db.selectFrom('insights_model_runs').select(['id', 'parameters']).execute();
    for (const run of runs) {
      const parameters =
        typeof run.parameters === 'string' ? run.parameters : JSON.stringify(run.parameters);
      await db
        .updateTable('insights_model_runs')
        .set({
          parameters: parameters.replace(/"store_mean_value":[^,}]+/, '"store_mean_value":null'),
        })
        .where('id', '=', run.id)
        .execute();
    }

    const found = await profileOf('u-old');
    expect(found?.computed.total_spent).toBe(MAX_MONEY_SUM);
    expect(found?.computed.refunded_total).toBe(-MAX_MONEY_SUM);
    expect(Number.isFinite(found?.computed.average_order_value)).toBe(true);
    const byId = await t.api(`/api/v1/profiles/${id}`);
    expect(byId.status, await byId.clone().text()).toBe(200);
    expect((await json<Profile>(byId)).predictions).toMatchObject({ predicted_clv_365d: 0 });
    const orders = await t.api(`/api/v1/profiles/${id}/orders`);
    expect(orders.status, await orders.clone().text()).toBe(200);
    const [first] = (await json<{ data: Order[] }>(orders)).data;
    expect(first?.total).toBe(MAX_MONEY_SUM);
    expect((await t.api(`/api/v1/profiles/${id}/export`)).status).toBe(200);

    // The status passes over the unreadable run; a new fit leaves the absurd order out.
    const status = await t.api('/api/v1/insights/customer-value');
    expect(status.status, await status.clone().text()).toBe(200);
    await fitAndWait(t);
    const after = await json<{ lastRun: { parameters: { rules: { store_mean_value: number } } } }>(
      await t.api('/api/v1/insights/customer-value'),
    );
    expect(after.lastRun.parameters.rules.store_mean_value).toBeLessThanOrEqual(MAX_AMOUNT);
    // Still erasable.
    expect((await t.api(`/api/v1/profiles/${id}`, { method: 'DELETE' })).status).toBeLessThan(300);
  });
});

interface Summary {
  rows: number;
  imported: number;
  rejected: number;
  errors: { line: number; message: string }[];
}

/** Follows an import started through the API to its summary. */
async function finishedImport(t: TestServer, id: string): Promise<Summary> {
  for (let i = 0; i < 300; i++) {
    const job = await json<{ status: string; summary: Summary | null }>(
      await t.api(`/api/v1/imports/${id}`),
    );
    if (job.status === 'failed') throw new Error(`import ${id} failed`);
    if (job.status === 'done' && job.summary) return job.summary;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} did not finish`);
}
