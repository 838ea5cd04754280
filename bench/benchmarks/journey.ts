import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark } from '../lib/benchmark.js';
import { removeDir, tempDir } from '../lib/cleanup.js';
import { pgTransitionsBaseline, sqliteTransitionsBaseline } from '../lib/journey-baseline.js';
import { timerLatenessRow } from '../lib/journey-lateness.js';
import {
  createPausedJourney,
  JourneyBenchStore,
  resumeJourney,
  spreadDueTimes,
  STEPS_PER_ENROLLMENT,
} from '../lib/journey-setup.js';
import { createBenchDatabase, pgAdminUrl, pgUnavailable, redacted } from '../lib/pg-database.js';
import { measurePhase } from '../lib/proc.js';
import { resultRow, skippedRow, type ResultRow, type Target } from '../lib/result.js';
import { intFromEnv } from '../lib/scale.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { fmt, sleep } from '../lib/stats.js';

const NAME = 'journey';
/** Transitions per second per worker (issue 13). */
const TARGET: Target = { atLeast: 5_000 };
const DONE_TIMEOUT_MS = 900_000;
const POLL_MS = 100;

/** The processes of one run: where the API answers, which run the engine, how to stop. */
interface Deployment {
  engine: 'SQLite' | 'PostgreSQL';
  databaseUrl: string;
  apiUrl: string;
  workers: ServerHandle[];
  stop(): Promise<void>;
}

/** SQLite: one `serve` process (role all: on SQLite one process does it all). */
async function sqliteDeployment(nodeArgs: string[]): Promise<Deployment> {
  const dir = tempDir('journey');
  const databaseUrl = `sqlite:${path.join(dir, 'comeback.db')}`;
  const server = await startServer({ databaseUrl, role: 'all', nodeArgs }).catch((error) => {
    removeDir(dir);
    throw error;
  });
  return {
    engine: 'SQLite',
    databaseUrl,
    apiUrl: server.url,
    workers: [server],
    async stop() {
      await server.stop();
      removeDir(dir);
    },
  };
}

/** PostgreSQL: a fresh database, one api process (it migrates) and `workers` worker processes. */
async function pgDeployment(adminUrl: string, workers: number, nodeArgs: string[]) {
  const database = await createBenchDatabase(adminUrl);
  const processes: ServerHandle[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await database.drop();
  };
  try {
    const common = { databaseUrl: database.url, secret: randomBytes(24).toString('base64url') };
    const api = await startServer({ ...common, role: 'api', nodeArgs });
    processes.push(api);
    const workerProcs: ServerHandle[] = [];
    for (let i = 0; i < workers; i++) {
      const w = await startServer({ ...common, role: 'worker', nodeArgs });
      processes.push(w);
      workerProcs.push(w);
    }
    const d: Deployment = {
      engine: 'PostgreSQL',
      databaseUrl: database.url,
      apiUrl: api.url,
      workers: workerProcs,
      stop,
    };
    return d;
  } catch (error) {
    await stop();
    throw error;
  }
}

interface Throughput {
  /** Transitions per second per worker, ours and the baseline's. */
  ours: number;
  baseline: number;
  notes: string;
}

/**
 * `n` enrollments through the bench journey on a deployment: first the baseline (its own `n`
 * enrollments while the journey is paused, so the engine leaves them alone), then ours (`n`
 * more, the journey resumed: timed from the resume until none is active, polled every 100 ms).
 */
