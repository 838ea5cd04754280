import {
  BATCH_SIZE_LIMIT_BYTES,
  EVENT_SIZE_LIMIT_BYTES,
  batchRequestSchema,
  callSchemas,
  callTypes,
  errorEnvelopeSchema,
  trackingAckSchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireWriteKey } from '../auth.js';
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
      const calls = batch.map((call) => ({ type: call.type, call }));
      unwrap(
        await s.gateway.accept(principalOf(request).workspaceId, calls, { sentAt, context }, true),
      );
      return { success: true as const };
    },
  );
}
