/**
 * The `intelligence` benchmark. Part "btyd" (btydBench): customer value for 100,000 synthetic
 * customers drawn from known BG/NBD and Gamma-Gamma parameters (seeded), with a baseline
 * measured in the same run for each figure:
 *
 * - fit: BG/NBD + Gamma-Gamma maximum likelihood as the server does it (BFGS with the analytic
 *   gradient, customers grouped by (x, t_x, T)), beside Nelder–Mead on the same likelihood;
 * - scoring: every prediction of every customer as the server computes it, beside the same
 *   numbers from the textbook formulas (the conditional expectation through the direct 2F1
 *   series, without Euler's transformation);
 * - parameter recovery: the fitted parameters against the ones the customers were drawn from;
 * - the whole job on SQLite: read 100k customers' orders, fit, score and store the predictions;
 * - the degenerate-fit verdict on CDNOW and Online Retail, with the 90-day holdout check
 *   (intelligence-btyd-verdict.ts).
 *
 * Scale: BENCH_BTYD_CUSTOMERS (default 100,000); seed BENCH_SEED.
 *
 * The recommendation rows (intelligence-recommend.ts: blend vs buy again, item-item and
 * popularity at three test cuts, the job at 100k x 10k) and the replenishment precision rows
 * (intelligence-replenish.ts) follow; bench/README.md describes every row.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  bgParams,
  BgNbdData,
  bgNbdTotalLogLikelihood,
  type BgNbdParams,
} from '../packages/server/dist/modules/insights/btyd/bg-nbd.js';
import {
  WEEKS_365D,
  WEEKS_90D,
  fitCustomerValue,
  predictCustomer,
  scoringModelOf,
  type ScoringModel,
} from '../packages/server/dist/modules/insights/btyd/customer-value.js';
import { conditionalExpectedSpend } from '../packages/server/dist/modules/insights/btyd/gamma-gamma.js';
import { nelderMead } from '../packages/server/dist/modules/insights/btyd/nelder-mead.js';
import { simulateCustomers } from '../packages/server/dist/modules/insights/btyd/simulate.js';
import { hyp2f1 } from '../packages/server/dist/modules/insights/btyd/special-functions.js';
import {
  DAY_MS,
  summarizePurchases,
  type CustomerSummary,
} from '../packages/server/dist/modules/insights/btyd/summaries.js';
import { CustomerValueService } from '../packages/server/dist/modules/insights/index.js';
import { ManualClock } from '../packages/server/dist/platform/clock.js';
import { migrateToLatest, openDatabase } from '../packages/server/dist/platform/db/database.js';
import { JobQueue } from '../packages/server/dist/platform/jobs/job-queue.js';
import { createLogger } from '../packages/server/dist/platform/logger.js';
import { btydVerdictBench } from './intelligence-btyd-verdict.js';
import { cutoffFromArgs, recommendationBench } from './intelligence-recommend.js';
import { replenishmentPrecisionBench } from './intelligence-replenish.js';
import type { Benchmark } from './lib/benchmark.js';
import { removeDir, tempDir } from './lib/cleanup.js';
import { resultRow, type ResultRow } from './lib/result.js';
import { fmt } from './lib/stats.js';

const TRUTH: BgNbdParams = { r: 0.6, alpha: 5, a: 0.7, b: 3 };
const SPEND = { p: 5, q: 4, gamma: 100 };
const WEEKS = 104;
const NOW = Date.parse('2026-03-02T12:00:00Z');
const WEEK_MS = 7 * DAY_MS;

function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

/** The customers' orders (epoch ms, value), as a store would have them. */
function generate(n: number, seed: number) {
  const start = NOW - WEEKS * WEEK_MS;
  return simulateCustomers(TRUTH, n, {
    seed,
    weeks: WEEKS,
    acquisitionWeeks: 78,
    spend: SPEND,
  }).map((c) =>
    c.purchases.map((w, k) => ({ at: Math.floor(start + w * WEEK_MS), value: c.values[k] ?? 0 })),
  );
}

