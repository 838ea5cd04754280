import type { ProductInput } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import { readJsonObject, readStringArray } from '../../platform/json.js';
import { changesBetween, merge, stockCrossing, sumStock } from './product-changes.js';

/** Where a product change came from: the admin API, an import, or a store connector. */
export type CatalogSource = 'api' | 'import' | `connector:${string}`;

export interface StoredVariant {
  id: string;
  sku: string | null;
  title: string | null;
  price: number | null;
  stock: number | null;
  inventoryItemId: string | null;
  active: boolean;
}

export interface StoredProduct {
  id: string;
  title: string;
  url: string | null;
  imageUrl: string | null;
  categories: string[];
  price: number | null;
  currency: string | null;
  stock: number | null;
  active: boolean;
  consumable: boolean;
  usageDays: number | null;
  /** The catalog's word on whether it is merchandise; null: the learned rules decide. */
  nonProduct: boolean | null;
  attributes: Record<string, unknown>;
  variants: StoredVariant[];
  source: string;
  sourceUpdatedAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface CatalogChange {
  kind: 'back_in_stock' | 'price_drop';
  productId: string;
  variantId: string | null;
  details: Record<string, unknown>;
}

export interface UpsertOutcome {
  created: number;
  updated: number;
  /** Older than what is stored (an out-of-order webhook): ignored, nothing rolled back. */
  stale: number;
  changes: CatalogChange[];
}

/**
 * Arbitrary but fixed: the advisory lock that makes stock crossings visible in `seq` order on
 * PostgreSQL. Writers hold it shared (they never wait for each other); the processor only ever
 * tries it exclusively, before it moves past a crossing (modules/segments).
 */
export const STOCK_CROSSING_LOCK = 7_301_033;

const chunk = <T>(items: T[], size = 200): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
/**
 * The catalog's storage. Upserts are last-writer-wins by the store's own `updated_at`, so a
 * webhook that arrives late never rolls a product back; a stock level going from none to some
 * and a lower price are recorded as catalog events (journeys trigger on them) in the same
 * transaction as the change.
 */
export class CatalogStore {
  readonly #dialect: Database['dialect'];
  constructor(dialect: Database['dialect']) {
    this.#dialect = dialect;
  }

  async load(
    db: Trx | Db,
    workspaceId: string,
    ids: string[],
  ): Promise<Map<string, StoredProduct>> {
    const out = new Map<string, StoredProduct>();
    for (const part of chunk([...new Set(ids)])) {
      const rows = await db
        .selectFrom('products')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', part)
        .execute();
      for (const r of rows) {
        out.set(r.id, {
          id: r.id,
          title: r.title,
          url: r.url,
          imageUrl: r.image_url,
          categories: readStringArray(r.categories),
          price: r.price,
          currency: r.currency,
          stock: r.stock,
          active: r.active === 1,
          consumable: r.consumable === 1,
          usageDays: r.usage_days,
          nonProduct: r.non_product === null ? null : Number(r.non_product) === 1,
          attributes: readJsonObject(r.attributes),
          variants: [],
          source: r.source,
          sourceUpdatedAt: r.source_updated_at,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        });
      }
      const variants = await db
        .selectFrom('product_variants')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('product_id', 'in', part)
        .orderBy('id')
        .execute();
      for (const v of variants) {
        out.get(v.product_id)?.variants.push({
          id: v.id,
          sku: v.sku,
          title: v.title,
          price: v.price,
          stock: v.stock,
          inventoryItemId: v.inventory_item_id,
          active: v.active === 1,
        });
      }
    }
    return out;
  }

