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

/**
 * Why a product is recommended, as a code a client words in its reader's language, with its
 * parameters:
 * - `often_bought_with` {product}: often in the same order as `product` (a title);
 * - `also_bought` {product}: customers who bought `product` also bought it;
 * - `popular_in_category` {category}; `goes_with_category` {category}: it sells well in a
 *   category that complements `category`, one the customer just bought from;
 * - `viewed` {days}: viewed `days` ago (0: today) and not bought since;
 * - `running_low` {days}: a replenishment due in `days` (negative: overdue);
 * - `bought_before` {times}: bought in `times` orders;
 * - `popular_now` {}: among the store's bestsellers right now.
 */
export const recommendationReasonCodes = [
  'often_bought_with',
  'also_bought',
  'popular_in_category',
  'goes_with_category',
  'viewed',
  'running_low',
  'bought_before',
  'popular_now',
] as const;
export type RecommendationReasonCode = (typeof recommendationReasonCodes)[number];

export const recommendationItemSchema = z.object({
  productId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  price: z.number().nullable(),
  score: z.number(),
  /** The strategy that proposed it (for a blend: the one that contributed most). */
  strategy: z.enum(recommendationStrategies),
  /** In English, for scripts and templates; `reasonCode` and `reasonParams` say the same. */
  reason: z.string(),
  reasonCode: z.enum(recommendationReasonCodes),
  reasonParams: z.record(z.string(), z.union([z.string(), z.number()])),
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

/**
 * Why a product is never recommended nor fitted on: `catalog`, its `non_product` flag; else a
 * learned rule (recommendations guide): `description`, its name reads as a charge ("DOTCOM
 * POSTAGE", "AMAZON FEE"); `code`, an odd code without a digit among coded products ("POST",
 * "M"); `price`, a median unit price of nothing; `frequency`, on most of the store's orders.
 */
export const nonProductReasons = ['catalog', 'description', 'code', 'price', 'frequency'] as const;
export type NonProductReasonCode = (typeof nonProductReasons)[number];

export const nonProductsQuerySchema = z.object({
  reason: z.enum(nonProductReasons).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,7}$/, 'cursor must be the nextCursor of a previous page')
    .optional(),
});

export const nonProductSchema = z.object({
  productId: z.string(),
  /** The catalog's title, else the name its order lines carry, else the id. */
  title: z.string(),
  reason: z.enum(nonProductReasons),
  /** Orders holding it (counted orders, as of the last fit for a learned one). */
  orders: z.number().int(),
});
export type NonProduct = z.infer<typeof nonProductSchema>;

/** Most orders first. Paged: `cursor` is the `nextCursor` of the previous page. */
export const nonProductPageSchema = z.object({
  data: z.array(nonProductSchema),
  nextCursor: z.string().nullable(),
  /** Non-products in the list (all pages). */
  total: z.number().int(),
});
export type NonProductPage = z.infer<typeof nonProductPageSchema>;

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
