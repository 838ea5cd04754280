import { MAX_AMOUNT } from '@comeback/contracts';
import { z } from 'zod';

/**
 * Shopify's webhook payloads (REST Admin API resources) as far as we read them (their mapping
 * to canonical calls is in shopify-mapping.ts). Ids arrive as numbers (or strings, when too large for a double:
 * see `parseShopifyJson`), amounts as decimal strings, times as ISO 8601 with an offset.
 */

const id = z.union([z.number().int().nonnegative(), z.string().trim().min(1).max(256)], {
  error: 'must be a Shopify id (a number or a non-empty string)',
});
export const shopifyId = id.transform(String);
export const amount = z
  .union(
    [
      z.number().finite(),
      z
        .string()
        .trim()
        .regex(/^-?\d+(\.\d+)?$/),
    ],
    {
      error: 'must be an amount such as "19.99"',
    },
  )
  .transform(Number)
  .refine((n) => Number.isFinite(n) && Math.abs(n) <= MAX_AMOUNT, {
    error: `must be an amount of at most ${MAX_AMOUNT.toExponential()}`,
  });
export const time = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time')
  .transform((s) => Date.parse(s));
export const text = z.string().nullish();
export const tagList = z
  .union([z.string(), z.array(z.string())])
  .nullish()
  .transform((t) =>
    (typeof t === 'string' ? t.split(',') : (t ?? [])).map((s) => s.trim()).filter(Boolean),
  );

const address = z
  .object({ city: text, country: text, country_name: text, country_code: text })
  .nullish();

/** A customer as orders and checkouts embed it: newer API versions send fewer fields. */
const personSchema = z.object({
  id: shopifyId.nullish(),
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  accepts_marketing: z.boolean().nullish(),
  email_marketing_consent: z.object({ state: text }).nullish(),
  tags: tagList,
  orders_count: z.number().int().nullish(),
  created_at: time.nullish(),
  updated_at: time.nullish(),
  default_address: address,
});
export const customerSchema = personSchema.extend({ id: shopifyId });
export type ShopifyCustomer = z.infer<typeof customerSchema>;

const lineItemSchema = z.object({
  product_id: shopifyId.nullish(),
  variant_id: shopifyId.nullish(),
  sku: text,
  title: text,
  name: text,
  variant_title: text,
  vendor: text,
  price: amount.nullish(),
  quantity: z.number().int().nonnegative(),
});
export type LineItem = z.infer<typeof lineItemSchema>;

export const fulfillmentSchema = z.object({
  id: shopifyId,
  order_id: shopifyId.nullish(),
  status: text,
  shipment_status: text,
  tracking_company: text,
  tracking_number: text,
  tracking_url: text,
  tracking_urls: z.array(z.string()).nullish(),
  created_at: time,
  updated_at: time.nullish(),
});
export type ShopifyFulfillment = z.infer<typeof fulfillmentSchema>;

export const refundSchema = z.object({
  id: shopifyId,
  order_id: shopifyId,
  created_at: time,
  processed_at: time.nullish(),
  note: text,
  refund_line_items: z
    .array(
      z.object({
        quantity: z.number().int().nonnegative(),
        subtotal: amount.nullish(),
        line_item: lineItemSchema.partial().nullish(),
      }),
    )
    .nullish(),
  transactions: z.array(z.object({ kind: text, status: text, amount: amount.nullish() })).nullish(),
});
export type ShopifyRefund = z.infer<typeof refundSchema>;

export const orderSchema = z.object({
  id: shopifyId,
  name: text,
  order_number: z.union([z.number(), z.string()]).nullish(),
  email: text,
  contact_email: text,
  phone: text,
  created_at: time,
  updated_at: time.nullish(),
  cancelled_at: time.nullish(),
  cancel_reason: text,
  currency: text,
  total_price: amount,
  subtotal_price: amount.nullish(),
  total_tax: amount.nullish(),
  total_discounts: amount.nullish(),
  total_shipping_price_set: z.object({ shop_money: z.object({ amount }) }).nullish(),
  shipping_lines: z.array(z.object({ price: amount.nullish() })).nullish(),
  financial_status: text,
  fulfillment_status: text,
  checkout_token: text,
  checkout_id: shopifyId.nullish(),
  cart_token: text,
  buyer_accepts_marketing: z.boolean().nullish(),
  line_items: z.array(lineItemSchema),
  fulfillments: z.array(fulfillmentSchema).nullish(),
  refunds: z.array(refundSchema).nullish(),
  customer: personSchema.nullish(),
  billing_address: z.object({ first_name: text, last_name: text }).nullish(),
});
export type ShopifyOrder = z.infer<typeof orderSchema>;

export const checkoutSchema = z.object({
  token: z.string().trim().min(1, 'must be the checkout token'),
  email: text,
  phone: text,
  customer: personSchema.nullish(),
  created_at: time.nullish(),
  updated_at: time.nullish(),
  completed_at: time.nullish(),
  currency: text,
  total_price: amount.nullish(),
  subtotal_price: amount.nullish(),
  total_tax: amount.nullish(),
  total_discounts: amount.nullish(),
  abandoned_checkout_url: text,
  discount_codes: z.array(z.object({ code: text })).nullish(),
  line_items: z.array(lineItemSchema).nullish(),
});
export type ShopifyCheckout = z.infer<typeof checkoutSchema>;
