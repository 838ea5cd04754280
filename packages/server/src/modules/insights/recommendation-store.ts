import type { Db } from '../../platform/db/database.js';
import { readStringArray } from '../../platform/json.js';
import type { CatalogProduct, FitLine } from './recommendation-fit.js';

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

/** Lines of every counted order (not awaiting, not cancelled, not wholly refunded). */
export async function trainingLines(db: Db, workspaceId: string): Promise<FitLine[]> {
  const out: FitLine[] = [];
  let after = '';
  for (;;) {
    const orders = await db
      .selectFrom('profile_orders')
      .select(['order_id', 'profile_id', 'ordered_at', 'total', 'refunded'])
      .where('workspace_id', '=', workspaceId)
      .where('order_id', '>', after)
      .where('ordered_at', '>=', 0)
      .where('status', '!=', 'cancelled')
      .orderBy('order_id')
      .limit(PAGE)
      .execute();
    const last = orders[orders.length - 1];
    if (!last) return out;
    after = last.order_id;
    const counted = new Map(
      orders
        .filter((o) => !(o.total > 0 && o.refunded >= o.total))
        .map((o) => [o.order_id, o] as const),
    );
    if (!counted.size) continue;
    const lines = await db
      .selectFrom('order_lines')
      .select(['order_id', 'product_id', 'category', 'quantity'])
      .where('workspace_id', '=', workspaceId)
      .where('order_id', 'in', [...counted.keys()])
      .where('product_id', 'is not', null)
      .orderBy('order_id')
      .orderBy('line_no')
      .execute();
    for (const l of lines) {
      const order = counted.get(l.order_id);
      if (!order || l.product_id === null) continue;
      out.push({
        customerId: order.profile_id,
        orderId: l.order_id,
        orderedAt: Number(order.ordered_at),
        productId: l.product_id,
        category: l.category,
        quantity: Number(l.quantity),
      });
    }
  }
}

export async function catalogProducts(
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
      });
    }
  };
  if (!ids) await load();
  else for (let i = 0; i < ids.length; i += 500) await load(ids.slice(i, i + 500));
  return out;
}
