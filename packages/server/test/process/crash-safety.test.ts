import type { Profile } from '@comeback/contracts';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import {
  adminGet,
  assertBuilt,
  health,
  killAll,
  openReader,
  readCursor,
  readStoredEvents,
  settled,
  spawnServe,
  startServe,
  waitUntil,
  type ServerProcess,
} from './harness.js';
import { makeWorkload, sendBatches, type ExpectedProfile, type Workload } from './workload.js';

/**
 * The real server process is killed with SIGKILL (no shutdown code runs) while it ingests and
 * while it applies a backlog. After a restart and the retries a real SDK would send, every
 * acknowledged event must be stored exactly once and applied to its profile exactly once.
 */
const WRITE_KEY = 'cbw_process_crash_write_0001';
const ADMIN_KEY = 'cba_process_crash_admin_0001';

beforeAll(() => assertBuilt());

describe.each(engines)('crash safety of the server process on %s', (engine) => {
  let db: TestDatabase | undefined;
  beforeEach(async () => {
    db = await freshDatabase(engine);
  });
  afterEach(async () => {
    await killAll();
    await db?.drop();
  });

  const env = () => ({
    DATABASE_URL: db?.url ?? '',
    COMEBACK_WRITE_KEY: WRITE_KEY,
    COMEBACK_API_KEY: ADMIN_KEY,
  });
  const serve = (args: string[] = []): Promise<ServerProcess> => startServe({ args, env: env() });

  it('loses no acknowledged event and applies none twice when killed while ingesting', async () => {
    const work = makeWorkload(`ingest-${engine}`, 160);
    let server = await serve();
    let killed = false;
    const first = await sendBatches(server.url, WRITE_KEY, work.batches, {
      concurrency: 8,
      onAck: (acked) => {
        if (acked >= 60 && !killed) {
          killed = true;
          server.process.child.kill('SIGKILL');
        }
      },
      stop: () => killed,
    });
    expect((await server.process.waitExit(10_000)).signal).toBe('SIGKILL');
    expect(first.acked.size).toBeGreaterThanOrEqual(60);
    expect(first.acked.size).toBeLessThan(work.batches.length);

    // The SDK retries everything it has no acknowledgement for, and a few it has (lost replies).
    server = await serve();
    const retry = work.batches.filter((b) => !first.acked.has(b.index) || b.index % 10 === 0);
    const second = await sendBatches(server.url, WRITE_KEY, retry);
    expect(second.failed).toEqual(new Map());

    await expectExactlyOnce(server.url, work, first.acked);
  });

  it('resumes exactly after its cursor when killed while applying a backlog', async () => {
    const work = makeWorkload(`backlog-${engine}`, 200);
    // An api-role process acknowledges and stores events but applies none: a pure backlog.
    let server = await serve(['--role', 'api']);
    const sent = await sendBatches(server.url, WRITE_KEY, work.batches);
    expect(sent.failed).toEqual(new Map());
    expect((await health(server.url)).processor).toMatchObject({
      position: 0,
      behindEvents: work.messageIds.length,
    });
    await server.process.stop('SIGKILL');

    // Kill three times while the backlog is being applied (about a quarter, a half and three
    // quarters through), with batch sizes that make the kill land inside a transaction or
    // between two. The kill is timed on the cursor as committed in the database, not on
    // /health, so that it does not depend on the HTTP side answering while the processor works.
    const total = work.messageIds.length;
    const positions: number[] = [];
    const reader = await openReader(db?.url ?? '');
    try {
      for (const [round, batchSize] of ['5', '37', '200'].entries()) {
        const target = Math.floor((total * (round + 1)) / 4);
        const worker = spawnServe({ env: { ...env(), COMEBACK_PROCESSOR_BATCH: batchSize } });
        await waitUntil(
          `the processor to pass ${target}`,
          async () => ((await readCursor(reader)).position >= target ? true : undefined),
          30_000,
          2,
        );
        await worker.stop('SIGKILL');
        const after = await readCursor(reader);
        expect(after.head).toBe(total);
        if (after.position === total) break;
        positions.push(after.position);
      }
    } finally {
      await reader.close();
    }
    // At least one kill must have left work behind, or this tested nothing.
    expect(positions.length).toBeGreaterThan(0);
    for (const p of positions) expect(p).toBeGreaterThan(0);

    server = await serve();
    const retry = work.batches.filter((b) => b.index % 25 === 0);
    expect((await sendBatches(server.url, WRITE_KEY, retry)).failed).toEqual(new Map());
    await expectExactlyOnce(server.url, work, sent.acked);
  });

  /** Every acknowledged event stored once; every sent event applied once. */
  async function expectExactlyOnce(url: string, work: Workload, acked: Set<number>) {
    const end = await settled(url);
    expect(end.processor.position).toBe(end.processor.head);

    const stored = await readStoredEvents(db?.url ?? '');
    const duplicated = [...stored.counts].filter(([, n]) => n > 1);
    expect(duplicated, 'messageIds stored more than once').toEqual([]);
    const lost = work.batches
      .filter((b) => acked.has(b.index))
      .flatMap((b) => b.calls.map((c) => c.messageId))
      .filter((id) => stored.counts.get(id) !== 1);
    expect(lost, 'acknowledged messageIds not stored').toEqual([]);
    // Everything was (re)sent until acknowledged, so everything is there, and nothing else.
    expect(work.messageIds.filter((id) => !stored.counts.has(id))).toEqual([]);
    expect(stored.counts.size).toBe(work.messageIds.length);
    expect(stored.unassigned, 'events the processor never applied').toBe(0);
    expect(stored.orders).toBe(work.orderIds.size);

    const actual: Record<string, ExpectedProfile & { profiles: number }> = {};
    const wanted: Record<string, ExpectedProfile & { profiles: number }> = {};
    for (const [userId, expected] of work.expected) {
      wanted[userId] = { ...expected, profiles: 1 };
      const res = await adminGet(url, `/api/v1/profiles?userId=${userId}`, ADMIN_KEY);
      expect(res.status).toBe(200);
      const { data } = (await res.json()) as { data: Profile[] };
      const p = data[0];
      actual[userId] = {
        profiles: data.length,
        email: String(p?.traits.email),
        orderCount: p?.computed.order_count ?? -1,
        totalSpent: p?.computed.total_spent ?? -1,
        refundedTotal: p?.computed.refunded_total ?? -1,
      };
    }
    expect(actual).toEqual(wanted);
  }
});
