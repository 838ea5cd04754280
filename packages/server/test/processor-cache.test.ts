import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, Processor } from '../src/modules/ingest/index.js';
import { normalizeCall } from '../src/modules/ingest/event-normalizer.js';
import { ProfileCache, ProfileQueries, ProfileStore } from '../src/modules/profiles/index.js';
import { bootstrapWorkspace } from '../src/modules/workspaces/index.js';
import { ManualClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logger.js';
import { freshDatabase, type TestDatabase } from './support/engines.js';

const SECRET = 'cache-test-secret-0001';

/**
 * The processor thread keeps profiles in memory across batches (ADR 0016). Whatever another
 * connection writes to the derived state meanwhile - an erasure, an admin change - must win
 * over that memory: the processor sees it through SQLite's data_version and reads again.
 */
describe('the processor cache (sqlite, a connection of its own)', () => {
  let handle: TestDatabase;
  let main: Database;
  let own: Database;
  let processor: Processor;
  let cache: ProfileCache;
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));
  let n = 0;

  const append = async (calls: Record<string, unknown>[]) => {
    const rows = calls.map((call) => {
      const type = 'event' in call ? 'track' : 'identify';
      clock.advance(1000);
      const stamped = {
        messageId: `m${n++}`,
        timestamp: new Date(clock.now()).toISOString(),
        ...call,
      };
      const r = normalizeCall('default', type, stamped, {}, clock.now(), '');
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    });
    while ((await new EventLog(main).append(rows)) === 'busy') {
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const queries = () => new ProfileQueries(main, new ProfileStore(main, SECRET));

  beforeAll(async () => {
    handle = await freshDatabase('sqlite');
    main = openDatabase(handle.url);
    await migrateToLatest(main);
    await bootstrapWorkspace(main.db, { now: clock.now(), secret: SECRET });
    own = openDatabase(handle.url, { deferWriteLocks: true });
    cache = new ProfileCache(1000);
    processor = new Processor(own, new EventLog(own), clock, createLogger('silent'), {
      batchSize: 100,
      gatherMs: 0,
      store: new ProfileStore(own, SECRET),
      cache,
    });
  });
  afterAll(async () => {
    await own?.close();
    await main?.close();
    await handle?.drop();
  });

  it('keeps what it applied, and reads again after another connection wrote', async () => {
    await append([{ userId: 'u1', traits: { email: 'u1@example.com', plan: 'free' } }]);
    await processor.catchUp();
    expect(cache.size).toBe(1);
    const [before] = await queries().lookup('default', { user_id: 'u1' });
    // Another connection changes the stored profile (as an admin action would).
    await sql`update profiles set traits = ${JSON.stringify({ plan: 'gold', email: 'u1@example.com' })}
      where id = ${before?.id ?? ''}`.execute(main.db);
    await append([{ userId: 'u1', event: 'Product Viewed', properties: { product_id: 'p1' } }]);
    await processor.catchUp();
    const [after] = await queries().lookup('default', { user_id: 'u1' });
    // Saved from a stale cached copy, the trait would be back at "free".
    expect(after?.traits).toMatchObject({ plan: 'gold' });
    expect(after?.computed).toMatchObject({ last_product_viewed: 'p1' });
  });

  it('never brings an erased person back from memory', async () => {
    await append([{ userId: 'u2', traits: { email: 'u2@example.com' } }]);
    await processor.catchUp();
    const [p] = await queries().lookup('default', { user_id: 'u2' });
    expect(p).toBeDefined();
    expect((await queries().erase('default', p?.id ?? '', clock.now())).ok).toBe(true);
    // The same person comes back after the erasure: a fresh profile, not the erased one.
    await append([{ userId: 'u2', event: 'Product Viewed', properties: { product_id: 'p2' } }]);
    await processor.catchUp();
    const found = await queries().lookup('default', { user_id: 'u2' });
    expect(found).toHaveLength(1);
    expect(found[0]?.id).not.toBe(p?.id);
    expect(found[0]?.traits).toEqual({});
  });

  it('deletes from the log the events it drops, through its outbox', async () => {
    await append([{ userId: 'u3', traits: { email: 'u3@example.com' } }]);
    await processor.catchUp();
    const [p] = await queries().lookup('default', { user_id: 'u3' });
    const erasedAt = clock.now();
    expect((await queries().erase('default', p?.id ?? '', erasedAt)).ok).toBe(true);
    // A late delivery from before the erasure: dropped, and its row deleted from the log.
    const late = new Date(erasedAt - 60_000).toISOString();
    await append([{ userId: 'u3', event: 'Product Viewed', timestamp: late, messageId: 'late-1' }]);
    await processor.catchUp();
    const left = await main.db
      .selectFrom('events')
      .select('seq')
      .where('message_id', '=', 'late-1')
      .execute();
    expect(left).toEqual([]);
    expect(await main.db.selectFrom('dropped_events').selectAll().execute()).toEqual([]);
    expect(await queries().lookup('default', { user_id: 'u3' })).toEqual([]);
  });
});
