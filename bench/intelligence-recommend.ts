/**
 * Offline evaluation of the recommendations on the full UCI Online Retail data (issue 14,
 * docs/adr/0012-recommendation-strategies.md), with "buy again" as the baseline every row is
 * compared with.
 *
 * Protocol, per test cut (2011-06-01, 2011-09-01, 2011-10-01; or `--cutoff`): the models are
 * fitted on the orders before the cut, non-products learned there by the production rule and
 * dropped; every customer who bought before the cut and again after it gets 10 products at the
 * cut; the truth is the set of products of their first invoice after it. Reported per method:
 * hit@10 on any item, hit@10 on items new to the customer, NDCG@10, each with a 95% bootstrap
 * interval over customers, and the paired interval of the ratio to buy again.
 *
 * The blend's free parameters (buy-again share of the list, its half-life and propensity
 * weight) are chosen on a validation cut three months before the test cut, whose truth is the
 * next invoice *before* the test cut: the test period is never seen by the tuning.
 *
 * Baselines: buy again (each customer's own products by the number of orders that held them,
 * ties to the most recent), item-item cosine ("also bought", bought products excluded) and the
 * store's 10 best sellers (nothing excluded; for the new-item figure, bought ones excluded).
 * At 2011-09-01 the replenishment error and every single strategy are reported too.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  BUY_AGAIN_SHARE,
  STRATEGIES,
  type BlendOptions,
} from '../packages/server/dist/modules/insights/recommend/recommender.js';
import { DEFAULT_BUY_AGAIN } from '../packages/server/dist/modules/insights/recommend/strategies.js';
import { evaluateReplenishment } from '../packages/server/dist/modules/insights/replenish/replenishment-evaluation.js';
import { readOnlineRetail, type RetailLine } from './lib/online-retail.js';
import {
  blendMethod,
  bootstrap,
  globalPopularity,
  mean,
  mostBought,
  prepareCut,
  scoreMethod,
  strategyMethod,
  type Cut,
  type Scores,
} from './lib/recommend-cuts.js';
import { scaleRows } from './intelligence-recommend-scale.js';
import { resultRow, type ResultRow } from './lib/result.js';
import { fmt } from './lib/stats.js';

export interface RecommendationBenchArgs {
  /** YYYY-MM-DD, UTC: only this test cut. */
  cutoff?: string;
  /** Recommendations per customer. */
  k?: number;
  log?: (line: string) => void;
  /** Instead of the full data (tests); every cleaned line, non-products included. */
  lines?: RetailLine[];
}

export const TEST_CUTS = ['2011-06-01', '2011-09-01', '2011-10-01'];
/** The cut with the per-strategy and replenishment figures. */
export const DEFAULT_CUTOFF = '2011-09-01';
const VALIDATION_MONTHS = 3;
/** The blend must beat buy again by this factor on any-item hit@10. */
const TARGET_RATIO = 1.05;
/** Of 10 products, at least this many the customer never bought. */
const MIN_NEW = 3;
const GRID = {
  buyAgainShare: [0.6, 0.7],
  halfLifeDays: [180, 365],
  propensityWeight: [3, 10],
  trendWeight: [0, 1, 2],
};

/** `--cutoff YYYY-MM-DD` from command-line arguments (the rest is ignored). */
export function cutoffFromArgs(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--cutoff' || a.startsWith('--cutoff='));
  if (i < 0) return undefined;
  const value = argv[i]?.includes('=') ? argv[i]?.split('=')[1] : argv[i + 1];
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error('--cutoff takes YYYY-MM-DD');
  return value;
}

const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const monthsBefore = (t: number, months: number) => {
  const d = new Date(t);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
};

/** The blend options with the best any-item hit@k on the validation cut (ties: NDCG). */
function tune(validation: Cut, k: number): { options: Partial<BlendOptions>; hit: number } {
  let best = { options: {} as Partial<BlendOptions>, hit: -1, ndcg: -1 };
  // With a learned ranker the rules' half-life and weights are not used: only the share is.
  const learned = validation.model.buyAgainRanker?.() != null;
  const one = <T>(values: T[]) => (learned ? values.slice(0, 1) : values);
  for (const buyAgainShare of GRID.buyAgainShare) {
    for (const halfLifeDays of one(GRID.halfLifeDays)) {
      for (const propensityWeight of one(GRID.propensityWeight)) {
        for (const trendWeight of one(GRID.trendWeight)) {
          const buyAgain = { halfLifeDays, propensityWeight, trendWeight };
          const options = { buyAgainShare, buyAgain };
          const s = scoreMethod(validation, blendMethod(options), k);
          const hit = mean(s.hitAny);
          const ndcg = mean(s.ndcg);
          if (hit > best.hit || (hit === best.hit && ndcg > best.ndcg)) {
            best = { options, hit, ndcg };
          }
        }
      }
    }
  }
  return best;
}

