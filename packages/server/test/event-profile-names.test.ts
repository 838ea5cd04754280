import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog, Processor } from '../src/modules/ingest/index.js';
import { normalizeCall } from '../src/modules/ingest/event-normalizer.js';
import { ProfileStore } from '../src/modules/profiles/index.js';
import { bootstrapWorkspace } from '../src/modules/workspaces/index.js';
import { ManualClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';
import { migrateTo } from './support/migrate-to.js';

const SECRET = 'event-profile-names-0001';
const T0 = Date.parse('2026-12-01T10:00:00Z');

/**
 * event_profiles holds each applied track event's name and every event's time (migration 038),
 * so that segments read a profile's events of one name in a window from its index alone.
 */
describe.each(engines)('event names in event_profiles on %s', (engine) => {
  let tdb: TestDatabase;
  let database: Database;

  const rows = async () =>
    (
      await sql<{ seq: number; event: string | null; at: number | null }>`
        select seq, event, at from event_profiles order by seq`.execute(database.db)
    ).rows.map((r) => ({ seq: Number(r.seq), event: r.event, at: Number(r.at) }));

  beforeEach(async () => {
    tdb = await freshDatabase(engine);
    database = openDatabase(tdb.url);
  });
  afterEach(async () => {
    await database.close();
    await tdb.drop();
  });

  it('fills them in for events applied before the migration', async () => {
    await migrateTo(database, '037-segment-recheck-requests');
    const run = (q: ReturnType<typeof sql>) => q.execute(database.db);
    const calls: [type: string, event: string | null][] = [
      ['track', 'Product Viewed'],
      ['identify', null],
      ['page', 'Home'],
      ['track', 'Order Completed'],
    ];
    for (const [i, [type, event]] of calls.entries()) {
      await run(sql`insert into events (workspace_id, message_id, type, event, user_id,
          anonymous_id, timestamp, received_at, payload)
        values ('w1', ${`m${i}`}, ${type}, ${event}, 'u1', null, ${T0 + i * 1000},
          ${T0 + i * 1000 + 5}, '{}')`);
    }
    // The last event was never applied: it has no row and gets none.
    await run(sql`insert into event_profiles (seq, profile_id)
      select seq, 'p1' from events where message_id <> 'm3'`);

    expect(await migrateToLatest(database)).toContain('038-event-profile-names');
    expect(await rows()).toEqual([
      { seq: 1, event: 'Product Viewed', at: T0 },
      // Only a track event's name: a page's name is not an event name.
      { seq: 2, event: null, at: T0 + 1000 },
      { seq: 3, event: null, at: T0 + 2000 },
    ]);
  });

  const viewRows = async () =>
    (
      await sql<{ seq: number; product_id: string | null; category: string | null }>`
        select seq, product_id, category from event_profiles order by seq`.execute(database.db)
    ).rows.map((r) => ({ seq: Number(r.seq), product: r.product_id, category: r.category }));

  it("fills in a view's product and category for views applied before migration 039", async () => {
    await migrateTo(database, '038-event-profile-names');
    const run = (q: ReturnType<typeof sql>) => q.execute(database.db);
    const calls: [event: string, properties: Record<string, unknown>][] = [
      ['Product Viewed', { product_id: 'sku-1', category: 'Lenses' }],
      // Only strings: a number or an object is no product id to compare by.
      ['Product Viewed', { product_id: 42, category: { name: 'Lenses' } }],
      ['Product Viewed', {}],
      // Another event's product is not kept: only views are read through these columns.
      ['Product Added', { product_id: 'sku-1', category: 'Lenses' }],
    ];
    for (const [i, [event, properties]] of calls.entries()) {
      const payload = JSON.stringify({ type: 'track', event, properties });
      await run(sql`insert into events (workspace_id, message_id, type, event, user_id,
          anonymous_id, timestamp, received_at, payload)
        values ('w1', ${`m${i}`}, 'track', ${event}, 'u1', null, ${T0 + i}, ${T0 + i}, ${payload})`);
      await run(sql`insert into event_profiles (seq, profile_id, event, at)
        values (${i + 1}, 'p1', ${event}, ${T0 + i})`);
    }
    expect(await migrateToLatest(database)).toContain('039-product-view-fields');
    expect(await viewRows()).toEqual([
      { seq: 1, product: 'sku-1', category: 'Lenses' },
      { seq: 2, product: null, category: null },
      { seq: 3, product: null, category: null },
      { seq: 4, product: null, category: null },
    ]);
  });

  it('is written by the processor as it applies each event', async () => {
    await migrateToLatest(database);
    const clock = new ManualClock(T0);
    await bootstrapWorkspace(database.db, { now: clock.now(), secret: SECRET });
    const stamped = (type: 'track' | 'identify', call: Record<string, unknown>, i: number) => {
      const r = normalizeCall(
        'default',
        type,
        { messageId: `m${i}`, timestamp: new Date(T0 - i * 60_000).toISOString(), ...call },
        {},
        clock.now(),
        '',
      );
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    await new EventLog(database).append([
      stamped('identify', { userId: 'u1', traits: { email: 'u1@example.com' } }, 0),
      stamped('track', { userId: 'u1', event: 'Product Viewed', properties: { id: 'a' } }, 1),
      stamped('track', { userId: 'u2', event: 'Cart Viewed' }, 2),
      stamped(
        'track',
        { userId: 'u2', event: 'Product Viewed', properties: { product_id: 'b', category: 'C' } },
        3,
      ),
    ]);
    const processor = new Processor(
      database,
      new EventLog(database),
      clock,
      createLogger('silent'),
      {
        batchSize: 100,
        gatherMs: 0,
        store: new ProfileStore(database, SECRET),
      },
    );
    await processor.catchUp();
    expect(await rows()).toEqual([
      { seq: 1, event: null, at: T0 },
      { seq: 2, event: 'Product Viewed', at: T0 - 60_000 },
      { seq: 3, event: 'Cart Viewed', at: T0 - 120_000 },
      { seq: 4, event: 'Product Viewed', at: T0 - 180_000 },
    ]);
    expect(await viewRows()).toEqual([
      { seq: 1, product: null, category: null },
      { seq: 2, product: null, category: null },
      { seq: 3, product: null, category: null },
      { seq: 4, product: 'b', category: 'C' },
    ]);
  });
});

describe('event names in event_profiles, the SQLite plan', () => {
  it('answers a name-and-window question from the index alone', async () => {
    const tdb = await freshDatabase('sqlite');
    const database = openDatabase(tdb.url);
    try {
      await migrateToLatest(database);
      const plan = await sql<{ detail: string }>`explain query plan
        select profile_id, min(at) from event_profiles
        where profile_id in ('p1', 'p2') and event = 'Product Viewed' and at > 0
        group by profile_id`.execute(database.db);
      expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(
        /USING COVERING INDEX event_profiles_event/,
      );
    } finally {
      await database.close();
      await tdb.drop();
    }
  });
});
