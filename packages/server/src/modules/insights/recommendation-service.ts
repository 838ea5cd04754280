/**
 * Recommendations, replenishment and life stage per workspace: the daily fit (skipped when
 * nothing it reads changed; otherwise every model refitted from all orders and only changed
 * rows written), the run log, and the per-request answers of the admin API.
 */
import { performance } from 'node:perf_hooks';
import type {
  RecommendationItem,
  RecommendationRun,
  RecommendationStrategy,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { readJsonObject } from '../../platform/json.js';
import type { JobHandler } from '../../platform/jobs/job-runner.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { Logger } from '../../platform/logger.js';
import type { ProfileQueries } from '../profiles/index.js';
import { exclusionOf, type ExclusionRules } from './recommend/exclusions.js';
import { DAY_MS } from './recommend/purchase-history.js';
import { modelView } from './recommend/recommendation-model.js';
import {
  recommend,
  relatedProducts,
  type Recommendation,
  type RelatedStrategy,
} from './recommend/recommender.js';
import { dueNow } from './recommend/strategies.js';
import { dueInWords, LAPSED_AFTER_INTERVALS } from './replenish/due-dates.js';
import {
  candidateCatalog,
  hasCatalog,
  modelSlice,
  profileData,
  type ProfileData,
} from './recommendation-context.js';
import { fitWorkspace, type CatalogProduct } from './recommendation-fit.js';
import { catalogProducts, fitSignature, trainingLines } from './recommendation-store.js';
import { writeFit } from './recommendation-writer.js';
import { markFitCompleted } from '../../platform/db/fit-markers.js';

export const FIT_RECOMMENDATIONS_JOB = 'insights.fit-recommendations';
/** The daily fit runs at this hour (UTC): after customer value (03:00), when stores are quiet. */
export const RECOMMENDATION_FIT_HOUR_UTC = 4;
const MODELS = ['recommendations', 'replenishment', 'life_stage'] as const;

export function nextRecommendationFitAt(now: number): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS + RECOMMENDATION_FIT_HOUR_UTC * 3_600_000;
  return today > now ? today : today + DAY_MS;
}

export interface FitOutcome {
  workspaceId: string;
  fitted: boolean;
  runs: RecommendationRun[];
  written: Record<string, number>;
}

export interface ReplenishmentItem {
  productId: string;
  title: string;
  lastBoughtAt: string;
  purchases: number;
  intervalDays: number;
  dueAt: string;
  dueInDays: number;
  due: string;
  source: 'learned' | 'catalog';
  lapsed: boolean;
}

const iso = (t: number) => new Date(t).toISOString();

