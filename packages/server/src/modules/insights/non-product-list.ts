import type { NonProduct, NonProductPage, NonProductReasonCode } from '@comeback/contracts';
import { nonProductReasons } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { lineSql } from '../profiles/index.js';
import { catalogProducts } from './recommendation-store.js';

/**
 * What is kept out of recommendations as not merchandise, and why, as it stands now: the
 * catalog's flag wins over what the last fit learned both ways (a product flagged after that
 * fit is listed with reason `catalog` at once; one flagged `non_product: false` is not listed,
 * whatever the fit learned), so a store sees what the next fit and every request will exclude.
 */
export interface NonProductListOptions {
  reason?: NonProductReasonCode | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const CHUNK = 500;
const isReason = (v: string | null): v is NonProductReasonCode =>
  v !== null && (nonProductReasons as readonly string[]).includes(v);

export async function nonProductPage(
  db: Db,
  dialect: 'sqlite' | 'postgres',
  workspaceId: string,
  opts: NonProductListOptions = {},
): Promise<NonProductPage> {
  const learned = await db
    .selectFrom('learned_products')
    .select(['product_id', 'title', 'non_product', 'orders'])
    .where('workspace_id', '=', workspaceId)
    .where('non_product', 'is not', null)
    .execute();
  const flagged = await db
    .selectFrom('products')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('non_product', '=', 1)
    .execute();
  const ids = [...new Set([...learned.map((l) => l.product_id), ...flagged.map((f) => f.id)])];
  const catalog = await catalogProducts(db, workspaceId, ids);
  const fitted = new Map(learned.map((l) => [l.product_id, l]));
  // Flagged since the last fit, or never sold: their orders are counted now.
  const unfitted = ids.filter((id) => !fitted.has(id));
  const counted = await ordersHolding(db, dialect, workspaceId, unfitted);

  const all: NonProduct[] = ids.flatMap((productId) => {
    const p = catalog.get(productId);
    const l = fitted.get(productId);
    const said = p?.nonProduct ?? null;
    const reason = said === true ? 'catalog' : said === false ? null : (l?.non_product ?? null);
    if (!isReason(reason)) return [];
    return [
      {
        productId,
        title: p?.title || l?.title || productId,
        reason,
        orders: l ? Number(l.orders) : (counted.get(productId) ?? 0),
      },
    ];
  });
  const listed = all
    .filter((n) => opts.reason === undefined || n.reason === opts.reason)
    .sort((a, b) => b.orders - a.orders || (a.productId < b.productId ? -1 : 1));
  const offset = Number(opts.cursor ?? 0);
  const limit = opts.limit ?? 50;
  const end = offset + limit;
  return {
    data: listed.slice(offset, end),
    nextCursor: end < listed.length ? String(end) : null,
    total: listed.length,
  };
}

/**
 * Counted orders (not cancelled) holding each product. The lines are JSON on the orders' rows
 * (ADR 0025) with no index by product, so this reads the workspace's orders; it runs only for
 * products flagged since the last fit, whose counts that fit did not store.
 */
async function ordersHolding(
  db: Db,
  dialect: 'sqlite' | 'postgres',
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const lines = lineSql(dialect, 'o');
  const product = lines.field('product_id');
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await sql<{ product_id: string | null; n: number | string }>`
      select ${product} as product_id, count(distinct o.order_id) as n
      from profile_orders as o, ${lines.from}
      where o.workspace_id = ${workspaceId} and o.ordered_at >= 0 and o.status <> 'cancelled'
        and ${product} in (${sql.join(ids.slice(i, i + CHUNK))})
      group by ${product}`.execute(db);
    for (const r of rows.rows) if (r.product_id !== null) out.set(r.product_id, Number(r.n));
  }
  return out;
}
