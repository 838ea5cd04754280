/**
 * The overview: the store at a glance for a window of days - messages sent, delivered, opened
 * and clicked per channel and day, conversions and attributed revenue per journey, the
 * repeat-purchase funnel and the churn-risk distribution. Read-only aggregates across areas.
 */
export { readOverview } from './overview-queries.js';
export { overviewQuerySchema, overviewSchema, type Overview } from './overview-schema.js';
export { MAX_DAYS, overviewWindow, type OverviewWindow } from './overview-window.js';
