import { z } from 'zod';

/**
 * Store connectors (Shopify, WooCommerce, Magento) as the admin API shows them: the connector
 * with its webhook URL and delivery counts, its delivery log and the GDPR access requests the
 * store forwarded. Guide: docs/guides/store-data.md.
 */
export const storePlatforms = ['shopify', 'woocommerce', 'magento'] as const;
export type StorePlatform = (typeof storePlatforms)[number];

export const connectorSchema = z.object({
  id: z.string(),
  platform: z.enum(storePlatforms),
  name: z.string(),
  shopDomain: z.string().nullable(),
  webhookPath: z.string(),
  webhookUrl: z.string(),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
  deliveries: z.object({
    total: z.number(),
    failed: z.number(),
    lastReceivedAt: z.string().nullable(),
    lastError: z.string().nullable(),
  }),
});
export type Connector = z.infer<typeof connectorSchema>;

/** The create answer: the only time the signing secret is shown. */
export const createdConnectorSchema = connectorSchema.extend({ secret: z.string() });
export type CreatedConnector = z.infer<typeof createdConnectorSchema>;

export const deliveryOutcomes = ['processed', 'ignored', 'failed'] as const;
export const deliverySchema = z.object({
  deliveryId: z.string(),
  topic: z.string(),
  receivedAt: z.string(),
  outcome: z.enum(deliveryOutcomes),
  events: z.number(),
  error: z.string().nullable(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const dataRequestSchema = z.object({
  id: z.number(),
  receivedAt: z.string(),
  identifiers: z.record(z.string(), z.unknown()),
  request: z.record(z.string(), z.unknown()),
  profiles: z.array(z.record(z.string(), z.unknown())),
});
export type DataRequest = z.infer<typeof dataRequestSchema>;
