/**
 * Catalog: products and variants with categories, price, stock and the consumable flag; stock
 * and price changes recorded as back-in-stock and price-drop events for journeys.
 */
export { CatalogService, productView } from './catalog-service.js';
export {
  CatalogStore,
  STOCK_CROSSING_LOCK,
  type CatalogChange,
  type CatalogSource,
  type StoredProduct,
  type UpsertOutcome,
} from './catalog-store.js';
export { changesBetween } from './product-changes.js';
