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
    // Segments exist before anything is applied: membership is kept by the same transactions
    // the kills interrupt, and must come out exactly once too.
    const segments = await createSegments(server.url);
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
    await expectMembershipExactlyOnce(server.url, segments);
  });

  async function createSegments(url: string): Promise<string[]> {
    const conditions = [
      { type: 'field', field: 'computed.order_count', operator: 'gte', value: 2 },
      { type: 'event', event: 'Order Completed', count: { operator: 'gte', value: 3 } },
      { type: 'purchased', spent: { operator: 'gt', value: 100 } },
      {
        type: 'and',
        conditions: [
          { type: 'event', event: 'Order Completed' },
          { type: 'not', condition: { type: 'event', event: 'Order Refunded' } },
        ],
      },
    ];
    const ids: string[] = [];
    for (const [i, condition] of conditions.entries()) {
      const res = await fetch(`${url}/api/v1/segments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `segment ${i}`, condition }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    return ids;
  }

  /**
   * Each segment's stored members are exactly who its definition selects now, and its history
   * of each profile alternates entered / exited from an entry, ending as the membership says:
   * no entry recorded twice, none lost, across the kills.
   */
  async function expectMembershipExactlyOnce(url: string, segments: string[]) {
    const reader = await openReader(db?.url ?? '');
    try {
      let entries = 0;
      for (const id of segments) {
        const res = await adminGet(url, `/api/v1/segments/${id}/members?limit=1000`, ADMIN_KEY);
        const page = (await res.json()) as { data: { id: string }[]; nextCursor: string | null };
        expect(page.nextCursor).toBeNull();
        const selected = page.data.map((m) => m.id).sort();
        const stored = (
          await reader.all<{ profile_id: string }>(
            `select profile_id from segment_memberships where segment_id = '${id}'`,
          )
        )
          .map((r) => r.profile_id)
          .sort();
        expect(stored, `members of segment ${id}`).toEqual(selected);
        const history = new Map<string, string[]>();
        for (const r of await reader.all<{ profile_id: string; kind: string }>(
          `select profile_id, kind from segment_changes where segment_id = '${id}' order by seq`,
        )) {
          history.set(r.profile_id, [...(history.get(r.profile_id) ?? []), r.kind]);
        }
        for (const [profileId, kinds] of history) {
          const alternating = kinds.every((k, i) => k === (i % 2 === 0 ? 'entered' : 'exited'));
          expect(alternating, `history of ${profileId} in ${id}: ${kinds.join(',')}`).toBe(true);
          expect(kinds.at(-1) === 'entered').toBe(stored.includes(profileId));
        }
        entries += stored.length;
      }
      // The workload puts profiles in these segments, or this proved nothing.
      expect(entries).toBeGreaterThan(0);
    } finally {
      await reader.close();
    }
  }

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
