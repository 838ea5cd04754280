import type { Db } from '../../platform/db/database.js';
import { asRecord, readJsonObject } from '../../platform/json.js';
import { scopedMany } from '../../platform/read-scope.js';
import { decodeLines } from '../profiles/index.js';
import { DAY_MS, PurchaseHistory } from './recommend/purchase-history.js';
import { orderGapDays, type CustomerContext, type DueItem } from './recommend/strategies.js';
import { DEFAULT_DUE, dueOf, effectiveInterval, type DueSource } from './replenish/due-dates.js';
import { purchaseOccasions } from './replenish/repurchase-intervals.js';
import { catalogProducts } from './recommendation-store.js';

/**
 * What one request needs, read fresh: the profile's orders and recent product events, the
 * slices of the stored model its products and categories point to, and the catalog rows of
 * every candidate. Due dates are worked out here from the live orders and the stored product
 * intervals, so a purchase made after the last fit counts at once. Within a read scope (a
 * journey pass: platform/read-scope.ts) the model's rows are read once per id for the pass.
 */
const PRODUCT_EVENTS = ['Product Viewed', 'Product Added', 'Product Removed'];
/** A removal from the cart this recent keeps the product out of recommendations. */
export const REMOVED_FROM_CART_DAYS = 90;
const RECENT_EVENTS = 500;

const text = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

export interface LiveDue extends DueItem {
  lastBoughtAt: number;
  source: DueSource;
}

export interface ProfileData {
  ctx: CustomerContext;
  /** Replenishable products bought, with due dates worked out now. */
  due: LiveDue[];
  /** Each bought or viewed product's category (line, event, else catalog). */
  categories: Map<string, string>;
  /** Names from order lines and events, for products the catalog does not hold. */
  names: Map<string, string>;
}

export async function profileData(
  db: Db,
  workspaceId: string,
  profileId: string,
  now: number,
): Promise<ProfileData> {
  const orders = await db
    .selectFrom('profile_orders as o')
    .select(['o.order_id', 'o.ordered_at', 'o.lines'])
    .where('o.workspace_id', '=', workspaceId)
    .where('o.profile_id', '=', profileId)
    .where('o.ordered_at', '>=', 0)
    .where('o.status', '!=', 'cancelled')
    .orderBy('o.ordered_at')
    .orderBy('o.order_id')
    .execute();
  // Each order's lines in their order, as rows (the lines are a JSON array on the order's row).
  const lines = orders.flatMap((o) =>
    decodeLines(o.lines).flatMap((l) =>
      l.id === null
        ? []
        : [
            {
              order_id: o.order_id,
              ordered_at: o.ordered_at,
              product_id: l.id,
              category: l.category,
              name: l.name,
              quantity: l.quantity,
            },
          ],
    ),
  );
  const events = await db
    .selectFrom('event_profiles as ep')
    .innerJoin('events', 'events.seq', 'ep.seq')
    .select(['events.event', 'events.timestamp', 'events.payload'])
    .where('ep.profile_id', '=', profileId)
    .where('events.workspace_id', '=', workspaceId)
    // The name as event_profiles holds it: the index (profile_id, event, at) finds the
    // profile's product events without reading its other events from the log.
    .where('ep.event', 'in', PRODUCT_EVENTS)
    .orderBy('ep.seq', 'desc')
    .limit(RECENT_EVENTS)
    .execute();

  const categories = new Map<string, string>();
  const names = new Map<string, string>();
  // Postage, fees and adjustments are dropped here exactly as the fit dropped them; the
  // catalog's flag wins over what the fit learned, also when it was set after that fit.
  const lineIds = [...new Set(lines.flatMap((l) => l.product_id ?? []))];
  const learned = await learnedProducts(db, workspaceId, lineIds);
  const flagged = await catalogProducts(db, workspaceId, lineIds);
  const isNonProduct = (id: string) =>
    flagged.get(id)?.nonProduct ?? Boolean(learned.get(id)?.nonProduct);
  const merchandise = lines.filter((l) => !isNonProduct(l.product_id ?? ''));
  const purchases = merchandise.flatMap((l) => {
    if (l.product_id === null) return [];
    if (l.category) categories.set(l.product_id, l.category);
    if (l.name) names.set(l.product_id, l.name);
    return [{ productId: l.product_id, orderId: l.order_id, at: Number(l.ordered_at) }];
  });
  const viewed: { productId: string; at: number }[] = [];
  const cartSeen = new Set<string>();
  const removedFromCart = new Set<string>();
  for (const e of events) {
    const props = asRecord(readJsonObject(e.payload).properties);
    const id = text(props.product_id) ?? text(props.sku) ?? text(props.id);
    if (id === null) continue;
    const category = text(props.category);
    if (category && !categories.has(id)) categories.set(id, category);
    const name = text(props.name);
    if (name && !names.has(id)) names.set(id, name);
    const at = Number(e.timestamp);
    if (e.event === 'Product Viewed') viewed.push({ productId: id, at });
    else if (!cartSeen.has(id)) {
      // Newest first: the first cart event seen per product is its latest.
      cartSeen.add(id);
      const recent = now - at <= REMOVED_FROM_CART_DAYS * DAY_MS;
      if (e.event === 'Product Removed' && recent) removedFromCart.add(id);
    }
  }

  for (const [id, p] of learned) {
    if (p.title && !names.has(id)) names.set(id, p.title);
    if (p.category && !categories.has(id)) categories.set(id, p.category);
  }
  const due = await dueItems(db, workspaceId, merchandise);
  const ctx: CustomerContext = {
    now,
    purchases,
    viewed,
    removedFromCart,
    replenishments: due,
    orderGapDays: orderGapDays([...new Set(purchases.map((p) => p.at))]),
  };
  return { ctx, due, categories, names };
}

