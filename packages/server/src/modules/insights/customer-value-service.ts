/**
 * Customer value and churn per workspace: read the orders, summarise each customer (x, t_x, T,
 * monetary value; same-day orders merged; weeks), fit BG/NBD + Gamma-Gamma or fall back to the
 * rules, score every customer and store the predictions. Runs daily as a job and on demand.
 */
import { performance } from 'node:perf_hooks';
import type {
  CustomerValueRun,
  PredictionExplanation,
  ProfilePredictions,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import type { JobHandler } from '../../platform/jobs/job-runner.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { Logger } from '../../platform/logger.js';
import { predictionsView } from '../profiles/index.js';
import {
  CHURN_THRESHOLDS,
  MIN_BUYERS,
  MIN_REPEAT_BUYERS,
  fitCustomerValue,
  predictCustomer,
  scoringModelOf,
  type ScoringModel,
} from './btyd/customer-value.js';
import { explainPrediction } from './btyd/explain.js';
import {
  DAY_MS,
  DAYS_PER_WEEK,
  summarizePurchases,
  type CustomerSummary,
} from './btyd/summaries.js';
import {
  latestRun,
  predictionRow,
  purchasesByProfile,
  runById,
  saveRun,
  type NewRun,
  type PredictionRow,
} from './customer-value-store.js';
import { markFitCompleted } from '../../platform/db/fit-markers.js';
import { rfmScores } from './rfm.js';
import { rfmInputs, saveRfm } from './rfm-store.js';

export const FIT_CUSTOMER_VALUE_JOB = 'insights.fit-customer-value';
/** The daily fit runs at this hour (UTC), when stores are quiet. */
export const DAILY_FIT_HOUR_UTC = 3;
const WEEK_MS = DAYS_PER_WEEK * DAY_MS;

export const CHURN_THRESHOLDS_VIEW = {
  high: CHURN_THRESHOLDS.high,
  medium: CHURN_THRESHOLDS.medium,
  score:
    'p_alive; for one-time buyers under BG/NBD (where p_alive is always 1) the probability of ' +
    'an order within 365 days',
};

/** The first DAILY_FIT_HOUR_UTC o'clock strictly after `now`. */
export function nextDailyFitAt(now: number): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS + DAILY_FIT_HOUR_UTC * 3_600_000;
  return today > now ? today : today + DAY_MS;
}

export interface CustomerValueOptions {
  /** Discount rate per year for the CLV; 0 (default) gives undiscounted expected revenue. */
  annualDiscountRate?: number;
}

export class CustomerValueService {
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #jobs: JobQueue;
  readonly #log: Logger;
  readonly #annualDiscountRate: number;
  /** Fits under way in this process, per workspace: a second request joins the first. */
  readonly #running = new Map<string, Promise<CustomerValueRun>>();

  constructor(
    database: Database,
    clock: Clock,
    jobs: JobQueue,
    log: Logger,
    opts: CustomerValueOptions = {},
  ) {
    this.#database = database;
    this.#clock = clock;
    this.#jobs = jobs;
    this.#log = log;
    this.#annualDiscountRate = opts.annualDiscountRate ?? 0;
  }

  /** Fits the workspace's models (or chooses the rules), scores every customer, stores it all. */
  fit(workspaceId: string): Promise<CustomerValueRun> {
    const running = this.#running.get(workspaceId);
    if (running) return running;
    const fit = this.#fit(workspaceId).finally(() => this.#running.delete(workspaceId));
    this.#running.set(workspaceId, fit);
    return fit;
  }

