import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeLines } from '../src/modules/profiles/order-lines.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';
import { migrateTo } from './support/migrate-to.js';

/**
 * Migration 040 moves each order's rows of `order_lines` into a JSON array on the order's row,
 * in line order, unknown members left out; an order without lines gets none; the table goes.
 */
describe.each(engines)('order lines moved onto their orders (migration 040) on %s', (engine) => {
  let tdb: TestDatabase;
  let database: Database;

  beforeEach(async () => {
    tdb = await freshDatabase(engine);
    database = openDatabase(tdb.url);
  });
  afterEach(async () => {
    await database.close();
    await tdb.drop();
  });

  it('keeps every line of every order, in order, and drops the table', async () => {
    await migrateTo(database, '039-product-view-fields');
    const run = (q: ReturnType<typeof sql>) => q.execute(database.db);
    for (const [ws, order] of [
      ['w1', 'o-1'],
      ['w1', 'o-2'],
      ['w2', 'o-1'],
    ]) {
      await run(sql`insert into profile_orders (workspace_id, order_id, profile_id, total,
          refunded, currency, ordered_at) values (${ws}, ${order}, 'p1', 10, 0, 'EUR', 1)`);
    }
    const line = (
      ws: string,
      order: string,
      no: number,
      product: string | null,
      price: number | null,
    ) =>
      run(sql`insert into order_lines (workspace_id, order_id, line_no, product_id, variant_id,
          sku, name, category, price, quantity)
        values (${ws}, ${order}, ${no}, ${product}, null, ${`SKU-${no}`}, ${'Läder "väska"'},
          ${no % 2 ? 'Bags' : null}, ${price}, ${no + 0.5})`);
    // Inserted out of order: line_no decides.
    await line('w1', 'o-1', 3, 'prod-c', 3.25);
    await line('w1', 'o-1', 1, 'prod-a', null);
    await line('w1', 'o-1', 2, null, 2);
    // The same order id in another workspace keeps its own lines.
    await line('w2', 'o-1', 1, 'prod-z', 9);

    expect(await migrateToLatest(database)).toContain('040-order-lines-in-orders');
    const stored = await database.db
      .selectFrom('profile_orders')
      .select(['workspace_id', 'order_id', 'lines'])
      .orderBy('workspace_id')
      .orderBy('order_id')
      .execute();
    const common = { variantId: null, name: 'Läder "väska"' };
    expect(stored.map((o) => [o.workspace_id, o.order_id, decodeLines(o.lines)])).toEqual([
      [
        'w1',
        'o-1',
        [
          { ...common, id: 'prod-a', sku: 'SKU-1', category: 'Bags', price: null, quantity: 1.5 },
          { ...common, id: null, sku: 'SKU-2', category: null, price: 2, quantity: 2.5 },
          { ...common, id: 'prod-c', sku: 'SKU-3', category: 'Bags', price: 3.25, quantity: 3.5 },
        ],
      ],
      ['w1', 'o-2', []],
      [
        'w2',
        'o-1',
        [{ ...common, id: 'prod-z', sku: 'SKU-1', category: 'Bags', price: 9, quantity: 1.5 }],
      ],
    ]);
    // Unknown members are left out, as the processor writes them.
    const raw = stored[0]?.lines;
    const first = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>[];
    expect(Object.keys(first[1] ?? {}).sort()).toEqual(['name', 'price', 'quantity', 'sku']);
    expect(stored[1]?.lines).toBeNull();
    await expect(run(sql`select count(*) from order_lines`)).rejects.toThrow();
  });
});
