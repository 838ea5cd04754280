/**
 * One customer-value fit of a workspace, as the job runs it: read the counted orders up to the
 * clock (never after it), find where the data ends, summarise each customer as of the clock — or
 * as of the data's end when the data stops long before the clock (an imported history) — fit
 * BG/NBD + Gamma-Gamma or choose the rules, check the fit (fit-quality.ts) and on the store's
 * own last 90 days (holdout.ts), score every customer and store it all.
 */
import { performance } from 'node:perf_hooks';
import {
  qualityFindingsOf,
  rulesReasonOf,
  type CustomerValueRun,
  type FitStage,
} from '@comeback/contracts';
import type { Database } from '../../platform/db/database.js';
import { markFitCompleted } from '../../platform/db/fit-markers.js';
import type { Logger } from '../../platform/logger.js';
import {
  fitCustomerValue,
  predictCustomer,
  scoringModelOf,
  type CustomerValueModel,
  type ScoringModel,
} from './btyd/customer-value.js';
import { runHoldoutCheck } from './btyd/holdout.js';
import {
  DAY_MS,
  DAYS_PER_WEEK,
  summarizePurchases,
  type CustomerSummary,
} from './btyd/summaries.js';
import {
  purchasesByProfile,
  saveRun,
  type NewPredictionRow,
  type NewRun,
} from './customer-value-store.js';
import { rfmScores } from './rfm.js';
import { rfmInputs, saveRfm } from './rfm-store.js';

const WEEK_MS = DAYS_PER_WEEK * DAY_MS;
/**
 * A store with no counted order at all for this long is not trading through this feed: its
 * history was imported, or the feed stopped. Scoring it as of the clock would call every buyer
 * lost (P(alive) 4e-129 for the best customer of an imported 2011 history), so it is scored as
 * of its last order instead, and the run says so.
 */
export const STALE_DATA_DAYS = 90;

export interface FitContext {
  database: Database;
  log: Logger;
  annualDiscountRate: number;
  /** Workspaces (and data ends) already warned about in this process: warn once. */
  warned: Set<string>;
}

export type ProgressReport = (stage: FitStage, progress: number) => Promise<void>;

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Where the data ends and the instant the fit computes as of. */
export function asOfOf(dataEndsAt: number | null, now: number) {
  const behind = dataEndsAt === null ? null : Math.max(0, now - dataEndsAt);
  const stale = behind !== null && behind > STALE_DATA_DAYS * DAY_MS;
  const asOfAt = stale && dataEndsAt !== null ? dataEndsAt : now;
  const days = behind === null ? null : Math.floor(behind / DAY_MS);
  return {
    asOfAt,
    view: {
      dataEndsAt: dataEndsAt === null ? null : new Date(dataEndsAt).toISOString(),
      asOf: new Date(asOfAt).toISOString(),
      stale,
      daysBehindClock: days,
      note:
        stale && dataEndsAt !== null
          ? `The store's orders end on ${isoDay(dataEndsAt)}, ${days} days before the clock ` +
            `(${isoDay(now)}): an imported history or a stopped feed. Predictions are as of ` +
            `${isoDay(dataEndsAt)}: churn risk and next orders describe that day, not today.`
          : null,
    },
  };
}

