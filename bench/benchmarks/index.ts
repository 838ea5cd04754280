import type { Benchmark } from '../lib/benchmark.js';
import { intelligence } from '../intelligence.js';
import { importBenchmark } from './import.js';
import { ingest } from './ingest.js';
import { processLag } from './process-lag.js';
import { processOrders } from './process-orders.js';
import { processPg } from './process-pg.js';
import { processBenchmark } from './process.js';
import { renderBenchmark } from './render.js';
import { segmentBackfill } from './segment-backfill.js';
import { segmentLive } from './segment-live.js';
import { segmentTimers } from './segment-timers.js';
import { sendBenchmark } from './send.js';
import { journeyBenchmark } from './journey.js';
import { backtestBenchmark } from './backtest.js';
import { demoBenchmark } from './demo.js';
import { dashboardBenchmark } from './dashboard.js';

/** Every benchmark, in the order `npm run bench` runs them. Add a new one here. */
export const benchmarks: readonly Benchmark[] = [
  ingest,
  processBenchmark,
  processOrders,
  processLag,
  processPg,
  segmentLive,
  segmentBackfill,
  segmentTimers,
  intelligence,
  importBenchmark,
  renderBenchmark,
  sendBenchmark,
  journeyBenchmark,
  backtestBenchmark,
  demoBenchmark,
  dashboardBenchmark,
];
