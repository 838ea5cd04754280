import type { ProductInput, VariantInput } from '@comeback/contracts';
import type { CatalogChange, StoredProduct, StoredVariant } from './catalog-store.js';

/**
 * How a product update combines with what is stored, and which changes it makes worth an event:
 * pure functions, shared by every writer of the catalog.
 */
const pick = <T>(given: T | undefined, stored: T): T => (given === undefined ? stored : given);
const inStock = (stock: number | null) => stock !== null && stock > 0;
const wasOut = (stock: number | null) => stock !== null && stock <= 0;
export const sumStock = (variants: StoredVariant[]): number | null => {
  const tracked = variants.filter((v) => v.active && v.stock !== null);
  return tracked.length ? tracked.reduce((s, v) => s + (v.stock ?? 0), 0) : null;
};
const minPrice = (variants: StoredVariant[]): number | null => {
  const prices = variants.flatMap((v) => (v.active && v.price !== null ? [v.price] : []));
  return prices.length ? Math.min(...prices) : null;
};

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

export function merge(
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
    nonProduct: pick(input.non_product, before?.nonProduct ?? null),
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

/**
 * Whether a product is out of stock as "viewed an out-of-stock product" reads it (a tracked
 * stock of zero or less; a product not in the catalog is not).
 */
const outOfStock = (p: StoredProduct | undefined): boolean =>
  p !== undefined && p.stock !== null && p.stock <= 0;

/** The product's stock crossed zero (either way): true when it is now out of stock. */
export function stockCrossing(
  before: StoredProduct | undefined,
  after: StoredProduct,
): { outOfStock: boolean } | null {
  const now = outOfStock(after);
  return now === outOfStock(before) ? null : { outOfStock: now };
}
