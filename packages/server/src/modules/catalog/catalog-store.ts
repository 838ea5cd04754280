import type { ProductInput, VariantInput } from '@comeback/contracts';
import type { Db, Trx } from '../../platform/db/database.js';
import { readJsonObject, readStringArray } from '../../platform/json.js';

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

const chunk = <T>(items: T[], size = 200): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
const pick = <T>(given: T | undefined, stored: T): T => (given === undefined ? stored : given);
const inStock = (stock: number | null) => stock !== null && stock > 0;
const wasOut = (stock: number | null) => stock !== null && stock <= 0;
const sumStock = (variants: StoredVariant[]): number | null => {
  const tracked = variants.filter((v) => v.active && v.stock !== null);
  return tracked.length ? tracked.reduce((s, v) => s + (v.stock ?? 0), 0) : null;
};
const minPrice = (variants: StoredVariant[]): number | null => {
  const prices = variants.flatMap((v) => (v.active && v.price !== null ? [v.price] : []));
  return prices.length ? Math.min(...prices) : null;
};

/**
 * The catalog's storage. Upserts are last-writer-wins by the store's own `updated_at`, so a
 * webhook that arrives late never rolls a product back; a stock level going from none to some
 * and a lower price are recorded as catalog events (journeys trigger on them) in the same
 * transaction as the change.
 */
export class CatalogStore {
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
      await this.#write(trx, workspaceId, after, before !== undefined);
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
    await this.#write(trx, workspaceId, after, true);
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

  async #write(trx: Trx, workspaceId: string, p: StoredProduct, exists: boolean): Promise<void> {
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
}

function mergeVariant(before: StoredVariant | undefined, v: VariantInput): StoredVariant {
  return {
    id: v.id,
    sku: pick(v.sku, before?.sku ?? null),
    title: pick(v.title, before?.title ?? null),
    price: pick(v.price, before?.price ?? null),
    stock: pick(v.stock, before?.stock ?? null),
    inventoryItemId: pick(v.inventory_item_id, before?.inventoryItemId ?? null),
    active: v.active ?? before?.active ?? true,
  };
}

function merge(
  before: StoredProduct | undefined,
  input: ProductInput,
  source: string,
  stamp: number,
  now: number,
): StoredProduct {
  let variants = before?.variants ?? [];
  if (input.variants !== undefined) {
    const given = new Map(input.variants.map((v) => [v.id, v]));
    // The store sends every variant; one it no longer sends has been deleted.
    variants = [
      ...variants.filter((v) => !given.has(v.id)).map((v) => ({ ...v, active: false })),
      ...input.variants.map((v) =>
        mergeVariant(
          variants.find((b) => b.id === v.id),
          v,
        ),
      ),
    ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  const fromVariants = input.variants !== undefined && input.variants.length > 0;
  const variantStock = fromVariants ? sumStock(variants) : null;
  const variantPrice = fromVariants ? minPrice(variants) : null;
  return {
    id: input.id,
    title: input.title ?? before?.title ?? '',
    url: pick(input.url, before?.url ?? null),
    imageUrl: pick(input.image_url, before?.imageUrl ?? null),
    categories: input.categories ?? before?.categories ?? [],
    price: input.price !== undefined ? input.price : (variantPrice ?? before?.price ?? null),
    currency: pick(input.currency, before?.currency ?? null),
    stock: input.stock !== undefined ? input.stock : (variantStock ?? before?.stock ?? null),
    active: input.active ?? before?.active ?? true,
    consumable: input.consumable ?? before?.consumable ?? false,
    usageDays: pick(input.usage_days, before?.usageDays ?? null),
    attributes: { ...(before?.attributes ?? {}), ...(input.attributes ?? {}) },
    variants,
    source,
    sourceUpdatedAt: stamp,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
}

/** Back in stock: from a known zero (or below) to some. Price drop: strictly lower than known. */
export function changesBetween(
  before: StoredProduct | undefined,
  after: StoredProduct,
): CatalogChange[] {
  if (!before) return [];
  const out: CatalogChange[] = [];
  const tracksVariants = after.variants.some((v) => v.stock !== null || v.price !== null);
  if (tracksVariants) {
    for (const v of after.variants) {
      const old = before.variants.find((b) => b.id === v.id);
      if (!old || !v.active) continue;
      if (wasOut(old.stock) && inStock(v.stock)) {
        out.push({
          kind: 'back_in_stock',
          productId: after.id,
          variantId: v.id,
          details: { previous_stock: old.stock, stock: v.stock },
        });
      }
      if (old.price !== null && v.price !== null && v.price < old.price) {
        out.push({
          kind: 'price_drop',
          productId: after.id,
          variantId: v.id,
          details: { previous_price: old.price, price: v.price, currency: after.currency },
        });
      }
    }
    return out;
  }
  if (wasOut(before.stock) && inStock(after.stock)) {
    out.push({
      kind: 'back_in_stock',
      productId: after.id,
      variantId: null,
      details: { previous_stock: before.stock, stock: after.stock },
    });
  }
  if (before.price !== null && after.price !== null && after.price < before.price) {
    out.push({
      kind: 'price_drop',
      productId: after.id,
      variantId: null,
      details: { previous_price: before.price, price: after.price, currency: after.currency },
    });
  }
  return out;
}
