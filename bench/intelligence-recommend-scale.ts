/**
 * The recommendation job at the scale the issue names: 100,000 customers x 10,000 products,
 * synthetic and seeded (1-8 orders per customer over a year, 1-5 products per order drawn from a
 * Zipf-like popularity, 200 categories). Two figures:
 *
 * - the in-memory fit (fitWorkspace: every model and every profile's rows), as the job runs it;
 * - the whole job on a SQLite file through RecommendationService.fit: read the orders, fit,
 *   write; then again after 100 new orders, which shows what the incremental write saves.
 *
 * Scale: BENCH_REC_CUSTOMERS (default 100,000), BENCH_REC_PRODUCTS (10,000); seed BENCH_SEED.
 */
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { fitWorkspace } from '../packages/server/dist/modules/insights/recommendation-fit.js';
import { RecommendationService } from '../packages/server/dist/modules/insights/index.js';
import { ProfileQueries, ProfileStore } from '../packages/server/dist/modules/profiles/index.js';
import { encodeLines } from '../packages/server/dist/modules/profiles/order-lines.js';
import { ManualClock } from '../packages/server/dist/platform/clock.js';
import { migrateToLatest, openDatabase } from '../packages/server/dist/platform/db/database.js';
import { JobQueue } from '../packages/server/dist/platform/jobs/job-queue.js';
import { createLogger } from '../packages/server/dist/platform/logger.js';
import { removeDir, tempDir } from './lib/cleanup.js';
import type { RetailLine } from './lib/online-retail.js';
import { Random } from './lib/random.js';
import { resultRow, type ResultRow } from './lib/result.js';
import { fmt } from './lib/stats.js';

const DAY = 86_400_000;
const START = Date.parse('2025-03-01T00:00:00Z');
const NOW = START + 366 * DAY;

function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

export function syntheticLines(customers: number, products: number, seed: number): RetailLine[] {
  const rng = new Random(seed);
  const lines: RetailLine[] = [];
  const zipf = () => Math.min(products - 1, Math.floor(products ** rng.next()) - 1);
  for (let c = 0; c < customers; c++) {
    const orders = 1 + Math.min(7, Math.floor(-Math.log(1 - rng.next()) * 1.5));
    for (let o = 0; o < orders; o++) {
      const at = START + rng.int(365) * DAY;
      const items = rng.between(1, 5);
      for (let i = 0; i < items; i++) {
        const p = zipf();
        lines.push({
          customerId: `c${c}`,
          orderId: `c${c}-${o}`,
          orderedAt: at,
          productId: `p${p}`,
          category: `cat${p % 200}`,
          quantity: 1,
          description: '',
          price: 1,
        });
      }
    }
  }
  return lines;
}

/** Writes the orders straight into a migrated SQLite file, as the processor would have. */
function insertOrders(raw: BetterSqlite3.Database, lines: readonly RetailLine[]) {
  const order = raw.prepare(
    `insert or ignore into profile_orders (workspace_id, order_id, profile_id, total, refunded,
     currency, ordered_at, status, updated_at, lines)
     values ('default', ?, ?, 0, 0, 'EUR', ?, 'placed', ?, ?)`,
  );
  const byOrder = new Map<string, RetailLine[]>();
  for (const l of lines) {
    const held = byOrder.get(l.orderId) ?? [];
    held.push(l);
    byOrder.set(l.orderId, held);
  }
  raw.transaction(() => {
    for (const [orderId, held] of byOrder) {
      const first = held[0];
      if (!first) continue;
      const stored = encodeLines(
        held.map((l) => ({
          id: l.productId,
          variantId: null,
          sku: null,
          name: null,
          category: l.category,
          price: 1,
          quantity: l.quantity,
        })),
      );
      order.run(orderId, first.customerId, first.orderedAt, first.orderedAt, stored);
    }
  })();
}

async function jobOnSqlite(lines: readonly RetailLine[], seed: number) {
  const dir = tempDir('recommend');
  const database = openDatabase(`sqlite:${path.join(dir, 'recommend.db')}`);
  try {
    await migrateToLatest(database);
    if (database.dialect !== 'sqlite') throw new Error('expected SQLite');
    insertOrders(database.sqlite.raw, lines);
    const clock = new ManualClock(NOW);
    const profiles = new ProfileQueries(database, new ProfileStore(database, 'bench'));
    const service = new RecommendationService(
      database,
      clock,
      new JobQueue(database),
      profiles,
      createLogger('silent'),
    );
    let started = performance.now();
    const first = await service.fit('default');
    const firstMs = performance.now() - started;
    // A day later: 100 new orders from existing customers.
    insertOrders(
      database.sqlite.raw,
      syntheticLines(100, 10_000, seed + 1).map((l) => ({
        ...l,
        orderId: `new-${l.orderId}`,
        orderedAt: NOW,
      })),
    );
    clock.advance(DAY);
    started = performance.now();
    const second = await service.fit('default');
    return { firstMs, first, secondMs: performance.now() - started, second };
  } finally {
    await database.close();
    removeDir(dir);
  }
}

const sum = (written: Record<string, number>) => Object.values(written).reduce((a, b) => a + b, 0);

export async function scaleRows(log: (line: string) => void): Promise<ResultRow[]> {
  const customers = envInt('BENCH_REC_CUSTOMERS', 100_000);
  const products = envInt('BENCH_REC_PRODUCTS', 10_000);
  const seed = envInt('BENCH_SEED', 42);
  const lines = syntheticLines(customers, products, seed);
  const started = performance.now();
  const fit = fitWorkspace(lines, new Map(), NOW);
  const fitMs = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const shape =
    `${fmt(fit.stats.customers)} synthetic customers, ${fmt(fit.stats.products)} products, ` +
    `${fmt(fit.stats.orders)} orders, ${fmt(lines.length)} lines (seed ${seed})`;
  log(`${shape}: in-memory fit ${fmt(fitMs)} ms, peak RSS ${fmt(peakRssMb)} MB`);
  const job = await jobOnSqlite(lines, seed);
  log(
    `job on SQLite: first fit ${fmt(job.firstMs)} ms (${fmt(sum(job.first.written))} groups written); ` +
      `after 100 new orders ${fmt(job.secondMs)} ms (${fmt(sum(job.second.written))} groups written)`,
  );
  return [
    resultRow({
      name: 'intelligence',
      metric: 'recommend_fit_100k_x_10k_ms',
      unit: 'ms',
      ours: fitMs,
      target: { atMost: 60_000 },
      notes: `the job's in-memory fit (every model and every profile's rows) on ${shape}; process peak RSS ${fmt(peakRssMb)} MB`,
    }),
    resultRow({
      name: 'intelligence',
      metric: 'recommend_job_100k_x_10k_ms',
      unit: 'ms',
      ours: job.firstMs,
      target: { atMost: 120_000 },
      notes:
        `RecommendationService.fit on SQLite, the first fit of ${shape}: read the orders, fit, ` +
        `write ${fmt(sum(job.first.written))} groups of rows`,
    }),
    resultRow({
      name: 'intelligence',
      metric: 'recommend_job_next_day_ms',
      unit: 'ms',
      ours: job.secondMs,
      target: null,
      notes:
        `the same workspace a day later with 100 new orders: everything is read and refitted, ` +
        `${fmt(sum(job.second.written))} groups of rows rewritten (the rest unchanged within the ` +
        `tolerances); reading and fitting dominate, the diff saves writes, not time`,
    }),
  ];
}