  async upsert(
    trx: Trx,
    workspaceId: string,
    inputs: ProductInput[],
    opts: { source: CatalogSource; now: number },
  ): Promise<UpsertOutcome> {
    const outcome: UpsertOutcome = { created: 0, updated: 0, stale: 0, changes: [] };
    const existing = await this.load(
      trx,
      workspaceId,
      inputs.map((i) => i.id),
    );
    for (const input of inputs) {
      const stamp = input.updated_at === undefined ? opts.now : Date.parse(input.updated_at);
      const before = existing.get(input.id);
      if (before && stamp < before.sourceUpdatedAt) {
        outcome.stale++;
        continue;
      }
      const after = merge(before, input, opts.source, stamp, opts.now);
      if (!before && after.title === '') after.title = input.id;
      outcome.changes.push(...changesBetween(before, after));
      await this.#write(trx, workspaceId, before, after);
      existing.set(after.id, after);
      if (before) outcome.updated++;
      else outcome.created++;
    }
    await this.recordChanges(trx, workspaceId, outcome.changes, opts.now);
    return outcome;
  }

  /**
   * A stock level at one location (Shopify's inventory_levels/update): the variant's stock is the
   * sum over its locations, the product's the sum over its variants.
   */
  async setInventoryLevel(
    trx: Trx,
    workspaceId: string,
    level: { inventoryItemId: string; locationId: string; available: number; updatedAt: number },
    now: number,
  ): Promise<{ applied: boolean; changes: CatalogChange[] }> {
    const stored = await trx
      .selectFrom('inventory_levels')
      .select('source_updated_at')
      .where('workspace_id', '=', workspaceId)
      .where('inventory_item_id', '=', level.inventoryItemId)
      .where('location_id', '=', level.locationId)
      .executeTakeFirst();
    if (stored && stored.source_updated_at > level.updatedAt)
      return { applied: false, changes: [] };
    await trx
      .insertInto('inventory_levels')
      .values({
        workspace_id: workspaceId,
        inventory_item_id: level.inventoryItemId,
        location_id: level.locationId,
        available: level.available,
        source_updated_at: level.updatedAt,
      })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'inventory_item_id', 'location_id']).doUpdateSet({
          available: level.available,
          source_updated_at: level.updatedAt,
        }),
      )
      .execute();
    const owner = await trx
      .selectFrom('product_variants')
      .select(['product_id', 'id'])
      .where('workspace_id', '=', workspaceId)
      .where('inventory_item_id', '=', level.inventoryItemId)
      .executeTakeFirst();
    // A level for an item whose product has not arrived yet is kept; the product's own
    // variant stock applies until then.
    if (!owner) return { applied: true, changes: [] };
    const total = await trx
      .selectFrom('inventory_levels')
      .select((eb) => eb.fn.sum<number>('available').as('total'))
      .where('workspace_id', '=', workspaceId)
      .where('inventory_item_id', '=', level.inventoryItemId)
      .executeTakeFirst();
    const before = (await this.load(trx, workspaceId, [owner.product_id])).get(owner.product_id);
    if (!before) return { applied: true, changes: [] };
    const after: StoredProduct = {
      ...before,
      variants: before.variants.map((v) =>
        v.id === owner.id ? { ...v, stock: Number(total?.total ?? 0) } : v,
      ),
    };
    after.stock = sumStock(after.variants);
    after.updatedAt = now;
    const changes = changesBetween(before, after);
    await this.#write(trx, workspaceId, before, after);
    await this.recordChanges(trx, workspaceId, changes, now);
    return { applied: true, changes };
  }

  async recordChanges(trx: Trx, workspaceId: string, changes: CatalogChange[], now: number) {
    for (const part of chunk(changes)) {
      await trx
        .insertInto('catalog_events')
        .values(
          part.map((c) => ({
            workspace_id: workspaceId,
            kind: c.kind,
            product_id: c.productId,
            variant_id: c.variantId,
            details: JSON.stringify(c.details),
            occurred_at: now,
          })),
        )
        .execute();
    }
  }

  /**
   * Every write of a product passes here, so a stock crossing zero is recorded in the same
   * transaction as the stock itself (see #recordStockCrossing).
   */
  async #write(
    trx: Trx,
    workspaceId: string,
    before: StoredProduct | undefined,
    p: StoredProduct,
  ): Promise<void> {
    const exists = before !== undefined;
    const crossing = stockCrossing(before, p);
    if (crossing) await this.#recordStockCrossing(trx, workspaceId, p.id, crossing, p.updatedAt);
    const row = {
      title: p.title,
      url: p.url,
      image_url: p.imageUrl,
      categories: JSON.stringify(p.categories),
      price: p.price,
      currency: p.currency,
      stock: p.stock,
      active: p.active ? 1 : 0,
      consumable: p.consumable ? 1 : 0,
      usage_days: p.usageDays,
      non_product: p.nonProduct === null ? null : p.nonProduct ? 1 : 0,
      attributes: JSON.stringify(p.attributes),
      source: p.source,
      source_updated_at: p.sourceUpdatedAt,
      updated_at: p.updatedAt,
    };
    if (exists) {
      await trx
        .updateTable('products')
        .set(row)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', p.id)
        .execute();
    } else {
      await trx
        .insertInto('products')
        .values({ ...row, workspace_id: workspaceId, id: p.id, created_at: p.createdAt })
        .execute();
    }
    for (const part of chunk(p.variants)) {
      await trx
        .insertInto('product_variants')
        .values(
          part.map((v) => ({
            workspace_id: workspaceId,
            product_id: p.id,
            id: v.id,
            sku: v.sku,
            title: v.title,
            price: v.price,
            stock: v.stock,
            inventory_item_id: v.inventoryItemId,
            active: v.active ? 1 : 0,
            updated_at: p.updatedAt,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'product_id', 'id']).doUpdateSet((eb) => ({
            sku: eb.ref('excluded.sku'),
            title: eb.ref('excluded.title'),
            price: eb.ref('excluded.price'),
            stock: eb.ref('excluded.stock'),
            inventory_item_id: eb.ref('excluded.inventory_item_id'),
            active: eb.ref('excluded.active'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  /**
   * Products removed outright (a shop's redaction): one that was out of stock no longer is (a
   * product not in the catalog is not out of stock), so its viewers are re-checked like after
   * any crossing.
   */
  async recordRemovals(
    trx: Trx,
    workspaceId: string,
    removed: readonly { id: string; stock: number | null }[],
    at: number,
  ): Promise<void> {
    for (const p of removed) {
      if (p.stock !== null && p.stock <= 0) {
        await this.#recordStockCrossing(trx, workspaceId, p.id, { outOfStock: false }, at);
      }
    }
  }

  /**
   * Stored segment membership reads stock ("viewed an out-of-stock product"), and only the
   * processor writes membership (ADR 0018): the crossing is recorded here, in the catalog
   * writer's transaction, and the processor re-checks its viewers in its own batches
   * (modules/segments/stock-rechecks.ts). Written with the stock, a crossing exists exactly when
   * the stock change committed - never lost to a crash between the two, never applied for a
   * change rolled back - and the processor's progress lives with the membership it writes, so
   * each is applied once. The processor follows crossings by `seq`, so it must never move past
   * one that commits late with a smaller seq: on SQLite writers are serialised anyway; on
   * PostgreSQL a writer holds STOCK_CROSSING_LOCK shared until it commits, and the processor
   * moves on only while holding it exclusively (it tries, and waits for nothing). Crossings the
   * processor has passed are deleted here, by the next writer.
   */
  async #recordStockCrossing(
    trx: Trx,
    workspaceId: string,
    productId: string,
    crossing: { outOfStock: boolean },
    at: number,
  ): Promise<void> {
    if (this.#dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock_shared(${STOCK_CROSSING_LOCK})`.execute(trx);
    }
    await trx
      .deleteFrom('stock_crossings')
      .where((eb) => {
        let passed = eb
          .selectFrom('stock_crossings as c')
          .select('c.seq')
          .where(
            'c.seq',
            '<',
            eb
              .selectFrom('segment_stock_progress')
              .select('crossing_seq')
              .where('name', '=', 'stock'),
          );
        // Concurrent writers (PostgreSQL) leave each other's deletions alone instead of waiting.
        if (this.#dialect === 'postgres') passed = passed.forUpdate().skipLocked();
        return eb('seq', 'in', passed);
      })
      .execute();
    await trx
      .insertInto('stock_crossings')
      .values({
        workspace_id: workspaceId,
        product_id: productId,
        out_of_stock: crossing.outOfStock ? 1 : 0,
        at,
      })
      .execute();
  }
}
