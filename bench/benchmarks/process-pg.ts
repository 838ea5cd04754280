import { randomBytes } from 'node:crypto';
import { slotOfWorkspace } from '../../packages/server/dist/platform/db/processor-slots.js';
import { performance } from 'node:perf_hooks';
import { ANCHORS } from '../lib/anchors.js';
import type { Benchmark } from '../lib/benchmark.js';
import { HealthClient, type HealthSample } from '../lib/health.js';
import { sendBatches, type LoadResult } from '../lib/http.js';
import { prepareLoad } from '../lib/ingest-load.js';
import { createBenchDatabase, pgAdminUrl, pgUnavailable, redacted } from '../lib/pg-database.js';
import { measurePhase, measurePostgres, type PhaseUsage } from '../lib/proc.js';
import { resultRow, skippedRow, type ResultRow, type Target } from '../lib/result.js';
import { subScale, type Scale } from '../lib/scale.js';
import { createWriteKey, startServer, type ServerHandle } from '../lib/server.js';
import { fmt, percentile, sleep } from '../lib/stats.js';

const NAME = 'process-pg';
const CATCH_UP_TIMEOUT_MS = 900_000;

/** Counts from a comma-separated environment variable, each 1..max. */
function countsFromEnv(name: string, fallback: string, what: string, max: number): number[] {
  const counts = (process.env[name] ?? fallback).split(',').map((n) => Number(n.trim()));
  if (!counts.length || counts.some((n) => !Number.isInteger(n) || n <= 0 || n > max)) {
    throw new Error(`${name} must be ${what} counts (1-${max}) separated by commas`);
  }
  return counts;
}

const workerCountsFromEnv = () => countsFromEnv('BENCH_PG_WORKERS', '1,2', 'worker', 8);
/**
 * Stores the load is spread over: one (the target's case), and several, whose workspaces fall
 * into different processor slots so that workers apply them in parallel (ADR 0027).
 */
const workspaceCountsFromEnv = () => countsFromEnv('BENCH_PG_WORKSPACES', '1,8', 'workspace', 16);

const metricOf = (workers: number, workspaces: number) =>
  `events_per_s_${workers}_worker${workers === 1 ? '' : 's'}` +
  (workspaces === 1 ? '' : `_${workspaces}_workspaces`);
/** The target holds for one worker and one store; the others show the scale-out trend. */
const targetOf = (workers: number, workspaces: number): Target | null =>
  workers === 1 && workspaces === 1 ? { atLeast: 12_000 } : null;

/** `count` workspace ids, each in a processor slot of its own (as the server computes it). */
function workspacesInDistinctSlots(count: number): string[] {
  const bySlot = new Map<number, string>();
  for (let i = 0; bySlot.size < count; i++) {
    const id = `bench-store-${i}`;
    const slot = slotOfWorkspace(id);
    if (!bySlot.has(slot)) bySlot.set(slot, id);
  }
  return [...bySlot.values()];
}

/** The bodies dealt round-robin to the stores, each store's sent with its own write key. */
async function sendToStores(
  load: { baseUrl: string; eventsPerBody: number; concurrency: number },
  keys: readonly string[],
  bodies: readonly Buffer[],
): Promise<LoadResult> {
  const parts = keys.map((writeKey, k) =>
    sendBatches({
      ...load,
      writeKey,
      concurrency: Math.max(1, Math.ceil(load.concurrency / keys.length)),
      bodies: bodies.filter((_, i) => i % keys.length === k),
    }),
  );
  const results = await Promise.all(parts);
  const concat = (pick: (r: LoadResult) => Float64Array) => {
    const out = new Float64Array(results.reduce((n, r) => n + pick(r).length, 0));
    let at = 0;
    for (const r of results) {
      out.set(pick(r), at);
      at += pick(r).length;
    }
    return out;
  };
  return {
    startedAt: Math.min(...results.map((r) => r.startedAt)),
    endedAt: Math.max(...results.map((r) => r.endedAt)),
    acceptedEvents: results.reduce((n, r) => n + r.acceptedEvents, 0),
    acceptedRequests: results.reduce((n, r) => n + r.acceptedRequests, 0),
    rateLimited: results.reduce((n, r) => n + r.rateLimited, 0),
    latenciesMs: concat((r) => r.latenciesMs),
    ackTimes: concat((r) => r.ackTimes).sort(),
  };
}

/**
 * Polls the api process's /health until nothing is left to apply. behindEvents is global (the
 * log's head against the shared cursor), unlike appliedSinceStart, which counts only what the
 * answering process applied itself - and an api process applies nothing. A worker that dies
 * fails the wait at once instead of at the timeout.
 */
async function waitApplied(
  health: HealthClient,
  headAtLeast: number,
  workers: readonly ServerHandle[],
): Promise<HealthSample> {
  const deadline = performance.now() + CATCH_UP_TIMEOUT_MS;
  for (;;) {
    const dead = workers.map((w) => w.exitedWith()).find((e) => e !== null);
    if (dead) throw new Error(`a worker stopped during the run: ${dead}`);
    const h = await health.get();
    if (h.behindEvents === 0 && h.head >= headAtLeast) return h;
    if (h.at > deadline) {
      throw new Error(`still ${h.behindEvents} events behind after ${CATCH_UP_TIMEOUT_MS} ms`);
    }
    await sleep(20);
  }
}

