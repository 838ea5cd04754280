import { performance } from 'node:perf_hooks';
import { batchBodies, EventGenerator } from './data.js';
import { HealthClient, pollHealth, type HealthSample } from './health.js';
import { sendBatches, type LoadResult } from './http.js';
import { measurePhase, type PhaseUsage } from './proc.js';
import type { Scale } from './scale.js';
import { startServer, type ServerHandle } from './server.js';

export interface PreparedLoad {
  warmup: Buffer[];
  measured: Buffer[];
  measuredBytes: number;
  prepareMs: number;
}

const prepared = new Map<string, PreparedLoad>();

/** The request bodies of a run, built once per scale and reused by every benchmark. */
export function prepareLoad(scale: Scale): PreparedLoad {
  const key = JSON.stringify([scale.data, scale.events, scale.warmupEvents, scale.perRequest]);
  const cached = prepared.get(key);
  if (cached) return cached;
  const started = performance.now();
  const gen = new EventGenerator(scale.data);
  const warmup = batchBodies(gen, scale.warmupEvents / scale.perRequest, scale.perRequest);
  const measured = batchBodies(gen, scale.events / scale.perRequest, scale.perRequest);
  const load: PreparedLoad = {
    warmup,
    measured,
    measuredBytes: measured.reduce((sum, b) => sum + b.length, 0),
    prepareMs: performance.now() - started,
  };
  prepared.set(key, load);
  return load;
}

export interface IngestRun {
  load: LoadResult;
  /** /health once the warm-up was applied (just before the timed load). */
  before: HealthSample;
  /** /health right after the last acknowledgement. */
  afterLoad: HealthSample;
  /** /health once the processor had applied everything (when asked to wait for it). */
  caughtUp: HealthSample | null;
  /** Samples taken during the timed load and the drain after it (when polling was asked). */
  samples: HealthSample[];
  measuredBytes: number;
  /** CPU use of the server and of this client, and the server's disk writes, during the load. */
  usage: PhaseUsage;
}

/**
 * One real server process (role all: HTTP + processor, SQLite in a temp dir) under the batch
 * load: warm-up (untimed, then wait until the processor caught up), the timed load, optionally
 * polling /health throughout and waiting for the processor to apply the whole load.
 */
export async function runIngestLoad(
  scale: Scale,
  opts: {
    pollEveryMs: number | null;
    waitForProcessor: boolean;
    log: (line: string) => void;
    /** Run once the server listens, before the warm-up (e.g. create segments). */
    beforeLoad?: (server: ServerHandle) => Promise<void>;
    /** Run after the load (and the drain, when waited for), before the server stops. */
    afterLoad?: (server: ServerHandle) => Promise<void>;
  },
): Promise<IngestRun> {
  const { warmup, measured, measuredBytes } = prepareLoad(scale);
  const server = await startServer({ nodeArgs: scale.serverNodeArgs, role: scale.serverRole });
  const health = new HealthClient(server.url);
  try {
    opts.log(`server pid ${server.pid} on ${server.url}; warm-up ${scale.warmupEvents} events`);
    await opts.beforeLoad?.(server);
    const common = {
      baseUrl: server.url,
      writeKey: server.writeKey,
      eventsPerBody: scale.perRequest,
      concurrency: scale.concurrency,
    };
    const warm = await sendBatches({ ...common, bodies: warmup });
    const before =
      scale.serverRole === 'all'
        ? await health.waitCaughtUp(120_000, 50, warm.acceptedEvents)
        : await health.get();
    opts.log(`timed load: ${scale.events} events, ${scale.concurrency} requests in flight`);
    const poller = opts.pollEveryMs === null ? null : pollHealth(health, opts.pollEveryMs);
    const phase = measurePhase(server.pid);
    const load = await sendBatches({ ...common, bodies: measured });
    const usage = phase.end();
    // The poller's own connection keeps sampling; a separate sample marks the end of the load.
    const afterLoad = await health.get();
    const caughtUp = opts.waitForProcessor
      ? await health.waitCaughtUp(300_000, 20, before.appliedSinceStart + load.acceptedEvents)
      : null;
    const samples = poller ? await poller.stop() : [];
    await opts.afterLoad?.(server);
    return { load, before, afterLoad, caughtUp, samples, measuredBytes, usage };
  } finally {
    health.close();
    await server.stop();
  }
}
