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
  /** The last counted order the fit read, and the instant it computed as of (migration 026). */
  data_ends_at: number | null;
  as_of: number | null;
}
/** A requested customer-value fit and its progress; run_id once it succeeded (migration 026). */
export interface CustomerValueFitTable {
  id: Generated<number>;
  workspace_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  stage: string | null;
  requested_at: number;
  started_at: number | null;
  finished_at: number | null;
  run_id: number | null;
  error: string | null;
}
/** A requested recommendation fit and its progress (migration 027). */
export interface RecommendationFitTable {
  id: Generated<number>;
  workspace_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  stage: string | null;
  force: number;
  requested_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** 0: skipped, nothing changed since the last fit; null until it finished. */
  fitted: number | null;
  /** Rows written per table. */
  written: unknown;
  /** The last counted order the fit read, and the instant it computed as of. */
  data_ends_at: number | null;
  as_of: number | null;
  error: string | null;
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
  /** 'weak' when the fit did not identify dropout, or the rules were used (migration 026). */
  quality: Generated<'good' | 'weak'>;
  quality_reason: string | null;
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
/** What the recommendation fit learned per product from order lines (migration 025). */
export interface LearnedProductTable {
  workspace_id: string;
  product_id: string;
  title: string | null;
  category: string | null;
  /** Why it is not merchandise (recommend/product-facts.ts); null for a product. */
  non_product: string | null;
  orders: number;
  /** Share of its buyers who bought it again (shrunk); null for non-products. */
  repeat_rate: number | null;
  /** The product's part of the learned buy-again score; null: not learned (migration 032). */
  buy_again_prior: number | null;
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
