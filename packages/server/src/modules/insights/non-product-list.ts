import type { NonProduct, NonProductPage, NonProductReasonCode } from '@comeback/contracts';
import { nonProductReasons } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
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
  const counted = await ordersHolding(db, workspaceId, unfitted);

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

/** Counted orders (not cancelled) holding each product. */
async function ordersHolding(
  db: Db,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('order_lines as l')
      .innerJoin('profile_orders as o', (j) =>
        j.onRef('o.workspace_id', '=', 'l.workspace_id').onRef('o.order_id', '=', 'l.order_id'),
      )
      .select(['l.product_id', (eb) => eb.fn.count<number>('l.order_id').distinct().as('n')])
      .where('l.workspace_id', '=', workspaceId)
      .where('l.product_id', 'in', ids.slice(i, i + CHUNK))
      .where('o.ordered_at', '>=', 0)
      .where('o.status', '!=', 'cancelled')
      .groupBy('l.product_id')
      .execute();
    for (const r of rows) if (r.product_id !== null) out.set(r.product_id, Number(r.n));
  }
  return out;
}
