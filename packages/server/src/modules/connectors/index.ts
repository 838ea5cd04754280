/**
 * Store connectors: Shopify, WooCommerce and Adobe Commerce webhooks, each an adapter behind the
 * `StoreConnector` port, received with signature checks and applied exactly once.
 */
export { ConnectorRegistry, type ConnectorInfo, type DeliveryInfo } from './connector-registry.js';
export { MagentoConnector } from './magento.js';
export { dataRequestErasure, redactionHandler } from './redaction.js';
export { ShopifyConnector } from './shopify.js';
export {
  noChanges,
  platforms,
  signBase64Hmac,
  verifyBase64Hmac,
  type CanonicalCall,
  type Platform,
  type Received,
  type StoreChanges,
  type StoreConnector,
  type WebhookDelivery,
} from './store-connector.js';
export { REDACT_JOB, WebhookReceiver, type WebhookOutcome } from './webhook-receiver.js';
export { WooCommerceConnector } from './woocommerce.js';
