import type { StoreConnector } from './store-connector.js';

/** Every platform adapter; the webhook receiver routes by platform name. */
export function storeConnectors(): StoreConnector[] {
  return [];
}
