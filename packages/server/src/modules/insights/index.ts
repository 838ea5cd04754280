/**
 * Insights: what the store's data predicts about its customers. Customer value and churn
 * (BG/NBD + Gamma-Gamma fitted per workspace, with transparent rules for small stores) is
 * computed by a daily job and shown on profiles; the math lives in btyd/ (pure, no I/O).
 * Recommendations, replenishment timing and life stage (recommend/ and replenish/, pure) are
 * fitted by their own daily job and served by RecommendationService.
 */
export {
  CustomerValueService,
  DAILY_FIT_HOUR_UTC,
  FIT_CUSTOMER_VALUE_JOB,
  nextDailyFitAt,
} from './customer-value-service.js';
export {
  FIT_RECOMMENDATIONS_JOB,
  RecommendationService,
  type ReplenishmentItem,
} from './recommendation-service.js';
export {
  recommendationsFilter,
  type RecommendationSource,
} from './recommend/recommendations-filter.js';