async function throughput(
  d: Deployment,
  n: number,
  seed: number,
  log: (line: string) => void,
): Promise<Throughput> {
  const store = new JourneyBenchStore(d.databaseUrl);
  try {
    const journeyId = await createPausedJourney(d.apiUrl);
    const workspaceId = await store.workspaceOf(journeyId);
    const now = Date.now();
    // Due within the last hour, in a seeded order unrelated to the ids.
    const due = spreadDueTimes(n, now - 3_600_000, 3_000_000, seed);
    const batch = (prefix: string) => ({
      journeyId,
      workspaceId,
      prefix,
      count: n,
      dueAt: (i: number) => due[i] ?? now,
      armedSince: now - 86_400_000,
    });
    const workers = d.workers.length;

    const baseInsert = await store.insert(batch('base'));
    const db = store.database;
    const base =
      db.dialect === 'sqlite'
        ? sqliteTransitionsBaseline(db.sqlite.raw)
        : await pgTransitionsBaseline(db.pool, workers);
    if (base.transitions !== n * STEPS_PER_ENROLLMENT)
      throw new Error(`baseline: ${base.transitions} transitions, expected ${n * 5}`);
    log(
      `${d.engine}, ${workers} worker(s): baseline ${fmt(base.transitions)} transitions in ` +
        `${fmt(base.seconds, 1)} s (insert ${fmt(baseInsert.seconds, 1)} s)`,
    );

    const oursInsert = await store.insert(batch('enr'));
    const phases = d.workers.map((w) => measurePhase(w.pid));
    const t0 = performance.now();
    await resumeJourney(d.apiUrl, journeyId);
    for (;;) {
      await sleep(POLL_MS);
      const dead = d.workers.map((w) => w.exitedWith()).find((e) => e !== null);
      if (dead) throw new Error(`a worker stopped during the run: ${dead}`);
      if ((await store.countActive(journeyId)) === 0) break;
      if (performance.now() - t0 > DONE_TIMEOUT_MS)
        throw new Error(`enrollments still active after ${DONE_TIMEOUT_MS} ms`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = phases.map((p) => fmt(p.end().serverCores ?? Number.NaN, 2));
    const out = await store.outcome('enr');
    if (out.steps !== n * STEPS_PER_ENROLLMENT || out.completed !== n)
      throw new Error(`ours: ${out.steps} step rows and ${out.completed} completed, expected ${n}`);
    log(
      `${d.engine}, ${workers} worker(s): ours ${fmt(out.steps)} transitions in ${fmt(seconds, 1)} s`,
    );

    const ours = out.steps / seconds / workers;
    const baseline = base.transitions / base.seconds / workers;
    return {
      ours,
      baseline,
      notes:
        `${fmt(n)} enrollments written in bulk straight into journey_enrollments (insert ` +
        `${fmt(oursInsert.seconds, 1)} s, untimed; journey paused) at an armed wait due in the ` +
        `last hour; 5-step journey without sends (wait -> split on the trigger's total -> ` +
        `random split -> split on its category -> exit; ${STEPS_PER_ENROLLMENT} step rows each, ` +
        `all in one pass); timed from the resume until no enrollment is active (polled every ` +
        `${POLL_MS} ms; the engine polls every 250 ms when idle): ${fmt(out.steps)} transitions ` +
        `in ${fmt(seconds, 1)} s = ${fmt(out.steps / seconds)}/s in all, ${fmt(n / seconds)} ` +
        `enrollments/s; worker CPU ${cpu.join(' / ')} cores. Baseline, same database, before ` +
        `ours, ${workers} connection(s): a minimal worker (per batch of 200 in one transaction: ` +
        `claim by due_at${d.engine === 'PostgreSQL' ? ' FOR UPDATE SKIP LOCKED' : ''}, per ` +
        `enrollment a guarded UPDATE + INSERT of its 5 step rows, prepared statements, ` +
        `${d.engine === 'SQLite' ? 'better-sqlite3' : 'plain pg'}): ${fmt(base.transitions)} ` +
        `transitions in ${fmt(base.seconds, 1)} s`,
    };
  } finally {
    await store.close();
  }
}

const metricOf = (engine: 'sqlite' | 'pg', workers: number) =>
  `transitions_per_s_${engine}_${workers}_worker${workers === 1 ? '' : 's'}`;

async function pgRows(
  n: number,
  seed: number,
  nodeArgs: string[],
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const adminUrl = pgAdminUrl();
  const unavailable = await pgUnavailable(adminUrl);
  const counts = [1, 2];
  if (unavailable) {
    log(`PostgreSQL rows skipped: ${unavailable}`);
    return counts.map((w) =>
      skippedRow({
        name: NAME,
        metric: metricOf('pg', w),
        unit: 'transitions/s per worker',
        target: TARGET,
        reason: unavailable,
        notes: 'Set BENCH_PG_URL to a PostgreSQL maintenance database to run it',
      }),
    );
  }
  log(`PostgreSQL at ${redacted(adminUrl)}`);
  const rows: ResultRow[] = [];
  for (const workers of counts) {
    const d = await pgDeployment(adminUrl, workers, nodeArgs);
    try {
      const t = await throughput(d, n, seed, log);
      rows.push(
        resultRow({
          name: NAME,
          metric: metricOf('pg', workers),
          unit: 'transitions/s per worker',
          ours: t.ours,
          baseline: t.baseline,
          target: TARGET,
          notes:
            `PostgreSQL, a fresh database, 1 api + ${workers} worker process(es) ` +
            `(figures per worker: total / ${workers}); ${t.notes}`,
        }),
      );
    } finally {
      await d.stop();
    }
  }
  return rows;
}

/**
 * Issue 13's journey rows: step transitions per second for 100k enrollments through a 5-step
 * journey (SQLite one process; PostgreSQL 1 and 2 workers), each beside a minimal worker doing
 * the same writes with the same driver in the same run; and the p99 lateness of due timers
 * with 1M pending (SQLite), beside a minimal poller on the same table.
 */
export const journeyBenchmark: Benchmark = {
  name: NAME,
  summary:
    'journey engine: step transitions/s (100k enrollments, 5 steps; SQLite, PostgreSQL 1 and 2 ' +
    'workers) vs a minimal worker; p99 timer lateness with 1M pending; target >= 5,000/s per ' +
    'worker, p99 <= 1 s',
  async run({ scale, log }) {
    const n = intFromEnv('BENCH_JOURNEY_ENROLLMENTS', 100_000);
    const pending = intFromEnv('BENCH_JOURNEY_PENDING', 1_000_000);
    const spreadS = intFromEnv('BENCH_JOURNEY_SPREAD_S', 3_600);
    const seed = scale.data.seed;
    const parts = (process.env.BENCH_JOURNEY_PARTS ?? 'sqlite,pg,timers').split(',');
    const nodeArgs = scale.serverNodeArgs;
    const rows: ResultRow[] = [];
    if (parts.includes('sqlite')) {
      const d = await sqliteDeployment(nodeArgs);
      try {
        const t = await throughput(d, n, seed, log);
        rows.push(
          resultRow({
            name: NAME,
            metric: metricOf('sqlite', 1),
            unit: 'transitions/s per worker',
            ours: t.ours,
            baseline: t.baseline,
            target: TARGET,
            notes: `SQLite, one serve process (role all); ${t.notes}`,
          }),
        );
      } finally {
        await d.stop();
      }
    }
    if (parts.includes('pg')) rows.push(...(await pgRows(n, seed, nodeArgs, log)));
    if (parts.includes('timers'))
      rows.push(await timerLatenessRow({ pending, spreadS, seed, nodeArgs, log }));
    return rows;
  },
};
