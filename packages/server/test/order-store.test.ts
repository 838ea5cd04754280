/**
 * The processor's order storage (OrderStore over bulk-write.ts) on both engines: what save()
 * writes reads back through load()/knownRefunds() and the tables the order API reads, with the
 * conflict rules of each record kind - an order replaced whole, its lines replaced whole, a
 * refund recorded once, a fulfilment merged by the store's own time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderLine } from '../src/modules/profiles/ecommerce-facts.js';
import { decodeLines } from '../src/modules/profiles/order-lines.js';
import {
  AWAITING_ORDER,
  OrderStore,
  type FulfilmentRecord,
  type OrderRecord,
  type RefundRecord,
} from '../src/modules/profiles/order-store.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';
import { countLines } from './support/order-lines.js';

const WS = 'default';
const NOW = 1_767_225_600_000;

const order = (orderId: string, over: Partial<OrderRecord> = {}): OrderRecord => ({
  orderId,
  profileId: 'p-1',
  total: 123.45,
  refunded: 0,
  currency: 'EUR',
  orderedAt: NOW - 1000,
  status: 'placed',
  orderNumber: '#1001',
  customerId: 'c-1',
  subtotal: 110,
  discount: 0.5,
  tax: 8.8,
  shipping: 4.99,
  checkoutId: 'chk-1',
  sourceUpdatedAt: NOW - 1000,
  cancelledAt: null,
  fulfilledAt: null,
  deliveredAt: null,
  ...over,
});

const line = (n: number, over: Partial<OrderLine> = {}): OrderLine => ({
  id: `prod-${n}`,
  variantId: n % 2 ? `var-${n}` : null,
  sku: `SKU-${n}`,
  name: `Läder "väska" ${n}, 'stor' 🛍`,
  category: n % 3 ? 'Bags' : null,
  price: n % 4 ? 19.99 + n : null,
  quantity: 1 + (n % 3),
  ...over,
});

const fulfilment = (id: string, over: Partial<FulfilmentRecord> = {}): FulfilmentRecord => ({
  fulfilmentId: id,
  orderId: 'o-ship',
  status: 'in_transit',
  trackingCompany: 'DHL',
  trackingNumber: 'T1',
  trackingUrl: null,
  shippedAt: NOW - 500,
  deliveredAt: null,
  sourceUpdatedAt: NOW - 500,
  ...over,
});

const nothing = () => ({
  orders: [] as OrderRecord[],
  lines: new Map<string, OrderLine[]>(),
  refunds: [] as RefundRecord[],
  fulfilments: [] as FulfilmentRecord[],
});

describe.each(engines)('order storage on %s', (engine) => {
  let handle: TestDatabase;
  let database: Database;
  let store: OrderStore;
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    database = openDatabase(handle.url);
    await migrateToLatest(database);
    store = new OrderStore(database);
  });
  afterAll(async () => {
    await database?.close();
    await handle?.drop();
  });

  const save = (changes: Partial<ReturnType<typeof nothing>>, workspaceId = WS) =>
    database.db
      .transaction()
      .execute((trx) => store.save(trx, workspaceId, NOW, { ...nothing(), ...changes }));
  const storedLines = async (orderId: string) =>
    decodeLines(
      (
        await database.db
          .selectFrom('profile_orders')
          .select('lines')
          .where('workspace_id', '=', WS)
          .where('order_id', '=', orderId)
          .executeTakeFirst()
      )?.lines ?? null,
    );

  it('writes a batch of orders with 21 lines each and reads them back', async () => {
    const orders = Array.from({ length: 130 }, (_, i) =>
      order(`bulk-${i}`, {
        total: i + 0.1,
        currency: i % 2 ? null : 'SEK',
        orderedAt: i === 0 ? AWAITING_ORDER : NOW - i,
        subtotal: i % 3 ? null : 1.5,
        cancelledAt: i % 5 ? null : NOW,
      }),
    );
    const lines = new Map(
      orders.map((o, i) => [o.orderId, Array.from({ length: 21 }, (_, n) => line(n + i))]),
    );
    await save({ orders, lines });
    const loaded = await store.load(database.db, WS, [...orders.map((o) => o.orderId), 'absent']);
    expect(loaded.size).toBe(orders.length);
    for (const o of orders) expect(loaded.get(o.orderId)).toEqual(o);
    for (const id of ['bulk-0', 'bulk-63', 'bulk-64', 'bulk-129']) {
      expect(await storedLines(id)).toEqual(lines.get(id));
    }
    expect(await countLines(database.db, 'bulk-%')).toBe(130 * 21);
    const row = await database.db
      .selectFrom('profile_orders')
      .select('updated_at')
      .where('order_id', '=', 'bulk-1')
      .executeTakeFirstOrThrow();
    expect(Number(row.updated_at)).toBe(NOW);
  });

  it('replaces an order whole, and its lines only when new lines come', async () => {
    await save({
      orders: [order('o-1'), order('o-2')],
      lines: new Map([
        ['o-1', [line(1), line(2), line(3)]],
        ['o-2', [line(4)]],
      ]),
    });
    // Every field changes (a merge moved it, a cancellation closed it, an update rewrote it).
    const moved: OrderRecord = {
      orderId: 'o-1',
      profileId: 'p-2',
      total: 99.5,
      refunded: 12.25,
      currency: null,
      orderedAt: NOW - 2000,
      status: 'cancelled',
      orderNumber: null,
      customerId: 'c-2',
      subtotal: null,
      discount: null,
      tax: 1,
      shipping: null,
      checkoutId: null,
      sourceUpdatedAt: NOW,
      cancelledAt: NOW,
      fulfilledAt: NOW - 1,
      deliveredAt: NOW - 2,
    };
    expect(
      Object.entries(moved).filter(([k, v]) => order('o-1')[k as keyof OrderRecord] === v),
    ).toEqual([['orderId', 'o-1']]);
    await save({
      orders: [moved, order('o-2', { total: 5 })],
      lines: new Map([['o-1', [line(9)]]]),
    });
    const loaded = await store.load(database.db, WS, ['o-1', 'o-2', 'o-1']);
    expect(loaded.get('o-1')).toEqual(moved);
    expect(loaded.get('o-2')?.total).toBe(5);
    expect(await storedLines('o-1')).toEqual([line(9)]);
    expect(await storedLines('o-2')).toEqual([line(4)]);
  });

  it('records a refund once and knows it afterwards', async () => {
    const refund = (amount: number): RefundRecord => ({
      refundId: 'r-1',
      orderId: 'o-1',
      amount,
      refundedAt: NOW,
      reason: `customer's "choice"`,
      lines: [line(1)],
    });
    expect(await store.knownRefunds(database.db, WS, ['r-1'])).toEqual(new Set());
    await save({ refunds: [refund(10)] });
    await save({ refunds: [refund(99)] });
    expect(await store.knownRefunds(database.db, WS, ['r-1', 'r-2', 'r-1'])).toEqual(
      new Set(['r-1']),
    );
    const rows = await database.db.selectFrom('order_refunds').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.amount)).toBe(10);
    expect(rows[0]?.reason).toBe(`customer's "choice"`);
    const stored = rows[0]?.lines;
    expect(typeof stored === 'string' ? JSON.parse(stored) : stored).toEqual([line(1)]);
  });

  it('merges a fulfilment by the store’s time: newer status, known details kept', async () => {
    await save({ fulfilments: [fulfilment('f-1'), fulfilment('f-2')] });
    await save({
      fulfilments: [
        // Newer: its status wins; a missing tracking detail keeps the stored one.
        fulfilment('f-1', {
          status: 'delivered',
          trackingCompany: null,
          trackingUrl: 'https://track.example/T1',
          shippedAt: NOW,
          deliveredAt: NOW,
          sourceUpdatedAt: NOW,
        }),
        // Older: the stored status and time stay; the first shipping time stays.
        fulfilment('f-2', { status: 'failure', shippedAt: NOW, sourceUpdatedAt: NOW - 900 }),
      ],
    });
    const rows = await database.db
      .selectFrom('order_fulfilments')
      .selectAll()
      .orderBy('fulfilment_id')
      .execute();
    expect(
      rows.map((r) => [
        r.fulfilment_id,
        r.status,
        r.tracking_company,
        r.tracking_url,
        Number(r.shipped_at),
        r.delivered_at === null ? null : Number(r.delivered_at),
        Number(r.source_updated_at),
      ]),
    ).toEqual([
      ['f-1', 'delivered', 'DHL', 'https://track.example/T1', NOW - 500, NOW, NOW],
      ['f-2', 'in_transit', 'DHL', null, NOW - 500, null, NOW - 500],
    ]);
  });

  it('looks up hostile ids exactly, and only in their workspace', async () => {
    const ids = [`it's`, '"q"', 'a,b', '{x}', 'NULL', 'ünï 🛒', 'back\\slash'];
    await save({ orders: ids.map((id) => order(id)) });
    await save({ orders: [order('other-ws')] }, 'elsewhere');
    const loaded = await store.load(database.db, WS, [...ids, 'other-ws', '']);
    expect([...loaded.keys()].sort()).toEqual([...ids].sort());
    expect((await store.load(database.db, 'elsewhere', ['other-ws'])).size).toBe(1);
    expect((await store.load(database.db, WS, [])).size).toBe(0);
    expect((await store.knownRefunds(database.db, WS, [])).size).toBe(0);
  });

  it('writes nothing from a batch whose transaction rolls back', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await store.save(trx, WS, NOW, {
          ...nothing(),
          orders: [order('rolled-back')],
          lines: new Map([['rolled-back', [line(1)]]]),
        });
        throw new Error('batch failed');
      }),
    ).rejects.toThrow('batch failed');
    expect((await store.load(database.db, WS, ['rolled-back'])).size).toBe(0);
    expect(await storedLines('rolled-back')).toEqual([]);
  });
});
