import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProductInput } from '@comeback/contracts';
import type { Result } from '../../platform/errors.js';

export const platforms = ['shopify', 'woocommerce', 'magento'] as const;
export type Platform = (typeof platforms)[number];

/** A webhook delivery as it reached us: header names in lower case, the body untouched. */
export interface WebhookDelivery {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/**
 * A canonical call the store's data becomes: Segment e-commerce v2 events and identify calls.
 * Identity travels in `identity` (email, phone, customer_id), which becomes `context.traits`.
 * `messageId` is derived from the store's own ids, so the same fact delivered twice (a retry, a
 * second topic carrying the same order) is appended once.
 */
export interface CanonicalCall {
  type: 'identify' | 'track';
  event?: string;
  messageId: string;
  /** Milliseconds since the epoch: when it happened at the store. */
  timestamp: number;
  identity: { email?: string | null; phone?: string | null; customer_id?: string | null };
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

export interface InventoryLevel {
  inventoryItemId: string;
  locationId: string;
  available: number;
  updatedAt: number;
}

export type Identity = CanonicalCall['identity'];

/** What one delivery means for us. Everything in it is applied in one transaction. */
export interface StoreChanges {
  calls: CanonicalCall[];
  products: ProductInput[];
  inventory: InventoryLevel[];
  /**
   * GDPR redaction: erase the people with these identifiers, and the profiles holding the listed
   * orders (Shopify customers/redact with its orders_to_redact).
   */
  redactPeople: { identity: Identity; orderIds: string[] }[];
  /** GDPR redaction of the whole shop's customer data (Shopify shop/redact). */
  redactShop: boolean;
  /** GDPR access requests to answer (Shopify customers/data_request). */
  dataRequests: { identity: Identity; payload: Record<string, unknown> }[];
}

export const noChanges = (): StoreChanges => ({
  calls: [],
  products: [],
  inventory: [],
  redactPeople: [],
  redactShop: false,
  dataRequests: [],
});

export type Received =
  /** A topic we map: its changes. */
  | { kind: 'changes'; topic: string; deliveryId: string; changes: StoreChanges }
  /** A topic we do not use (answered 200 so the store does not retry or disable the hook). */
  | { kind: 'ignored'; topic: string; deliveryId: string; reason: string }
  /** The platform checking the endpoint (WooCommerce's ping on webhook creation). */
  | { kind: 'ping' };

/**
 * The port every store platform implements. Adapters are pure: they check a signature and map a
 * payload; storing, deduplicating and the transaction belong to the webhook receiver.
 */
export interface StoreConnector {
  readonly platform: Platform;
  /** The topics this adapter maps; anything else is acknowledged and ignored. */
  readonly topics: readonly string[];
  /** Constant-time check of the delivery's signature against the connector's secret. */
  verify(delivery: WebhookDelivery, secret: string): boolean;
  /** The platform's delivery id (deduplication key); for a platform without one, a body hash. */
  deliveryIdOf(delivery: WebhookDelivery): string;
  /**
   * The shop a delivery says it comes from (Shopify's X-Shopify-Shop-Domain), lower-cased; a
   * connector serves the first shop it hears from and refuses others. Absent for platforms
   * whose deliveries do not name their shop.
   */
  shopOf?(delivery: WebhookDelivery): Result<string>;
  /** Maps a verified delivery; a malformed payload is a validation failure naming the field. */
  receive(delivery: WebhookDelivery, connectorId: string): Result<Received>;
}

/** base64(HMAC-SHA256(body, secret)) compared in constant time: Shopify's and WooCommerce's scheme. */
export function verifyBase64Hmac(
  body: Buffer,
  secret: string,
  presented: string | undefined,
): boolean {
  if (!presented) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(presented.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function signBase64Hmac(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}