/** The textbook scoring: closed-form P(alive), the direct 2F1 series, Gamma-Gamma, CLV. */
function textbookScore(model: ScoringModel, c: CustomerSummary): number {
  const p = model.bgNbd;
  if (!p) throw new Error('textbook scoring needs BG/NBD');
  const { r, alpha, a, b } = p;
  const odds = c.x > 0 ? (a / (b + c.x - 1)) * ((alpha + c.T) / (alpha + c.tx)) ** (r + c.x) : 0;
  const pAlive = 1 / (1 + odds);
  const expected = (t: number) => {
    const z = t / (alpha + c.T + t);
    const f = hyp2f1(r + c.x, b + c.x, a + b + c.x - 1, z);
    const bracket = 1 - ((alpha + c.T) / (alpha + c.T + t)) ** (r + c.x) * f;
    return ((a + b + c.x - 1) / (a - 1)) * bracket * pAlive;
  };
  const e90 = expected(WEEKS_90D);
  const e365 = expected(WEEKS_365D);
  const spend = model.gammaGamma
    ? (conditionalExpectedSpend(model.gammaGamma, { x: c.x, m: c.monetary }) ?? c.averageValue)
    : c.averageValue;
  return pAlive + e90 + e365 * spend;
}

/** Runs `fn` over the customers (at least `minMs`), returns customers per second. */
function rate(customers: readonly CustomerSummary[], fn: (c: CustomerSummary) => number) {
  let sink = 0;
  let done = 0;
  const started = performance.now();
  do {
    for (const c of customers) sink += fn(c);
    done += customers.length;
  } while (performance.now() - started < 1000);
  const perS = done / ((performance.now() - started) / 1000);
  return { perS, sink };
}

