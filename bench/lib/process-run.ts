import { runIngestLoad, type IngestRun } from './ingest-load.js';
import { ackToAppliedLags, appliedRate, type AppliedRate } from './lag.js';
import type { Scale } from './scale.js';
import { fmt } from './stats.js';

/** /health is polled this often during the process benchmarks (the lag's resolution). */
export const POLL_MS = 100;

export interface ProcessRun {
  run: IngestRun;
  rate: AppliedRate;
  /** Lag acknowledged -> applied per accepted request (see ackToAppliedLags). */
  lags: Float64Array;
}

/**
 * The method of the `process` rows: one role=all server under the closed-loop ingest load,
 * /health polled every POLL_MS, then waiting until the processor has applied every timed
 * event. Throughput counts from the first timed request until /health shows nothing left.
 */
export async function runProcessLoad(
  scale: Scale,
  log: (line: string) => void,
  hooks: Pick<Parameters<typeof runIngestLoad>[1], 'beforeLoad' | 'afterLoad'> = {},
): Promise<ProcessRun> {
  if (scale.serverRole !== 'all') throw new Error('the process rows need BENCH_SERVER_ROLE=all');
  const run = await runIngestLoad(scale, {
    pollEveryMs: POLL_MS,
    waitForProcessor: true,
    log,
    ...hooks,
  });
  const { load, before, afterLoad, caughtUp } = run;
  if (!caughtUp) throw new Error('the processor did not catch up');
  const applied0 = before.appliedSinceStart;
  const applied = caughtUp.appliedSinceStart - applied0;
  if (applied < load.acceptedEvents) {
    throw new Error(`processor applied ${applied} of ${load.acceptedEvents} events`);
  }
  const rate = appliedRate({
    startedAt: load.startedAt,
    acceptedEvents: load.acceptedEvents,
    applied0,
    afterLoad,
    caughtUp,
  });
  const lags = ackToAppliedLags(
    [...run.samples, afterLoad, caughtUp],
    applied0,
    load.ackTimes,
    scale.perRequest,
  );
  return { run, rate, lags };
}

/** The notes every process row starts with: how the figure was obtained. */
export function rateNote(p: ProcessRun): string {
  const { load } = p.run;
  const ingestRate = load.acceptedEvents / ((load.endedAt - load.startedAt) / 1000);
  const { serverCores } = p.run.usage;
  return (
    `${fmt(load.acceptedEvents)} events from the first request to all applied in ` +
    `${fmt(p.rate.totalS, 1)} s (ingest ${fmt(ingestRate)} events/s, ${load.rateLimited} x 429); ` +
    `${fmt(p.rate.duringLoad)} events/s applied during the load; ` +
    `${fmt(p.rate.behindAtLastAck)} behind at the last ack, drained in ${fmt(p.rate.drainS, 2)} s ` +
    `(${p.rate.drainRate}); server CPU ${serverCores === null ? 'n/a' : fmt(serverCores, 2)} ` +
    `cores during the load; /health polled every ${POLL_MS} ms`
  );
}
