/**
 * `npm run bench` runs every benchmark; `npm run bench -- ingest` runs the named ones. Results
 * go to bench/results/latest.json (format: docs in performance.md) and latest.md, and the table
 * is printed. The exit code is non-zero when a benchmark fails to run (not when it misses its
 * target: that is what the table's pass column says).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './benchmarks/index.js';
import { cleanupAll, installCleanupHandlers } from './lib/cleanup.js';
import { machine, markdownTable } from './lib/report.js';
import type { ResultRow } from './lib/result.js';
import { scaleFromEnv } from './lib/scale.js';
import { fmt } from './lib/stats.js';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

function usage(): string {
  return [
    'usage: npm run bench [-- NAME... [--cutoff YYYY-MM-DD]]',
    '',
    ...benchmarks.map((b) => `  ${b.name.padEnd(15)} ${b.summary}`),
    '',
    'env: BENCH_EVENTS, BENCH_WARMUP_EVENTS, BENCH_CONCURRENCY, BENCH_SEED, BENCH_SERVER_NODE_ARGS,',
    '  BENCH_SERVER_ROLE; process-orders: BENCH_ORDER_EVENTS; process-lag: BENCH_LAG_SECONDS,',
    '  BENCH_LAG_RATES; process-pg: BENCH_PG_URL, BENCH_PG_EVENTS, BENCH_PG_WORKERS;',
    '  journey: BENCH_JOURNEY_ENROLLMENTS, BENCH_JOURNEY_PENDING, BENCH_JOURNEY_SPREAD_S,',
    '  BENCH_JOURNEY_PARTS; backtest: BENCH_BACKTEST_EVENTS, BENCH_BACKTEST_PROFILES;',
    '  demo: BENCH_DEMO_CUSTOMERS, BENCH_DEMO_DAYS',
    '  (details: bench/README.md)',
  ].join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage());
    return 0;
  }
  // `--name value` and `--name=value` are options for the benchmarks (`--cutoff 2011-09-01`).
  const names = args.filter(
    (a, i) =>
      !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && !args[i - 1]?.includes('=')),
  );
  const unknown = names.filter((a) => !benchmarks.some((b) => b.name === a));
  if (unknown.length) {
    console.error(`unknown benchmark: ${unknown.join(', ')}\n\n${usage()}`);
    return 2;
  }
  const selected = names.length ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;
  installCleanupHandlers();
  const scale = scaleFromEnv();
  const m = machine();
  console.log(
    `Benchmarks: ${selected.map((b) => b.name).join(', ')}; ${fmt(scale.events)} events ` +
      `(+${fmt(scale.warmupEvents)} warm-up), ${fmt(scale.data.profiles)} profiles, seed ` +
      `${scale.data.seed}, ${scale.concurrency} requests in flight`,
  );

  const rows: ResultRow[] = [];
  let failed = false;
  for (const bench of selected) {
    const log = (line: string) => console.log(`[${bench.name}] ${line}`);
    const started = Date.now();
    try {
      rows.push(...(await bench.run({ scale, log, argv: args })));
      log(`done in ${fmt((Date.now() - started) / 1000, 1)} s`);
    } catch (error) {
      failed = true;
      console.error(`[${bench.name}] FAILED:`, error);
    } finally {
      cleanupAll();
    }
  }

  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS, 'latest.json'),
    JSON.stringify({ machine: m, results: rows }, null, 2) + '\n',
  );
  const table = markdownTable(m, rows);
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), table);
  console.log(`\n${table}`);
  console.log(`Written to ${path.relative(process.cwd(), RESULTS)}/latest.json and latest.md`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    cleanupAll();
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    cleanupAll();
    process.exit(1);
  },
);
