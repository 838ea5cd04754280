import type { Platform } from '../../src/modules/connectors/index.js';

/** A webhook request exactly as the platform would send it. */
export interface SignedDelivery {
  headers: Record<string, string>;
  body: Buffer;
}

export interface LineSpec {
  productId: string;
  variantId: string;
  sku: string;
  name: string;
  price: number;
  quantity: number;
}

export interface OrderSpec {
  orderId: string;
  customerId: string;
  email: string;
  total: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  lines: LineSpec[];
}

export interface CustomerSpec {
  customerId: string;
  email: string;
  firstName: string;
  lastName: string;
  updatedAt: string;
}

export interface ProductSpec {
  productId: string;
  variantId: string;
  title: string;
  price: number;
  stock: number;
  updatedAt: string;
}

/**
 * What each platform's tests give the shared connector contract: deliveries built from the
 * platform's REAL payloads (test/fixtures/webhooks), changed to the spec and signed with
 * `secret` the way the platform signs. Every method returns the deliveries the platform sends
 * for that change (Adobe Commerce sends a product and its stock item separately); `deliveryId`
 * seeds their delivery ids, so the same seed gives the same ids (a redelivery).
 */
export interface ConnectorKit {
  platform: Platform;
  orderCreated(spec: OrderSpec, secret: string, deliveryId: string): SignedDelivery[];
  orderUpdated(spec: OrderSpec, secret: string, deliveryId: string): SignedDelivery[];
  customerUpdated(spec: CustomerSpec, secret: string, deliveryId: string): SignedDelivery[];
  productUpdated(spec: ProductSpec, secret: string, deliveryId: string): SignedDelivery[];
  /** The same delivery with its signature altered. */
  tampered(delivery: SignedDelivery): SignedDelivery;
  /** The same delivery without any signature header. */
  unsigned(delivery: SignedDelivery): SignedDelivery;
}
