import { errorEnvelopeSchema, storableText } from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebhookDispatcher } from '../../modules/messaging/webhook-dispatcher.js';
import {
  MAX_EVENT_TYPES,
  type WebhookSecrets,
  type WebhookSubscriptions,
} from '../../modules/messaging/webhook-subscriptions.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors } from './admin-schemas.js';

const idParams = z.object({ id: z.string().regex(/^whs_[0-9a-f]{24}$/, 'not a subscription id') });
const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});
const createdSchema = subscriptionSchema.extend({
  secret: z.string().describe('The signing secret: shown this once, keep it'),
});
const createBody = z.strictObject({
  url: storableText().min(1).max(2000),
  eventTypes: z.array(storableText().min(1).max(200)).min(1).max(MAX_EVENT_TYPES),
  description: storableText().max(500).optional(),
});
const deliverySchema = z.object({
  id: z.string(),
  subscriptionId: z.string().nullable(),
  eventType: z.string(),
  url: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
});
const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'cursor must be the nextCursor of a previous page')
    .optional(),
});

export interface WebhookSubscriptionRouteDeps {
  subscriptions: WebhookSubscriptions;
  dispatcher: WebhookDispatcher;
  /** The webhook channel's per-workspace secret, for its receivers to verify with. */
  channelSecrets: WebhookSecrets;
  keys: KeyResolver;
  clock: Clock;
}

/** Outgoing webhook subscriptions (Zapier/Make/n8n-style) and their delivery log (admin key). */
export function webhookSubscriptionRoutes(
  app: FastifyInstance,
  deps: WebhookSubscriptionRouteDeps,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(deps.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['webhooks'];
  const notFound = (id: string) => AppError.of('not_found', `no webhook subscription ${id}`);

  r.post(
    '/api/v1/webhook-subscriptions',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Subscribe a URL to events (its signing secret is shown once)',
        security,
        body: createBody,
        response: { 201: createdSchema, ...adminErrors, 409: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const { url, eventTypes, description } = request.body;
      const created = unwrap(
        await deps.subscriptions.create(
          principalOf(request).workspaceId,
          { url, eventTypes, ...(description !== undefined ? { description } : {}) },
          deps.clock.now(),
        ),
      );
      return reply.code(201).send(created);
    },
  );

  r.get(
    '/api/v1/webhook-subscriptions',
    {
      ...admin,
      schema: {
        tags,
        summary: "The workspace's webhook subscriptions, oldest first",
        security,
        response: { 200: z.object({ data: z.array(subscriptionSchema) }), ...adminErrors },
      },
    },
    async (request) => ({ data: await deps.subscriptions.list(principalOf(request).workspaceId) }),
  );

  r.get(
    '/api/v1/webhook-subscriptions/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'One webhook subscription',
        security,
        params: idParams,
        response: { 200: subscriptionSchema, ...adminErrors },
      },
    },
    async (request) => {
      const found = await deps.subscriptions.get(
        principalOf(request).workspaceId,
        request.params.id,
      );
      if (!found) throw notFound(request.params.id);
      return found;
    },
  );

  r.delete(
    '/api/v1/webhook-subscriptions/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Remove a webhook subscription and its delivery log',
        security,
        params: idParams,
        response: { 204: z.null(), ...adminErrors },
      },
    },
    async (request, reply) => {
      const removed = await deps.subscriptions.remove(
        principalOf(request).workspaceId,
        request.params.id,
      );
      if (!removed) throw notFound(request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/webhook-subscriptions/:id/deliveries',
    {
      ...admin,
      schema: {
        tags,
        summary: "A subscription's delivery log, newest first",
        security,
        params: idParams,
        querystring: deliveriesQuery,
        response: {
          200: z.object({ data: z.array(deliverySchema), nextCursor: z.string().nullable() }),
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = unwrap(
        await deps.dispatcher.deliveries(principalOf(request).workspaceId, request.params.id, {
          limit,
          ...(cursor !== undefined ? { cursor } : {}),
        }),
      );
      if (!page) throw notFound(request.params.id);
      return page;
    },
  );

  r.get(
    '/api/v1/webhook-channel/secret',
    {
      ...admin,
      schema: {
        tags,
        summary: "The webhook channel's signing secret, for its receivers to verify with",
        security,
        response: { 200: z.object({ secret: z.string() }), ...adminErrors },
      },
    },
    async (request) => ({
      secret: await deps.channelSecrets.secretFor(principalOf(request).workspaceId),
    }),
  );
}
