/**
 * Replenishment precision on the full UCI Online Retail data (issue 14, item 6): is a "due
 * within the next 30 days" reminder worth sending?
 *
 * At each test cut (2011-06-01, 2011-09-01, 2011-10-01) the models are fitted on the orders
 * before it; the pairs flagged due within 30 days (not lapsed at the cut) are compared with the
 * (customer, product) pairs bought before the cut and again within 30 days after it: precision
 * (false alarms count) and recall, beside the baseline that gives every pair ever bought one
 * global median interval. 95% intervals: bootstrap over customers (the same resamples for both).
 *
 * The thresholds (repeat share, regularity, habit, lapse) are chosen once, by F0.5, on a
 * validation cut whose 30-day window ends before the first test cut (2011-05-01); the
 * baseline's lapse is chosen there too. The chosen values must equal DEFAULT_DUE (what
 * production uses); the run says so when they do not.
 */
import fs from 'node:fs';
import { PurchaseHistory } from '../packages/server/dist/modules/insights/recommend/purchase-history.js';
import {
  DEFAULT_DUE,
  dueOf,
  effectiveInterval,
  replenishmentDue,
  type DueOptions,
} from '../packages/server/dist/modules/insights/replenish/due-dates.js';
import {
  flaggedPairs,
  globalIntervalDue,
  precisionRecall,
  repurchasedInWindow,
  type DuePair,
} from '../packages/server/dist/modules/insights/replenish/replenishment-precision.js';
import {
  learnRepurchaseIntervals,
  purchaseOccasions,
} from '../packages/server/dist/modules/insights/replenish/repurchase-intervals.js';
import { FULL_FILE, readOnlineRetail, type RetailLine } from './lib/online-retail.js';
import { Random } from './lib/random.js';
import { resultRow, skippedRow, type ResultRow } from './lib/result.js';
import { fmt } from './lib/stats.js';

export const VALIDATION_CUT = '2011-05-01';
export const TEST_CUTS = ['2011-06-01', '2011-09-01', '2011-10-01'] as const;
const WINDOW_DAYS = 30;
const GRID = {
  minRepeatShare: [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4],
  maxIrregularity: [0.25, 0.5, 0.75, 1, Infinity],
  habitRepeatShare: [0.2, 0.3, 0.4, 0.5, 0.6, Infinity],
  minHabitPurchases: [2, 3, 4],
  lapsedAfterIntervals: [0.5, 1, 2, 3],
};
type Tuned = Pick<
  DueOptions,
  | 'minRepeatShare'
  | 'maxIrregularity'
  | 'habitRepeatShare'
  | 'minHabitPurchases'
  | 'lapsedAfterIntervals'
>;

/**
 * F0.5 weighs precision twice as much as recall: a reminder goes to a real customer, and a
 * false alarm (an email about something they do not need) costs more than a missed one.
 */
const BETA = 0.5;
const fBeta = (r: { precision: number; recall: number }) =>
  r.precision + r.recall
    ? ((1 + BETA ** 2) * r.precision * r.recall) / (BETA ** 2 * r.precision + r.recall)
    : 0;

const dayOf = (text: string) => Date.parse(`${text}T00:00:00Z`);

interface Split {
  history: PurchaseHistory;
  actual: Set<string>;
}

function split(lines: readonly RetailLine[], cutText: string): Split {
  const cut = dayOf(cutText);
  const history = PurchaseHistory.from(lines.filter((l) => l.orderedAt < cut));
  return { history, actual: repurchasedInWindow(history, lines, cut, WINDOW_DAYS) };
}

/** Every pair with a learned interval, its features and due date (thresholds applied later). */
function candidates(history: PurchaseHistory) {
  const occasions = purchaseOccasions(history, DEFAULT_DUE.minGapDays);
  const intervals = learnRepurchaseIntervals(history, DEFAULT_DUE, occasions);
  const out: (DuePair & { repeatShare: number; irregularity: number; purchases: number })[] = [];
  occasions.forEach((customer, c) => {
    for (const occ of customer) {
      const productId = history.products[occ.product] ?? '';
      const learned = intervals.get(productId);
      if (!learned) continue;
      const base = {
        intervalDays: learned.intervalDays,
        source: 'learned' as const,
        anyBuyer: true,
      };
      const due = dueOf(occ, base, DEFAULT_DUE);
      if (!due) continue;
      out.push({
        customerId: history.customers[c] ?? '',
        productId,
        dueAt: due.dueAt,
        intervalDays: due.intervalDays,
        repeatShare: learned.repeatShare,
        irregularity: learned.irregularity ?? Infinity,
        purchases: occ.times.length,
      });
    }
  });
  return out;
}

