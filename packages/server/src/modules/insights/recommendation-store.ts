import type { FitStage, RecommendationFit } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import type { RecommendationFitTable } from '../../platform/db/schema.js';
import { readJsonObject, readStringArray } from '../../platform/json.js';
import { scopedMany } from '../../platform/read-scope.js';
import { decodeLines } from '../profiles/index.js';
import type { CatalogProduct, FitLine } from './recommendation-fit.js';
import { fitStageOf } from './fit-stage.js';

/**
 * What the recommendation job reads: every counted order line, the catalog, and a signature of
 * what a fit depends on (orders, products, merges, erasures), so an unchanged workspace is
 * skipped. Orders are read a page at a time, so the fit never holds one long query.
 */
const PAGE = 5_000;

export async function fitSignature(db: Db, workspaceId: string): Promise<string> {
  const orders = await db
    .selectFrom('profile_orders')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('updated_at').as('at')])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const products = await db
    .selectFrom('products')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('updated_at').as('at')])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const merges = await db
    .selectFrom('profile_merges')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const erasures = await db
    .selectFrom('erasures')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return [orders?.n, orders?.at, products?.n, products?.at, merges?.id, erasures?.id]
    .map((v) => String(v ?? 0))
    .join(':');
}

/**
 * Lines of every counted order (not awaiting, not cancelled, not wholly refunded) placed at or
 * before `until` (the clock: a fit as of a past instant never sees what came after it).
 * `onPage` hears the share of the orders read so far.
 */
export async function trainingLines(
  db: Db,
  workspaceId: string,
  until: number,
  onPage: (share: number) => Promise<void> = () => Promise.resolve(),
): Promise<FitLine[]> {
  const out: FitLine[] = [];
  const counted = db
    .selectFrom('profile_orders')
    .where('workspace_id', '=', workspaceId)
    .where('ordered_at', '>=', 0)
    .where('ordered_at', '<=', until)
    .where('status', '!=', 'cancelled');
  const total = await counted.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const all = Math.max(1, Number(total?.n ?? 0));
  let read = 0;
  let after = '';
  for (;;) {
    const orders = await counted
      .select(['order_id', 'profile_id', 'ordered_at', 'total', 'refunded', 'lines'])
      .where('order_id', '>', after)
      .orderBy('order_id')
      .limit(PAGE)
      .execute();
    const last = orders[orders.length - 1];
    if (!last) return out;
    after = last.order_id;
    read += orders.length;
    await onPage(Math.min(1, read / all));
    for (const order of orders) {
      if (order.total > 0 && order.refunded >= order.total) continue;
      for (const l of decodeLines(order.lines)) {
        if (l.id === null) continue;
        out.push({
          customerId: order.profile_id,
          orderId: order.order_id,
          orderedAt: Number(order.ordered_at),
          productId: l.id,
          category: l.category,
          quantity: l.quantity,
          // Name and price teach titles and non-products (recommend/product-facts.ts).
          name: l.name,
          price: l.price,
        });
      }
    }
  }
}

/**
 * The catalog rows of `ids` (all of the workspace's without). Within a read scope (a journey
 * pass) each id is read once, found or not; a transaction always reads its own view.
 */
export function catalogProducts(
  db: Db,
  workspaceId: string,
  ids?: readonly string[],
): Promise<Map<string, CatalogProduct>> {
  if (!ids || db.isTransaction) return readCatalog(db, workspaceId, ids);
  return scopedMany(`catalog\u0000${workspaceId}`, ids, (missing) =>
    readCatalog(db, workspaceId, missing),
  );
}

async function readCatalog(
  db: Db,
  workspaceId: string,
  ids?: readonly string[],
): Promise<Map<string, CatalogProduct>> {
  const out = new Map<string, CatalogProduct>();
  const load = async (part?: readonly string[]) => {
    let q = db
      .selectFrom('products')
      .select([
        'id',
        'title',
        'categories',
        'active',
        'stock',
        'consumable',
        'usage_days',
        'url',
        'image_url',
        'price',
        'non_product',
      ])
      .where('workspace_id', '=', workspaceId);
    if (part) q = q.where('id', 'in', part);
    for (const p of await q.execute()) {
      out.set(p.id, {
        id: p.id,
        title: p.title,
        categories: readStringArray(p.categories),
        active: Boolean(p.active),
        stock: p.stock === null ? null : Number(p.stock),
        consumable: Boolean(p.consumable),
        usageDays: p.usage_days === null ? null : Number(p.usage_days),
        url: p.url,
        imageUrl: p.image_url,
        price: p.price === null ? null : Number(p.price),
        nonProduct: p.non_product === null ? null : Number(p.non_product) === 1,
      });
    }
  };
  if (!ids) await load();
  else for (let i = 0; i < ids.length; i += 500) await load(ids.slice(i, i + 500));
  return out;
}