const cores = (u: PhaseUsage) => (u.serverCores === null ? 'n/a' : fmt(u.serverCores, 2));

/** One api process and `workers` worker processes on a fresh database, under the ingest load. */
async function runWithWorkers(
  scale: Scale,
  adminUrl: string,
  workers: number,
  workspaces: number,
  log: (line: string) => void,
): Promise<ResultRow> {
  const { warmup, measured } = prepareLoad(scale);
  const database = await createBenchDatabase(adminUrl);
  const processes: ServerHandle[] = [];
  let health: HealthClient | undefined;
  try {
    const secret = randomBytes(24).toString('base64url');
    const common = { nodeArgs: scale.serverNodeArgs, databaseUrl: database.url, secret };
    // The api process migrates the new database before any worker starts.
    const api = await startServer({ ...common, role: 'api' });
    processes.push(api);
    const workerProcs: ServerHandle[] = [];
    for (let i = 0; i < workers; i++) {
      const w = await startServer({ ...common, role: 'worker' });
      workerProcs.push(w);
      processes.push(w);
    }
    health = new HealthClient(api.url);
    const keys =
      workspaces === 1
        ? [api.writeKey]
        : workspacesInDistinctSlots(workspaces).map((w) => createWriteKey(database.url, w, secret));
    log(
      `${workers} worker(s), ${workspaces} store(s): database ${database.name}; api pid ${api.pid}, worker pids ` +
        `${workerProcs.map((w) => w.pid).join(', ')}; warm-up ${fmt(scale.warmupEvents)} events`,
    );
    const load = {
      baseUrl: api.url,
      eventsPerBody: scale.perRequest,
      concurrency: scale.concurrency,
    };
    await sendToStores(load, keys, warmup);
    const before = await waitApplied(health, 0, workerProcs);
    log(`${workers} worker(s): timed load ${fmt(scale.events)} events`);
    const phases = processes.map((p) => measurePhase(p.pid));
    const postgres = measurePostgres();
    const sent = await sendToStores(load, keys, measured);
    const afterLoad = await health.get();
    const caughtUp = await waitApplied(health, before.head + sent.acceptedEvents, workerProcs);
    const [apiUsage, ...workerUsage] = phases.map((p) => p.end());
    const postgresCores = postgres.end();

    const totalS = (caughtUp.at - sent.startedAt) / 1000;
    const loadS = (sent.endedAt - sent.startedAt) / 1000;
    const appliedDuringLoad = sent.acceptedEvents - afterLoad.behindEvents;
    return resultRow({
      name: NAME,
      metric: metricOf(workers, workspaces),
      unit: 'events/s',
      ours: sent.acceptedEvents / totalS,
      baseline: null,
      target: targetOf(workers, workspaces),
      notes:
        `PostgreSQL, 1 api + ${workers} worker process(es) on a fresh database, the load ` +
        `spread over ${workspaces} store(s): ` +
        `${fmt(sent.acceptedEvents)} events from the first request until /health showed ` +
        `behindEvents 0 in ${fmt(totalS, 1)} s; ingest ${fmt(sent.acceptedEvents / loadS)} ` +
        `events/s (p99 ${fmt(percentile(sent.latenciesMs, 99), 1)} ms, ${sent.rateLimited} x ` +
        `429); ~${fmt(appliedDuringLoad / loadS)} events/s applied during the load, ` +
        `${fmt(afterLoad.behindEvents)} behind at the last ack; CPU over load + drain: api ` +
        `${apiUsage ? cores(apiUsage) : 'n/a'}, workers ${workerUsage.map(cores).join(' / ')} ` +
        `cores, PostgreSQL's processes ${postgresCores === null ? 'n/a (not on this machine)' : fmt(postgresCores, 2)} ` +
        `cores. ${ANCHORS.pg}`,
    });
  } finally {
    health?.close();
    // Every process first (a database with open connections is dropped by force anyway).
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await database.drop();
  }
}

export const processPg: Benchmark = {
  name: NAME,
  summary:
    'PostgreSQL: events/s applied with 1 api + 1 worker process, then 1 api + 2 workers, each ' +
    'on a fresh database, for one store and for eight (skipped when PostgreSQL is not reachable)',
  async run({ scale, log }) {
    const counts = workerCountsFromEnv();
    const stores = workspaceCountsFromEnv();
    const adminUrl = pgAdminUrl();
    const unavailable = await pgUnavailable(adminUrl);
    if (unavailable) {
      log(`skipped: ${unavailable}`);
      return stores.flatMap((w) =>
        counts.map((n) =>
          skippedRow({
            name: NAME,
            metric: metricOf(n, w),
            unit: 'events/s',
            target: targetOf(n, w),
            reason: unavailable,
            notes: 'Set BENCH_PG_URL to a PostgreSQL maintenance database to run it',
          }),
        ),
      );
    }
    const pgScale = subScale(scale, { eventsEnv: 'BENCH_PG_EVENTS', defaultEvents: 150_000 });
    log(`PostgreSQL at ${redacted(adminUrl)}; ${fmt(pgScale.events)} timed events per run`);
    const rows: ResultRow[] = [];
    for (const w of stores) {
      for (const n of counts) rows.push(await runWithWorkers(pgScale, adminUrl, n, w, log));
    }
    return rows;
  },
};
