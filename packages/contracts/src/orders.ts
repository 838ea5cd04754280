import { z } from 'zod';

export const orderLineSchema = z.object({
  productId: z.string().nullable(),
  variantId: z.string().nullable(),
  sku: z.string().nullable(),
  name: z.string().nullable(),
  category: z.string().nullable(),
  price: z.number().nullable(),
  quantity: z.number(),
});

export const orderSchema = z.object({
  orderId: z.string(),
  profileId: z.string(),
  status: z.string(),
  orderNumber: z.string().nullable(),
  total: z.number(),
  refunded: z.number(),
  currency: z.string().nullable(),
  subtotal: z.number().nullable(),
  discount: z.number().nullable(),
  tax: z.number().nullable(),
  shipping: z.number().nullable(),
  checkoutId: z.string().nullable(),
  orderedAt: z.string(),
  cancelledAt: z.string().nullable(),
  fulfilledAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  sourceUpdatedAt: z.string().nullable(),
  lines: z.array(orderLineSchema),
  refunds: z.array(
    z.object({
      refundId: z.string(),
      amount: z.number(),
      refundedAt: z.string(),
      reason: z.string().nullable(),
    }),
  ),
  fulfilments: z.array(
    z.object({
      fulfilmentId: z.string(),
      status: z.string(),
      trackingCompany: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      trackingUrl: z.string().nullable(),
      shippedAt: z.string().nullable(),
      deliveredAt: z.string().nullable(),
    }),
  ),
});
export type Order = z.infer<typeof orderSchema>;
