import { z } from 'zod';
import { MAX_AMOUNT } from './amounts.js';
import { storableText } from './errors.js';
import { MAX_JSON_DEPTH, tooDeepPath } from './json-depth.js';

/**
 * The catalog as the admin API and imports take it. Absent fields keep their stored value on an
 * update; `null` clears a nullable one.
 */
/** Prices are bounded like every amount (amounts.ts). */
const money = z.number().finite().nonnegative().max(MAX_AMOUNT);
const isoTime = z.iso.datetime({ offset: true });

export const variantInputSchema = z.object({
  id: storableText().min(1).max(256),
  sku: storableText().max(256).nullish(),
  title: storableText().max(1024).nullish(),
  price: money.nullish(),
  stock: z.number().int().nullish(),
  inventory_item_id: storableText().max(256).nullish(),
  active: z.boolean().optional(),
});

export const productInputSchema = z.object({
  id: storableText().min(1).max(256),
  title: storableText().min(1).max(1024).optional(),
  url: storableText().max(2048).nullish(),
  image_url: storableText().max(2048).nullish(),
  categories: z.array(storableText().min(1).max(256)).max(50).optional(),
  price: money.nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code such as EUR')
    .nullish(),
  /** Units in stock; null: not tracked. With variants, the sum of theirs. */
  stock: z.number().int().nullish(),
  active: z.boolean().optional(),
  /** Bought again when it runs out (contact lenses, coffee): replenishment reminders apply. */
  consumable: z.boolean().optional(),
  /** How long one unit typically lasts, in days (contact lenses: 30). */
  usage_days: z.number().int().positive().max(3650).nullish(),
  /**
   * Not merchandise (postage, a fee, a discount, an adjustment): never recommended, and its
   * order lines never teach the models. `false` keeps a product the learned rules would call a
   * charge ("POSTAGE STAMP BOOK"); `null` leaves it to them again.
   */
  non_product: z.boolean().nullish(),
  variants: z.array(variantInputSchema).max(2000).optional(),
  /** Free-form; nested at most MAX_JSON_DEPTH (32) levels, the object itself counting as one. */
  attributes: z
    .record(z.string(), z.unknown())
    .superRefine((attributes, ctx) => {
      const deep = tooDeepPath(attributes);
      if (deep !== null) {
        ctx.addIssue({
          code: 'custom',
          message: `nested deeper than ${MAX_JSON_DEPTH} levels (at ${deep})`,
        });
      }
    })
    .optional(),
  /** When the store last changed it: an older update than the stored one is ignored. */
  updated_at: isoTime.optional(),
});
export type ProductInput = z.infer<typeof productInputSchema>;
export type VariantInput = z.infer<typeof variantInputSchema>;

export const variantSchema = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  title: z.string().nullable(),
  price: z.number().nullable(),
  stock: z.number().nullable(),
  inventoryItemId: z.string().nullable(),
  active: z.boolean(),
});

export const productSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  categories: z.array(z.string()),
  price: z.number().nullable(),
  currency: z.string().nullable(),
  stock: z.number().nullable(),
  inStock: z.boolean(),
  active: z.boolean(),
  consumable: z.boolean(),
  usageDays: z.number().nullable(),
  /** The catalog's `non_product`; null: the learned rules decide (recommendations guide). */
  nonProduct: z.boolean().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  variants: z.array(variantSchema),
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  sourceUpdatedAt: z.string(),
});
export type Product = z.infer<typeof productSchema>;

export const catalogEventSchema = z.object({
  seq: z.number(),
  kind: z.enum(['back_in_stock', 'price_drop']),
  productId: z.string(),
  variantId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
});
export type CatalogEvent = z.infer<typeof catalogEventSchema>;
