import type { Order } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace, insertKey } from '../src/modules/workspaces/index.js';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const OTHER = { write: 'cbw_isolation_other_write', admin: 'cba_isolation_other_admin' };

/** A key of one workspace never sees another's catalog, orders or connectors. */
describe.each(engines)('store data stays in its workspace on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    const db = t.server.services.database.db;
    const now = t.server.services.clock.now();
    await ensureWorkspace(db, { id: 'ws-iso', name: 'Other store', now });
    for (const scope of ['write', 'admin'] as const) {
      await insertKey(db, { workspaceId: 'ws-iso', scope, key: OTHER[scope], now });
    }
  });
  afterAll(async () => t?.stop());

  const order = (key: string | undefined, total: number) =>
    t.send(
      '/v1/track',
      {
        userId: 'same-user',
        event: 'Order Completed',
        properties: {
          order_id: 'SAME-1',
          total,
          products: [{ product_id: 'p1', price: total, quantity: 1 }],
        },
      },
      key,
    );

  it('keeps the same order id in two stores as two orders', async () => {
    expect((await order(undefined, 10)).status).toBe(200);
    expect((await order(OTHER.write, 99)).status).toBe(200);
    await t.settle();
    const mine = await json<Order>(await t.api('/api/v1/orders/SAME-1'));
    const theirs = await json<Order>(await t.api('/api/v1/orders/SAME-1', { key: OTHER.admin }));
    expect([mine.total, theirs.total]).toEqual([10, 99]);
    expect(mine.profileId).not.toBe(theirs.profileId);
    expect(
      (await t.api(`/api/v1/profiles/${mine.profileId}/orders`, { key: OTHER.admin })).status,
    ).toBe(404);
  });

  it("cannot see another store's products, catalog events or connectors", async () => {
    await t.api('/api/v1/products', {
      method: 'POST',
      body: { id: 'only-here', title: 'Mine', stock: 0 },
    });
    await t.api('/api/v1/products', { method: 'POST', body: { id: 'only-here', stock: 3 } });
    const created = await json<{ id: string }>(
      await t.api('/api/v1/connectors', {
        method: 'POST',
        body: { platform: 'woocommerce', name: 'Mine' },
      }),
    );
    expect((await t.api('/api/v1/products/only-here', { key: OTHER.admin })).status).toBe(404);
    expect(
      (await json<{ data: unknown[] }>(await t.api('/api/v1/products', { key: OTHER.admin }))).data,
    ).toEqual([]);
    expect(
      (await json<{ data: unknown[] }>(await t.api('/api/v1/catalog-events', { key: OTHER.admin })))
        .data,
    ).toEqual([]);
    expect(
      (await json<{ data: unknown[] }>(await t.api('/api/v1/catalog-events'))).data,
    ).toHaveLength(1);
    expect((await t.api(`/api/v1/connectors/${created.id}`, { key: OTHER.admin })).status).toBe(
      404,
    );
    expect(
      (await t.api(`/api/v1/connectors/${created.id}/deliveries`, { key: OTHER.admin })).status,
    ).toBe(404);
    expect(
      (await t.api(`/api/v1/connectors/${created.id}`, { method: 'DELETE', key: OTHER.admin }))
        .status,
    ).toBe(404);
    expect(
      (await json<{ data: unknown[] }>(await t.api('/api/v1/connectors', { key: OTHER.admin })))
        .data,
    ).toEqual([]);
  });
});
