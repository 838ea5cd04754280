import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, Processor, type BatchParticipant } from '../src/modules/ingest/index.js';
import {
  ProfileQueries,
  ProfileStore,
  type WorkspaceChanges,
} from '../src/modules/profiles/index.js';
import { bootstrapWorkspace, ensureWorkspace } from '../src/modules/workspaces/index.js';
import { SystemClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { slotOfWorkspace } from '../src/platform/db/processor-slots.js';
import { MembershipStore } from '../src/modules/segments/membership-store.js';
import { createLogger } from '../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';
import { orderCalls } from './support/order-calls.js';

const SECRET = 'slots-test-secret-0000001';
const USERS = 12;

/** Workspace ids that fall into different processor slots (PostgreSQL, ADR 0027). */
function workspacesInDistinctSlots(count: number): string[] {
  const bySlot = new Map<number, string>();
  for (let i = 0; bySlot.size < count && i < 10_000; i++) {
    const id = `shop-${i}`;
    const slot = slotOfWorkspace(id);
    if (!bySlot.has(slot)) bySlot.set(slot, id);
  }
  return [...bySlot.values()];
}

const callsFor = (workspaces: readonly string[], rounds: number) =>
  orderCalls(workspaces, { users: USERS, rounds });

interface BatchSpan {
  processor: number;
  from: number;
  to: number;
  workspaces: string[];
}

/** Records when each batch's transaction was open and which workspaces it applied. */
function recorder(processor: number, spans: BatchSpan[], holdMs: number): BatchParticipant {
  return {
    async afterApply(_trx, changes: readonly WorkspaceChanges[]) {
      if (changes.length === 0) return;
      const from = performance.now();
      // Keeps the transaction open a little, so that batches of two workers can overlap.
      await new Promise((r) => setTimeout(r, holdMs));
      spans.push({
        processor,
        from,
        to: performance.now(),
        workspaces: changes.map((c) => c.workspaceId),
      });
    },
    reset() {},
  };
}

/** Events at or below the frontier that no batch has applied: must always be none. */
async function unappliedAtOrBelow(database: Database, frontier: number): Promise<number> {
  const row = await database.db
    .selectFrom('events')
    .leftJoin('event_profiles', 'event_profiles.seq', 'events.seq')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('events.seq', '<=', frontier)
    .where('event_profiles.profile_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(engines)('processor slots of workspaces on %s', (engine) => {
  let handle: TestDatabase;
  const databases: Database[] = [];
  const workspaces = workspacesInDistinctSlots(6);
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    for (let i = 0; i < 2; i++) databases.push(openDatabase(handle.url, { deferWriteLocks: true }));
    await migrateToLatest(databases[0]!);
    await bootstrapWorkspace(databases[0]!.db, { now: Date.now(), secret: SECRET });
    for (const id of workspaces) {
      await ensureWorkspace(databases[0]!.db, { id, name: id, now: Date.now() });
    }
    for (const d of databases) if (d.dialect === 'sqlite') d.sqlite.raw.pragma('busy_timeout = 0');
  });
  afterAll(async () => {
    for (const d of databases) await d.close();
    await handle?.drop();
  });

  it('two workers apply every event once, in parallel on PostgreSQL, never beyond the frontier', async () => {
    expect(new Set(workspaces.map(slotOfWorkspace)).size).toBe(6);
    const rows = callsFor(workspaces, 4);
    const log = new EventLog(databases[0]!);
    while ((await log.append(rows)) === 'busy') await new Promise((r) => setTimeout(r, 5));
    const spans: BatchSpan[] = [];
    const logger = createLogger('silent');
    const processors = databases.map(
      (d, i) =>
        new Processor(d, new EventLog(d), new SystemClock(), logger, {
          batchSize: 25,
          gatherMs: 0,
          store: new ProfileStore(d, SECRET),
          participants: [recorder(i, spans, 15)],
        }),
    );
    for (const p of processors) p.start(10);
    const deadline = Date.now() + 60_000;
    let frontier = 0;
    let samples = 0;
    while (frontier < rows.length && Date.now() < deadline) {
      frontier = await processors[0]!.position();
      expect(await unappliedAtOrBelow(databases[0]!, frontier)).toBe(0);
      samples++;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const p of processors) await p.stop();
    expect(samples).toBeGreaterThan(2);
    expect(processors[0]!.applied + processors[1]!.applied).toBe(rows.length);
    expect(await unappliedAtOrBelow(databases[0]!, rows.length)).toBe(0);

    const queries = new ProfileQueries(databases[0]!, new ProfileStore(databases[0]!, SECRET));
    for (const ws of workspaces) {
      for (let u = 0; u < USERS; u++) {
        const [p]: Profile[] = await queries.lookup(ws, { user_id: `u${u}` });
        expect(p?.computed).toMatchObject({ order_count: 4, total_spent: 28, refunded_total: 12 });
      }
    }
    // Batches that were open at the same time never shared a workspace...
    const overlapping = spans.flatMap((a) =>
      spans
        .filter((b) => a.processor < b.processor && a.from < b.to && b.from < a.to)
        .map((b) => [a, b]),
    );
    for (const [a, b] of overlapping) {
      expect(a!.workspaces.filter((w) => b!.workspaces.includes(w))).toEqual([]);
    }
    // ...and on PostgreSQL the two workers did apply at the same time.
    if (engine === 'postgres') expect(overlapping.length).toBeGreaterThan(0);
  });

  it.runIf(engine === 'postgres')(
    'a batch held open on one slot holds back the frontier, not the other slots',
    async () => {
      const [first, second] = workspacesInDistinctSlots(8).slice(6);
      for (const id of [first!, second!]) {
        await ensureWorkspace(databases[0]!.db, { id, name: id, now: Date.now() });
      }
      const log = new EventLog(databases[0]!);
      const before = await log.headSeq(databases[0]!.db);
      const rows = orderCalls([first!, second!], { users: USERS, rounds: 1, prefix: 'held-' });
      await log.append(rows);
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let entered!: (workspaces: string[]) => void;
      const heldOn = new Promise<string[]>((r) => (entered = r));
      const holder: BatchParticipant = {
        async afterApply(_trx, changes) {
          if (changes.length === 0) return;
          entered(changes.map((c) => c.workspaceId));
          await released;
        },
        reset() {},
      };
      const logger = createLogger('silent');
      const [held, free] = databases.map(
        (d, i) =>
          new Processor(d, new EventLog(d), new SystemClock(), logger, {
            batchSize: 1000,
            gatherMs: 0,
            store: new ProfileStore(d, SECRET),
            participants: i === 0 ? [holder] : [],
          }),
      );
      const heldBatch = held!.runOnce();
      const heldWorkspaces = await heldOn;
      // One slot each: the held batch took half of the two slots with events waiting.
      expect(heldWorkspaces).toHaveLength(1);
      const other = heldWorkspaces[0] === first ? second! : first!;
      let appliedFree = 0;
      for (let n = await free!.runOnce(); n > 0; n = await free!.runOnce()) appliedFree += n;
      expect(appliedFree).toBe(rows.length / 2);
      const queries = new ProfileQueries(databases[0]!, new ProfileStore(databases[0]!, SECRET));
      expect((await queries.lookup(other, { user_id: 'u0' }))[0]?.computed).toMatchObject({
        order_count: 1,
      });
      // The held slot's events come first in the log or after: either way the frontier waits.
      const frontier = await free!.position();
      expect(frontier).toBeLessThan(before + rows.length);
      expect(await unappliedAtOrBelow(databases[0]!, frontier)).toBe(0);
      release();
      expect(await heldBatch).toBe(rows.length / 2);
      expect(await free!.position()).toBe(before + rows.length);
    },
  );
});

