import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { JobQueue } from '../src/platform/jobs/job-queue.js';
import { JobRunner } from '../src/platform/jobs/job-runner.js';
import { createLogger } from '../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';

const T0 = Date.parse('2026-03-28T12:00:00Z');

describe.each(engines)('jobs and timers on %s', (engine) => {
  let handle: TestDatabase;
  let database: Database;
  let queue: JobQueue;
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    database = openDatabase(handle.url);
    await migrateToLatest(database);
    queue = new JobQueue(database);
  });
  afterAll(async () => {
    await database?.close();
    await handle?.drop();
  });

  it('claims only due jobs, in due order, once per dedupe key', async () => {
    await queue.enqueue({ kind: 'a', runAt: T0 + 2000, dedupeKey: 'k-late' }, T0);
    await queue.enqueue(
      { kind: 'a', runAt: T0 + 1000, dedupeKey: 'k-early', payload: { n: 1 } },
      T0,
    );
    await queue.enqueue(
      { kind: 'a', runAt: T0 + 1000, dedupeKey: 'k-early', payload: { n: 2 } },
      T0,
    );
    await queue.enqueue({ kind: 'a', runAt: T0 + 60_000, dedupeKey: 'k-future' }, T0);
    expect(await queue.claimDue(T0, 'w1', 10)).toEqual([]);
    const due = await queue.claimDue(T0 + 5000, 'w1', 10);
    expect(due.map((j) => j.runAt)).toEqual([T0 + 1000, T0 + 2000]);
    expect(due[0]?.payload).toEqual({ n: 1 });
    expect(due[0]?.attempts).toBe(1);
    // Claimed jobs are leased: nobody else gets them while the lease holds.
    expect(await queue.claimDue(T0 + 5000, 'w2', 10)).toEqual([]);
    for (const j of due) expect(await queue.complete(j, T0 + 5000)).toBe(true);
    expect(await queue.nextDueAt()).toBe(T0 + 60_000);
  });

  it('gives a job whose worker died back after its lease, and parks it after max attempts', async () => {
    await queue.enqueue({ kind: 'b', runAt: T0, dedupeKey: 'k-lease', maxAttempts: 2 }, T0);
    const [first] = await queue.claimDue(T0 + 100_000, 'dead-worker', 10, 1000);
    expect(first?.kind).toBe('b');
    expect(await queue.claimDue(T0 + 100_500, 'w2', 10, 1000)).toEqual([]);
    const [again] = await queue.claimDue(T0 + 102_000, 'w2', 10, 1000);
    expect(again?.id).toBe(first?.id);
    expect(again?.attempts).toBe(2);
    // The first worker comes back after its lease expired: its outcome no longer counts.
    expect(await queue.complete(first!, T0 + 102_000)).toBe(false);
    expect(await queue.fail(again!, 'boom', T0 + 102_000)).toBe(true);
    const row = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', again!.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.last_error).toBe('boom');
  });

  it('parks a job whose worker dies on every attempt', async () => {
    await queue.enqueue({ kind: 'd', runAt: T0, dedupeKey: 'k-dies', maxAttempts: 2 }, T0);
    const t = T0 + 300_000;
    const kinds = async (at: number, w: string) =>
      (await queue.claimDue(at, w, 10, 1000)).map((j) => j.kind).filter((k) => k === 'd');
    expect(await kinds(t, 'w1')).toEqual(['d']);
    expect(await kinds(t + 2000, 'w2')).toEqual(['d']);
    expect(await kinds(t + 4000, 'w3')).toEqual([]);
    const row = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('dedupe_key', '=', 'k-dies')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.last_error).toContain('stopped before finishing');
  });

  it('retries a failed job later with backoff', async () => {
    await queue.enqueue({ kind: 'c', runAt: T0, dedupeKey: 'k-retry', maxAttempts: 5 }, T0);
    const [job] = await queue.claimDue(T0 + 200_000, 'w', 10);
    await queue.fail(job!, 'transient', T0 + 200_000);
    expect(await queue.claimDue(T0 + 200_500, 'w', 10)).toEqual([]);
    const [retry] = await queue.claimDue(T0 + 203_000, 'w', 10);
    expect(retry?.id).toBe(job?.id);
    expect(await queue.complete(retry!, T0 + 203_000)).toBe(true);
  });

  it('never hands one job to two concurrent workers', async () => {
    const t = T0 + 1_000_000;
    for (let i = 0; i < 150; i++)
      await queue.enqueue({ kind: 'race', runAt: t, dedupeKey: `race-${i}` }, t);
    const claimed: number[] = [];
    const worker = async (name: string) => {
      for (;;) {
        const jobs = await queue.claimDue(t, name, 7);
        if (jobs.length === 0) return;
        claimed.push(...jobs.filter((j) => j.kind === 'race').map((j) => j.id));
        for (const j of jobs) await queue.complete(j, t);
      }
    };
    await Promise.all(['w1', 'w2', 'w3', 'w4'].map(worker));
    expect(claimed).toHaveLength(150);
    expect(new Set(claimed).size).toBe(150);
  });

  it('runs due jobs on a virtual clock, including jobs they schedule', async () => {
    const clock = new ManualClock(T0 + 5_000_000);
    const runner = new JobRunner(queue, clock, createLogger('silent'));
    const ran: string[] = [];
    runner.register('reminder', async (job) => {
      ran.push(`${String(job.payload.step)}@${new Date(clock.now()).toISOString()}`);
      if (job.payload.step === 1) {
        await queue.enqueue(
          { kind: 'reminder', runAt: clock.now(), payload: { step: 2 } },
          clock.now(),
        );
      }
    });
    const due = clock.now() + 3 * 86_400_000;
    await queue.enqueue({ kind: 'reminder', runAt: due, payload: { step: 1 } }, clock.now());
    expect(await runner.runDue()).toBe(0);
    clock.advanceBy('P2D');
    expect(await runner.runDue()).toBe(0);
    clock.advanceBy('P1D');
    expect(await runner.runDue()).toBe(2);
    const at = new Date(due).toISOString();
    expect(ran).toEqual([`1@${at}`, `2@${at}`]);
  });
});
