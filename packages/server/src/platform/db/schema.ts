import type { ColumnType, Generated } from 'kysely';
import type * as StoreData from './schema-store-data.js';
import type * as Imports from './schema-imports.js';
import type * as Insights from './schema-insights.js';
import type * as Segments from './schema-segments.js';
import type * as Messaging from './schema-messaging.js';
import type * as Journeys from './schema-journeys.js';
import type * as Users from './schema-users.js';

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
  /** Where the key came from; `environment` keys are replaced when the variable changes. */
  origin: 'environment' | 'start' | 'api' | 'cli' | 'unknown';
  /** Updated at most once a minute per key and process, off the request path. */
  last_used_at: number | null;
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
  /** 1: the event's own time was over a day ahead of received_at and was replaced by it. */
  time_adjusted: number | null;
}
/** Which profile an applied event belongs to (append-only; a merge re-points rows). */
export interface EventProfileTable {
  seq: number;
  profile_id: string;
  /** A track event's name (null for the other calls); migration 038. */
  event: string | null;
  /** The event's time (events.timestamp), epoch ms. */
  at: number | null;
  /** A `Product Viewed` event's properties.product_id, when a string; migration 039. */
  product_id: string | null;
  /** A `Product Viewed` event's properties.category, when a string; migration 039. */
  category: string | null;
}
/** Events a batch dropped whose log rows are still to be deleted (an outbox; migration 015). */
export interface DroppedEventTable {
  seq: number;
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
  /** The zone the profile's own traits give (platform/time-zones.ts); null: the workspace's. */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
}
/** A time zone's UTC offsets as periods (platform/zone-offsets.ts, migration 034). */
export interface TimeZoneOffsetTable {
  zone: string;
  starts_at: number;
  offset_ms: number;
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
  /** The order's lines, a JSON array in line order (migration 040; see order-lines.ts). */
  lines: Generated<unknown>;
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
/** A saved segment definition (migration 016); `definition` is the condition tree (JSON). */
export interface SegmentTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  definition: unknown;
  version: number;
  created_at: number;
  updated_at: number;
}
export interface Schema {
  workspaces: WorkspaceTable;
  api_keys: ApiKeyTable;
  settings: SettingTable;
  events: EventTable;
  processor_cursors: ProcessorCursorTable;
  event_profiles: EventProfileTable;
  dropped_events: DroppedEventTable;
  profiles: ProfileTable;
  time_zone_offsets: TimeZoneOffsetTable;
  identifiers: IdentifierTable;
  profile_merges: ProfileMergeTable;
  profile_orders: ProfileOrderTable;
  custom_fields: CustomFieldTable;
  erasures: ErasureTable;
  jobs: JobTable;
  processor_failures: ProcessorFailureTable;
  segments: SegmentTable;
  segment_memberships: Segments.SegmentMembershipTable;
  segment_changes: Segments.SegmentChangeTable;
  segment_profile_timers: Segments.SegmentProfileTimerTable;
  segment_states: Segments.SegmentStateTable;
  segment_stock_progress: Segments.SegmentStockProgressTable;
  segment_recheck_requests: Segments.SegmentRecheckRequestTable;
  message_templates: Messaging.MessageTemplateTable;
  message_template_versions: Messaging.MessageTemplateVersionTable;
  consents: Messaging.ConsentTable;
  consent_changes: Messaging.ConsentChangeTable;
  suppressions: Messaging.SuppressionTable;
  messages: Messaging.MessageTable;
  message_contents: Messaging.MessageContentTable;
  message_status_changes: Messaging.MessageStatusChangeTable;
  conversation_windows: Messaging.ConversationWindowTable;
  push_subscriptions: Messaging.PushSubscriptionTable;
  inbox_messages: Messaging.InboxMessageTable;
  webhook_subscriptions: Messaging.WebhookSubscriptionTable;
  outgoing_deliveries: Messaging.OutgoingDeliveryTable;
  provider_credentials: Messaging.ProviderCredentialTable;
  journeys: Journeys.JourneyTable;
  journey_versions: Journeys.JourneyVersionTable;
  journey_enrollments: Journeys.JourneyEnrollmentTable;
  journey_steps: Journeys.JourneyStepTable;
  order_refunds: StoreData.OrderRefundTable;
  order_fulfilments: StoreData.OrderFulfilmentTable;
  products: StoreData.ProductTable;
  product_variants: StoreData.ProductVariantTable;
  inventory_levels: StoreData.InventoryLevelTable;
  catalog_events: StoreData.CatalogEventTable;
  stock_crossings: StoreData.StockCrossingTable;
  connectors: StoreData.ConnectorTable;
  webhook_deliveries: StoreData.WebhookDeliveryTable;
  data_requests: StoreData.DataRequestTable;
  insights_model_runs: Insights.InsightsModelRunTable;
  customer_value_predictions: Insights.CustomerValuePredictionTable;
  customer_value_fits: Insights.CustomerValueFitTable;
  recommendation_fits: Insights.RecommendationFitTable;
  recommendation_runs: Insights.RecommendationRunTable;
  item_neighbours: Insights.ItemNeighbourTable;
  popular_products: Insights.PopularProductTable;
  category_links: Insights.CategoryLinkTable;
  product_replenishment: Insights.ProductReplenishmentTable;
  category_replacement: Insights.CategoryReplacementTable;
  profile_replenishment: Insights.ProfileReplenishmentTable;
  profile_insights: Insights.ProfileInsightTable;
  profile_rfm: Insights.ProfileRfmTable;
  learned_products: Insights.LearnedProductTable;
  import_jobs: Imports.ImportJobTable;
  import_mappings: Imports.ImportMappingTable;
  import_ledger: Imports.ImportLedgerTable;
  sftp_sources: Imports.SftpSourceTable;
  sftp_files: Imports.SftpFileTable;
  users: Users.UserTable;
  user_workspaces: Users.UserWorkspaceTable;
  sessions: Users.SessionTable;
}

export type * from './schema-store-data.js';
export type * from './schema-imports.js';
export type * from './schema-insights.js';
export type * from './schema-segments.js';
