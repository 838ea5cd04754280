import type { Generated } from 'kysely';

/** Tables of the insights: model runs, predictions, recommendations, replenishment. */
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
/** A customer's RFM scores (1-5) and group, from the latest customer-value fit. */
export interface ProfileRfmTable {
  workspace_id: string;
  profile_id: string;
  recency_score: number;
  frequency_score: number;
  monetary_score: number;
  rfm_group: string;
  computed_at: number;
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
