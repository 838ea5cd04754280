import { z } from 'zod';

/**
 * The small, closed set of expected failures. Every module returns these as values;
 * the HTTP layer maps them to status codes in exactly one place.
 */
export const errorCodes = [
  'validation_failed',
  'payload_too_large',
  'uri_too_long',
  'headers_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
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

/**
 * Text that both engines can store: PostgreSQL refuses NUL characters and unpaired UTF-16
 * surrogates. Admin inputs are checked with this at the edge, so the error names the field.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const storableText = () =>
  z.string().refine((s) => !UNSTORABLE.test(s), 'contains a NUL character or invalid Unicode');