describe('segment change rows on postgres', () => {
  let handle: TestDatabase;
  const databases: Database[] = [];
  beforeAll(async () => {
    handle = await freshDatabase('postgres');
    for (let i = 0; i < 2; i++) databases.push(openDatabase(handle.url));
    await migrateToLatest(databases[0]!);
  });
  afterAll(async () => {
    for (const d of databases) await d.close();
    await handle?.drop();
  });

  it('become visible in seq order, whichever slot batch writes them', async () => {
    const [first, second] = databases.map((d) => new MembershipStore(d, () => undefined));
    const diff = (workspaceId: string, profileId: string) => ({
      workspaceId,
      segmentId: `seg-${workspaceId}`,
      at: 1,
      entered: [{ profileId, cause: 'test' }],
      exited: [],
    });
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    let firstWrote!: () => void;
    const wrote = new Promise<void>((r) => (firstWrote = r));
    const order: string[] = [];
    const one = databases[0]!.db.transaction().execute(async (trx) => {
      await first!.apply(trx, diff('shop-a', 'p1'));
      firstWrote();
      await firstHeld;
      order.push('first commits');
    });
    await wrote;
    const two = databases[1]!.db.transaction().execute(async (trx) => {
      await second!.apply(trx, diff('shop-b', 'p2'));
      order.push('second wrote');
    });
    // The second batch's row must wait: written now, it would take a larger seq and could
    // commit before the first, and a follower past it would never see the first's row.
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]);
    releaseFirst();
    await Promise.all([one, two]);
    expect(order).toEqual(['first commits', 'second wrote']);
    const rows = await databases[0]!.db
      .selectFrom('segment_changes')
      .select(['seq', 'profile_id'])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.profile_id)).toEqual(['p1', 'p2']);
  });
});
