import { MagentoConnector } from './magento.js';
import { ShopifyConnector } from './shopify.js';
import type { StoreConnector } from './store-connector.js';
import { WooCommerceConnector } from './woocommerce.js';

/** Every platform adapter; the webhook receiver routes by platform name. */
export function storeConnectors(): StoreConnector[] {
  return [new ShopifyConnector(), new WooCommerceConnector(), new MagentoConnector()];
}
