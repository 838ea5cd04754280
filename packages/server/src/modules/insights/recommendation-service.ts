/**
 * Recommendations, replenishment and life stage per workspace: fits run by the job queue (daily,
 * and on request: `requestFit` queues one and returns at once, with its status and progress),
 * the run log, and the per-request answers of the admin API.
 */
import type {
  FitStage,
  NonProductPage,
  RecommendationFit,
  RecommendationItem,
  RecommendationRun,
  RecommendationStrategy,
} from '@comeback/contracts';
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { JobHandler } from '../../platform/jobs/job-runner.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { Logger } from '../../platform/logger.js';
import { scoped } from '../../platform/read-scope.js';
import { lineSql, type ProfileQueries } from '../profiles/index.js';
import { nonProductPage, type NonProductListOptions } from './non-product-list.js';
import { exclusionOf, type ExclusionRules } from './recommend/exclusions.js';
import { DAY_MS } from './recommend/purchase-history.js';
import { modelView } from './recommend/recommendation-model.js';
import { recommend, relatedProducts, type RelatedStrategy } from './recommend/recommender.js';
import { dueNow } from './recommend/strategies.js';
import {
  duePage,
  type ListOptions,
  type ReplenishmentItem,
  type ReplenishmentPage,
} from './replenish/due-lists.js';
import { learnedProducts, profileData } from './recommendation-context.js';
import { candidateCatalog, hasCatalog, modelSlice } from './recommendation-model-slice.js';
import { item, stateOf, titles } from './recommendation-items.js';
import {
  latestRuns,
  recommendationAsOf,
  runFit,
  type FitDeps,
  type FitOutcome,
} from './recommendation-fit-runner.js';
import {
  catalogProducts,
  createFit,
  fitView,
  queuedFit,
  updateFit,
} from './recommendation-store.js';

export const FIT_RECOMMENDATIONS_JOB = 'insights.fit-recommendations';
/** Dedupe key prefix of the job of a requested fit: `<prefix>:<fit id>`. */
const FIT_REQUEST_KEY = `${FIT_RECOMMENDATIONS_JOB}:request`;
/** The daily fit runs at this hour (UTC): after customer value (03:00), when stores are quiet. */
export const RECOMMENDATION_FIT_HOUR_UTC = 4;

export function nextRecommendationFitAt(now: number): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS + RECOMMENDATION_FIT_HOUR_UTC * 3_600_000;
  return today > now ? today : today + DAY_MS;
}

export type { FitOutcome };

export type { ReplenishmentItem, ReplenishmentPage };

const iso = (t: number) => new Date(t).toISOString();

