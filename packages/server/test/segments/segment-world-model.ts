import type {
  ConsentChannel,
  ConsentStatus,
  CustomField,
  FieldOperator,
} from '@comeback/contracts';
import type { FieldType } from '../../src/modules/segments/segment-model.js';

/**
 * The shape of a test world (one workspace's data as plain objects, which the reference
 * evaluator reads and writeWorld stores) and the registry as the segment semantics state it,
 * which the definition generator draws from.
 */

export interface WorldProfile {
  id: string;
  createdAt: number;
  /** The traits JSON object as stored. */
  traits: Record<string, unknown>;
  orderCount: number;
  totalSpent: number;
  refundedTotal: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  lastSeenAt: number | null;
  lastProductViewed: string | null;
  categoriesBought: string[];
  productsBought: string[];
}
export interface WorldEvent {
  messageId: string;
  /** The profile it was applied to (event_profiles); null: not applied to any. */
  profileId: string | null;
  type: 'track' | 'page' | 'identify';
  event: string | null;
  timestamp: number;
  /** The payload's `properties`; undefined: the payload has none. */
  properties?: unknown;
}
export interface WorldLine {
  productId: string | null;
  category: string | null;
}
export interface WorldOrder {
  id: string;
  profileId: string;
  total: number;
  status: string;
  /** -1: awaiting the order (AWAITING_ORDER). */
  orderedAt: number;
  lines: WorldLine[];
}
export interface WorldProduct {
  id: string;
  stock: number | null;
}
export interface WorldPrediction {
  profileId: string;
  pAlive: number;
  expectedOrders90d: number;
  expectedOrders365d: number;
  predictedClv365d: number;
  churnScore: number;
  churnRisk: 'low' | 'medium' | 'high';
  expectedNextOrderAt: number | null;
}
export interface WorldInsight {
  profileId: string;
  nextReplenishmentDueAt: number | null;
  nextReplenishmentProduct: string | null;
  nextLikelyCategory: string | null;
  nextLikelyCategoryProbability: number | null;
  replacementCategory: string | null;
  replacementDueAt: number | null;
}
export interface WorldNeighbour {
  productId: string;
  strategy: string;
  rank: number;
  relatedId: string;
}
/** A profile's current consent on one channel (at most one per profile and channel). */
export interface WorldConsent {
  profileId: string;
  channel: ConsentChannel;
  status: ConsentStatus;
}
/** A stored membership: the profile is in the segment since `enteredAt` (what the processor wrote). */
export interface WorldMembership {
  segmentId: string;
  profileId: string;
  enteredAt: number;
}
/** One workspace's data, as plain objects. */
export interface World {
  profiles: WorldProfile[];
  events: WorldEvent[];
  orders: WorldOrder[];
  products: WorldProduct[];
  predictions: WorldPrediction[];
  insights: WorldInsight[];
  neighbours: WorldNeighbour[];
  consents: WorldConsent[];
  customFields: CustomField[];
  /** Stored memberships, which "since entering" windows read (not worked out from definitions). */
  memberships: WorldMembership[];
  /** The `timezone` of the workspace's sending rules (null: none saved; may be invalid). */
  workspaceZone: string | null;
}

/** The operators of each type (docs/guides/segments.md). */
export const OPERATORS: Record<FieldType, readonly FieldOperator[]> = {
  number: [
    'exists',
    'not_exists',
    'eq',
    'neq',
    'in',
    'not_in',
    'gt',
    'gte',
    'lt',
    'lte',
    'between',
  ],
  string: [
    'exists',
    'not_exists',
    'eq',
    'neq',
    'in',
    'not_in',
    'contains',
    'not_contains',
    'starts_with',
  ],
  enum: ['exists', 'not_exists', 'eq', 'neq', 'in', 'not_in'],
  boolean: ['exists', 'not_exists', 'eq', 'neq'],
  date: [
    'exists',
    'not_exists',
    'before',
    'after',
    'between',
    'within_last',
    'more_than_ago',
    'within_next',
    'anniversary_within',
  ],
  list: ['exists', 'not_exists', 'contains', 'not_contains', 'in', 'not_in'],
  any: [
    'exists',
    'not_exists',
    'eq',
    'neq',
    'in',
    'not_in',
    'contains',
    'not_contains',
    'starts_with',
    'gt',
    'gte',
    'lt',
    'lte',
    'between',
  ],
};

export const BUILT_IN = [
  'computed.order_count',
  'computed.total_spent',
  'computed.refunded_total',
  'computed.average_order_value',
  'computed.first_order_at',
  'computed.last_order_at',
  'computed.last_seen_at',
  'computed.categories_bought',
  'computed.products_bought',
  'computed.last_product_viewed',
  'profile.created_at',
  'predictions.p_alive',
  'predictions.expected_orders_90d',
  'predictions.expected_orders_365d',
  'predictions.predicted_clv_365d',
  'predictions.churn_score',
  'predictions.churn_risk',
  'predictions.expected_next_order_at',
  'insights.next_replenishment_due_at',
  'insights.next_replenishment_product',
  'insights.next_likely_category',
  'insights.next_likely_category_probability',
  'insights.replacement_category',
  'insights.replacement_due_at',
];
/** Property paths of event filters and aggregates, incl. a literal dotted key and an array. */
export const PROPERTY_PATHS = [
  'product_id',
  'category',
  'price',
  'quantity',
  'a-b',
  '$v',
  'product.category',
  'product.price',
  'a.b',
  'tags.0',
  'flag',
  '@id',
  'missing',
];
