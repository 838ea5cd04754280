import { z } from 'zod';
import { amountProblems } from './amounts.js';

/**
 * Segment-compatible tracking calls (https://segment.com/docs/connections/spec/).
 * Validation is deliberately shallow where Segment is shallow: `properties`, `traits` and
 * `context` are free-form objects, ids may be strings or numbers (SDKs send both), and fields we
 * do not know (`channel`, `_metadata`, ...) are kept, so a stored event is the call as sent.
 */
export const EVENT_SIZE_LIMIT_BYTES = 32 * 1024;
export const BATCH_SIZE_LIMIT_BYTES = 500 * 1024;

/**
 * Length bounds of the fields tracking checks, in one place: the schemas below and the batch
 * fast check (batch-check.ts) both read them.
 */
export const TRACKING_LIMITS = {
  id: 512,
  messageId: 256,
  event: 256,
  pageName: 512,
  batchCalls: 2000,
} as const;

const id = z.union([z.string().min(1).max(TRACKING_LIMITS.id), z.number().finite()]);
const isoDateTime = z.iso.datetime({ offset: true, local: false });
const isoDay = z.iso.date();
const isoDate = z.union([isoDateTime, isoDay], {
  error:
    'must be an ISO-8601 date-time with a time zone (2026-05-01T10:00:00Z or 2026-05-01T12:00:00+02:00) or a date (2026-05-01)',
});
/** Whether `isoDate` accepts `s`: the patterns its two formats test, without a parse. */
export const isIsoDate = (s: string): boolean =>
  isoDateTime._zod.pattern.test(s) || isoDay._zod.pattern.test(s);
// A free-form JSON object; looseObject validates ~2x faster than record and keeps every key.
const freeObject = z.looseObject({});

const common = {
  messageId: z.string().min(1).max(TRACKING_LIMITS.messageId).optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: isoDate.optional(),
  originalTimestamp: isoDate.optional(),
  sentAt: isoDate.optional(),
  context: freeObject.optional(),
  integrations: freeObject.optional(),
};

export const trackCallSchema = z
  .looseObject({
    ...common,
    type: z.literal('track').optional(),
    event: z.string().min(1).max(TRACKING_LIMITS.event),
    properties: freeObject.optional(),
  })
  // Money and quantities are bounded (and, on order events, numeric and not negative): see
  // amounts.ts. The batch item below extends this schema and keeps the check.
  .superRefine((call, ctx) => {
    for (const p of amountProblems(call.event, call.properties)) {
      ctx.addIssue({ code: 'custom', path: ['properties', ...p.path], message: p.message });
    }
  });
export const identifyCallSchema = z.looseObject({
  ...common,
  type: z.literal('identify').optional(),
  traits: freeObject.optional(),
});
export const pageCallSchema = z.looseObject({
  ...common,
  type: z.literal('page').optional(),
  name: z.string().max(TRACKING_LIMITS.pageName).nullish(),
  category: z.string().max(TRACKING_LIMITS.pageName).nullish(),
  properties: freeObject.optional(),
});
export const screenCallSchema = pageCallSchema.extend({ type: z.literal('screen').optional() });
export const aliasCallSchema = z.looseObject({
  ...common,
  type: z.literal('alias').optional(),
  previousId: id,
});
export const groupCallSchema = z.looseObject({
  ...common,
  type: z.literal('group').optional(),
  groupId: id,
  traits: freeObject.optional(),
});

export const callTypes = ['track', 'identify', 'page', 'screen', 'alias', 'group'] as const;
export type CallType = (typeof callTypes)[number];

export const callSchemas = {
  track: trackCallSchema,
  identify: identifyCallSchema,
  page: pageCallSchema,
  screen: screenCallSchema,
  alias: aliasCallSchema,
  group: groupCallSchema,
} as const;

export type TrackCall = z.infer<typeof trackCallSchema>;
export type IdentifyCall = z.infer<typeof identifyCallSchema>;
export type AliasCall = z.infer<typeof aliasCallSchema>;

export const batchItemSchema = z.discriminatedUnion('type', [
  // safeExtend: the track schema carries the amount check, which extend() would refuse.
  trackCallSchema.safeExtend({ type: z.literal('track') }),
  identifyCallSchema.extend({ type: z.literal('identify') }),
  pageCallSchema.extend({ type: z.literal('page') }),
  screenCallSchema.extend({ type: z.literal('screen') }),
  aliasCallSchema.extend({ type: z.literal('alias') }),
  groupCallSchema.extend({ type: z.literal('group') }),
]);
export type BatchItem = z.infer<typeof batchItemSchema>;

export const batchRequestSchema = z.object({
  batch: z.array(batchItemSchema).min(1).max(TRACKING_LIMITS.batchCalls),
  sentAt: isoDate.optional(),
  context: freeObject.optional(),
  integrations: freeObject.optional(),
});
export type BatchRequest = z.infer<typeof batchRequestSchema>;

export const trackingAckSchema = z.object({ success: z.literal(true) });