  async #fit(workspaceId: string): Promise<CustomerValueRun> {
    const db = this.#database.db;
    const now = this.#clock.now();
    // Durations are operational figures, measured on the process's monotonic clock.
    const started = performance.now();
    const purchases = await purchasesByProfile(db, workspaceId, now);
    const ids: string[] = [];
    const summaries: CustomerSummary[] = [];
    for (const [id, list] of purchases) {
      const summary = summarizePurchases(list, now);
      if (summary) {
        ids.push(id);
        summaries.push(summary);
      }
    }
    const model = fitCustomerValue(summaries, { annualDiscountRate: this.#annualDiscountRate });
    const scoring = scoringModelOf(model);
    const rows = summaries.map((c, i) =>
      predictionRowOf(workspaceId, ids[i] ?? '', scoring, c, now),
    );
    const bg = model.method === 'bg_nbd' ? model.bgNbd : model.rejectedFit;
    const gg = model.method === 'bg_nbd' ? model.gammaGamma : null;
    const run: NewRun = {
      method: model.method,
      reason: model.method === 'rules' ? model.reason : null,
      fittedAt: now,
      customers: summaries.length,
      repeatCustomers: summaries.filter((c) => c.x > 0).length,
      scoredProfiles: rows.length,
      parameters: {
        bg_nbd: scoring.bgNbd,
        gamma_gamma: scoring.gammaGamma,
        rules: {
          store_gap_weeks: scoring.rules.storeGapWeeks,
          default_gap: scoring.rules.defaultGap,
          store_mean_value: scoring.rules.storeMeanValue,
        },
        annual_discount_rate: scoring.annualDiscountRate,
        time_unit: 'week',
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
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    const id = await saveRun(db, workspaceId, run, rows);
    await saveRfm(this.#database, workspaceId, rfmScores(rfmInputs(purchases)), now);
    await markFitCompleted(db, 'customer_value', workspaceId, id);
    this.#log.info(
      {
        workspaceId,
        method: run.method,
        customers: run.customers,
        repeatCustomers: run.repeatCustomers,
        durationMs: run.durationMs,
      },
      'customer value fitted',
    );
    return { ...run, id, fittedAt: new Date(now).toISOString() };
  }

  async status(workspaceId: string) {
    return {
      lastRun: await latestRun(this.#database.db, workspaceId),
      thresholds: CHURN_THRESHOLDS_VIEW,
      minimumData: { buyers: MIN_BUYERS, repeatBuyers: MIN_REPEAT_BUYERS },
      schedule: `daily at ${String(DAILY_FIT_HOUR_UTC).padStart(2, '0')}:00 UTC, and on POST /api/v1/insights/customer-value/fit`,
    };
  }

  /** The profile's prediction worked out step by step, or null when it has none yet. */
  async explain(workspaceId: string, profileId: string): Promise<PredictionExplanation | null> {
    const db = this.#database.db;
    const row = await predictionRow(db, workspaceId, profileId);
    const run = row ? await runById(db, workspaceId, Number(row.run_id)) : null;
    if (!row || !run) return null;
    const params = run.parameters;
    const scoring: ScoringModel = {
      method: run.method,
      bgNbd: params.bg_nbd,
      gammaGamma: params.gamma_gamma,
      rules: {
        storeGapWeeks: params.rules.store_gap_weeks,
        defaultGap: params.rules.default_gap,
        storeMeanValue: params.rules.store_mean_value,
      },
      annualDiscountRate: params.annual_discount_rate,
    };
    const input = {
      x: Number(row.x),
      tx: Number(row.t_x),
      T: Number(row.t_cal),
      monetary: row.monetary === null ? null : Number(row.monetary),
      averageValue: Number(row.average_order_value),
    };
    const predictions: ProfilePredictions = predictionsView(row);
    return {
      profileId,
      method: run.method,
      reason: run.reason,
      computedAt: predictions.computed_at,
      inputs: {
        x: input.x,
        t_x: input.tx,
        T: input.T,
        recency_weeks: input.T - input.tx,
        monetary: input.monetary,
        average_order_value: input.averageValue,
      },
      parameters: params,
      thresholds: CHURN_THRESHOLDS_VIEW,
      predictions,
      steps: explainPrediction(scoring, input),
      run: {
        id: run.id,
        fittedAt: run.fittedAt,
        customers: run.customers,
        repeatCustomers: run.repeatCustomers,
        logLikelihood: run.logLikelihood,
      },
    };
  }

  /** Plans the next daily fit for one workspace, or for all (idempotent: one job per day). */
  async scheduleDaily(now: number, workspaceId?: string): Promise<void> {
    const ids = workspaceId
      ? [workspaceId]
      : (await this.#database.db.selectFrom('workspaces').select('id').execute()).map((w) => w.id);
    const runAt = nextDailyFitAt(now);
    const day = new Date(runAt).toISOString().slice(0, 10);
    for (const id of ids) {
      await this.#jobs.enqueue(
        {
          kind: FIT_CUSTOMER_VALUE_JOB,
          runAt,
          workspaceId: id,
          dedupeKey: `${FIT_CUSTOMER_VALUE_JOB}:${id}:${day}`,
        },
        now,
      );
    }
  }

  /** The job: plan tomorrow's run first (so a failing fit does not break the chain), then fit. */
  jobHandler(): JobHandler {
    return async (job) => {
      if (!job.workspaceId) return;
      // Tomorrow's runs for every workspace, not only this one: a workspace created since the
      // start (`comeback keys create --workspace`, the demo) joins the daily fits this way.
      // One plan per workspace and day (the dedupe key), however many runs ask.
      await this.scheduleDaily(this.#clock.now());
      await this.fit(job.workspaceId);
    };
  }
}

function predictionRowOf(
  workspaceId: string,
  profileId: string,
  scoring: ScoringModel,
  c: CustomerSummary,
  now: number,
): Omit<PredictionRow, 'run_id'> {
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
    expected_next_order_at:
      p.nextOrderWeeks === null || !Number.isFinite(p.nextOrderWeeks)
        ? null
        : Math.round(now + p.nextOrderWeeks * WEEK_MS),
    x: c.x,
    t_x: c.tx,
    t_cal: c.T,
    monetary: c.monetary,
    average_order_value: c.averageValue,
    computed_at: now,
  };
}