/** The grid point with the best F1 at the validation cut (ties: the first, the simplest). */
function tune(v: Split, cut: number) {
  const pairs = candidates(v.history);
  let best: { options: Tuned; f1: number } | null = null;
  for (const minRepeatShare of GRID.minRepeatShare)
    for (const maxIrregularity of GRID.maxIrregularity)
      for (const habitRepeatShare of GRID.habitRepeatShare)
        for (const minHabitPurchases of GRID.minHabitPurchases)
          for (const lapsedAfterIntervals of GRID.lapsedAfterIntervals) {
            const kept = pairs.filter(
              (p) =>
                p.repeatShare >= minRepeatShare &&
                p.irregularity <= maxIrregularity &&
                (p.purchases >= minHabitPurchases || p.repeatShare >= habitRepeatShare),
            );
            const r = precisionRecall(
              flaggedPairs(kept, cut, WINDOW_DAYS, lapsedAfterIntervals),
              v.actual,
            );
            if (!best || fBeta(r) > best.f1 + 1e-12) {
              best = {
                options: {
                  minRepeatShare,
                  maxIrregularity,
                  habitRepeatShare,
                  minHabitPurchases,
                  lapsedAfterIntervals,
                },
                f1: fBeta(r),
              };
            }
          }
  const base = globalIntervalDue(v.history);
  let baseLapse = GRID.lapsedAfterIntervals[0] ?? 1;
  let baseF1 = -1;
  for (const lapse of GRID.lapsedAfterIntervals) {
    const r = precisionRecall(flaggedPairs(base.due, cut, WINDOW_DAYS, lapse), v.actual);
    if (fBeta(r) > baseF1 + 1e-12) [baseLapse, baseF1] = [lapse, fBeta(r)];
  }
  if (!best) throw new Error('empty grid');
  return { options: best.options, f1: best.f1, baseLapse, baseF1 };
}

interface Scored {
  flagged: Set<string>;
  actual: Set<string>;
}

/** 95% bootstrap intervals of precision and recall over customers (seeded, same resamples). */
function bootstrap(runs: Scored[], customers: readonly string[], resamples = 200) {
  const perCustomer = runs.map((r) => {
    const counts = new Map<string, [number, number, number]>();
    const at = (k: string) => {
      const c = k.slice(0, k.indexOf('\u0000'));
      let v = counts.get(c);
      if (!v) counts.set(c, (v = [0, 0, 0]));
      return v;
    };
    for (const k of r.flagged) {
      const v = at(k);
      v[0]++;
      if (r.actual.has(k)) v[1]++;
    }
    for (const k of r.actual) at(k)[2]++;
    return counts;
  });
  const random = new Random(14);
  const draws = runs.map(() => ({ precision: [] as number[], recall: [] as number[] }));
  for (let b = 0; b < resamples; b++) {
    const pick = customers.map(() => customers[random.int(customers.length)] ?? '');
    perCustomer.forEach((counts, i) => {
      let flagged = 0;
      let hits = 0;
      let actual = 0;
      for (const c of pick) {
        const v = counts.get(c);
        if (!v) continue;
        flagged += v[0];
        hits += v[1];
        actual += v[2];
      }
      draws[i]?.precision.push(flagged ? hits / flagged : 0);
      draws[i]?.recall.push(actual ? hits / actual : 0);
    });
  }
  const ci = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return [s[Math.floor(0.025 * (s.length - 1))] ?? 0, s[Math.ceil(0.975 * (s.length - 1))] ?? 0];
  };
  return draws.map((d) => ({ precision: ci(d.precision), recall: ci(d.recall) }));
}

