import type { Benchmark } from '../lib/benchmark.js';
import type { HealthSample } from '../lib/health.js';
import { runIngestLoad } from '../lib/ingest-load.js';
import { resultRow } from '../lib/result.js';
import { fmt, percentile } from '../lib/stats.js';

const POLL_MS = 100;

export const processBenchmark: Benchmark = {
  name: 'process',
  summary:
    'events/s applied to profiles by the processor under the ingest load, and p99 lag ' +
    'acknowledged -> applied (no baseline)',
  async run({ scale, log }) {
    if (scale.serverRole !== 'all') throw new Error('process needs BENCH_SERVER_ROLE=all');
    const run = await runIngestLoad(scale, { pollEveryMs: POLL_MS, waitForProcessor: true, log });
    const { load, before, afterLoad } = run;
    const caughtUp = run.caughtUp;
    if (!caughtUp) throw new Error('the processor did not catch up');
    const applied0 = before.appliedSinceStart;
    const applied = caughtUp.appliedSinceStart - applied0;
    if (applied < load.acceptedEvents) {
      throw new Error(`processor applied ${applied} of ${load.acceptedEvents} events`);
    }

    // Throughput: the whole timed load, from the first request sent until /health shows nothing
    // left to apply. The processor cannot apply faster than events arrive, so it is also shown
    // during the load and, for the backlog left at the last ack, while draining it.
    const totalS = (caughtUp.at - load.startedAt) / 1000;
    const eventsPerS = load.acceptedEvents / totalS;
    const loadS = (afterLoad.at - load.startedAt) / 1000;
    const duringLoad = (afterLoad.appliedSinceStart - applied0) / loadS;
    const drainS = (caughtUp.at - afterLoad.at) / 1000;
    const drained = caughtUp.appliedSinceStart - afterLoad.appliedSinceStart;
    const drainRate = drainS > 0.05 ? `${fmt(drained / drainS)} events/s` : 'n/a';

    // Lag, as the client sees it: the k-th acknowledged event counts as applied at the first
    // /health answer whose applied count reaches k (the log is applied in commit order and
    // acknowledgements follow commits), so it is an upper bound with POLL_MS resolution.
    const samples: HealthSample[] = [...run.samples, afterLoad, caughtUp].sort(
      (a, b) => a.at - b.at,
    );
    const lags = new Float64Array(load.acceptedRequests);
    let j = 0;
    for (let i = 0; i < load.acceptedRequests; i++) {
      const needed = (i + 1) * scale.perRequest;
      while (j < samples.length && (samples[j]?.appliedSinceStart ?? 0) - applied0 < needed) j++;
      const seen = samples[j];
      lags[i] = seen ? Math.max(0, seen.at - (load.ackTimes[i] ?? 0)) : Number.NaN;
    }
    const clientP50 = percentile(lags, 50);
    const clientP99 = percentile(lags, 99);
    const serverP99s = run.samples.flatMap((s) => (s.lagP99Ms === null ? [] : [s.lagP99Ms]));
    const serverMax = serverP99s.length ? Math.max(...serverP99s) : Number.NaN;
    const serverMedian = percentile(serverP99s, 50);

    return [
      resultRow({
        name: 'process',
        metric: 'events_per_s',
        unit: 'events/s',
        ours: eventsPerS,
        baseline: null,
        target: { atLeast: 20_000 },
        notes:
          `${fmt(load.acceptedEvents)} events from the first request to all applied in ${fmt(totalS, 1)} s ` +
          `(ingest ${fmt(load.acceptedEvents / ((load.endedAt - load.startedAt) / 1000))} events/s); ` +
          `${fmt(duringLoad)} events/s applied during the load; ${fmt(afterLoad.behindEvents)} behind ` +
          `at the last ack, drained in ${fmt(drainS, 2)} s (${drainRate}); /health polled every ${POLL_MS} ms`,
      }),
      resultRow({
        name: 'process',
        metric: 'lag_p99_ms',
        unit: 'ms',
        ours: clientP99,
        baseline: null,
        target: { below: 1000 },
        notes:
          `acknowledged -> seen applied in /health, per request (resolution ~${POLL_MS} ms), p50 ` +
          `${fmt(clientP50)} ms. Server's received -> applied p99 over its last 10k events: ` +
          `median ${fmt(serverMedian)} ms, max ${fmt(serverMax)} ms over ${serverP99s.length} samples`,
      }),
    ];
  },
};