export async function computeCustomerValue(
  ctx: FitContext,
  workspaceId: string,
  now: number,
  progress: ProgressReport,
): Promise<CustomerValueRun> {
  const db = ctx.database.db;
  // Durations are operational figures, measured on the process's monotonic clock.
  const started = performance.now();
  await progress('reading_orders', 0.05);
  const purchases = await purchasesByProfile(db, workspaceId, now);
  let dataEndsAt: number | null = null;
  for (const list of purchases.values()) {
    for (const p of list) if (dataEndsAt === null || p.at > dataEndsAt) dataEndsAt = p.at;
  }
  const { asOfAt, view: asOf } = asOfOf(dataEndsAt, now);
  const warnKey = `${workspaceId}:${dataEndsAt}`;
  if (asOf.stale && !ctx.warned.has(warnKey)) {
    ctx.warned.add(warnKey);
    ctx.log.warn({ workspaceId, dataEndsAt: asOf.dataEndsAt }, asOf.note ?? 'stale data');
  }
  const ids: string[] = [];
  const summaries: CustomerSummary[] = [];
  for (const [id, list] of purchases) {
    const summary = summarizePurchases(list, asOfAt);
    if (summary) {
      ids.push(id);
      summaries.push(summary);
    }
  }
  await progress('fitting', 0.2);
  const opts = { annualDiscountRate: ctx.annualDiscountRate };
  const model = fitCustomerValue(summaries, opts);
  await progress('holdout_check', 0.45);
  const holdout = summaries.length ? runHoldoutCheck(purchases.values(), asOfAt, opts) : null;
  await progress('scoring', 0.7);
  const scoring = scoringModelOf(model);
  const rows = summaries.map((c, i) =>
    predictionRowOf(workspaceId, ids[i] ?? '', scoring, c, now, asOfAt),
  );
  const shown: Omit<CustomerValueRun, 'id' | 'fittedAt'> = {
    ...runFigures(model, scoring, summaries),
    asOf,
    scoredProfiles: rows.length,
    holdout: holdout?.ok
      ? {
          ...holdout.check,
          cutAt: new Date(holdout.check.cutAt).toISOString(),
          endsAt: new Date(holdout.check.endsAt).toISOString(),
        }
      : null,
    holdoutNote: holdout === null ? 'no customer yet' : holdout.ok ? null : holdout.reason,
    holdoutNoteCode: holdout === null ? 'no_customers' : holdout.ok ? null : holdout.code,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
  const run: NewRun = { ...shown, fittedAt: now, dataEndsAt, asOfAt };
  await progress('saving', 0.85);
  const id = await saveRun(db, workspaceId, run, rows);
  await saveRfm(ctx.database, workspaceId, rfmScores(rfmInputs(purchases)), now);
  await markFitCompleted(db, 'customer_value', workspaceId, id);
  ctx.log.info(
    {
      workspaceId,
      method: run.method,
      quality: run.quality?.level ?? null,
      customers: run.customers,
      repeatCustomers: run.repeatCustomers,
      asOf: asOf.asOf,
      durationMs: run.durationMs,
    },
    'customer value fitted',
  );
  return { ...shown, id, fittedAt: new Date(now).toISOString() };
}

/** The run's parameters, likelihoods and checks. */
function runFigures(
  model: CustomerValueModel,
  scoring: ScoringModel,
  summaries: readonly CustomerSummary[],
) {
  const bg = model.method === 'bg_nbd' ? model.bgNbd : model.rejectedFit;
  const gg = model.method === 'bg_nbd' ? model.gammaGamma : null;
  const counts = {
    method: model.method,
    customers: summaries.length,
    repeatCustomers: summaries.filter((c) => c.x > 0).length,
  };
  const rulesReason = rulesReasonOf(counts);
  const checks =
    model.method === 'bg_nbd'
      ? { ...model.quality }
      : {
          level: 'weak' as const,
          // The rules stand in when there is too little data or the fit ran to a bound.
          failed: [model.rejectedFit ? 'parameters_at_bounds' : 'too_little_data'],
          reason: model.reason,
          noDropoutLogLikelihood: null,
          likelihoodRatio: null,
          windowWeeks: null,
          medianGapWeeks: null,
        };
  return {
    ...counts,
    reason: model.method === 'rules' ? model.reason : null,
    reasonCode: rulesReason?.code ?? null,
    reasonParams: rulesReason?.params ?? null,
    parameters: {
      bg_nbd: scoring.bgNbd,
      gamma_gamma: scoring.gammaGamma,
      rules: {
        store_gap_weeks: scoring.rules.storeGapWeeks,
        default_gap: scoring.rules.defaultGap,
        store_mean_value: scoring.rules.storeMeanValue,
      },
      annual_discount_rate: scoring.annualDiscountRate,
      time_unit: 'week' as const,
    },
    logLikelihood: model.method === 'bg_nbd' ? model.bgNbd.logLikelihood : null,
    models: {
      bg_nbd: bg
        ? {
            customers: bg.customers,
            repeatCustomers: bg.repeatCustomers,
            logLikelihood: bg.logLikelihood,
            optimizer: bg.optimizer,
            evaluations: bg.evaluations,
            converged: bg.converged,
          }
        : null,
      gamma_gamma: gg
        ? {
            customers: gg.customers,
            logLikelihood: gg.logLikelihood,
            optimizer: gg.optimizer,
            evaluations: gg.evaluations,
            converged: gg.converged,
          }
        : null,
      spendNote: model.method === 'bg_nbd' ? model.spendNote : null,
    },
    quality: {
      ...checks,
      findings: qualityFindingsOf({ ...counts, bgNbd: scoring.bgNbd, quality: checks }),
    },
  };
}

function predictionRowOf(
  workspaceId: string,
  profileId: string,
  scoring: ScoringModel,
  c: CustomerSummary,
  now: number,
  asOfAt: number,
): NewPredictionRow {
  const p = predictCustomer(scoring, c);
  // Inputs are bounded (amounts.ts), so these are finite; a NaN would still fail the whole
  // run on SQLite (stored as NULL) and the API's schema, so none is ever stored.
  const finite = (n: number) => (Number.isFinite(n) ? n : 0);
  return {
    workspace_id: workspaceId,
    profile_id: profileId,
    method: scoring.method,
    p_alive: finite(p.pAlive),
    expected_orders_90d: finite(p.expectedOrders90d),
    expected_orders_365d: finite(p.expectedOrders365d),
    predicted_clv_365d: finite(p.clv365d),
    expected_spend: finite(p.spend),
    churn_risk: p.churnRisk,
    churn_basis: p.churnBasis,
    churn_score: finite(p.churnScore),
    // Weeks from the instant the summary was computed at (the data's end when stale).
    expected_next_order_at:
      p.nextOrderWeeks === null || !Number.isFinite(p.nextOrderWeeks)
        ? null
        : Math.round(asOfAt + p.nextOrderWeeks * WEEK_MS),
    x: c.x,
    t_x: c.tx,
    t_cal: c.T,
    monetary: c.monetary,
    average_order_value: c.averageValue,
    computed_at: now,
    quality: p.quality.level,
    quality_reason: p.quality.reason,
  };
}
