/**
 * Offline evaluation of the recommendation strategies and the replenishment estimator on the
 * full UCI Online Retail data (docs/guides/recommendations.md).
 *
 * Time split at `--cutoff` (default 2011-09-01): everything is fitted on the orders before it.
 * Recommendations: for every customer who bought before the cut-off and again after it, each
 * strategy recommends 10 products at the cut-off, with the product's exclusion rules (nothing
 * already bought unless replenishable and due); the truth is the set of products of the
 * customer's first invoice after the cut-off. Reported: hit-rate@10 (share of customers with at
 * least one hit) and NDCG@10 (binary relevance), each beside global popularity (the 10 best
 * sellers at the cut-off, the same for everyone, nothing excluded) in the same run.
 * Replenishment: for every (customer, product) bought before the cut-off and bought again after
 * it, the predicted next purchase day (the due date, or the cut-off when already due) against the
 * actual first purchase after the cut-off: coverage (share with a prediction) and the median
 * absolute error in days, beside the same error of one global median interval for every product.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PurchaseHistory } from '../packages/server/dist/modules/insights/recommend/purchase-history.js';
import {
  fitRecommendations,
  modelView,
} from '../packages/server/dist/modules/insights/recommend/recommendation-model.js';
import {
  recommend,
  STRATEGIES,
  type Strategy,
} from '../packages/server/dist/modules/insights/recommend/recommender.js';
import {
  dueNow,
  orderGapDays,
  type CustomerContext,
} from '../packages/server/dist/modules/insights/recommend/strategies.js';
import { replenishmentDue } from '../packages/server/dist/modules/insights/replenish/due-dates.js';
import { evaluateReplenishment } from '../packages/server/dist/modules/insights/replenish/replenishment-evaluation.js';
import {
  learnRepurchaseIntervals,
  purchaseOccasions,
} from '../packages/server/dist/modules/insights/replenish/repurchase-intervals.js';
import { readOnlineRetail, type RetailLine } from './lib/online-retail.js';
import { scaleRows } from './intelligence-recommend-scale.js';
import { resultRow, type ResultRow } from './lib/result.js';
import { fmt } from './lib/stats.js';

export interface RecommendationBenchArgs {
  /** YYYY-MM-DD, UTC. */
  cutoff?: string;
  /** Recommendations per customer. */
  k?: number;
  log?: (line: string) => void;
  /** Instead of the full data (tests). */
  lines?: RetailLine[];
}

export const DEFAULT_CUTOFF = '2011-09-01';
const TARGET_RATIO = 1.5;

/** `--cutoff YYYY-MM-DD` from command-line arguments (the rest is ignored). */
export function cutoffFromArgs(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--cutoff' || a.startsWith('--cutoff='));
  if (i < 0) return undefined;
  const value = argv[i]?.includes('=') ? argv[i]?.split('=')[1] : argv[i + 1];
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error('--cutoff takes YYYY-MM-DD');
  return value;
}

interface TestCase {
  customer: string;
  truth: Set<string>;
}

export function nextInvoiceTargets(lines: readonly RetailLine[], cutoff: number): TestCase[] {
  const trained = new Set<string>();
  const first = new Map<string, { order: string; at: number }>();
  for (const l of lines) {
    if (l.orderedAt < cutoff) trained.add(l.customerId);
    else {
      const f = first.get(l.customerId);
      if (!f || l.orderedAt < f.at) first.set(l.customerId, { order: l.orderId, at: l.orderedAt });
    }
  }
  const truth = new Map<string, Set<string>>();
  for (const l of lines) {
    if (l.orderedAt < cutoff || !trained.has(l.customerId)) continue;
    if (first.get(l.customerId)?.order !== l.orderId) continue;
    let set = truth.get(l.customerId);
    if (!set) truth.set(l.customerId, (set = new Set()));
    set.add(l.productId);
  }
  return [...truth].map(([customer, t]) => ({ customer, truth: t }));
}

/** hit@k (0/1) and NDCG@k with binary relevance for one ranked list. */
export function rankingScores(ranked: readonly string[], truth: ReadonlySet<string>, k: number) {
  let dcg = 0;
  let hit = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (truth.has(id)) {
      hit = 1;
      dcg += 1 / Math.log2(i + 2);
    }
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, truth.size); i++) ideal += 1 / Math.log2(i + 2);
  return { hit, ndcg: ideal ? dcg / ideal : 0 };
}

