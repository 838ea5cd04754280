import type { Benchmark } from '../lib/benchmark.js';
import { intFromEnv } from '../lib/scale.js';
import { segmentTimerRow } from '../lib/segment-timer-lateness.js';

/**
 * Segment window re-checks on time with many pending (issue 11: 1M pending re-checks, p99
 * lateness <= 1 s): see bench/lib/segment-timer-lateness.ts for the method and the baseline.
 */
export const segmentTimers: Benchmark = {
  name: 'segment-timers',
  summary:
    'p99 lateness of segment window re-checks with BENCH_SEGMENT_TIMERS (1,000,000) pending ' +
    '(SQLite, one serve process) vs a minimal poller on the same tables; target <= 1 s',
  async run({ scale, log }) {
    return [
      await segmentTimerRow({
        pending: intFromEnv('BENCH_SEGMENT_TIMERS', 1_000_000),
        spreadS: intFromEnv('BENCH_SEGMENT_TIMERS_SPREAD_S', 3600),
        seed: scale.data.seed,
        nodeArgs: scale.serverNodeArgs,
        log,
      }),
    ];
  },
};