export async function replenishmentPrecisionBench(
  log: (line: string) => void = console.log,
  lines?: RetailLine[],
): Promise<ResultRow[]> {
  if (!lines && !fs.existsSync(FULL_FILE)) {
    const reason = `no Online Retail data at ${FULL_FILE}`;
    log(`replenishment precision skipped: ${reason}`);
    return [
      skippedRow({
        name: 'intelligence',
        metric: 'replenish_due30_precision',
        unit: 'share',
        target: null,
        reason,
      }),
    ];
  }
  const data = lines ?? (await readOnlineRetail());
  const validation = split(data, VALIDATION_CUT);
  const tuned = tune(validation, dayOf(VALIDATION_CUT));
  const o = tuned.options;
  log(
    `replenishment thresholds chosen at ${VALIDATION_CUT} (F0.5 ${fmt(tuned.f1, 3)}): repeat share >= ${o.minRepeatShare}, ` +
      `irregularity <= ${o.maxIrregularity}, habit: ${o.minHabitPurchases} purchases, or any buyer at repeat share >= ${o.habitRepeatShare}, ` +
      `lapsed after ${o.lapsedAfterIntervals} intervals; baseline lapse ${tuned.baseLapse} (F0.5 ${fmt(tuned.baseF1, 3)})`,
  );
  const mismatch = (Object.keys(o) as (keyof Tuned)[]).filter((k) => o[k] !== DEFAULT_DUE[k]);
  if (mismatch.length)
    log(`WARNING: DEFAULT_DUE differs from the chosen values in ${mismatch.join(', ')}`);

  const rows: ResultRow[] = [];
  for (const cutText of TEST_CUTS) {
    const cut = dayOf(cutText);
    const { history, actual } = split(data, cutText);
    const occasions = purchaseOccasions(history, DEFAULT_DUE.minGapDays);
    const intervals = learnRepurchaseIntervals(history, DEFAULT_DUE, occasions);
    const options = { ...DEFAULT_DUE, ...o };
    const due = replenishmentDue(history, intervals, () => undefined, options, occasions).flat();
    const ours = flaggedPairs(due, cut, WINDOW_DAYS, o.lapsedAfterIntervals);
    const global = globalIntervalDue(history);
    const base = flaggedPairs(global.due, cut, WINDOW_DAYS, tuned.baseLapse);
    const [ci, baseCi] = bootstrap(
      [
        { flagged: ours, actual },
        { flagged: base, actual },
      ],
      history.customers,
    );
    const r = precisionRecall(ours, actual);
    const b = precisionRecall(base, actual);
    const products = new Set(due.map((d) => d.productId)).size;
    const replenishable = [...intervals.values()].filter(
      (p) => effectiveInterval(p, undefined, options.minRepeatShare, options) !== null,
    ).length;
    const range = (x?: number[]) => `[${fmt(x?.[0] ?? NaN, 3)}, ${fmt(x?.[1] ?? NaN, 3)}]`;
    log(
      `replenishment ${cutText}: ours precision ${fmt(r.precision, 3)} ${range(ci?.precision)} recall ${fmt(r.recall, 3)} ${range(ci?.recall)} ` +
        `F1 ${fmt(r.f1, 3)} (${fmt(r.flagged)} flagged, ${fmt(r.hits)} bought; ${fmt(replenishable)} of ${fmt(intervals.size)} products with an interval replenishable, ${fmt(products)} due for someone); ` +
        `global ${fmt(global.globalMedianDays, 1)} days: precision ${fmt(b.precision, 3)} ${range(baseCi?.precision)} ` +
        `recall ${fmt(b.recall, 3)} ${range(baseCi?.recall)} F1 ${fmt(b.f1, 3)} (${fmt(b.flagged)} flagged); ` +
        `${fmt(actual.size)} pairs repurchased within ${WINDOW_DAYS} days`,
    );
    const notes =
      `Online Retail, cut ${cutText}, "due within ${WINDOW_DAYS} days" vs pairs bought before and again within ${WINDOW_DAYS} days ` +
      `(${fmt(actual.size)}); thresholds chosen at ${VALIDATION_CUT}; baseline: one global interval ` +
      `(${fmt(global.globalMedianDays, 1)} days) for every pair ever bought`;
    rows.push(
      resultRow({
        name: 'intelligence',
        metric: `replenish_due30_precision_${cutText}`,
        unit: 'share',
        ours: r.precision,
        baseline: b.precision,
        target: { ratioAtLeast: 1 },
        digits: 3,
        notes: `${notes}; 95% bootstrap ${range(ci?.precision)} vs ${range(baseCi?.precision)}; ${fmt(r.flagged)} vs ${fmt(b.flagged)} flagged`,
      }),
      resultRow({
        name: 'intelligence',
        metric: `replenish_due30_recall_${cutText}`,
        unit: 'share',
        ours: r.recall,
        baseline: b.recall,
        target: null,
        digits: 3,
        notes: `${notes}; 95% bootstrap ${range(ci?.recall)} vs ${range(baseCi?.recall)}`,
      }),
      resultRow({
        name: 'intelligence',
        metric: `replenish_due30_f1_${cutText}`,
        unit: 'share',
        ours: r.f1,
        baseline: b.f1,
        target: { ratioAtLeast: 1 },
        digits: 3,
        notes,
      }),
    );
  }
  return rows;
}
