/**
 * "Viewed an out-of-stock product" changes when the catalog's stock crosses zero, with no event
 * from the profile: the catalog records the crossing with the stock, and the processor
 * re-checks the stored membership of exactly the profiles who viewed that product (ADR 0018),
 * recording each entry and exit with its time and cause. Through real HTTP on both engines:
 * the admin catalog API and a Shopify connector's product and inventory webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  productViewsQuery,
  StockRechecks,
} from '../../src/modules/segments/segment-stock-rechecks.js';
import { ManualClock } from '../../src/platform/clock.js';
import { fixture, shopifyDelivery } from '../connectors/shopify-kit.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SECRET = 'stock-recheck-secret';
const iso = (ms: number) => new Date(ms).toISOString();
/** The Shopify fixture's product and the inventory item of its pink variant. */
const IPOD = '632910392';
const PINK = '808950810';

interface ProfileSegments {
  data: { segmentId: string; name: string; since: string; cause: string }[];
}
interface History {
  size: number;
  /** Newest first. */
  recent: { profileId: string; kind: string; at: string; cause: string }[];
}

describe.each(engines)('stock changes re-check viewed_out_of_stock on %s', (engine) => {
  let ts: TestServer;
  const clock = new ManualClock(T0);
  let segmentId = '';
  let connectorId = '';
  let webhooks = 0;

  beforeAll(async () => {
    ts = await startTestServer(engine, { clock, background: false });
  });
  afterAll(async () => {
    await ts?.stop();
  });

  const putProduct = async (id: string, body: Record<string, unknown>) => {
    const res = await ts.api(`/api/v1/products/${id}`, { method: 'PUT', body });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const viewed = async (userId: string, productId: string, at: number) => {
    const res = await ts.send('/v1/track', {
      userId,
      messageId: `${userId}-${productId}-${at}`,
      event: 'Product Viewed',
      properties: { product_id: productId },
      timestamp: iso(at),
    });
    expect(res.status).toBe(200);
  };
  const profileOf = async (userId: string) => {
    const body = await json<{ data: { id: string }[] }>(
      await ts.api(`/api/v1/profiles?userId=${userId}`),
    );
    const id = body.data[0]?.id;
    if (id === undefined) throw new Error(`no profile for ${userId}`);
    return id;
  };
  const segmentsOf = async (userId: string) =>
    (
      await json<ProfileSegments>(
        await ts.api(`/api/v1/profiles/${await profileOf(userId)}/segments`),
      )
    ).data.map((m) => ({ segmentId: m.segmentId, since: m.since, cause: m.cause }));
  const history = async () =>
    json<History>(await ts.api(`/api/v1/segments/${segmentId}/history?days=7`));
  /** The profile's own events (its timeline also shows its segment entries and exits). */
  const ownEvents = async (userId: string) =>
    (
      await json<{ data: { event?: string }[] }>(
        await ts.api(`/api/v1/profiles/${await profileOf(userId)}/events?limit=100`),
      )
    ).data.filter((e) => e.event !== 'Segment Entered' && e.event !== 'Segment Exited').length;
  const shopify = async (topic: string, resource: unknown) => {
    const d = shopifyDelivery(topic, resource, SECRET, `${engine}-${++webhooks}`);
    const res = await fetch(`${ts.url}/webhooks/shopify/${connectorId}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };

  it('leaves viewers out while the product is in stock', async () => {
    await putProduct('boot', { title: 'Boot', stock: 5 });
    await putProduct('hat', { title: 'Hat', stock: 3 });
    const created = await ts.api('/api/v1/segments', {
      method: 'POST',
      body: {
        name: 'Saw something sold out',
        condition: {
          type: 'viewed_out_of_stock',
          window: { kind: 'last', amount: 30, unit: 'days' },
        },
      },
    });
    expect(created.status).toBe(201);
    segmentId = (await json<{ id: string }>(created)).id;
    await viewed('ana', 'boot', T0 - 2 * DAY);
    await viewed('bo', 'hat', T0 - DAY);
    // cy viewed the boot too, but 40 days ago: outside what the condition counts.
    await viewed('cy', 'boot', T0 - 40 * DAY);
    await ts.settle();
    expect(await segmentsOf('ana')).toEqual([]);
    expect(await segmentsOf('bo')).toEqual([]);
    expect(await segmentsOf('cy')).toEqual([]);
  });

  it('enters the viewers when the stock drops to zero through the catalog API', async () => {
    clock.advance(HOUR);
    const droppedAt = clock.now();
    const anaEvents = await ownEvents('ana');
    await putProduct('boot', { stock: 0 });
    await ts.settle();
    const cause = 'stock: boot out of stock';
    expect(await segmentsOf('ana')).toEqual([{ segmentId, since: iso(droppedAt), cause }]);
    // No event of ana's caused it; bo viewed another product and cy too long ago.
    expect(await ownEvents('ana')).toBe(anaEvents);
    expect(await segmentsOf('bo')).toEqual([]);
    expect(await segmentsOf('cy')).toEqual([]);
    const h = await history();
    expect(h.size).toBe(1);
    expect(h.recent).toEqual([
      { profileId: await profileOf('ana'), kind: 'entered', at: iso(droppedAt), cause },
    ]);
    // Stock moving without crossing zero again changes nothing.
    clock.advance(HOUR);
    await putProduct('boot', { stock: -2 });
    await ts.settle();
    expect((await history()).recent).toHaveLength(1);
  });

  it('exits them when it is restocked', async () => {
    clock.advance(HOUR);
    const restockedAt = clock.now();
    await putProduct('boot', { stock: 4 });
    await ts.settle();
    expect(await segmentsOf('ana')).toEqual([]);
    const h = await history();
    expect(h.size).toBe(0);
    expect(h.recent[0]).toEqual({
      profileId: await profileOf('ana'),
      kind: 'exited',
      at: iso(restockedAt),
      cause: 'stock: boot back in stock',
    });
    expect(h.recent.map((c) => c.profileId)).not.toContain(await profileOf('bo'));
  });

  it("follows a store connector's product and inventory webhooks the same way", async () => {
    const res = await ts.api('/api/v1/connectors', {
      method: 'POST',
      body: { platform: 'shopify', name: 'Shopify shop', secret: SECRET },
    });
    expect(res.status).toBe(201);
    connectorId = (await json<{ id: string }>(res)).id;
    const product = fixture('product.json');
    const variants = (Array.isArray(product.variants) ? product.variants : []) as {
      id: number;
    }[];
    await shopify('products/create', product);
    await viewed('dee', IPOD, clock.now());
    await ts.settle();
    expect(await segmentsOf('dee')).toEqual([]);

    // Every variant sold out: the product's stock (their sum) drops to zero.
    clock.advance(HOUR);
    const soldOutAt = clock.now();
    await shopify('products/update', {
      ...product,
      updated_at: '2018-05-01T10:00:00-04:00',
      variants: variants.map((v) => ({
        ...v,
        ...(v.id === Number(PINK) ? { inventory_item_id: Number(PINK) } : {}),
        inventory_quantity: 0,
      })),
    });
    await ts.settle();
    expect(await segmentsOf('dee')).toEqual([
      { segmentId, since: iso(soldOutAt), cause: `stock: ${IPOD} out of stock` },
    ]);
    expect(await segmentsOf('ana')).toEqual([]);

    // One location restocks the pink variant: back above zero, through the inventory level.
    clock.advance(HOUR);
    await shopify('inventory_levels/update', fixture('inventory_level.json'));
    await ts.settle();
    expect(await segmentsOf('dee')).toEqual([]);
    expect((await history()).recent[0]).toMatchObject({
      profileId: await profileOf('dee'),
      kind: 'exited',
      cause: `stock: ${IPOD} back in stock`,
    });
  });
});

describe.each(engines)('stock re-checks in bounded batches on %s', (engine) => {
  let ts: TestServer;
  const clock = new ManualClock(T0);
  const viewers = ['v1', 'v2', 'v3', 'v4', 'v5'];

  beforeAll(async () => {
    ts = await startTestServer(engine, { clock, background: false });
  });
  afterAll(async () => {
    await ts?.stop();
  });

  const database = () => ts.server.services.database;
  const putProduct = async (id: string, stock: number) => {
    clock.advance(HOUR);
    const res = await ts.api(`/api/v1/products/${id}`, { method: 'PUT', body: { stock } });
    expect(res.status).toBe(200);
  };

  it('works a crossing off a few views per batch, each viewer once, then prunes it', async () => {
    await putProduct('lamp', 2);
    await putProduct('rug', 2);
    for (const [i, userId] of viewers.entries()) {
      await ts.send('/v1/track', {
        userId,
        messageId: `view-${userId}`,
        event: 'Product Viewed',
        properties: { product_id: i === 2 ? 'rug' : 'lamp' },
        timestamp: iso(clock.now()),
      });
      // Each viewer's own other events sit between the views in the log.
      await ts.send('/v1/identify', { userId, messageId: `id-${userId}`, traits: { n: i } });
    }
    await ts.settle();
    const product = await database()
      .db.selectFrom('products')
      .select('workspace_id')
      .where('id', '=', 'lamp')
      .executeTakeFirstOrThrow();
    const segment = {
      id: 'seg-test',
      workspaceId: product.workspace_id,
      condition: { type: 'viewed_out_of_stock' as const },
    };
    await putProduct('lamp', 0);

    const rechecks = new StockRechecks(database(), { viewsPerBatch: 1 });
    const batches: { ids: string[]; cause: string }[][] = [];
    for (let n = 0; n < 20; n++) {
      const calls: { ids: string[]; cause: string }[] = [];
      await database()
        .db.transaction()
        .execute((trx) =>
          rechecks.run(trx, clock.now(), [segment], async (_s, ids, cause) => {
            calls.push({ ids: [...ids], cause });
          }),
        );
      batches.push(calls);
    }
    const rechecked = batches.flat().flatMap((c) => c.ids);
    const ids = await Promise.all(
      viewers.map(async (u) => {
        const body = await json<{ data: { id: string }[] }>(
          await ts.api(`/api/v1/profiles?userId=${u}`),
        );
        return body.data[0]?.id ?? '';
      }),
    );
    // Four views of the lamp at one view a batch: four batches re-check, one viewer each.
    expect(batches.filter((b) => b.length > 0).length).toBe(4);
    expect(batches.flat().every((c) => c.ids.length === 1)).toBe(true);
    expect(batches.flat().every((c) => c.cause === 'stock: lamp out of stock')).toBe(true);
    expect([...rechecked].sort()).toEqual(ids.filter((_, i) => i !== 2).sort());
    // Done: the last batches found nothing more.
    expect(batches.at(-1)).toEqual([]);

    // The next crossing is taken in after it; the writer of the one after deletes those the
    // processor has passed (it keeps the last one taken in, which marks where it is).
    await putProduct('rug', 0);
    const crossings = async () =>
      (
        await database()
          .db.selectFrom('stock_crossings')
          .select(['product_id', 'out_of_stock'])
          .orderBy('seq')
          .execute()
      ).map((r) => `${r.product_id}:${Number(r.out_of_stock)}`);
    expect(await crossings()).toEqual(['lamp:1', 'rug:1']);
    const rug: string[] = [];
    for (let n = 0; n < 10; n++) {
      await database()
        .db.transaction()
        .execute((trx) =>
          rechecks.run(trx, clock.now(), [segment], async (_s, found, cause) => {
            expect(cause).toBe('stock: rug out of stock');
            rug.push(...found);
          }),
        );
    }
    expect(rug).toEqual([ids[2]]);
    await putProduct('lamp', 3);
    expect(await crossings()).toEqual(['rug:1', 'lamp:0']);
  });

  it("looks a crossing's views up through the index of product views, not the log", async () => {
    const query = productViewsQuery(engine, {
      workspaceId: 'w',
      productId: 'lamp',
      after: 0,
      upTo: 1_000_000,
      since: 0,
      limit: 100,
    }).compile(database().db);
    const explain = engine === 'sqlite' ? 'explain query plan ' : 'explain ';
    const { rows } = await database().db.executeQuery<Record<string, unknown>>({
      ...query,
      sql: explain + query.sql,
    });
    const plan = rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join('\n');
    expect(plan).toContain('events_product_views');
    if (engine === 'postgres') {
      // With so few rows PostgreSQL would rather scan: the index must at least be usable.
      return;
    }
    expect(plan).not.toMatch(/SCAN e\b/);
  });

  it.runIf(engine === 'postgres')(
    'never moves past a crossing whose writer has not committed yet',
    async () => {
      const rechecks = new StockRechecks(database());
      const segment = {
        id: 'seg-test',
        workspaceId: (
          await database()
            .db.selectFrom('products')
            .select('workspace_id')
            .where('id', '=', 'lamp')
            .executeTakeFirstOrThrow()
        ).workspace_id,
        condition: { type: 'viewed_out_of_stock' as const },
      };
      const batch = async () => {
        const causes: string[] = [];
        await database()
          .db.transaction()
          .execute((trx) =>
            rechecks.run(trx, clock.now(), [segment], async (_s, _ids, cause) => {
              causes.push(cause);
            }),
          );
        return causes;
      };
      while ((await batch()).length > 0) {
        /* the lamp's restock from the test before */
      }
      // A slow writer takes a smaller seq and commits after a quicker one.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const catalog = ts.server.services.catalog;
      let recorded = () => {};
      const slowRecorded = new Promise<void>((resolve) => (recorded = resolve));
      const slow = database()
        .db.transaction()
        .execute(async (trx) => {
          await catalog.store.upsert(trx, segment.workspaceId, [{ id: 'rug', stock: 5 }], {
            source: 'api',
            now: clock.now(),
          });
          recorded();
          await held;
        });
      await slowRecorded;
      await putProduct('lamp', 0);
      expect(await batch()).toEqual([]);
      release();
      await slow;
      expect(await batch()).toEqual(['stock: rug back in stock', 'stock: lamp out of stock']);
    },
  );
});
