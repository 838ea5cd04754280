import type { Generated } from 'kysely';

/**
 * The typed view of every table, in one place because Kysely needs one database type.
 * Times are integer milliseconds since the epoch (UTC) on both engines; JSON columns are TEXT on
 * SQLite and JSONB on PostgreSQL (read them with `parseJson`).
 */
export interface WorkspaceTable {
  id: string;
  name: string;
  currency: string;
  created_at: number;
}
export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  scope: 'write' | 'admin';
  key_hash: string;
  prefix: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}
export interface SettingTable {
  key: string;
  value: string;
}
export interface EventTable {
  seq: Generated<number>;
  workspace_id: string;
  message_id: string;
  type: string;
  event: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: number;
  received_at: number;
  payload: unknown;
  profile_id: string | null;
}
export interface ProcessorCursorTable {
  name: string;
  position: number;
  updated_at: number;
}
export interface ProfileTable {
  id: string;
  workspace_id: string;
  created_at: number;
  updated_at: number;
  traits: unknown;
  trait_times: unknown;
  order_count: number;
  total_spent: number;
  refunded_total: number;
  first_order_at: number | null;
  last_order_at: number | null;
  last_seen_at: number | null;
  last_product_viewed: string | null;
  last_product_viewed_at: number | null;
  categories_bought: unknown;
  products_bought: unknown;
  recreated_after_erasure: number;
}
export interface IdentifierTable {
  workspace_id: string;
  kind: string;
  value: string;
  profile_id: string;
  created_at: number;
}
export interface ProfileMergeTable {
  id: Generated<number>;
  workspace_id: string;
  from_profile_id: string;
  into_profile_id: string;
  reason: string;
  event_seq: number | null;
  merged_at: number;
}
export interface ProfileOrderTable {
  workspace_id: string;
  order_id: string;
  profile_id: string;
  total: number;
  refunded: number;
  currency: string | null;
  ordered_at: number;
  status: Generated<string>;
  order_number: string | null;
  customer_id: string | null;
  subtotal: number | null;
  discount: number | null;
  tax: number | null;
  shipping: number | null;
  checkout_id: string | null;
  source_updated_at: Generated<number>;
  cancelled_at: number | null;
  fulfilled_at: number | null;
  delivered_at: number | null;
  updated_at: Generated<number>;
}
export interface OrderLineTable {
  workspace_id: string;
  order_id: string;
  line_no: number;
  product_id: string | null;
  variant_id: string | null;
  sku: string | null;
  name: string | null;
  category: string | null;
  price: number | null;
  quantity: number;
}
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
export interface ConnectorTable {
  id: string;
  workspace_id: string;
  platform: string;
  name: string;
  sealed_secret: string;
  created_at: number;
  disabled_at: number | null;
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
export interface CustomFieldTable {
  workspace_id: string;
  name: string;
  type: string;
  enum_values: unknown;
  description: string | null;
  created_at: number;
}
export interface ErasureTable {
  id: Generated<number>;
  workspace_id: string;
  identifier_hash: string;
  profile_id: string;
  erased_at: number;
}
export interface JobTable {
  id: Generated<number>;
  workspace_id: string | null;
  kind: string;
  dedupe_key: string | null;
  payload: unknown;
  run_at: number;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface ProcessorFailureTable {
  id: Generated<number>;
  seq: number;
  workspace_id: string;
  message_id: string;
  error: string;
  failed_at: number;
}
export interface SftpSourceTable {
  id: string;
  workspace_id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  /** JSON `{ password?, privateKey?, passphrase? }`, sealed with SecretBox. */
  sealed_auth: string;
  /** Comma-separated: `password`, `privateKey`. */
  auth_methods: string;
  host_fingerprint: string | null;
  seen_fingerprint: string | null;
  remote_dir: string;
  file_pattern: string;
  import_kind: string;
  format: string | null;
  mapping_name: string | null;
  schedule: string;
  timezone: string;
  enabled: number;
  next_run_at: number | null;
  last_run_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  locked_by: string | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}
export interface SftpFileTable {
  id: Generated<number>;
  source_id: string;
  workspace_id: string;
  name: string;
  size: number;
  mtime: number;
  status: 'importing' | 'imported' | 'failed';
  attempts: number;
  summary: unknown;
  error: string | null;
  moved_to: string | null;
  move_error: string | null;
  started_at: number;
  finished_at: number | null;
  moved_at: number | null;
}

export interface ImportJobTable {
  id: string;
  workspace_id: string;
  kind: string;
  format: string | null;
  file_path: string;
  file_name: string;
  /** Workspace, kind, file identity and mapping: a rerun of the same import finds its job. */
  fingerprint: string;
  mapping: unknown;
  mapping_name: string | null;
  source: unknown;
  status: 'queued' | 'running' | 'done' | 'failed';
  checkpoint: unknown;
  rows: number;
  bytes: number;
  total_bytes: number;
  summary: unknown;
  error: string | null;
  /** The run holding the job; a checkpoint commits only for it. */
  runner: string | null;
  /** An uploaded copy, removed when the import ends. */
  remove_file: number;
  /** Where rejected rows go, when the caller chose (else beside the file). */
  rejected_path: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}
export interface ImportMappingTable {
  workspace_id: string;
  name: string;
  kind: string;
  mapping: unknown;
  created_at: number;
  updated_at: number;
}
export interface ImportLedgerTable {
  workspace_id: string;
  kind: string;
  key: string;
  digest: string;
  job_id: string;
  updated_at: number;
}
export interface InsightsModelRunTable {
  id: Generated<number>;
  workspace_id: string;
  /** 'customer_value' (BG/NBD + Gamma-Gamma, or the rules). */
  model: string;
  method: 'bg_nbd' | 'rules';
  reason: string | null;
  fitted_at: number;
  customers: number;
  repeat_customers: number;
  scored_profiles: number;
  parameters: unknown;
  log_likelihood: number | null;
  details: unknown;
  duration_ms: number;
}
export interface CustomerValuePredictionTable {
  workspace_id: string;
  profile_id: string;
  run_id: number;
  method: 'bg_nbd' | 'rules';
  p_alive: number;
  expected_orders_90d: number;
  expected_orders_365d: number;
  predicted_clv_365d: number;
  expected_spend: number;
  churn_risk: 'low' | 'medium' | 'high';
  churn_basis: string;
  churn_score: number;
  expected_next_order_at: number | null;
  /** The BTYD summary, in weeks: x repeat purchase-days, t_x, T (t_cal). */
  x: number;
  t_x: number;
  t_cal: number;
  monetary: number | null;
  average_order_value: number;
  computed_at: number;
}

/** Recommendations, replenishment and life stage (migration 008). */
export interface RecommendationRunTable {
  id: Generated<number>;
  workspace_id: string;
  /** 'recommendations' | 'replenishment' | 'life_stage'. */
  model: string;
  fitted_at: number;
  duration_ms: number;
  orders: number;
  lines: number;
  customers: number;
  products: number;
  parameters: unknown;
  details: unknown;
  /** What the fit read (orders, products, merges, erasures): unchanged means nothing to do. */
  signature: string;
}
export interface ItemNeighbourTable {
  workspace_id: string;
  product_id: string;
  strategy: string;
  rank: number;
  related_id: string;
  score: number;
  support: number;
}
export interface PopularProductTable {
  workspace_id: string;
  /** '' for the whole store. */
  category: string;
  rank: number;
  product_id: string;
  score: number;
}
export interface CategoryLinkTable {
  workspace_id: string;
  category: string;
  /** 'cross_sell' (complementary) | 'progression' (life stage: the next category). */
  kind: string;
  rank: number;
  related_category: string;
  score: number;
  support: number;
  gap_days: number | null;
}
export interface ProductReplenishmentTable {
  workspace_id: string;
  product_id: string;
  interval_days: number;
  source: 'learned' | 'catalog';
  learned_days: number | null;
  p25_days: number | null;
  p75_days: number | null;
  customers: number;
  buyers: number;
  repeat_share: number;
}
export interface CategoryReplacementTable {
  workspace_id: string;
  category: string;
  cycle_days: number;
  p25_days: number;
  p75_days: number;
  customers: number;
}
export interface ProfileReplenishmentTable {
  workspace_id: string;
  profile_id: string;
  product_id: string;
  last_bought_at: number;
  last_quantity: number;
  purchases: number;
  interval_days: number;
  due_at: number;
  source: 'learned' | 'catalog';
}
export interface ProfileInsightTable {
  workspace_id: string;
  profile_id: string;
  next_replenishment_due_at: number | null;
  next_replenishment_product: string | null;
  next_likely_category: string | null;
  next_likely_category_probability: number | null;
  next_likely_category_at: number | null;
  replacement_category: string | null;
  replacement_due_at: number | null;
  computed_at: number;
}

export interface Schema {
  workspaces: WorkspaceTable;
  api_keys: ApiKeyTable;
  settings: SettingTable;
  events: EventTable;
  processor_cursors: ProcessorCursorTable;
  profiles: ProfileTable;
  identifiers: IdentifierTable;
  profile_merges: ProfileMergeTable;
  profile_orders: ProfileOrderTable;
  custom_fields: CustomFieldTable;
  erasures: ErasureTable;
  jobs: JobTable;
  processor_failures: ProcessorFailureTable;
  order_lines: OrderLineTable;
  order_refunds: OrderRefundTable;
  order_fulfilments: OrderFulfilmentTable;
  products: ProductTable;
  product_variants: ProductVariantTable;
  inventory_levels: InventoryLevelTable;
  catalog_events: CatalogEventTable;
  connectors: ConnectorTable;
  webhook_deliveries: WebhookDeliveryTable;
  data_requests: DataRequestTable;
  insights_model_runs: InsightsModelRunTable;
  customer_value_predictions: CustomerValuePredictionTable;
  recommendation_runs: RecommendationRunTable;
  item_neighbours: ItemNeighbourTable;
  popular_products: PopularProductTable;
  category_links: CategoryLinkTable;
  product_replenishment: ProductReplenishmentTable;
  category_replacement: CategoryReplacementTable;
  profile_replenishment: ProfileReplenishmentTable;
  profile_insights: ProfileInsightTable;
  import_jobs: ImportJobTable;
  import_mappings: ImportMappingTable;
  import_ledger: ImportLedgerTable;
  sftp_sources: SftpSourceTable;
  sftp_files: SftpFileTable;
}
