import { ANCHORS } from '../lib/anchors.js';
import type { Benchmark } from '../lib/benchmark.js';
import { rateNote, runProcessLoad } from '../lib/process-run.js';
import { resultRow } from '../lib/result.js';
import { subScale } from '../lib/scale.js';
import { fmt, percentile } from '../lib/stats.js';

const LINES = 21;
/**
 * A 21-line Order Completed call is about 5 KB, so 100 of them would pass the 500 KB batch
 * limit of /v1/batch: 50 per request keeps each body near 260 KB.
 */
const PER_REQUEST = 50;

export const processOrders: Benchmark = {
  name: 'process-orders',
  summary:
    `events/s applied when every event is an Order Completed with ${LINES} lines (role all, ` +
    'SQLite, same method as process)',
  async run({ scale, log }) {
    const orders = subScale(scale, {
      eventsEnv: 'BENCH_ORDER_EVENTS',
      defaultEvents: 60_000,
      perRequest: PER_REQUEST,
      data: { ...scale.data, ordersOnly: { lines: LINES } },
    });
    const p = await runProcessLoad(orders, log);
    const { run } = p;
    const kbPerEvent = run.measuredBytes / run.load.acceptedEvents / 1024;
    return [
      resultRow({
        name: 'process-orders',
        metric: 'events_per_s',
        unit: 'events/s',
        ours: p.rate.eventsPerS,
        baseline: null,
        target: { atLeast: 7_000 },
        notes:
          `every event an Order Completed with ${LINES} lines (${fmt(kbPerEvent, 1)} KB/event, ` +
          `${PER_REQUEST}/request, ${fmt(orders.warmupEvents)} warm-up); ${rateNote(p)}; lag ` +
          `acknowledged -> applied p99 ${fmt(percentile(p.lags, 99))} ms. ${ANCHORS.orders}`,
      }),
    ];
  },
};