const ci = (s: readonly number[]) => bootstrap([s], (m) => m[0] ?? NaN);
const interval = ([lo, hi]: [number, number], digits = 3) =>
  `[${fmt(lo, digits)}, ${fmt(hi, digits)}]`;
const withCi = (s: readonly number[]) => `${fmt(mean(s), 3)} ${interval(ci(s))}`;

export async function recommendationBench(
  args: RecommendationBenchArgs = {},
): Promise<ResultRow[]> {
  const log = args.log ?? ((line: string) => console.log(line));
  const k = args.k ?? 10;
  const lines = args.lines ?? (await readOnlineRetail(undefined, { keepNonProducts: true }));
  const rows: ResultRow[] = [];
  for (const testDay of args.cutoff ? [args.cutoff] : TEST_CUTS) {
    const cutoff = utc(testDay);
    const validation = prepareCut(lines, monthsBefore(cutoff, VALIDATION_MONTHS), cutoff);
    const tuned = tune(validation, k);
    const test = prepareCut(lines, cutoff);
    const ranker = test.model.buyAgainRanker?.();
    const chosen = ranker
      ? `share ${tuned.options.buyAgainShare}; buy again ranked by the fit's model, learned at ${dayOf(ranker.learnedAt)} from ${fmt(ranker.customers)} customers' next invoice before ${testDay}`
      : `share ${tuned.options.buyAgainShare}, half-life ${tuned.options.buyAgain?.halfLifeDays} d, propensity weight ${tuned.options.buyAgain?.propensityWeight}, trend weight ${tuned.options.buyAgain?.trendWeight}`;
    log(
      `cut ${testDay}: ${fmt(test.tests.length)} customers; blend tuned on ${dayOf(validation.cut)} ` +
        `(${fmt(validation.tests.length)} customers, next invoice before ${testDay}): ${chosen}, hit@${k} ${fmt(tuned.hit, 3)}`,
    );
    rows.push(...cutRows(test, tuned.options, chosen, k, log));
    if (testDay === DEFAULT_CUTOFF || args.cutoff) {
      rows.push(...strategyRows(test, k, log), ...replenishmentRows(test, log, testDay));
    }
  }
  const build = args.lines ? null : buildProbe(args.cutoff ?? DEFAULT_CUTOFF);
  if (build) {
    rows.push(
      resultRow({
        name: 'intelligence',
        metric: 'recommend_model_build_ms',
        unit: 'ms',
        ours: build.buildMs,
        target: null,
        notes:
          `every model (non-products, bought together, also bought, popularity, repeat propensity, ` +
          `category pairs, repurchase intervals, due dates) on the orders before ${args.cutoff ?? DEFAULT_CUTOFF}, ` +
          `in a process of its own`,
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
    );
  }
  rows.push(...(await scaleRows(log)));
  return rows;
}

/** The table of one test cut: ours beside buy again, item-item and popularity, with intervals. */
function cutRows(
  cut: Cut,
  options: Partial<BlendOptions>,
  chosen: string,
  k: number,
  log: (line: string) => void,
): ResultRow[] {
  const ours = scoreMethod(cut, blendMethod(options), k);
  const again = scoreMethod(cut, mostBought, k);
  const againOurs = scoreMethod(cut, strategyMethod('buy_again'), k);
  const itemItem = scoreMethod(cut, strategyMethod('also_bought'), k);
  const popularity = scoreMethod(cut, globalPopularity, k);
  const popularNew = scoreMethod(cut, strategyMethod('popular'), k);
  const line = (name: string, s: Scores, fresh: Scores = s) =>
    log(
      `  ${name.padEnd(34)} any ${withCi(s.hitAny)}  new ${withCi(fresh.hitNew)}  NDCG ${fmt(mean(s.ndcg), 3)}`,
    );
  line('ours (blend)', ours);
  line('buy again (most bought)', again);
  line('buy_again strategy', againOurs);
  line('item-item cosine (also bought)', itemItem);
  line('popularity (new: bought excluded)', popularity, popularNew);
  const ratio = bootstrap([ours.hitAny, again.hitAny], ([o = 0, b = 1]) => o / b);
  const overItemItem = bootstrap([ours.hitNew, itemItem.hitNew], ([o = 0, b = 0]) => o - b);
  const fewNew = ours.newOffered.filter((n) => n < MIN_NEW).length;
  log(
    `  ours / buy again ${fmt(mean(ours.hitAny) / mean(again.hitAny), 3)} ${interval(ratio)}; ` +
      `new-item ours - item-item ${fmt(mean(ours.hitNew) - mean(itemItem.hitNew), 3)} ${interval(overItemItem)}; ` +
      `lists with fewer than ${MIN_NEW} new products: ${fewNew}`,
  );
  const day = dayOf(cut.cut);
  const shape = `Online Retail, cut ${day}, ${fmt(cut.tests.length)} customers, next invoice; blend ${chosen} (validation cut)`;
  return [
    resultRow({
      name: 'intelligence',
      metric: `recommend_blend_hit_rate_at_${k}_${day}`,
      unit: 'share',
      ours: mean(ours.hitAny),
      baseline: mean(again.hitAny),
      target: { ratioAtLeast: TARGET_RATIO },
      validIf: [{ text: `>= ${MIN_NEW} new of ${k} in every list`, holds: fewNew === 0 }],
      digits: 3,
      notes:
        `${shape}. Baseline: buy again (own products by orders). 95% bootstrap: ours ${interval(ci(ours.hitAny))}, ` +
        `buy again ${interval(ci(again.hitAny))}, ratio ${interval(ratio)}; item-item ${withCi(itemItem.hitAny)}, ` +
        `popularity ${withCi(popularity.hitAny)}; NDCG ours ${fmt(mean(ours.ndcg), 3)} vs ${fmt(mean(again.ndcg), 3)}`,
    }),
    resultRow({
      name: 'intelligence',
      metric: `recommend_blend_new_item_hit_rate_at_${k}_${day}`,
      unit: 'share',
      ours: mean(ours.hitNew),
      baseline: mean(itemItem.hitNew),
      target: null,
      digits: 3,
      notes:
        `${shape}: a product of the next invoice the customer never bought. Baseline: item-item cosine ` +
        `(10 new products) ${interval(ci(itemItem.hitNew))}; ours (at least ${MIN_NEW} new) ${interval(ci(ours.hitNew))}; ` +
        `popularity, bought excluded ${withCi(popularNew.hitNew)}; ours - item-item ${interval(overItemItem)}`,
    }),
  ];
}

/** Every single strategy at one cut, beside buy again. */
function strategyRows(cut: Cut, k: number, log: (line: string) => void): ResultRow[] {
  const again = scoreMethod(cut, mostBought, k);
  const rows: ResultRow[] = [];
  for (const strategy of STRATEGIES) {
    if (strategy === 'blend' || strategy === 'recently_viewed') continue; // no views in the data
    const s = scoreMethod(cut, strategyMethod(strategy), k);
    log(
      `  ${strategy.padEnd(20)} hit@${k} ${fmt(mean(s.hitAny), 3)}  new ${fmt(mean(s.hitNew), 3)}  NDCG@${k} ${fmt(mean(s.ndcg), 3)}`,
    );
    rows.push(
      resultRow({
        name: 'intelligence',
        metric: `recommend_${strategy}_hit_rate_at_${k}`,
        unit: 'share',
        ours: mean(s.hitAny),
        baseline: mean(again.hitAny),
        target: null,
        digits: 3,
        notes: `Online Retail, cut ${dayOf(cut.cut)}, the strategy alone (defaults: buy-again share ${BUY_AGAIN_SHARE}, half-life ${DEFAULT_BUY_AGAIN.halfLifeDays} d); baseline buy again; new-item hit ${fmt(mean(s.hitNew), 3)}`,
      }),
    );
  }
  return rows;
}

function replenishmentRows(cut: Cut, log: (line: string) => void, cutoffText: string): ResultRow[] {
  const r = evaluateReplenishment(cut.history, cut.due, cut.lines, cut.cut);
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
