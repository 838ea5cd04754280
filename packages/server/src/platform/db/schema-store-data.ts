import type { Generated } from 'kysely';

/** Tables of the store-data areas: orders' linked records, the catalog, connectors. */
export interface OrderRefundTable {
  workspace_id: string;
  refund_id: string;
  order_id: string;
  amount: number;
  refunded_at: number;
  reason: string | null;
  lines: unknown;
}
export interface OrderFulfilmentTable {
  workspace_id: string;
  fulfilment_id: string;
  order_id: string;
  status: string;
  tracking_company: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  shipped_at: number | null;
  delivered_at: number | null;
  source_updated_at: number;
}
export interface ProductTable {
  workspace_id: string;
  id: string;
  title: string;
  url: string | null;
  image_url: string | null;
  categories: unknown;
  price: number | null;
  currency: string | null;
  stock: number | null;
  active: number;
  consumable: number;
  usage_days: number | null;
  /** 1: not merchandise (postage, a fee); 0: merchandise; null: the learned rules decide. */
  non_product: number | null;
  attributes: unknown;
  source: string;
  source_updated_at: number;
  created_at: number;
  updated_at: number;
}
export interface ProductVariantTable {
  workspace_id: string;
  product_id: string;
  id: string;
  sku: string | null;
  title: string | null;
  price: number | null;
  stock: number | null;
  inventory_item_id: string | null;
  active: number;
  updated_at: number;
}
export interface InventoryLevelTable {
  workspace_id: string;
  inventory_item_id: string;
  location_id: string;
  available: number;
  source_updated_at: number;
}
export interface CatalogEventTable {
  seq: Generated<number>;
  workspace_id: string;
  kind: 'back_in_stock' | 'price_drop';
  product_id: string;
  variant_id: string | null;
  details: unknown;
  occurred_at: number;
}
/** A product's stock crossing zero (migration 033): re-check work for live segments. */
export interface StockCrossingTable {
  seq: Generated<number>;
  workspace_id: string;
  product_id: string;
  /** 1: went to zero or below; 0: came back above zero (or stopped being tracked). */
  out_of_stock: number;
  at: number;
}
export interface ConnectorTable {
  id: string;
  workspace_id: string;
  platform: string;
  name: string;
  sealed_secret: string;
  created_at: number;
  disabled_at: number | null;
  /** The one shop whose deliveries this connector accepts (Shopify: its myshopify.com domain). */
  shop_domain: string | null;
}
export interface WebhookDeliveryTable {
  connector_id: string;
  delivery_id: string;
  topic: string;
  received_at: number;
  outcome: 'processed' | 'ignored' | 'failed';
  events: number;
  error: string | null;
}
export interface DataRequestTable {
  id: Generated<number>;
  workspace_id: string;
  connector_id: string | null;
  kind: string;
  identifiers: unknown;
  payload: unknown;
  received_at: number;
}
