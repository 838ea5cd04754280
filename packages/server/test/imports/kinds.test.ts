import type { FieldMapping } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { importKit, type ImportKit } from './kit.js';
import { countLines } from '../support/order-lines.js';

const parsed = (v: unknown): Record<string, unknown> =>
  typeof v === 'string'
    ? (JSON.parse(v) as Record<string, unknown>)
    : (v as Record<string, unknown>);

describe.each(engines)('customers, products, events and refunds (%s)', (engine) => {
  let kit: ImportKit;
  beforeAll(async () => {
    kit = await importKit(engine);
  });
  afterAll(async () => kit?.close());

  async function traitsOf(email: string) {
    await kit.processor.catchUp();
    const [row] = await kit.rows<{ traits: unknown }>(
      'select p.traits from profiles p join identifiers i on i.profile_id = p.id where i.kind = ? and i.value = ?',
      'email',
      email,
    );
    return parsed(row?.traits);
  }

  it('customers: identify calls with typed custom fields; unchanged, then updated', async () => {
    await kit.customFields.declare('default', { name: 'vip_level', type: 'number' }, 0);
    const csv = 'email,first_name,vip_level,Shoe\nCara@Shop.test,Cara,3,41\n';
    const file = kit.write('customers.csv', csv);
    const first = await kit.run({ kind: 'customers', path: file });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({ imported: 1, unknownColumns: ['Shoe'] });
    expect(await traitsOf('cara@shop.test')).toMatchObject({ first_name: 'Cara', vip_level: 3 });
    const again = await kit.run({ kind: 'customers', path: file });
    expect(again.ok && again.value).toMatchObject({ unchanged: 1, imported: 0 });
    // A customer file says how people are now: a later import is newer (without updated_at).
    kit.clock.advance(60_000);
    const changed = kit.write('customers-2.csv', csv.replace(',3,', ',4,'));
    const third = await kit.run({ kind: 'customers', path: changed });
    expect(third.ok && third.value).toMatchObject({ updated: 1 });
    expect(await traitsOf('cara@shop.test')).toMatchObject({ vip_level: 4 });
    // Imported calls say where they came from: history, not a live storefront event.
    const [event] = await kit.rows<{ payload: unknown }>(
      "select payload from events where type = 'identify' order by seq desc limit 1",
    );
    const context = parsed(parsed(event?.payload).context);
    expect(context.source).toEqual({ kind: 'import', jobId: third.ok ? third.value.jobId : '' });
  });

  it('products: a product per id with its variants; the same file is unchanged, a new price updates', async () => {
    const csv = [
      'id,title,categories,currency,variant_id,variant_sku,variant_price,variant_stock',
      'p1,Lens Case,"Care,Accessories",EUR,p1-s,LC-S,4.5,10',
      'p1,Lens Case,"Care,Accessories",EUR,p1-l,LC-L,5.5,0',
      'p2,Solution,Care,EUR,,,,',
    ].join('\n');
    const file = kit.write('products.csv', csv);
    const first = await kit.run({ kind: 'products', path: file });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({ rows: 3, imported: 3, rejected: 0 });
    const products = await kit.rows<{ id: string; price: number; categories: unknown }>(
      'select id, price, categories from products order by id',
    );
    expect(products.map((p) => [p.id, p.price])).toEqual([
      ['p1', 4.5],
      ['p2', null],
    ]);
    expect(await kit.count("select count(*) from product_variants where product_id = 'p1'")).toBe(
      2,
    );
    const again = await kit.run({ kind: 'products', path: file });
    expect(again.ok && again.value).toMatchObject({ unchanged: 3 });
    const cheaper = kit.write('products-2.csv', csv.replace('p1-l,LC-L,5.5', 'p1-l,LC-L,4.9'));
    const third = await kit.run({ kind: 'products', path: cheaper });
    expect(third.ok && third.value).toMatchObject({ updated: 2, unchanged: 1 });
    expect(await kit.count("select count(*) from catalog_events where kind = 'price_drop'")).toBe(
      1,
    );
  });

  it('events: Segment calls as JSON lines, validated like the tracking API, deduplicated on re-import', async () => {
    const lines = [
      { type: 'identify', userId: 'u-9', traits: { email: 'nine@shop.test', name: 'Nina' } },
      {
        type: 'track',
        userId: 'u-9',
        event: 'Product Viewed',
        messageId: 'm-1',
        timestamp: '2024-01-02T10:00:00Z',
        properties: { product_id: 'p1' },
      },
      { type: 'track', userId: 'u-9' },
      { type: 'track', event: 'Signed Up' },
      { type: 'page', anonymousId: 'a-1', name: 'Home' },
    ];
    const file = kit.write('events.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
    const first = await kit.run({ kind: 'events', path: file });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({ rows: 5, imported: 3, rejected: 2 });
    expect(first.value.errors).toEqual([
      { line: 3, message: expect.stringMatching(/^event: /) },
      { line: 4, message: 'userId or anonymousId is required' },
    ]);
    expect(await traitsOf('nine@shop.test')).toMatchObject({ name: 'Nina' });
    const again = await kit.run({ kind: 'events', path: file });
    expect(again.ok && again.value).toMatchObject({ imported: 0, unchanged: 3, rejected: 2 });
    expect(await kit.count("select count(*) from events where message_id = 'm-1'")).toBe(1);
  });

  it('orders with refunds that name their order; JSON lines orders with a products array', async () => {
    const mapping: FieldMapping = {
      kind: 'orders',
      columns: [
        { source: 'order_id', target: 'order_id' },
        { source: 'kind', target: 'status' },
        { source: 'email', target: 'email' },
        { source: 'sku', target: 'line.sku' },
        { source: 'quantity', target: 'line.quantity' },
        { source: 'price', target: 'line.price' },
      ],
      refunds: { when: { target: 'status', equals: 'refund' }, match: 'order_id' },
    };
    const csv = [
      'order_id,kind,email,sku,quantity,price',
      'R1,placed,ref@shop.test,A,2,10',
      'R1,placed,ref@shop.test,B,1,5',
      'R1,refund,ref@shop.test,A,1,10',
    ].join('\n');
    const result = await kit.run({ kind: 'orders', path: kit.write('refunds.csv', csv), mapping });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ rows: 3, imported: 3 });
    await kit.processor.catchUp();
    const [order] = await kit.rows<{ total: number; refunded: number }>(
      "select total, refunded from profile_orders where order_id = 'R1'",
    );
    expect(order).toEqual({ total: 25, refunded: 10 });

    const jsonl = JSON.stringify({
      order_id: 'J1',
      email: 'json@shop.test',
      ordered_at: '2024-04-01T08:00:00Z',
      products: [
        { sku: 'X', price: 3, quantity: 2 },
        { sku: 'Y', price: 4, quantity: 1 },
      ],
    });
    const fromJson = await kit.run({ kind: 'orders', path: kit.write('orders.jsonl', jsonl) });
    if (!fromJson.ok) throw new Error(fromJson.error.message);
    expect(fromJson.value).toMatchObject({ rows: 1, imported: 1, unknownColumns: [] });
    await kit.processor.catchUp();
    expect(await countLines(kit.database.db, 'J1')).toBe(2);
    expect(await kit.count("select total from profile_orders where order_id = 'J1'")).toBe(10);
  });
});
