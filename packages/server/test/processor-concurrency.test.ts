import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, Processor } from '../src/modules/ingest/index.js';
import { ProfileCache, ProfileQueries, ProfileStore } from '../src/modules/profiles/index.js';
import { bootstrapWorkspace } from '../src/modules/workspaces/index.js';
import { SystemClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';
import { orderCalls } from './support/order-calls.js';

const SECRET = 'concurrency-test-secret-0001';
const USERS = 40;

/**
 * Several processors on one database (worker processes on PostgreSQL; the processor thread and
 * an in-process catch-up on SQLite) must apply every event exactly once: each batch commits only
 * if the cursor it started from has not moved.
 */
describe.each(engines)('two processors on one %s database', (engine) => {
  let handle: TestDatabase;
  const databases: Database[] = [];
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    // As the processor thread opens its own: write locks taken only where it writes.
    for (let i = 0; i < 2; i++) databases.push(openDatabase(handle.url, { deferWriteLocks: true }));
    await migrateToLatest(databases[0]!);
    await bootstrapWorkspace(databases[0]!.db, { now: Date.now(), secret: SECRET });
    // Two connections in one thread: never sleep in SQLite's busy handler (the loop retries).
    for (const d of databases) if (d.dialect === 'sqlite') d.sqlite.raw.pragma('busy_timeout = 0');
  });
  afterAll(async () => {
    for (const d of databases) await d.close();
    await handle?.drop();
  });

  it('apply every event exactly once between them', async () => {
    const log = new EventLog(databases[0]!);
    const rows = orderCalls(['default'], { users: USERS, rounds: 5 });
    while ((await log.append(rows)) === 'busy') await new Promise((r) => setTimeout(r, 5));

    const logger = createLogger('silent');
    const processors = databases.map(
      (d) =>
        new Processor(d, new EventLog(d), new SystemClock(), logger, {
          batchSize: 7,
          gatherMs: 0,
          store: new ProfileStore(d, SECRET),
          // Each keeps a cache, as the processor thread does: the other's batches invalidate it.
          ...(d.dialect === 'sqlite' ? { cache: new ProfileCache(1000) } : {}),
        }),
    );
    for (const p of processors) p.start(20);
    const deadline = Date.now() + 60_000;
    while ((await processors[0]!.position()) < rows.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const p of processors) await p.stop();
    // Both did part of the work, and between them exactly all of it.
    expect(processors.every((p) => p.applied > 0)).toBe(true);
    expect(processors[0]!.applied + processors[1]!.applied).toBe(rows.length);

    const db = databases[0]!.db;
    const unassigned = await db
      .selectFrom('events')
      .leftJoin('event_profiles', 'event_profiles.seq', 'events.seq')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('event_profiles.profile_id', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(unassigned.n)).toBe(0);
    const queries = new ProfileQueries(databases[0]!, new ProfileStore(databases[0]!, SECRET));
    for (let u = 0; u < USERS; u++) {
      const [p]: Profile[] = await queries.lookup('default', { user_id: `u${u}` });
      expect(p?.computed).toMatchObject({ order_count: 5, total_spent: 35, refunded_total: 15 });
    }
  });
});