/** The whole job through the service on a SQLite file: orders in, predictions out. */
async function jobOnSqlite(orders: { at: number; value: number }[][]) {
  const dir = tempDir('btyd');
  const database = openDatabase(`sqlite:${path.join(dir, 'btyd.db')}`);
  try {
    await migrateToLatest(database);
    const rows = orders.flatMap((list, i) =>
      list.map((o, k) => ({
        workspace_id: 'default',
        order_id: `o-${i}-${k}`,
        profile_id: `p-${i}`,
        total: Math.round(o.value * 100) / 100,
        refunded: 0,
        currency: 'EUR',
        ordered_at: o.at,
      })),
    );
    for (let i = 0; i < rows.length; i += 500) {
      await database.db
        .insertInto('profile_orders')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const service = new CustomerValueService(
      database,
      new ManualClock(NOW),
      new JobQueue(database),
      createLogger('silent'),
    );
    const started = performance.now();
    const run = await service.fit('default');
    return { ms: performance.now() - started, run, orders: rows.length };
  } finally {
    await database.close();
    removeDir(dir);
  }
}

export async function btydBench(log: (line: string) => void = console.log): Promise<ResultRow[]> {
  const n = envInt('BENCH_BTYD_CUSTOMERS', 100_000);
  const seed = envInt('BENCH_SEED', 42);
  const orders = generate(n, seed);
  const customers = orders.flatMap((list) => {
    const s = summarizePurchases(list, NOW);
    return s ? [s] : [];
  });
  const repeat = customers.filter((c) => c.x > 0).length;
  log(`${fmt(n)} customers (${fmt(repeat)} repeat), ${fmt(orders.flat().length)} orders`);

  let started = performance.now();
  const model = fitCustomerValue(customers);
  const fitMs = performance.now() - started;
  if (model.method !== 'bg_nbd')
    throw new Error(`expected the models, got the rules: ${model.reason}`);
  const fitted = model.bgNbd.params;
  log(
    `fit: ${fmt(fitMs)} ms (${model.bgNbd.evaluations} + ${model.gammaGamma?.evaluations} passes)`,
  );

  // Baseline: Nelder–Mead (value only) on the same grouped likelihood, same start.
  const data = new BgNbdData(customers);
  started = performance.now();
  const nm = nelderMead(
    (t) => -bgNbdTotalLogLikelihood(bgParams(t), data) / data.customers,
    [0, Math.log(data.meanT), 0, 0],
    { step: 1, fTolerance: 1e-12, xTolerance: 1e-7 },
  );
  const nmMs = performance.now() - started;
  log(`baseline fit (Nelder–Mead): ${fmt(nmMs)} ms, ${nm.evaluations} evaluations`);

  const recovery = Math.max(
    ...(['r', 'alpha', 'a', 'b'] as const).map((k) => Math.abs(fitted[k] / TRUTH[k] - 1)),
  );
  const gg = model.gammaGamma?.params;
  const scoring = scoringModelOf(model);
  const ours = rate(customers, (c) => {
    const p = predictCustomer(scoring, c);
    return p.pAlive + p.expectedOrders90d + p.clv365d;
  });
  const textbook = rate(customers, (c) => textbookScore(scoring, c));
  log(`scoring: ${fmt(ours.perS)}/s; textbook formulas: ${fmt(textbook.perS)}/s`);
  const job = await jobOnSqlite(orders);
  log(`job on SQLite: ${fmt(job.ms)} ms for ${fmt(job.run.scoredProfiles)} profiles`);

  const verdicts = await btydVerdictBench(log);
  const shape = `${fmt(n)} customers drawn from r=${TRUTH.r}, alpha=${TRUTH.alpha}, a=${TRUTH.a}, b=${TRUTH.b} over ${WEEKS} weeks (seed ${seed})`;
  const p4 = (v: number) => v.toFixed(4);
  return [
    resultRow({
      name: 'intelligence',
      metric: 'btyd_fit_ms',
      unit: 'ms',
      ours: fitMs,
      baseline: nmMs,
      target: { atMost: 5000 },
      notes:
        `BG/NBD + Gamma-Gamma fit (BFGS, analytic gradient, ${model.bgNbd.evaluations} + ` +
        `${model.gammaGamma?.evaluations ?? 0} passes) on ${shape}; baseline: BG/NBD alone by ` +
        `Nelder–Mead on the same likelihood (${nm.evaluations} evaluations); lower is better`,
    }),
    resultRow({
      name: 'intelligence',
      metric: 'btyd_scoring_per_s',
      unit: 'profiles/s',
      ours: ours.perS,
      baseline: textbook.perS,
      target: { atLeast: 50_000, ratioAtLeast: 1 },
      notes:
        'p_alive, expected orders 90/365 d, spend, CLV, churn, next order per profile; baseline: ' +
        'the textbook formulas (direct 2F1 series) for p_alive, expected orders and CLV',
    }),
    resultRow({
      name: 'intelligence',
      metric: 'btyd_recovery_max_rel_error',
      unit: 'ratio',
      ours: recovery,
      target: { atMost: 0.05 },
      digits: 4,
      notes:
        `fitted r=${p4(fitted.r)} alpha=${p4(fitted.alpha)} a=${p4(fitted.a)} b=${p4(fitted.b)}` +
        (gg
          ? `; Gamma-Gamma p=${p4(gg.p)} q=${p4(gg.q)} gamma=${p4(gg.gamma)} (truth 5, 4, 100)`
          : '') +
        '; the customers are simulated in continuous time and summarised as the server does ' +
        '(same-day orders merged), which biases the estimates a little',
    }),
    resultRow({
      name: 'intelligence',
      metric: 'btyd_job_ms',
      unit: 'ms',
      ours: job.ms,
      target: { atMost: 30_000 },
      notes:
        `CustomerValueService.fit on SQLite: read ${fmt(job.orders)} orders, fit, score and ` +
        `store ${fmt(job.run.scoredProfiles)} predictions (reading, fitting, the holdout ` +
        `check and scoring ${fmt(job.run.durationMs)} ms; the rest is writing)`,
    }),
    ...verdicts,
  ];
}

export const intelligence: Benchmark = {
  name: 'intelligence',
  summary:
    'customer value (BG/NBD + Gamma-Gamma) for 100k synthetic customers: fit time vs ' +
    'Nelder–Mead, scoring rate vs the textbook formulas, parameter recovery, the job on SQLite, ' +
    'the degenerate-fit verdict on CDNOW and Online Retail with the 90-day holdout check; ' +
    'recommendations on Online Retail at 3 test cuts (--cutoff YYYY-MM-DD for one), non-products ' +
    'learned by the production rule, blend settings chosen on an earlier validation cut: ' +
    'any-item and new-item hit@10 with bootstrap intervals vs buy again (most bought), ' +
    'item-item and popularity, every strategy at 2011-09-01; replenishment error and ' +
    'precision/recall of "due within 30 days" vs one global interval; the recommendation job ' +
    'at 100k x 10k',
  async run({ log, argv }) {
    const cutoff = cutoffFromArgs(argv);
    return [
      ...(await btydBench(log)),
      ...(await recommendationBench({ cutoff, log })),
      ...(await replenishmentPrecisionBench(log)),
    ];
  },
};
