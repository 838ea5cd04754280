/**
 * Crash safety of the journey engine (issue 13): real worker processes (the compiled build, the
 * system clock, the server's journey composition) run N enrollments through a 5-step journey -
 * an email, a random split, one of two emails, a profile tag, the end - sending to a real SMTP
 * server, and are SIGKILLed 20 times at random moments. SQLite runs one worker, as it does in
 * production; PostgreSQL two at once, killed in turn. Each kill waits for a random point of the
 * work (completed enrollments + sent messages, drawn uniformly over the first 85%), then a
 * random 0-1 s more once its worker is running. Kills are placed by progress, not by time from
 * a worker's start or its first message: started workers first load the build (a loaded machine
 * would kill most of them then), and on SQLite a busy runner holds the event loop, so a first
 * message can come after the whole backlog was walked. A killed worker is replaced at once; the
 * last ones are left alone to finish and exit by themselves.
 *
 * Then: every enrollment completed, with exactly its path's step rows; the outbox holds exactly
 * the 2N expected messages (per enrollment and send step: id, dedupe key, address, subject), all
 * sent; one tag update per enrollment in the event log; the distinct Message-IDs at the sink are
 * exactly the outbox's. The sender is at-least-once towards SMTP: a worker killed between the
 * sink's acceptance and recording 'sent' leaves the message to be resent with the same
 * Message-ID, for the receiver to recognise. Those resends are counted, printed and bound: each
 * needs a second recorded 'sending', and a kill can only repeat what its sender had in flight.
 *
 * N: the issue asks for 10,000. On this project's 2-core machine a worker walks a few dozen
 * enrollments a second (dozens of queries, one after another, for each), so 10,000 and 20
 * restarts take well over the few minutes a test may; N is the largest that fits, per engine.
 * JOURNEY_CRASH_N=10000 runs the full size. Inserted directly (fixtures/journey-seed.ts): the
 * profiles, their consents and enrollments, as the processor, the consent follower and the
 * trigger follower write them - those have their own tests; the templates and the journey go
 * through the services.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { freshDatabase, type Engine, type TestDatabase } from '../support/engines.js';
import { assertBuilt } from '../process/harness.js';
import { checkCrashOutcome, progressOf } from './fixtures/crash-checks.js';
import { WorkerProcess, errorLines, type WorkerRun } from './fixtures/crash-workers.js';
import { startHeaderSink, type HeaderSink } from './fixtures/header-sink.js';
import { seedCrashWorld } from './fixtures/journey-seed.js';

const N_BY_ENGINE: Record<Engine, number> = { sqlite: 3_000, postgres: 1_500 };
const KILLS = 20;
/** Kills fall at random points of the first 85% of the work: the rest is the clean finish. */
const KILLED_SHARE = 0.85;
/** A kill's extra delay once its worker is running and the work reached its point. */
const MAX_JITTER_MS = 1_000;
/**
 * The sender's lease: a killed worker's claimed messages come free this long after the claim.
 * SQLite's one worker is never alive beside another, so its lease only times the resume after
 * a kill: short, so a restarted worker takes over what its predecessor had in flight. Two live
 * PostgreSQL senders need a lease longer than a claimed batch takes on a loaded machine, or one
 * would resend what the other is still sending, with no kill involved.
 */
const SENDER_LEASE_MS: Record<Engine, number> = { sqlite: 1_000, postgres: 5_000 };
const POLL_MS = 100;
/** Messages one sender has in flight at once (MessageSender's default concurrency). */
const SENDER_CONCURRENCY = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = () => Math.floor(Math.random() * (MAX_JITTER_MS + 1));
/** Longer than any lease, so no progress for this long means the workers are stuck. */
const STALL_MS = 90_000;