export class RecommendationService {
  readonly #fits = new Map<string, Promise<FitOutcome>>();
  readonly #deps: FitDeps;
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly profiles: ProfileQueries,
    private readonly logger: Logger,
  ) {
    this.#deps = { database, logger, warned: new Set() };
  }

  /**
   * Queues a fit and returns it (status queued) without waiting: a job runs it. While one is
   * still queued, a new request returns that one (a forced request upgrades a plain one).
   */
  async requestFit(
    workspaceId: string,
    opts: { force?: boolean } = {},
  ): Promise<RecommendationFit> {
    const db = this.database.db;
    const now = this.clock.now();
    const force = opts.force ?? false;
    const waiting = await queuedFit(db, workspaceId);
    let id = waiting?.id ?? null;
    const current = waiting && (await this.fitStatus(workspaceId, waiting.id));
    if (current?.status === 'failed') {
      // Its job was given up (the worker died): record that, and queue a new one.
      await updateFit(db, Number(current.id), {
        status: 'failed',
        finishedAt: now,
        error: current.error ?? 'its job was given up',
      });
      id = null;
    } else if (waiting && force && !waiting.force) {
      await db
        .updateTable('recommendation_fits')
        .set({ force: 1 })
        .where('id', '=', waiting.id)
        .execute();
    }
    if (id === null) {
      id = await createFit(db, workspaceId, now, { force, status: 'queued' });
      await this.jobs.enqueue(
        {
          kind: FIT_RECOMMENDATIONS_JOB,
          runAt: now,
          workspaceId,
          payload: { fitId: id },
          dedupeKey: `${FIT_REQUEST_KEY}:${id}`,
          // A failed fit is reported on the fit; the caller asks again rather than a retry
          // re-running a fit that fails the same way.
          maxAttempts: 1,
        },
        now,
      );
    }
    const view = await this.fitStatus(workspaceId, id);
    if (!view) throw new Error(`recommendation fit ${id} vanished`);
    return view;
  }

  /** A fit of this workspace with its status and progress; null when there is none. */
  fitStatus(workspaceId: string, id: number): Promise<RecommendationFit | null> {
    return fitView(this.database.db, workspaceId, id, {
      jobKey: FIT_REQUEST_KEY,
      asOfView: (dataEndsAt, clockAt) => recommendationAsOf(dataEndsAt, clockAt).view,
    });
  }

  /**
   * Fits one workspace now, recording the fit (`fitId`: a requested one; else a new one, as the
   * daily job does); one fit per workspace at a time in this process (a second call waits).
   */
  fit(workspaceId: string, opts: { force?: boolean; fitId?: number } = {}): Promise<FitOutcome> {
    const previous = this.#fits.get(workspaceId) ?? Promise.resolve(undefined);
    const next = previous
      .catch(() => undefined)
      .then(() => this.#fit(workspaceId, opts.force ?? false, opts.fitId));
    this.#fits.set(workspaceId, next);
    return next.finally(() => {
      if (this.#fits.get(workspaceId) === next) this.#fits.delete(workspaceId);
    });
  }

  async #fit(workspaceId: string, force: boolean, requested?: number): Promise<FitOutcome> {
    const db = this.database.db;
    const now = this.clock.now();
    const fitId =
      requested ?? (await createFit(db, workspaceId, now, { force, status: 'running' }));
    await updateFit(db, fitId, {
      status: 'running',
      startedAt: now,
      progress: 0,
      stage: 'started',
    });
    // Progress is written when it moved by a step, not on every page read.
    let shown = 0;
    const progress = async (stage: FitStage, share: number) => {
      if (share - shown < 0.05 && share < 1) return;
      shown = share;
      await updateFit(db, fitId, { stage, progress: share });
    };
    try {
      const outcome = await runFit(this.#deps, workspaceId, now, force, progress);
      await updateFit(db, fitId, {
        status: 'succeeded',
        progress: 1,
        stage: outcome.fitted ? 'done' : 'skipped_unchanged',
        finishedAt: this.clock.now(),
        fitted: outcome.fitted,
        written: outcome.written,
        dataEndsAt: outcome.dataEndsAt,
        asOf: outcome.asOfAt,
      });
      return outcome;
    } catch (error) {
      await updateFit(db, fitId, {
        status: 'failed',
        finishedAt: this.clock.now(),
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  /** The latest runs, newest first. */
  runs(workspaceId: string, limit = 30): Promise<RecommendationRun[]> {
    return latestRuns(this.database.db, workspaceId, limit);
  }

  /**
   * Once per read scope for the same question: a message's html and text renders (and a pass's
   * other messages to the profile) ask the `recommendations` filter the same thing.
   */
  forProfile(
    workspaceId: string,
    id: string,
    strategy: RecommendationStrategy,
    limit: number,
  ): Promise<Result<RecommendationItem[]>> {
    const key = ['recommendations', workspaceId, id, strategy, String(limit)].join('\u0000');
    return scoped(key, () => this.#forProfile(workspaceId, id, strategy, limit));
  }

  async #forProfile(
    workspaceId: string,
    id: string,
    strategy: RecommendationStrategy,
    limit: number,
  ): Promise<Result<RecommendationItem[]>> {
    const profile = await this.profiles.get(workspaceId, id);
    if (!profile.ok) return profile;
    const db = this.database.db;
    const now = this.clock.now();
    const data = await profileData(db, workspaceId, profile.value.id, now);
    const ownIds = [
      ...new Set([...data.ctx.purchases, ...data.ctx.viewed].map((p) => p.productId)),
    ];
    const own = await catalogProducts(db, workspaceId, ownIds);
    const categoryOf = new Map<string, string>();
    for (const pid of ownIds) {
      const c = data.categories.get(pid) ?? own.get(pid)?.categories[0];
      if (c) categoryOf.set(pid, c);
    }
    const seeds = [...new Set(data.ctx.purchases.map((p) => p.productId))];
    const slice = await modelSlice(db, workspaceId, seeds, new Set(categoryOf.values()));
    for (const [pid, c] of categoryOf) slice.categoryOf.set(pid, c);
    const catalog = await candidateCatalog(db, workspaceId, slice, data.ctx);
    const rules: ExclusionRules = {
      bought: new Set(seeds),
      dueNow: dueNow(data.ctx),
      removedFromCart: data.ctx.removedFromCart,
      catalog: (pid) => stateOf(catalog.get(pid)),
      requireCatalog: catalog.size > 0 || (await hasCatalog(db, workspaceId)),
    };
    const titleOf = titles(catalog, data);
    const recs = recommend(strategy, data.ctx, modelView(slice, titleOf), rules, limit);
    return ok(recs.map((r) => item(r, catalog, titleOf)));
  }

  async related(
    workspaceId: string,
    productId: string,
    strategy: RelatedStrategy,
    limit: number,
  ): Promise<Result<RecommendationItem[]>> {
    const db = this.database.db;
    const self = (await catalogProducts(db, workspaceId, [productId])).get(productId);
    // What the last fit learned of the product from its order lines; one sold since and not in
    // the catalog is looked for in the orders' lines (JSON on their rows, no index by product).
    const learned = (await learnedProducts(db, workspaceId, [productId])).get(productId);
    const sold =
      learned ?? (self ? undefined : await soldLine(this.database, workspaceId, productId));
    if (!self && !sold) return fail('not_found', `no product ${productId} in this workspace`);
    const category = sold?.category ?? self?.categories[0] ?? null;
    const slice = await modelSlice(
      db,
      workspaceId,
      [productId],
      new Set(category ? [category] : []),
    );
    if (category) slice.categoryOf.set(productId, category);
    const now = this.clock.now();
    const ctx = {
      now,
      purchases: [{ productId, orderId: 'this', at: now }],
      viewed: [],
      removedFromCart: new Set<string>(),
      replenishments: [],
      orderGapDays: null,
    };
    const catalog = await candidateCatalog(db, workspaceId, slice, ctx);
    const requireCatalog = catalog.size > 0 || (await hasCatalog(db, workspaceId));
    const allowed = (pid: string) =>
      exclusionOf(pid, {
        bought: new Set(),
        dueNow: new Set(),
        removedFromCart: new Set(),
        catalog: (x) => stateOf(catalog.get(x)),
        requireCatalog,
      }) === null;
    const titleOf = (pid: string) => catalog.get(pid)?.title ?? pid;
    const recs = relatedProducts(
      productId,
      strategy,
      modelView(slice, titleOf),
      allowed,
      limit,
      now,
    );
    return ok(recs.map((r) => item(r, catalog, titleOf)));
  }

  /**
   * The profile's replenishable products worked out from live orders: `due` (still relevant,
   * soonest first) or `lapsed` (overdue past the lapse, most recently due first), a page at a
   * time (`cursor`: the offset of the page, as the previous page's nextCursor gave it).
   */
  async replenishment(
    workspaceId: string,
    id: string,
    opts: ListOptions = {},
  ): Promise<Result<ReplenishmentPage>> {
    const profile = await this.profiles.get(workspaceId, id);
    if (!profile.ok) return profile;
    const db = this.database.db;
    const now = this.clock.now();
    const data = await profileData(db, workspaceId, profile.value.id, now);
    const { entries, page } = duePage(data.due, now, opts);
    const ids = entries.map((d) => d.productId);
    return ok(page(titles(await catalogProducts(db, workspaceId, ids), data)));
  }

  /** What is never recommended as not merchandise, and why (non-product-list.ts). */
  nonProducts(workspaceId: string, opts: NonProductListOptions = {}): Promise<NonProductPage> {
    return nonProductPage(this.database.db, this.database.dialect, workspaceId, opts);
  }

  /** Plans each workspace's next daily fit (idempotent: one job per workspace and day). */
  async scheduleDaily(now: number, workspaceId?: string): Promise<void> {
    const ids = workspaceId
      ? [workspaceId]
      : (await this.database.db.selectFrom('workspaces').select('id').execute()).map((w) => w.id);
    const runAt = nextRecommendationFitAt(now);
    const day = iso(runAt).slice(0, 10);
    for (const ws of ids) {
      await this.jobs.enqueue(
        {
          kind: FIT_RECOMMENDATIONS_JOB,
          runAt,
          workspaceId: ws,
          dedupeKey: `${FIT_RECOMMENDATIONS_JOB}:${ws}:${day}`,
        },
        now,
      );
    }
  }

  /** The job: a requested fit (payload fitId), or the daily one (which plans tomorrow's). */
  jobHandler(): JobHandler {
    return async (job) => {
      if (!job.workspaceId) return;
      const fitId = job.payload.fitId;
      if (typeof fitId === 'number') {
        const force = (await this.fitStatus(job.workspaceId, fitId))?.force ?? false;
        await this.fit(job.workspaceId, { fitId, force });
        return;
      }
      // Tomorrow's runs for every workspace, not only this one: a workspace created since the
      // start (`comeback keys create --workspace`, the demo) joins the daily fits this way.
      // One plan per workspace and day (the dedupe key), however many runs ask.
      await this.scheduleDaily(this.clock.now());
      await this.fit(job.workspaceId);
    };
  }
}

/** A category some order line gave `productId` (null if none did), or undefined if none sold it. */
async function soldLine(
  database: Database,
  workspaceId: string,
  productId: string,
): Promise<{ category: string | null } | undefined> {
  const lines = lineSql(database.dialect, 'o');
  const rows = await sql<{ category: string | null }>`
    select ${lines.field('category')} as category from profile_orders as o, ${lines.from}
    where o.workspace_id = ${workspaceId} and ${lines.field('product_id')} = ${productId}
    order by ${lines.field('category')} is null limit 1`.execute(database.db);
  return rows.rows[0];
}