export async function recommendationBench(
  args: RecommendationBenchArgs = {},
): Promise<ResultRow[]> {
  const log = args.log ?? ((line: string) => console.log(line));
  const cutoffText = args.cutoff ?? DEFAULT_CUTOFF;
  const cutoff = Date.parse(`${cutoffText}T00:00:00Z`);
  const k = args.k ?? 10;
  const lines = args.lines ?? (await readOnlineRetail());
  const train = lines.filter((l) => l.orderedAt < cutoff);
  const tests = nextInvoiceTargets(lines, cutoff);
  log(
    `${fmt(lines.length)} clean lines; ${fmt(train.length)} before ${cutoffText}; ${fmt(tests.length)} customers to predict`,
  );

  const history = PurchaseHistory.from(train);
  const fitted = fitRecommendations(history, { now: cutoff });
  const occasions = purchaseOccasions(history, 1);
  const intervals = learnRepurchaseIntervals(history, {}, occasions);
  const due = replenishmentDue(history, intervals, () => undefined, {}, occasions);
  // Time and memory of the build in a process of its own: this one holds other benchmarks' data.
  const build = args.lines ? null : buildProbe(cutoffText);
  if (build) {
    log(
      `model build ${fmt(build.buildMs)} ms; peak RSS ${fmt(build.peakRssMb)} MB ` +
        `(${fmt(build.loadedRssMb)} MB with the data loaded, before the build)`,
    );
  }

  const model = modelView(fitted);
  const totals = new Map<Strategy | 'baseline', { hit: number; ndcg: number }>();
  const add = (name: Strategy | 'baseline', s: { hit: number; ndcg: number }) => {
    const t = totals.get(name) ?? { hit: 0, ndcg: 0 };
    totals.set(name, { hit: t.hit + s.hit, ndcg: t.ndcg + s.ndcg });
  };
  const baseline = fitted.popular.slice(0, k).map((p) => p.productId);
  const scoreStarted = performance.now();
  for (const test of tests) {
    const c = history.customerIndex.get(test.customer);
    if (c === undefined) continue;
    const ctx = contextOf(history, c, due[c] ?? [], cutoff);
    const rules = {
      bought: new Set(ctx.purchases.map((p) => p.productId)),
      dueNow: dueNow(ctx),
      removedFromCart: ctx.removedFromCart,
      catalog: () => undefined,
      requireCatalog: false,
    };
    add('baseline', rankingScores(baseline, test.truth, k));
    for (const strategy of STRATEGIES) {
      const recs = recommend(strategy, ctx, model, rules, k).map((r) => r.productId);
      add(strategy, rankingScores(recs, test.truth, k));
    }
  }
  const perCustomerMs = (performance.now() - scoreStarted) / Math.max(1, tests.length);
  const n = Math.max(1, tests.length);
  const base = totals.get('baseline') ?? { hit: 0, ndcg: 0 };
  const rows: ResultRow[] = [];
  const shape = `Online Retail, cut-off ${cutoffText}, ${fmt(tests.length)} customers, next invoice`;
  for (const strategy of STRATEGIES) {
    const t = totals.get(strategy) ?? { hit: 0, ndcg: 0 };
    log(`${strategy.padEnd(20)} hit@${k} ${fmt(t.hit / n, 3)}  NDCG@${k} ${fmt(t.ndcg / n, 3)}`);
    if (strategy === 'recently_viewed') continue; // the data has no product views
    rows.push(
      resultRow({
        name: 'intelligence',
        metric: `recommend_${strategy}_hit_rate_at_${k}`,
        unit: 'share',
        ours: t.hit / n,
        baseline: base.hit / n,
        target: strategy === 'blend' ? { ratioAtLeast: TARGET_RATIO } : null,
        digits: 3,
        notes: `${shape}; NDCG@${k} ${fmt(t.ndcg / n, 3)} vs popularity ${fmt(base.ndcg / n, 3)}`,
      }),
    );
  }
  log(
    `${'popularity'.padEnd(20)} hit@${k} ${fmt(base.hit / n, 3)}  NDCG@${k} ${fmt(base.ndcg / n, 3)}`,
  );
  rows.push(
    ...(build
      ? [
          resultRow({
            name: 'intelligence',
            metric: 'recommend_model_build_ms',
            unit: 'ms',
            ours: build.buildMs,
            target: null,
            notes:
              `every model (bought together, also bought, popularity, category pairs, repurchase intervals, due dates) ` +
              `on the ${fmt(history.baskets.length)} orders before ${cutoffText} (${fmt(history.customers.length)} customers, ` +
              `${fmt(history.productCount)} products), in a process of its own; then ${fmt(perCustomerMs, 2)} ms per customer ` +
              `for all ${STRATEGIES.length} strategies`,
          }),
          resultRow({
            name: 'intelligence',
            metric: 'recommend_peak_rss_mb',
            unit: 'MB',
            ours: build.peakRssMb,
            target: null,
            notes:
              `peak resident set size of that process: Node, the parsed CSV (${fmt(build.loadedRssMb)} MB ` +
              `peak before the build) and the models`,
          }),
        ]
      : []),
    ...replenishmentRows(lines, cutoff, history, due, log, cutoffText),
  );
  rows.push(...(await scaleRows(log)));
  return rows;
}

