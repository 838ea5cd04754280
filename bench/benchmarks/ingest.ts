import { ANCHORS } from '../lib/anchors.js';
import type { Benchmark } from '../lib/benchmark.js';
import { runIngestLoad } from '../lib/ingest-load.js';
import { rawInsertBaseline } from '../lib/raw-insert-baseline.js';
import { resultRow } from '../lib/result.js';
import { fmt, percentile } from '../lib/stats.js';

export const ingest: Benchmark = {
  name: 'ingest',
  summary:
    'accepted events/s and p99 request latency through POST /v1/batch (100 events/request, ' +
    'SQLite, processor running) vs raw better-sqlite3 batched inserts of the same rows',
  async run({ scale, log }) {
    const run = await runIngestLoad(scale, { pollEveryMs: null, waitForProcessor: false, log });
    const { load } = run;
    const seconds = (load.endedAt - load.startedAt) / 1000;
    const eventsPerS = load.acceptedEvents / seconds;
    log(`ours: ${fmt(eventsPerS)} events/s; baseline: raw inserts of the same rows`);
    const base = await rawInsertBaseline(scale);
    log(`baseline: ${fmt(base.eventsPerS)} events/s`);

    const shape =
      `${fmt(load.acceptedEvents)} events in ${fmt(seconds, 1)} s, ${scale.perRequest}/request, ` +
      `${scale.concurrency} in flight (keep-alive), ${fmt(run.measuredBytes / load.acceptedRequests / 1024, 1)} KB/request`;
    const { serverCores, clientCores, serverWriteBytes } = run.usage;
    const usage =
      `server CPU ${serverCores === null ? 'n/a' : fmt(serverCores, 2)} cores, client ${fmt(clientCores, 2)}` +
      (serverWriteBytes === null
        ? ''
        : `, server disk writes ${fmt(serverWriteBytes / load.acceptedEvents)} B/event`);
    const p50 = percentile(load.latenciesMs, 50);
    const p99 = percentile(load.latenciesMs, 99);
    return [
      resultRow({
        name: 'ingest',
        metric: 'events_per_s',
        unit: 'events/s',
        ours: eventsPerS,
        baseline: base.eventsPerS,
        target: { atLeast: 50_000, ratioAtLeast: 0.5 },
        notes:
          `${shape}; ${load.rateLimited} x 429; processor ${fmt(run.afterLoad.behindEvents)} events ` +
          `behind at the last ack; ${usage}. Baseline: better-sqlite3 prepared insert, ${scale.perRequest} rows ` +
          `per transaction, WAL + synchronous=FULL, same schema (${fmt(base.elapsedMs / 1000, 1)} s` +
          (base.writeBytesPerEvent === null
            ? ')'
            : `, disk writes ${fmt(base.writeBytesPerEvent)} B/event)`) +
          `. ${ANCHORS.ingest}`,
      }),
      resultRow({
        name: 'ingest',
        metric: 'latency_p50_ms',
        unit: 'ms',
        ours: p50,
        target: null,
        digits: 1,
        notes: `per POST /v1/batch request (${shape}); baseline 100-row transaction p50 ${fmt(base.txnP50Ms, 2)} ms`,
      }),
      resultRow({
        name: 'ingest',
        metric: 'latency_p99_ms',
        unit: 'ms',
        ours: p99,
        target: { atMost: 100 },
        digits: 1,
        notes:
          `per request, max ${fmt(Math.max(...load.latenciesMs), 0)} ms; baseline 100-row ` +
          `transaction p99 ${fmt(base.txnP99Ms, 2)} ms. ${ANCHORS.ingestP99}`,
      }),
    ];
  },
};
