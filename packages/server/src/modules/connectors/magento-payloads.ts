import { MAX_AMOUNT } from '@comeback/contracts';
import { z } from 'zod';

/**
 * Adobe Commerce observer payloads (`data.value`) as events-reference lists their fields,
 * checked with zod: PHP's loose types (numbers as strings, `[]` for an empty object) normalised.
 */
export const mid = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)])
  .transform(String);
export const amount = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount such as 29.95')])
  .transform(Number)
  .refine(Number.isFinite, 'a finite amount')
  .refine((n) => Math.abs(n) <= MAX_AMOUNT, `at most ${MAX_AMOUNT.toExponential()}`);
export const maybeAmount = z
  .union([amount, z.literal(''), z.null()])
  .optional()
  .transform((v) => (typeof v === 'number' ? v : null));
export const flag = z
  .union([z.boolean(), z.number(), z.string()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : v === true || v === 1 || v === '1'));
/** Magento's datetimes are UTC "2025-07-17 15:48:41". */
export const magentoTime = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(normalTime(v))), 'a date such as 2025-07-17 15:48:41')
  .transform((v) => new Date(normalTime(v)).toISOString());
export function normalTime(v: string): string {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
}
export const text = z
  .string()
  .nullish()
  .transform((v) => (v ? v.replaceAll('\u0000', '').trim() || null : null));
/** A PHP associative array: an object, or `[]` when empty. */
export const phpObject = <T extends z.ZodRawShape>(shape: T) =>
  z.union([z.object(shape), z.array(z.unknown()).transform(() => null)]).nullish();

export const addressSchema = z.object({
  address_type: text,
  telephone: text,
  city: text,
  country_id: text,
  id: mid.nullish(),
  default_billing: flag,
});

export const orderSchema = z.object({
  increment_id: z.union([z.string().min(1), z.number()]).transform(String),
  state: text,
  status: text,
  created_at: magentoTime.nullish(),
  updated_at: magentoTime.nullish(),
  grand_total: amount,
  subtotal: maybeAmount,
  tax_amount: maybeAmount,
  shipping_amount: maybeAmount,
  discount_amount: maybeAmount,
  order_currency_code: z
    .string()
    .regex(/^[A-Z]{3}$/, 'a three-letter currency code')
    .nullish(),
  coupon_code: text,
  quote_id: mid.nullish(),
  customer_email: text,
  customer_id: mid.nullish(),
  customer_is_guest: flag,
  items: z
    .array(
      z.object({
        product_id: mid.nullish(),
        parent_item_id: mid.nullish(),
        sku: text,
        name: text,
        price: maybeAmount,
        qty_ordered: amount,
      }),
    )
    .default([]),
  addresses: z.array(addressSchema).default([]),
  _isNew: z.boolean().nullish(),
});
export type MagentoOrder = z.infer<typeof orderSchema>;

export const customerSchema = z.object({
  id: mid,
  email: text,
  firstname: text,
  lastname: text,
  created_at: magentoTime.nullish(),
  updated_at: magentoTime.nullish(),
  default_billing: mid.nullish(),
  addresses: z.array(addressSchema).default([]),
});

export const stockShape = { qty: maybeAmount, is_in_stock: flag };
export const productSchema = z.object({
  id: mid.nullish(),
  entity_id: mid.nullish(),
  sku: text,
  name: text,
  price: maybeAmount,
  status: z.union([z.number(), z.string()]).nullish(),
  updated_at: magentoTime.nullish(),
  qty: maybeAmount,
  stock_data: phpObject(stockShape),
  quantity_and_stock_status: phpObject(stockShape),
});

export const stockItemSchema = z.object({
  product_id: mid,
  qty: maybeAmount,
  is_in_stock: flag,
  manage_stock: flag,
  stock_id: mid.nullish(),
});

export const cartSchema = z.object({
  quote: z.object({
    entity_id: mid.nullish(),
    id: mid.nullish(),
    customer_email: text,
    customer_id: mid.nullish(),
    customer: phpObject({ email: text, id: mid.nullish() }),
    currency: phpObject({ quote_currency_code: text }),
    items: z
      .array(
        z.object({
          product_id: mid.nullish(),
          parent_item_id: mid.nullish(),
          sku: text,
          name: text,
          price: maybeAmount,
          qty: maybeAmount,
          updated_at: magentoTime.nullish(),
        }),
      )
      .default([]),
  }),
});
