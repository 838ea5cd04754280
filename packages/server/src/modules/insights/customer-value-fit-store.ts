/**
 * Requested customer-value fits (customer_value_fits): queued by the API, run by the job queue,
 * each with its status and progress, and the run it produced once it succeeded.
 */
import type { CustomerValueFit, FitStage } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import type { CustomerValueFitTable } from '../../platform/db/schema.js';
import { runById } from './customer-value-store.js';
import { fitStageOf } from './fit-stage.js';

type FitStatus = CustomerValueFitTable['status'];
const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

/** A new fit in state queued; its id. */
export async function createFit(db: Db, workspaceId: string, now: number): Promise<number> {
  const row = await db
    .insertInto('customer_value_fits')
    .values({
      workspace_id: workspaceId,
      status: 'queued',
      progress: 0,
      stage: 'queued',
      requested_at: now,
      started_at: null,
      finished_at: null,
      run_id: null,
      error: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The workspace's fit that is queued or running, if any (a new request joins it). */
export async function unfinishedFit(db: Db, workspaceId: string): Promise<number | null> {
  const row = await db
    .selectFrom('customer_value_fits')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

export interface FitUpdate {
  status?: FitStatus;
  progress?: number;
  stage?: FitStage | null;
  startedAt?: number;
  finishedAt?: number;
  runId?: number;
  error?: string;
}

export async function updateFit(db: Db, id: number, u: FitUpdate): Promise<void> {
  await db
    .updateTable('customer_value_fits')
    .set({
      ...(u.status !== undefined ? { status: u.status } : {}),
      ...(u.progress !== undefined ? { progress: u.progress } : {}),
      ...(u.stage !== undefined ? { stage: u.stage } : {}),
      ...(u.startedAt !== undefined ? { started_at: u.startedAt } : {}),
      ...(u.finishedAt !== undefined ? { finished_at: u.finishedAt } : {}),
      ...(u.runId !== undefined ? { run_id: u.runId } : {}),
      ...(u.error !== undefined ? { error: u.error.slice(0, 2000) } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** The fit as the API shows it, with its run once it succeeded; null when not this workspace's. */
export async function fitView(
  db: Db,
  workspaceId: string,
  id: number,
): Promise<CustomerValueFit | null> {
  const row = await db
    .selectFrom('customer_value_fits')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const runId = row.run_id === null ? null : Number(row.run_id);
  return {
    id: String(row.id),
    status: row.status,
    progress: Number(row.progress),
    stage: fitStageOf(row.stage),
    requestedAt: iso(Number(row.requested_at)) ?? '',
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    error: row.error,
    run: runId === null ? null : await runById(db, workspaceId, runId),
  };
}
