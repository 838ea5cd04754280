import { performance } from 'node:perf_hooks';
import { ANCHORS } from '../lib/anchors.js';
import type { Benchmark } from '../lib/benchmark.js';
import { batchBodies, EventGenerator } from '../lib/data.js';
import { HealthClient, pollHealth } from '../lib/health.js';
import { sendBatches } from '../lib/http.js';
import { ackToAppliedLags, serverLagNote } from '../lib/lag.js';
import { LATE_MS, sendPaced } from '../lib/paced-load.js';
import { measurePhase } from '../lib/proc.js';
import { POLL_MS } from '../lib/process-run.js';
import { resultRow, type ResultRow } from '../lib/result.js';
import { intFromEnv, type Scale } from '../lib/scale.js';
import { startServer } from '../lib/server.js';
import { fmt, percentile } from '../lib/stats.js';

/** Requests in flight at most: past it a due request is not sent (and counted). */
const MAX_IN_FLIGHT = 64;
/**
 * "Rate held": the achieved offered rate is at least this share of the nominal one, and at least
 * ACCEPTED_HELD of the scheduled events were accepted (not refused, not held back by the cap).
 */
const RATE_HELD = 0.95;
const ACCEPTED_HELD = 0.99;

function ratesFromEnv(): number[] {
  const raw = process.env.BENCH_LAG_RATES ?? '10000,20000';
  const rates = raw.split(',').map((r) => Number(r.trim()));
  if (!rates.length || rates.some((r) => !Number.isInteger(r) || r <= 0)) {
    throw new Error('BENCH_LAG_RATES must be positive integers separated by commas');
  }
  return rates;
}

/**
 * Bodies for the highest rate over the whole duration; a lower rate sends a prefix of them.
 * Each rate gets a fresh server, so the same events can be sent to each.
 */
function prepareBodies(scale: Scale, events: number): { warmup: Buffer[]; paced: Buffer[] } {
  const gen = new EventGenerator(scale.data);
  const warmup = batchBodies(gen, scale.warmupEvents / scale.perRequest, scale.perRequest);
  const paced = batchBodies(gen, Math.ceil(events / scale.perRequest), scale.perRequest);
  return { warmup, paced };
}

const rateLabel = (rate: number) => (rate % 1000 === 0 ? `${rate / 1000}k` : String(rate));

async function lagAtRate(
  scale: Scale,
  rate: number,
  seconds: number,
  bodies: { warmup: Buffer[]; paced: Buffer[] },
  log: (line: string) => void,
): Promise<ResultRow> {
  const requests = Math.max(1, Math.round((rate * seconds) / scale.perRequest));
  const server = await startServer({ nodeArgs: scale.serverNodeArgs, role: 'all' });
  const health = new HealthClient(server.url);
  try {
    log(
      `${rateLabel(rate)}/s: server pid ${server.pid}; warm-up ${fmt(scale.warmupEvents)} events`,
    );
    const warm = await sendBatches({
      baseUrl: server.url,
      writeKey: server.writeKey,
      bodies: bodies.warmup,
      eventsPerBody: scale.perRequest,
      concurrency: scale.concurrency,
    });
    const before = await health.waitCaughtUp(120_000, 50, warm.acceptedEvents);
    log(
      `${rateLabel(rate)}/s: offering ${fmt(requests * scale.perRequest)} events over ${seconds} s`,
    );
    const poller = pollHealth(health, POLL_MS);
    const phase = measurePhase(server.pid);
    const paced = await sendPaced({
      baseUrl: server.url,
      writeKey: server.writeKey,
      bodies: bodies.paced.slice(0, requests),
      eventsPerBody: scale.perRequest,
      eventsPerS: rate,
      maxInFlight: MAX_IN_FLIGHT,
    });
    const usage = phase.end();
    const afterLoad = await health.get();
    const caughtUp = await health.waitCaughtUp(
      300_000,
      20,
      before.appliedSinceStart + paced.acceptedEvents,
    );
    const samples = await poller.stop();
    const applied0 = before.appliedSinceStart;
    const lags = ackToAppliedLags(
      [...samples, afterLoad, caughtUp],
      applied0,
      paced.ackTimes,
      scale.perRequest,
    );
    const loadS = (afterLoad.at - paced.startedAt) / 1000;
    const acceptedPerS = paced.acceptedEvents / ((paced.endedAt - paced.startedAt) / 1000);
    const drainS = (caughtUp.at - afterLoad.at) / 1000;
    // A lag is only worth its target if the rate was really offered and taken: a server that
    // refused (429) or stalled the load would otherwise pass by applying less.
    const held =
      paced.offeredPerS >= RATE_HELD * rate &&
      paced.acceptedEvents >= ACCEPTED_HELD * requests * scale.perRequest;
    return resultRow({
      name: 'process-lag',
      metric: `lag_p99_ms_at_${rateLabel(rate)}`,
      unit: 'ms',
      ours: percentile(lags, 99),
      baseline: null,
      target: { atMost: 1000 },
      validIf: [{ text: 'rate held', holds: held }],
      notes:
        `open loop at ${fmt(rate)} events/s for ${seconds} s (${scale.perRequest}/request on a ` +
        `fixed schedule, at most ${MAX_IN_FLIGHT} in flight): offered ${fmt(paced.offeredPerS)} ` +
        `events/s achieved, accepted ${fmt(acceptedPerS)} events/s; ${paced.sentRequests} ` +
        `requests sent, ${paced.refused} x 429, ${paced.capped} not sent (in-flight cap), ` +
        `${paced.late} sent > ${LATE_MS} ms late (max ${fmt(paced.maxLateMs)} ms)` +
        (held
          ? ''
          : ` - the rate was NOT held (needs >= ${RATE_HELD}x achieved and >= ` +
            `${ACCEPTED_HELD * 100}% of the events accepted)`) +
        `; ingest request p50 ${fmt(percentile(paced.latenciesMs, 50), 1)} ms, p99 ` +
        `${fmt(percentile(paced.latenciesMs, 99), 1)} ms; processor applied ` +
        `${fmt((afterLoad.appliedSinceStart - applied0) / loadS)} events/s during the load, ` +
        `${fmt(afterLoad.behindEvents)} behind at the end, drained in ${fmt(drainS, 2)} s; server ` +
        `CPU ${usage.serverCores === null ? 'n/a' : fmt(usage.serverCores, 2)} cores; lag ` +
        `acknowledged -> seen applied in /health (polled every ${POLL_MS} ms), p50 ` +
        `${fmt(percentile(lags, 50))} ms; ${serverLagNote(samples)}. ${ANCHORS.lag}`,
    });
  } finally {
    health.close();
    await server.stop();
  }
}

export const processLag: Benchmark = {
  name: 'process-lag',
  summary:
    'p99 lag acknowledged -> applied at a steady offered 10k and 20k events/s (open loop, 60 s ' +
    'each, fresh role=all SQLite server per rate)',
  async run({ scale, log }) {
    const seconds = intFromEnv('BENCH_LAG_SECONDS', 60);
    const rates = ratesFromEnv();
    const started = performance.now();
    const bodies = prepareBodies(scale, Math.max(...rates) * seconds);
    log(`bodies built in ${fmt((performance.now() - started) / 1000, 1)} s`);
    const rows: ResultRow[] = [];
    for (const rate of rates) rows.push(await lagAtRate(scale, rate, seconds, bodies, log));
    return rows;
  },
};