export class RecommendationService {
  readonly #fits = new Map<string, Promise<FitOutcome>>();
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly profiles: ProfileQueries,
    private readonly logger: Logger,
  ) {}

  /** Fits one workspace; one fit per workspace at a time in this process (a second call waits). */
  fit(workspaceId: string, opts: { force?: boolean } = {}): Promise<FitOutcome> {
    const previous = this.#fits.get(workspaceId) ?? Promise.resolve(undefined);
    const next = previous
      .catch(() => undefined)
      .then(() => this.#fit(workspaceId, opts.force ?? false));
    this.#fits.set(workspaceId, next);
    return next.finally(() => {
      if (this.#fits.get(workspaceId) === next) this.#fits.delete(workspaceId);
    });
  }

  async #fit(workspaceId: string, force: boolean): Promise<FitOutcome> {
    const db = this.database.db;
    const signature = await fitSignature(db, workspaceId);
    const latest = await this.runs(workspaceId, MODELS.length);
    if (!force && latest.length && latest.every((r) => r.details.signature === signature)) {
      return { workspaceId, fitted: false, runs: latest, written: {} };
    }
    const started = performance.now();
    const now = this.clock.now();
    const [lines, catalog] = await Promise.all([
      trainingLines(db, workspaceId),
      catalogProducts(db, workspaceId),
    ]);
    const fit = fitWorkspace(lines, catalog, now);
    const fittedMs = performance.now() - started;
    const written = await writeFit(this.database, workspaceId, fit);
    const durationMs = performance.now() - started;
    for (const model of MODELS) {
      await db
        .insertInto('recommendation_runs')
        .values({
          workspace_id: workspaceId,
          model,
          fitted_at: now,
          duration_ms: durationMs,
          ...fit.stats,
          parameters: JSON.stringify(fit.parameters[model] ?? {}),
          details: JSON.stringify({ signature, fitMs: Math.round(fittedMs), written }),
          signature,
        })
        .execute();
    }
    await markFitCompleted(db, 'recommendations', workspaceId, now);
    this.logger.info({ workspaceId, ...fit.stats, durationMs, written }, 'recommendations fitted');
    return {
      workspaceId,
      fitted: true,
      runs: await this.runs(workspaceId, MODELS.length),
      written,
    };
  }

  /** The latest runs, newest first. */
  async runs(workspaceId: string, limit = 30): Promise<RecommendationRun[]> {
    const rows = await this.database.db
      .selectFrom('recommendation_runs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      model: r.model,
      fittedAt: iso(Number(r.fitted_at)),
      durationMs: Math.round(Number(r.duration_ms)),
      orders: Number(r.orders),
      lines: Number(r.lines),
      customers: Number(r.customers),
      products: Number(r.products),
      parameters: readJsonObject(r.parameters),
      details: readJsonObject(r.details),
    }));
  }

  async forProfile(
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
    const lines = db
      .selectFrom('order_lines')
      .select('category')
      .where('workspace_id', '=', workspaceId)
      .where('product_id', '=', productId);
    const sold = await lines.limit(1).executeTakeFirst();
    if (!self && !sold) return fail('not_found', `no product ${productId} in this workspace`);
    const line = await lines.where('category', 'is not', null).limit(1).executeTakeFirst();
    const category = line?.category ?? self?.categories[0] ?? null;
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

  /** The profile's replenishable products, soonest due first, worked out from live orders. */
  async replenishment(workspaceId: string, id: string): Promise<Result<ReplenishmentItem[]>> {
    const profile = await this.profiles.get(workspaceId, id);
    if (!profile.ok) return profile;
    const db = this.database.db;
    const now = this.clock.now();
    const data = await profileData(db, workspaceId, profile.value.id, now);
    const catalog = await catalogProducts(
      db,
      workspaceId,
      data.due.map((d) => d.productId),
    );
    const titleOf = titles(catalog, data);
    return ok(
      [...data.due]
        .sort((a, b) => a.dueAt - b.dueAt || a.productId.localeCompare(b.productId))
        .map((d) => {
          const words = dueInWords(d.dueAt, now);
          return {
            productId: d.productId,
            title: titleOf(d.productId),
            lastBoughtAt: iso(d.lastBoughtAt),
            purchases: d.purchases,
            intervalDays: Math.round(d.intervalDays * 10) / 10,
            dueAt: iso(d.dueAt),
            dueInDays: words.days,
            due: words.text,
            source: d.source,
            lapsed: now - d.dueAt > LAPSED_AFTER_INTERVALS * d.intervalDays * DAY_MS,
          };
        }),
    );
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

  jobHandler(): JobHandler {
    return async (job) => {
      if (!job.workspaceId) return;
      // Tomorrow's runs for every workspace, not only this one: a workspace created since the
      // start (`comeback keys create --workspace`, the demo) joins the daily fits this way.
      // One plan per workspace and day (the dedupe key), however many runs ask.
      await this.scheduleDaily(this.clock.now());
      await this.fit(job.workspaceId);
    };
  }
}

function stateOf(p: CatalogProduct | undefined) {
  return p && { active: p.active, inStock: p.stock === null || p.stock > 0 };
}

function titles(catalog: ReadonlyMap<string, CatalogProduct>, data: ProfileData) {
  return (pid: string) => catalog.get(pid)?.title ?? data.names.get(pid) ?? pid;
}

function item(
  r: Recommendation,
  catalog: ReadonlyMap<string, CatalogProduct>,
  titleOf: (pid: string) => string,
): RecommendationItem {
  const p = catalog.get(r.productId);
  return {
    productId: r.productId,
    title: titleOf(r.productId),
    url: p?.url ?? null,
    imageUrl: p?.imageUrl ?? null,
    price: p?.price ?? null,
    score: Math.round(r.score * 1e6) / 1e6,
    strategy: r.strategy,
    reason: r.reason,
  };
}