type FitRow = RecommendationFitTable;
export interface FitPatch {
  status?: FitRow['status'];
  progress?: number;
  stage?: FitStage | null;
  startedAt?: number;
  finishedAt?: number;
  fitted?: boolean;
  written?: Record<string, number>;
  dataEndsAt?: number | null;
  asOf?: number;
  error?: string;
}

/** A requested (queued) or started (running: the daily job) fit; its id. */
export async function createFit(
  db: Db,
  workspaceId: string,
  now: number,
  opts: { force: boolean; status: 'queued' | 'running' },
): Promise<number> {
  const row = await db
    .insertInto('recommendation_fits')
    .values({
      workspace_id: workspaceId,
      status: opts.status,
      progress: 0,
      stage: opts.status === 'queued' ? 'queued' : 'started',
      force: opts.force ? 1 : 0,
      requested_at: now,
      started_at: opts.status === 'running' ? now : null,
      finished_at: null,
      fitted: null,
      written: null,
      data_ends_at: null,
      as_of: null,
      error: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateFit(db: Db, id: number, patch: FitPatch): Promise<void> {
  const set: Partial<Omit<FitRow, 'id'>> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.progress !== undefined) set.progress = Math.max(0, Math.min(1, patch.progress));
  if (patch.stage !== undefined) set.stage = patch.stage;
  if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
  if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
  if (patch.fitted !== undefined) set.fitted = patch.fitted ? 1 : 0;
  if (patch.written !== undefined) set.written = JSON.stringify(patch.written);
  if (patch.dataEndsAt !== undefined) set.data_ends_at = patch.dataEndsAt;
  if (patch.asOf !== undefined) set.as_of = patch.asOf;
  if (patch.error !== undefined) set.error = patch.error.slice(0, 2000);
  await db.updateTable('recommendation_fits').set(set).where('id', '=', id).execute();
}

/** The workspace's fit still waiting for a worker, if any (a new request joins it). */
export async function queuedFit(
  db: Db,
  workspaceId: string,
): Promise<{ id: number; force: boolean } | null> {
  const row = await db
    .selectFrom('recommendation_fits')
    .select(['id', 'force'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'queued')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: Number(row.id), force: Boolean(row.force) } : null;
}

const isoOrNull = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

/**
 * One fit as the API shows it. A fit whose job was parked as failed (its worker died, on every
 * attempt) reads as failed with the job's error, though no worker could write that on the fit.
 */
export async function fitView(
  db: Db,
  workspaceId: string,
  id: number,
  opts: {
    jobKey: string;
    /** What the API says of the data's end, judged against the clock when the fit ran. */
    asOfView: (dataEndsAt: number | null, clockAt: number) => RecommendationFit['asOf'];
  },
): Promise<RecommendationFit | null> {
  const row = await db
    .selectFrom('recommendation_fits')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  let { status, error } = row;
  if (status === 'queued' || status === 'running') {
    const job = await db
      .selectFrom('jobs')
      .select(['status', 'last_error'])
      .where('dedupe_key', '=', `${opts.jobKey}:${id}`)
      .executeTakeFirst();
    if (job?.status === 'failed') {
      status = 'failed';
      error = job.last_error ?? 'its worker stopped before finishing';
    }
  }
  const written = row.written === null ? null : readJsonObject(row.written);
  return {
    id: String(row.id),
    status,
    progress: status === 'succeeded' ? 1 : Number(row.progress),
    stage: fitStageOf(row.stage),
    force: Boolean(row.force),
    requestedAt: new Date(Number(row.requested_at)).toISOString(),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    error,
    fitted: row.fitted === null ? null : Boolean(row.fitted),
    written:
      written === null
        ? null
        : Object.fromEntries(Object.entries(written).map(([k, v]) => [k, Number(v)])),
    asOf:
      row.as_of === null
        ? null
        : opts.asOfView(
            row.data_ends_at === null ? null : Number(row.data_ends_at),
            Number(row.started_at ?? row.as_of),
          ),
  };
}
