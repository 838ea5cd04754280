import { sql } from 'kysely';
import type { CatalogEvent, Product, ProductInput } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { readJsonObject } from '../../platform/json.js';
import {
  CatalogStore,
  type CatalogSource,
  type StoredProduct,
  type UpsertOutcome,
} from './catalog-store.js';

const iso = (t: number) => new Date(t).toISOString();

export function productView(p: StoredProduct): Product {
  return {
    id: p.id,
    title: p.title,
    url: p.url,
    imageUrl: p.imageUrl,
    categories: p.categories,
    price: p.price,
    currency: p.currency,
    stock: p.stock,
    // Stock not tracked counts as available: most small stores never track it.
    inStock: p.stock === null || p.stock > 0,
    active: p.active,
    consumable: p.consumable,
    usageDays: p.usageDays,
    nonProduct: p.nonProduct,
    attributes: p.attributes,
    variants: p.variants,
    source: p.source,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    sourceUpdatedAt: iso(p.sourceUpdatedAt),
  };
}

/** The catalog as the admin API, imports and connectors use it. */
export class CatalogService {
  readonly store: CatalogStore;
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {
    this.store = new CatalogStore(database.dialect);
  }

  upsert(
    workspaceId: string,
    inputs: ProductInput[],
    source: CatalogSource,
  ): Promise<UpsertOutcome> {
    const now = this.clock.now();
    return this.database.db
      .transaction()
      .execute((trx) => this.store.upsert(trx, workspaceId, inputs, { source, now }));
  }

  async get(workspaceId: string, id: string): Promise<Product | null> {
    const found = (await this.store.load(this.database.db, workspaceId, [id])).get(id);
    return found ? productView(found) : null;
  }

  /** Products by id, a page at a time (`after` is the last id of the previous page). */
  async list(
    workspaceId: string,
    opts: { after?: string | undefined; limit: number; category?: string | undefined },
  ): Promise<{ data: Product[]; next: string | null }> {
    let q = this.database.db
      .selectFrom('products')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .limit(opts.limit + 1);
    if (opts.after !== undefined) q = q.where('id', '>', opts.after);
    const category = opts.category;
    if (category !== undefined) {
      // Filtered in SQL, so a page is full whenever more matching products exist.
      q = q.where(
        this.database.dialect === 'postgres'
          ? sql<boolean>`jsonb_exists(categories, ${category})`
          : sql<boolean>`exists (select 1 from json_each(categories) where value = ${category})`,
      );
    }
    const ids = (await q.execute()).map((r) => r.id);
    const page = ids.slice(0, opts.limit);
    const loaded = await this.store.load(this.database.db, workspaceId, page);
    const data = page.flatMap((id) => {
      const p = loaded.get(id);
      return p ? [productView(p)] : [];
    });
    return { data, next: ids.length > opts.limit ? (page.at(-1) ?? null) : null };
  }

  /** Back-in-stock and price-drop events in the order they happened, after `afterSeq`. */
  async events(
    workspaceId: string,
    opts: { afterSeq: number; limit: number; kind?: CatalogEvent['kind'] | undefined },
  ): Promise<CatalogEvent[]> {
    let q = this.database.db
      .selectFrom('catalog_events')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('seq', '>', opts.afterSeq)
      .orderBy('seq')
      .limit(opts.limit);
    if (opts.kind !== undefined) q = q.where('kind', '=', opts.kind);
    const rows = await q.execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      kind: r.kind,
      productId: r.product_id,
      variantId: r.variant_id,
      details: readJsonObject(r.details),
      occurredAt: iso(r.occurred_at),
    }));
  }
}