function contextOf(
  history: PurchaseHistory,
  c: number,
  due: CustomerContext['replenishments'],
  now: number,
): CustomerContext {
  const purchases = (history.basketsOf[c] ?? []).flatMap((b, n) => {
    const basket = history.baskets[b];
    return (basket?.items ?? []).map((i) => ({
      productId: history.products[i] ?? '',
      orderId: String(n),
      at: basket?.orderedAt ?? 0,
    }));
  });
  const times = (history.basketsOf[c] ?? []).map((b) => history.baskets[b]?.orderedAt ?? 0);
  return {
    now,
    purchases,
    viewed: [],
    removedFromCart: new Set(),
    replenishments: due,
    orderGapDays: orderGapDays(times),
  };
}

function replenishmentRows(
  lines: readonly RetailLine[],
  cutoff: number,
  history: PurchaseHistory,
  due: ReturnType<typeof replenishmentDue>,
  log: (line: string) => void,
  cutoffText: string,
): ResultRow[] {
  const r = evaluateReplenishment(history, due, lines, cutoff);
  const days = (n: number) => `${fmt(n, 1)} days`;
  log(
    `replenishment: ${fmt(r.pairs)} repurchased pairs; coverage ${fmt(r.coverage, 3)}; ` +
      `median abs error ${days(r.medianAbsErrorDays)} (global median interval: ${days(r.baselineErrorDays)}); ` +
      `not yet due at the cut-off ${fmt(r.notYetDue.pairs)} pairs, ${days(r.notYetDue.medianAbsErrorDays)}; ` +
      `already due ${fmt(r.alreadyDue.pairs)} pairs, ${days(r.alreadyDue.medianAbsErrorDays)}`,
  );
  const notes = `Online Retail, cut-off ${cutoffText}: ${fmt(r.pairs)} (customer, product) pairs bought before and again after`;
  return [
    resultRow({
      name: 'intelligence',
      metric: 'replenish_coverage',
      unit: 'share',
      ours: r.coverage,
      target: null,
      digits: 3,
      notes: `${notes}; share with a predicted due date`,
    }),
    resultRow({
      name: 'intelligence',
      metric: 'replenish_median_abs_error_days',
      unit: 'days',
      ours: r.medianAbsErrorDays,
      baseline: r.baselineErrorDays,
      target: null,
      digits: 1,
      notes:
        `${notes}; predicted next purchase day (the due date, or the cut-off when already due) vs the actual one; ` +
        `not yet due at the cut-off: ${fmt(r.notYetDue.pairs)} pairs, ${days(r.notYetDue.medianAbsErrorDays)}; ` +
        `already due: ${fmt(r.alreadyDue.pairs)} pairs, ${days(r.alreadyDue.medianAbsErrorDays)}. ` +
        `Baseline: one global median interval (${days(r.globalMedianDays)}) for every product`,
    }),
  ];
}

/** Loads the data and builds the models in a child process; its own time and peak RSS. */
function buildProbe(cutoff: string): { buildMs: number; loadedRssMb: number; peakRssMb: number } {
  const probe = fileURLToPath(new URL('./lib/recommend-build-probe.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', probe, cutoff], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const parsed: unknown = JSON.parse(out.trim().split('\n').pop() ?? '{}');
  const num = (key: string) => {
    const v = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, key) : undefined;
    if (typeof v !== 'number') throw new Error(`the build probe did not report ${key}`);
    return v;
  };
  return { buildMs: num('buildMs'), loadedRssMb: num('loadedRssMb'), peakRssMb: num('peakRssMb') };
}
