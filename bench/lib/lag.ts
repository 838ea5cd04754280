import type { HealthSample } from './health.js';
import { fmt, percentile } from './stats.js';

/**
 * Lag acknowledged -> applied, as the client sees it, one value per accepted request: the k-th
 * acknowledged event counts as applied at the first /health answer whose applied count
 * (`appliedSinceStart` minus `applied0`) reaches k. The log is applied in commit order and
 * acknowledgements follow commits, so this is an upper bound with the polling resolution.
 * `ackTimes` are performance.now() of the accepted answers in arrival order.
 */
export function ackToAppliedLags(
  samples: readonly HealthSample[],
  applied0: number,
  ackTimes: Float64Array,
  eventsPerRequest: number,
): Float64Array {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const lags = new Float64Array(ackTimes.length);
  let j = 0;
  for (let i = 0; i < ackTimes.length; i++) {
    const needed = (i + 1) * eventsPerRequest;
    while (j < sorted.length && (sorted[j]?.appliedSinceStart ?? 0) - applied0 < needed) j++;
    const seen = sorted[j];
    lags[i] = seen ? Math.max(0, seen.at - (ackTimes[i] ?? 0)) : Number.NaN;
  }
  return lags;
}

/** The server's own received -> applied p99 (a window over its last events), over the samples. */
export function serverLagNote(samples: readonly HealthSample[]): string {
  const p99s = samples.flatMap((s) => (s.lagP99Ms === null ? [] : [s.lagP99Ms]));
  const max = p99s.length ? Math.max(...p99s) : Number.NaN;
  return (
    `server's received -> applied p99 over its last 10k events: median ${fmt(percentile(p99s, 50))} ` +
    `ms, max ${fmt(max)} ms over ${p99s.length} samples`
  );
}

/** Throughput of the processor over a timed load, from /health samples (role all). */
export interface AppliedRate {
  /** Timed events / time from the first request until /health showed all of them applied. */
  eventsPerS: number;
  totalS: number;
  /** Applied per second between the first request and the last acknowledgement. */
  duringLoad: number;
  /** The backlog at the last ack and how fast it was drained. */
  behindAtLastAck: number;
  drainS: number;
  drainRate: string;
}

export function appliedRate(r: {
  startedAt: number;
  acceptedEvents: number;
  applied0: number;
  afterLoad: HealthSample;
  caughtUp: HealthSample;
}): AppliedRate {
  const totalS = (r.caughtUp.at - r.startedAt) / 1000;
  const loadS = (r.afterLoad.at - r.startedAt) / 1000;
  const drainS = (r.caughtUp.at - r.afterLoad.at) / 1000;
  const drained = r.caughtUp.appliedSinceStart - r.afterLoad.appliedSinceStart;
  return {
    eventsPerS: r.acceptedEvents / totalS,
    totalS,
    duringLoad: (r.afterLoad.appliedSinceStart - r.applied0) / loadS,
    behindAtLastAck: r.afterLoad.behindEvents,
    drainS,
    drainRate: drainS > 0.05 ? `${fmt(drained / drainS)} events/s` : 'n/a',
  };
}
