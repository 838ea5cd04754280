/**
 * Customer value and churn per workspace: fits run as jobs (daily, and when requested through
 * the API, which answers at once with the fit's id and polls its progress); the fit itself is
 * customer-value-fit.ts. Also the status, and a prediction explained step by step.
 */
import type {
  CustomerValueFit,
  CustomerValueRun,
  FitStage,
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
  type ScoringModel,
} from './btyd/customer-value.js';
import { explainPrediction } from './btyd/explain.js';
import { DAY_MS } from './btyd/summaries.js';
import { computeCustomerValue, type FitContext } from './customer-value-fit.js';
import { createFit, fitView, unfinishedFit, updateFit } from './customer-value-fit-store.js';
import { latestRun, predictionRow, runById } from './customer-value-store.js';

export const FIT_CUSTOMER_VALUE_JOB = 'insights.fit-customer-value';
/** The daily fit runs at this hour (UTC), when stores are quiet. */
export const DAILY_FIT_HOUR_UTC = 3;
/** A fit still queued or running this long after it was asked for lost its worker. */
const ABANDONED_AFTER_MS = 3_600_000;

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
  readonly #context: FitContext;
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
    this.#context = {
      database,
      log,
      annualDiscountRate: opts.annualDiscountRate ?? 0,
      warned: new Set(),
    };
  }

  /**
   * Queues a fit and returns it (status queued) without waiting for it; while one is queued or
   * running, a new request returns that one. A job runs it (`jobHandler`).
   */
  async requestFit(workspaceId: string): Promise<CustomerValueFit> {
    const db = this.#database.db;
    const now = this.#clock.now();
    let id = await unfinishedFit(db, workspaceId);
    const current = id === null ? null : await fitView(db, workspaceId, id);
    if (current && Date.parse(current.requestedAt) < now - ABANDONED_AFTER_MS) {
      await updateFit(db, Number(current.id), {
        status: 'failed',
        finishedAt: now,
        error: 'abandoned: its worker stopped before finishing',
      });
      id = null;
    }
    if (id === null) {
      id = await createFit(db, workspaceId, now);
      await this.#jobs.enqueue(
        {
          kind: FIT_CUSTOMER_VALUE_JOB,
          runAt: now,
          workspaceId,
          payload: { fitId: id },
          dedupeKey: `${FIT_CUSTOMER_VALUE_JOB}:request:${id}`,
          // A failed fit is reported on the fit; the caller asks again rather than a retry
          // re-running a fit that fails the same way.
          maxAttempts: 1,
        },
        now,
      );
    }
    const view = await fitView(db, workspaceId, id);
    if (!view) throw new Error(`customer-value fit ${id} vanished`);
    return view;
  }

  /** A fit of this workspace with its status and progress; null when there is none. */
  fitStatus(workspaceId: string, id: number): Promise<CustomerValueFit | null> {
    return fitView(this.#database.db, workspaceId, id);
  }

  /** Fits the workspace's models (or chooses the rules), scores every customer, stores it all. */
  fit(workspaceId: string, fitId?: number): Promise<CustomerValueRun> {
    const running = this.#running.get(workspaceId);
    if (running) return fitId === undefined ? running : this.#follow(running, fitId);
    const fit = this.#fit(workspaceId, fitId).finally(() => this.#running.delete(workspaceId));
    this.#running.set(workspaceId, fit);
    return fit;
  }

  /** A requested fit that joined one under way ends as that one does. */
  #follow(running: Promise<CustomerValueRun>, fitId: number): Promise<CustomerValueRun> {
    return this.#settle(fitId, running, 'joined');
  }

  async #fit(workspaceId: string, requested?: number): Promise<CustomerValueRun> {
    const db = this.#database.db;
    const now = this.#clock.now();
    const fitId = requested ?? (await createFit(db, workspaceId, now));
    await updateFit(db, fitId, {
      status: 'running',
      startedAt: now,
      progress: 0,
      stage: 'started',
    });
    const work = computeCustomerValue(this.#context, workspaceId, now, (stage, progress) =>
      updateFit(db, fitId, { stage, progress }),
    );
    return this.#settle(fitId, work, 'done');
  }

  /** Records how a fit ended: succeeded with its run, or failed with the error (rethrown). */
  async #settle(
    fitId: number,
    work: Promise<CustomerValueRun>,
    stage: FitStage,
  ): Promise<CustomerValueRun> {
    const db = this.#database.db;
    try {
      const run = await work;
      await updateFit(db, fitId, {
        status: 'succeeded',
        progress: 1,
        stage,
        finishedAt: this.#clock.now(),
        runId: Number(run.id),
      });
      return run;
    } catch (error) {
      await updateFit(db, fitId, {
        status: 'failed',
        finishedAt: this.#clock.now(),
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  async status(workspaceId: string) {
    return {
      lastRun: await latestRun(this.#database.db, workspaceId),
      thresholds: CHURN_THRESHOLDS_VIEW,
      minimumData: { buyers: MIN_BUYERS, repeatBuyers: MIN_REPEAT_BUYERS },
      latestFit: await this.#latestFit(workspaceId),
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
      // The prediction's own record: a run from before the checks reads as it was scored.
      quality: { level: row.quality, reason: row.quality_reason },
    };
    const input = {
      x: Number(row.x),
      tx: Number(row.t_x),
      T: Number(row.t_cal),
      monetary: row.monetary === null ? null : Number(row.monetary),
      averageValue: Number(row.average_order_value),
    };
    const predictions: ProfilePredictions = predictionsView(row, run.quality?.findings ?? []);
    return {
      profileId,
      method: run.method,
      reason: run.reason,
      reasonCode: run.reasonCode,
      reasonParams: run.reasonParams,
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
        quality: run.quality,
        asOf: run.asOf,
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
      const fitId = job.payload.fitId;
      if (typeof fitId !== 'number') {
        await this.scheduleDaily(this.#clock.now());
        await this.fit(job.workspaceId);
        return;
      }
      // A requested fit given up as abandoned (requestFit) is not brought back to life.
      const requested = await fitView(this.#database.db, job.workspaceId, fitId);
      if (requested?.status !== 'queued') return;
      await this.fit(job.workspaceId, fitId);
    };
  }

  async #latestFit(workspaceId: string): Promise<CustomerValueFit | null> {
    const row = await this.#database.db
      .selectFrom('customer_value_fits')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? fitView(this.#database.db, workspaceId, Number(row.id)) : null;
  }
}
