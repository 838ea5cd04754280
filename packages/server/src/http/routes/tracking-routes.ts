import {
  BATCH_SIZE_LIMIT_BYTES,
  EVENT_SIZE_LIMIT_BYTES,
  batchRequestSchema,
  callSchemas,
  callTypes,
  errorEnvelopeSchema,
  isSurelyValidBatch,
  trackingAckSchema,
} from '@comeback/contracts';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { batchCallTexts } from '../../modules/ingest/raw-call-texts.js';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireWriteKey } from '../auth.js';
import { rawJsonOf } from '../json-body.js';
import type { Services } from '../services.js';

const errors = {
  400: errorEnvelopeSchema,
  401: errorEnvelopeSchema,
  413: errorEnvelopeSchema,
  429: errorEnvelopeSchema,
};

/** The Segment-compatible tracking API: /v1/track, identify, page, screen, alias, group, batch. */
export function trackingRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // A key in the header is checked before the body is read (see auth.ts).
  const auth = requireWriteKey(s.keys);
  for (const type of callTypes) {
    r.post(
      `/v1/${type}`,
      {
        bodyLimit: EVENT_SIZE_LIMIT_BYTES,
        ...auth,
        schema: {
          tags: ['tracking'],
          summary: `Segment ${type} call`,
          security: [{ basic: [] }, { bearer: [] }],
          body: callSchemas[type],
          response: { 200: trackingAckSchema, ...errors },
        },
      },
      async (request) => {
        unwrap(
          await s.gateway.accept(
            principalOf(request).workspaceId,
            [{ type, call: request.body }],
            {},
            false,
          ),
        );
        return { success: true as const };
      },
    );
  }
  r.post(
    '/v1/batch',
    {
      bodyLimit: BATCH_SIZE_LIMIT_BYTES,
      ...auth,
      validatorCompiler: batchValidatorCompiler,
      schema: {
        tags: ['tracking'],
        summary: 'Several calls in one request (what Segment SDKs send)',
        security: [{ basic: [] }, { bearer: [] }],
        body: batchRequestSchema,
        response: { 200: trackingAckSchema, ...errors },
      },
    },
    async (request) => {
      const { batch, sentAt, context } = request.body;
      // Each call's text as sent, stored instead of serializing the call again. Only a body
      // the fast check passed on is still the parsed object its text belongs to.
      const raw = rawJsonOf(request.body);
      const texts = raw === undefined ? null : batchCallTexts(raw, batch.length);
      const calls = batch.map((call, i) => ({ type: call.type, call, text: texts?.[i] }));
      unwrap(
        await s.gateway.accept(principalOf(request).workspaceId, calls, { sentAt, context }, true),
      );
      return { success: true as const };
    },
  );
}

/**
 * The batch body's validator: the common valid body passes the fast check and stays the parsed
 * object itself; anything else goes through the schema, which accepts it (as a copy) or answers
 * with the same errors as ever. See isSurelyValidBatch. The body is the route's only validated
 * part, so the schema is batchRequestSchema whatever part Fastify compiles this for.
 */
const batchValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const bySchema = validatorCompiler({ ...route, schema: batchRequestSchema });
  return (data: unknown) => (isSurelyValidBatch(data) ? { value: data } : bySchema(data));
};