/** The customer's replenishable products with due dates, from live orders and stored intervals. */
async function dueItems(
  db: Db,
  workspaceId: string,
  lines: readonly {
    order_id: string;
    ordered_at: number;
    product_id: string | null;
    quantity: number;
  }[],
): Promise<LiveDue[]> {
  const history = PurchaseHistory.from(
    lines.flatMap((l) =>
      l.product_id === null
        ? []
        : [
            {
              customerId: 'me',
              orderId: l.order_id,
              orderedAt: Number(l.ordered_at),
              productId: l.product_id,
              category: null,
              quantity: Number(l.quantity),
            },
          ],
    ),
  );
  if (!history.productCount) return [];
  const ids = history.products;
  const catalog = await catalogProducts(db, workspaceId, ids);
  const learned = await byIds(db, `replenishment\u0000${workspaceId}`, ids, async (part) => {
    const found = new Map<string, { intervalDays: number; repeatShare: number }>();
    for (let i = 0; i < part.length; i += 500) {
      const rows = await db
        .selectFrom('product_replenishment')
        .select(['product_id', 'learned_days', 'repeat_share'])
        .where('workspace_id', '=', workspaceId)
        .where('product_id', 'in', part.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        if (r.learned_days === null) continue;
        found.set(r.product_id, {
          intervalDays: Number(r.learned_days),
          repeatShare: Number(r.repeat_share),
        });
      }
    }
    return found;
  });
  return (purchaseOccasions(history, DEFAULT_DUE.minGapDays)[0] ?? []).flatMap((occ) => {
    const productId = ids[occ.product] ?? '';
    const p = catalog.get(productId);
    const base = effectiveInterval(
      learned.get(productId),
      p && { consumable: p.consumable, usageDays: p.usageDays },
      DEFAULT_DUE.minRepeatShare,
    );
    const due = dueOf(occ, base, DEFAULT_DUE);
    if (!due || !base) return [];
    return [
      {
        productId,
        dueAt: due.dueAt,
        intervalDays: due.intervalDays,
        purchases: occ.times.length,
        lastBoughtAt: due.lastBoughtAt,
        source: base.source,
      },
    ];
  });
}

export interface LearnedProduct {
  title: string | null;
  category: string | null;
  nonProduct: string | null;
  repeatRate: number | null;
  buyAgainPrior: number | null;
}

/**
 * `load` of the ids, through the read scope's memo by id (each id once per scope, found or
 * not); a transaction reads its own view.
 */
export function byIds<V>(
  db: Db,
  namespace: string,
  ids: readonly string[],
  load: (ids: readonly string[]) => Promise<Map<string, V>>,
): Promise<Map<string, V>> {
  return db.isTransaction ? load(ids) : scopedMany(namespace, ids, load);
}

/** What the last fit learned from all order lines about these products (titles, non-products). */
export function learnedProducts(
  db: Db,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, LearnedProduct>> {
  return byIds(db, `learned\u0000${workspaceId}`, ids, async (part) => {
    const out = new Map<string, LearnedProduct>();
    for (let i = 0; i < part.length; i += 500) {
      const rows = await db
        .selectFrom('learned_products')
        .select([
          'product_id',
          'title',
          'category',
          'non_product',
          'repeat_rate',
          'buy_again_prior',
        ])
        .where('workspace_id', '=', workspaceId)
        .where('product_id', 'in', part.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        out.set(r.product_id, {
          title: r.title,
          category: r.category,
          nonProduct: r.non_product,
          repeatRate: r.repeat_rate === null ? null : Number(r.repeat_rate),
          buyAgainPrior: r.buy_again_prior === null ? null : Number(r.buy_again_prior),
        });
      }
    }
    return out;
  });
}
