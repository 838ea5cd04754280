/**
 * One fit of a workspace's recommendation, replenishment and life-stage models, as the job runs
 * it: skipped when nothing it reads changed; otherwise every model refitted from the orders up
 * to the clock and only changed rows written. Reports its progress as it goes, and records where
 * the store's data ends: an imported history that ends long before the clock is fitted as of
 * its last order (popularity, lapses and next due dates then describe that day), and said so.
 */
import { performance } from 'node:perf_hooks';
import type { FitStage, RecommendationRun } from '@comeback/contracts';
import type { Database, Db } from '../../platform/db/database.js';
import { markFitCompleted } from '../../platform/db/fit-markers.js';
import { readJsonObject } from '../../platform/json.js';
import type { Logger } from '../../platform/logger.js';
import { asOfOf } from './customer-value-fit.js';
import { fitWorkspace } from './recommendation-fit.js';
import { catalogProducts, fitSignature, trainingLines } from './recommendation-store.js';
import { writeFit } from './recommendation-writer.js';

export const MODELS = ['recommendations', 'replenishment', 'life_stage'] as const;

export interface FitOutcome {
  workspaceId: string;
  fitted: boolean;
  runs: RecommendationRun[];
  written: Record<string, number>;
  /** The last order read (null: none) and the instant the models describe. */
  dataEndsAt: number | null;
  asOfAt: number;
}

export type FitProgress = (stage: FitStage, progress: number) => Promise<void>;

export interface FitDeps {
  database: Database;
  logger: Logger;
  /** Workspaces (with their data's end) already warned about in this process: warn once. */
  warned: Set<string>;
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * Where the data ends and the instant the models describe: the clock, or the data's end when
 * that is long before it (customer value's rule and threshold, so both fits agree).
 */
export function recommendationAsOf(dataEndsAt: number | null, now: number) {
  const { asOfAt, view } = asOfOf(dataEndsAt, now);
  const day = (t: number) => iso(t).slice(0, 10);
  const note =
    view.stale && dataEndsAt !== null
      ? `The store's orders end on ${day(dataEndsAt)}, ${view.daysBehindClock} days before the ` +
        `clock (${day(now)}): an imported history or a stopped feed. The recommendation, ` +
        `replenishment and life-stage models are as of ${day(dataEndsAt)}: popularity, due ` +
        'dates and lapses describe that day, not today.'
      : null;
  return { asOfAt, view: { ...view, note } };
}

export async function runFit(
  deps: FitDeps,
  workspaceId: string,
  now: number,
  force: boolean,
  progress: FitProgress,
): Promise<FitOutcome> {
  const { database, logger } = deps;
  const db = database.db;
  await progress('checking_for_changes', 0.02);
  const signature = await fitSignature(db, workspaceId);
  const latest = await latestRuns(db, workspaceId, MODELS.length);
  if (!force && latest.length && latest.every((r) => r.details.signature === signature)) {
    const details = latest[0]?.details ?? {};
    const ends = typeof details.dataEndsAt === 'number' ? details.dataEndsAt : null;
    const asOfAt = typeof details.asOfAt === 'number' ? details.asOfAt : now;
    return { workspaceId, fitted: false, runs: latest, written: {}, dataEndsAt: ends, asOfAt };
  }
  const started = performance.now();
  await progress('reading_orders', 0.05);
  const lines = await trainingLines(db, workspaceId, now, (share) =>
    progress('reading_orders', 0.05 + 0.35 * share),
  );
  const catalog = await catalogProducts(db, workspaceId);
  let dataEndsAt: number | null = null;
  for (const l of lines)
    if (dataEndsAt === null || l.orderedAt > dataEndsAt) dataEndsAt = l.orderedAt;
  const { asOfAt, view: asOf } = recommendationAsOf(dataEndsAt, now);
  const warnKey = `${workspaceId}:${dataEndsAt}`;
  if (asOf.stale && !deps.warned.has(warnKey)) {
    deps.warned.add(warnKey);
    logger.warn({ workspaceId, dataEndsAt: asOf.dataEndsAt }, asOf.note ?? 'stale data');
  }
  await progress('fitting', 0.45);
  const fit = fitWorkspace(lines, catalog, asOfAt);
  const fittedMs = performance.now() - started;
  await progress('writing', 0.75);
  const written = await writeFit(database, workspaceId, fit);
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
        details: JSON.stringify({
          signature,
          fitMs: Math.round(fittedMs),
          written,
          dataEndsAt,
          asOfAt,
        }),
        signature,
      })
      .execute();
  }
  await markFitCompleted(db, 'recommendations', workspaceId, now);
  logger.info({ workspaceId, ...fit.stats, durationMs, written }, 'recommendations fitted');
  return {
    workspaceId,
    fitted: true,
    runs: await latestRuns(db, workspaceId, MODELS.length),
    written,
    dataEndsAt,
    asOfAt,
  };
}

/** The latest model runs, newest first. */
export async function latestRuns(
  db: Db,
  workspaceId: string,
  limit: number,
): Promise<RecommendationRun[]> {
  const rows = await db
    .selectFrom('recommendation_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const details = readJsonObject(r.details);
    const ends = typeof details.dataEndsAt === 'number' ? details.dataEndsAt : null;
    return {
      id: String(r.id),
      model: r.model,
      fittedAt: iso(Number(r.fitted_at)),
      durationMs: Math.round(Number(r.duration_ms)),
      orders: Number(r.orders),
      lines: Number(r.lines),
      customers: Number(r.customers),
      products: Number(r.products),
      parameters: readJsonObject(r.parameters),
      details,
      // Runs from before the data's end was kept have no asOfAt: unknown, not "fresh".
      asOf:
        typeof details.asOfAt === 'number'
          ? recommendationAsOf(ends, Number(r.fitted_at)).view
          : null,
    };
  });
}