/** One engine's run; each engine has its own test file so both run at once (minutes each). */
export function journeyCrashSuite(engine: Engine): void {
  describe(`journey workers SIGKILLed at random moments, ${engine}`, () => {
    let tdb: TestDatabase;
    let database: Database;
    let sink: HeaderSink;
    const spawned: WorkerProcess[] = [];
    const workers = engine === 'postgres' ? 2 : 1;
    const N = Number(process.env.JOURNEY_CRASH_N ?? N_BY_ENGINE[engine]);
    // Ample for the default sizes on a loaded machine, and for JOURNEY_CRASH_N=10000.
    const timeoutMs = 300_000 + N * 150;
    /**
     * Waits until the work reached `target` units: false if a worker exited by itself first;
     * fails if nothing moves for STALL_MS.
     */
    const progressTo = async (target: number, live: WorkerProcess[]) => {
      let last = -1;
      let movedAt = Date.now();
      for (
        let done = await progressOf(database);
        done < target;
        done = await progressOf(database)
      ) {
        if (done !== last) [last, movedAt] = [done, Date.now()];
        if (Date.now() - movedAt > STALL_MS) throw new Error(`no progress past ${done} units`);
        if (live.some((w) => w.exitedByItself)) return false;
        await sleep(50);
      }
      return true;
    };
    const spawn = (env: Record<string, string>) => {
      const worker = new WorkerProcess(env, timeoutMs);
      spawned.push(worker);
      return worker;
    };

    beforeAll(() => assertBuilt());
    afterEach(async () => {
      for (const w of spawned.splice(0)) w.kill();
      await sink?.close();
      await database?.close();
      await tdb?.drop();
    });

    it(
      `${N} enrollments, ${workers} worker(s), ${KILLS} kills: each message once`,
      async () => {
        tdb = await freshDatabase(engine);
        database = openDatabase(tdb.url);
        await migrateToLatest(database);
        const { enrollments } = await seedCrashWorld(database, N);
        sink = await startHeaderSink();
        const env = {
          DATABASE_URL: tdb.url,
          SMTP_URL: sink.url,
          SENDER_LEASE_MS: String(SENDER_LEASE_MS[engine]),
          POLL_MS: String(POLL_MS),
        };
        // Points of the work (3N units: N completions, 2N messages sent) at which the kills fall.
        const targets = Array.from({ length: KILLS }, () =>
          Math.floor(Math.random() * KILLED_SHARE * 3 * N),
        ).sort((a, b) => a - b);

        const began = Date.now();
        const killed: WorkerRun[] = [];
        const killedAt: number[] = [];
        const live = Array.from({ length: workers }, () => spawn(env));
        for (const [k, target] of targets.entries()) {
          const slot = k % workers;
          const worker = live[slot];
          if (!worker) throw new Error(`no worker in slot ${slot}`);
          // A worker that exits by itself saw nothing left to do: the kills end there, and the
          // checks below say what was left undone (a failed message is not sent, nor pending).
          if (!(await progressTo(target, live)) || !(await worker.running)) break;
          await sleep(jitter());
          killedAt.push(await progressOf(database));
          worker.kill();
          const run = await worker.exited;
          if (!run.killed) break;
          killed.push(run);
          live[slot] = spawn(env);
        }
        const killPhaseMs = Date.now() - began;

        // After the last restart the workers are left alone until nothing is active or unsent.
        const finals = await Promise.all(live.map((w) => w.exited));
        const ms = Date.now() - began;
        for (const run of finals) {
          expect(run, run.stdout + run.stderr).toMatchObject({ killed: false, code: 0 });
          expect(run.stdout).toMatch(/^done /m);
        }
        expect([...killed, ...finals].flatMap(errorLines)).toEqual([]);

        const o = await checkCrashOutcome(database, enrollments, sink.messages);
        expect(o.enrollmentStates).toEqual({ [`completed/-/6/-`]: N });
        expect({ count: o.wrongStepCount, samples: o.wrongSteps }).toEqual({
          count: 0,
          samples: [],
        });
        expect({
          missing: [o.missingCount, o.missingMessages],
          extra: [o.extraCount, o.extraMessages],
          wrong: [o.wrongMessageCount, o.wrongMessages],
        }).toEqual({ missing: [0, []], extra: [0, []], wrong: [0, []] });
        expect(o.tagEvents).toEqual({ total: N, distinct: N, unexpected: 0 });
        // Exactly once for the receiver, by Message-ID: the outbox's 2N messages and nothing else.
        expect(o.strangersAtSink).toEqual([]);
        expect(o.neverArrived).toEqual([]);
        expect(o.distinctArrivals).toBe(2 * N);
        expect(o.arrivalsBeyondAttempts).toEqual([]);
        const resends = o.arrivals - o.distinctArrivals;
        expect(resends).toBeLessThanOrEqual(KILLS * SENDER_CONCURRENCY);
        // Every kill hit a worker with work left (the last one with 15% of the work to go).
        expect(killed).toHaveLength(KILLS);

        const seconds = (t: number) => (t / 1000).toFixed(1);
        console.log(
          `[journey crash, ${engine}] N=${N} enrollments, ${workers} worker(s): ` +
            `${killed.length} kills in ${seconds(killPhaseMs)} s ` +
            `(at work units ${killedAt.join(',')} of ${3 * N}); all done in ${seconds(ms)} s; ` +
            `${o.arrivals} arrivals at the sink for ${o.distinctArrivals} messages: ` +
            `${resends} resend(s) after kills`,
        );
      },
      timeoutMs,
    );
  });
}
