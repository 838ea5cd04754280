import { z } from 'zod';
import { asOfSchema } from './customer-value.js';
import { fitJobSchema } from './fit-jobs.js';

/**
 * Recommendations, replenishment and life stage (docs/guides/recommendations.md): what the
 * admin API returns and the profile's `insights`. Profile fields are snake_case like the other
 * profile fields; API items are camelCase like products and orders.
 */
export const recommendationStrategies = [
  'blend',
  'buy_again',
  'bought_together',
  'also_bought',
  'popular_in_category',
  'cross_sell',
  'recently_viewed',
  'replenishment',
  'popular',
] as const;
export type RecommendationStrategy = (typeof recommendationStrategies)[number];

/** What `GET /products/{id}/related` can use: the strategies that need no customer. */
export const relatedStrategies = [
  'blend',
  'bought_together',
  'also_bought',
  'popular_in_category',
  'cross_sell',
] as const;

export const profileInsightsSchema = z.object({
  /** The earliest due date of a replenishable product the customer bought (not lapsed). */
  next_replenishment_due_at: z.string().nullable(),
  next_replenishment_product: z.string().nullable(),
  /** Life stage: the category customers like this one move on to next. */
  next_likely_category: z.string().nullable(),
  next_likely_category_probability: z.number().nullable(),
  /** Durables: when the customer's latest durable purchase is due for replacement. */
  replacement_category: z.string().nullable(),
  replacement_due_at: z.string().nullable(),
  computed_at: z.string(),
});
export type ProfileInsights = z.infer<typeof profileInsightsSchema>;

export const recommendationItemSchema = z.object({
  productId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  price: z.number().nullable(),
  score: z.number(),
  /** The strategy that proposed it (for a blend: the one that contributed most). */
  strategy: z.enum(recommendationStrategies),
  reason: z.string(),
});
export type RecommendationItem = z.infer<typeof recommendationItemSchema>;

export const recommendationsQuerySchema = z.object({
  strategy: z.enum(recommendationStrategies).default('blend'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const relatedQuerySchema = z.object({
  strategy: z.enum(relatedStrategies).default('blend'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const replenishmentItemSchema = z.object({
  productId: z.string(),
  title: z.string(),
  lastBoughtAt: z.string(),
  purchases: z.number().int(),
  intervalDays: z.number(),
  dueAt: z.string(),
  /** Whole days from now to the due date; negative when overdue. */
  dueInDays: z.number().int(),
  /** "due in 4 days", "due today", "overdue by 2 days". */
  due: z.string(),
  /** `catalog`: the product's usage_days; `learned`: from customers' repeat purchases. */
  source: z.enum(['learned', 'catalog']),
  lapsed: z.boolean(),
});

/**
 * `due`: the replenishments still relevant, soonest first; `lapsed`: those overdue by more than
 * the lapse (a habit the customer gave up), most recently due first. Paged: `cursor` is the
 * `nextCursor` of the previous page.
 */
export const replenishmentQuerySchema = z.object({
  list: z.enum(['due', 'lapsed']).default('due'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,7}$/, 'cursor must be the nextCursor of a previous page')
    .optional(),
});

export const replenishmentPageSchema = z.object({
  data: z.array(replenishmentItemSchema),
  nextCursor: z.string().nullable(),
  /** Items in this list (all pages). */
  total: z.number().int(),
  /** Items in the other list (`lapsed` when this one is `due`, and the reverse). */
  otherList: z.number().int(),
});
export type ReplenishmentItem = z.infer<typeof replenishmentItemSchema>;
export type ReplenishmentPage = z.infer<typeof replenishmentPageSchema>;

export const recommendationRunSchema = z.object({
  id: z.string(),
  model: z.string(),
  fittedAt: z.string(),
  durationMs: z.number(),
  orders: z.number().int(),
  lines: z.number().int(),
  customers: z.number().int(),
  products: z.number().int(),
  parameters: z.record(z.string(), z.unknown()),
  details: z.record(z.string(), z.unknown()),
  /** When the orders the fit read end; null for runs recorded before it was kept. */
  asOf: asOfSchema.nullable(),
});
export type RecommendationRun = z.infer<typeof recommendationRunSchema>;

/**
 * A requested fit of the recommendation, replenishment and life-stage models, run by the job
 * queue (fit-jobs.ts: `POST .../recommendations/fit` answers 202 with it, `GET
 * .../recommendations/fits/{id}` follows it). Not a model run: a fit that succeeded records
 * one run per model (`GET /api/v1/insights/recommendations`).
 */
export const recommendationFitSchema = fitJobSchema.extend({
  force: z.boolean(),
  /** false: skipped, nothing changed since the last fit; null until it succeeded. */
  fitted: z.boolean().nullable(),
  /** Rows written per table (status succeeded). */
  written: z.record(z.string(), z.number().int()).nullable(),
  /** When the orders it read end, and whether that is long before the clock. */
  asOf: asOfSchema.nullable(),
});
export type RecommendationFit = z.infer<typeof recommendationFitSchema>;
