import type { Benchmark } from '../lib/benchmark.js';
import { rateNote, runProcessLoad } from '../lib/process-run.js';
import { resultRow } from '../lib/result.js';
import { createSegmentMix, SEGMENT_MIX, storedSizes } from '../lib/segment-mix.js';
import { fmt, percentile } from '../lib/stats.js';

/**
 * The processor's rate with twenty live segments against its rate with none, same data, same
 * run, one fresh server each (the `process` method: closed-loop ingest, role all, SQLite). The
 * segments exist before the warm-up, so every event of the load is evaluated live; their
 * stored sizes are printed to show the membership was really kept.
 */
export const segmentLive: Benchmark = {
  name: 'segment-live',
  summary:
    'processor events/s with 20 live segments of mixed kinds / with none (same data, same run); ' +
    'target >= 0.75x',
  async run({ scale, log }) {
    log('without segments');
    const bare = await runProcessLoad(scale, log);
    log(`with ${SEGMENT_MIX.length} segments`);
    let ids: string[] = [];
    let sizes: number[] = [];
    const live = await runProcessLoad(scale, log, {
      beforeLoad: async (server) => {
        ids = await createSegmentMix(server);
      },
      afterLoad: async (server) => {
        sizes = await storedSizes(server, ids);
      },
    });
    const nonEmpty = sizes.filter((n) => n > 0).length;
    return [
      resultRow({
        name: 'segment-live',
        metric: 'events_per_s',
        unit: 'events/s',
        ours: live.rate.eventsPerS,
        baseline: bare.rate.eventsPerS,
        target: { ratioAtLeast: 0.75 },
        notes:
          `with ${SEGMENT_MIX.length} segments (${nonEmpty} non-empty at the end; stored sizes ` +
          `${sizes.map((n) => fmt(n)).join(', ')}): ${rateNote(live)}. Baseline: the same load ` +
          `with no segments: ${rateNote(bare)}. Lag acknowledged -> applied (= entered: ` +
          `membership is written in the batch's transaction) under this closed-loop burst: p99 ` +
          `${fmt(percentile(live.lags, 99))} ms with segments, ${fmt(percentile(bare.lags, 99))} ` +
          "ms without (the steady-rate lag is process-lag's method)",
      }),
    ];
  },
};
