import { z } from 'zod';

/**
 * The small, closed set of expected failures. Every module returns these as values;
 * the HTTP layer maps them to status codes in exactly one place.
 */
export const errorCodes = [
  'validation_failed',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorDetailSchema = z.object({
  field: z.string().describe('JSON path of the offending field, dot separated'),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof errorDetailSchema>;

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.array(errorDetailSchema),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
