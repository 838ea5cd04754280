import { z } from 'zod';
import { profilePredictionsSchema } from './customer-value.js';
import { storableText } from './errors.js';
import { profileInsightsSchema } from './recommendations.js';

export const identifierKinds = [
  'user_id',
  'anonymous_id',
  'email',
  'phone',
  'customer_id',
] as const;
export type IdentifierKind = (typeof identifierKinds)[number];

export const computedFieldsSchema = z.object({
  order_count: z.number().int(),
  total_spent: z.number(),
  average_order_value: z.number().nullable(),
  first_order_at: z.string().nullable(),
  last_order_at: z.string().nullable(),
  last_seen_at: z.string().nullable(),
  categories_bought: z.array(z.string()),
  products_bought: z.array(z.string()),
  last_product_viewed: z.string().nullable(),
  refunded_total: z.number(),
});
export type ComputedFields = z.infer<typeof computedFieldsSchema>;

export const profileSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  traits: z.record(z.string(), z.unknown()),
  identifiers: z.array(z.object({ kind: z.enum(identifierKinds), value: z.string() })),
  computed: computedFieldsSchema,
  consent: z.record(z.string(), z.unknown()),
  segments: z.array(z.string()),
  mergedFrom: z.array(z.string()),
  /** This person was erased before; the profile holds only what arrived after the erasure. */
  recreatedAfterErasure: z.boolean(),
  /** Customer value and churn (docs/guides/predictions.md); null until the first fit. */
  predictions: profilePredictionsSchema.nullable().optional(),
  /** Replenishment, life stage, replacement (docs/guides/recommendations.md); null until fitted. */
  insights: profileInsightsSchema.nullable().optional(),
});
export type Profile = z.infer<typeof profileSchema>;

const lookupIdentifiers = {
  email: storableText().min(1).optional(),
  userId: storableText().min(1).optional(),
  phone: storableText().min(1).optional(),
  anonymousId: storableText().min(1).optional(),
  customerId: storableText().min(1).optional(),
};
/**
 * GET /profiles: with an identifier, the profiles it points to (a lookup); without one, every
 * profile of the workspace, newest first, a page at a time, optionally narrowed by `q` (a
 * prefix of an email, a user id or a name). `consistent=true` first waits for acknowledged
 * events to be applied.
 */
export const profileListQuerySchema = z
  // Strict: a misspelt parameter (`?mail=`) is refused instead of silently listing everyone.
  .strictObject({
    ...lookupIdentifiers,
    q: storableText().trim().min(1).max(200).optional(),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}$/, 'cursor must be the nextCursor of a previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    consistent: z.enum(['true', 'false']).optional(),
  })
  .superRefine((query, ctx) => {
    const { email, userId, phone, anonymousId, customerId } = query;
    if ([email, userId, phone, anonymousId, customerId].every((v) => v === undefined)) return;
    for (const field of ['q', 'cursor'] as const) {
      if (query[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} lists profiles and cannot be combined with an identifier lookup`,
        });
    }
  });

export const storedEventSchema = z.object({
  messageId: z.string(),
  type: z.string(),
  event: z.string().nullable(),
  timestamp: z.string(),
  receivedAt: z.string(),
  /** The sent time was over a day after receipt: `timestamp` is the receipt time instead. */
  timeAdjusted: z.boolean().optional(),
  payload: z.record(z.string(), z.unknown()),
});
export type StoredEvent = z.infer<typeof storedEventSchema>;

export const eventsPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Where the previous page stopped in each of the timeline's sources (event log, segments). */
  cursor: z
    .string()
    .regex(/^\d{1,15}\.\d{1,15}$/, 'cursor must be the nextCursor of a previous page')
    .optional(),
  /** Only entries of this name (`Order Completed`, `Segment Entered`). */
  event: storableText().min(1).max(200).optional(),
});

export const customFieldTypes = ['string', 'number', 'boolean', 'date', 'enum', 'list'] as const;
export const customFieldSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower snake_case, starting with a letter, at most 64'),
    type: z.enum(customFieldTypes),
    values: z.array(z.string().min(1)).min(1).optional(),
    description: storableText().max(500).optional(),
  })
  .refine((f) => f.type !== 'enum' || f.values !== undefined, {
    message: 'an enum field needs its values',
    path: ['values'],
  });
export type CustomField = z.infer<typeof customFieldSchema>;
