import { errorEnvelopeSchema, storableText } from '@comeback/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ClientIdentity, ClientTokens } from '../../modules/messaging/client-tokens.js';
import { INBOX_PAGE_MAX, type Inbox } from '../../modules/messaging/inbox.js';
import { MAX_ENDPOINT_LENGTH, type PushSubscriptions } from '../../modules/messaging/push.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { sendFailure } from '../error-handler.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

export const inboxItemSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  body: z.string(),
  url: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
});
const inboxPageSchema = z.object({
  data: z.array(inboxItemSchema),
  nextCursor: z.string().nullable(),
});
const inboxQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(INBOX_PAGE_MAX).default(20),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,600}$/, 'must be the nextCursor of a previous page')
    .optional(),
  includeArchived: z.enum(['true', 'false']).optional(),
});
const unreadCountSchema = z.object({ count: z.number().int() });
/** What the browser's `PushSubscription.toJSON()` gives; other fields are ignored. */
export const pushSubscriptionBodySchema = z.object({
  endpoint: z.string().min(1).max(MAX_ENDPOINT_LENGTH),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
});
const pushSubscriptionSchema = z.object({
  id: z.string(),
  endpoint: z.string(),
  createdAt: z.string(),
});
const endpointBodySchema = z.object({ endpoint: z.string().min(1).max(MAX_ENDPOINT_LENGTH) });
const vapidKeySchema = z.object({ publicKey: z.string() });
export const clientTokenSchema = z.object({ token: z.string(), expiresAt: z.string() });
const messageIdParams = z.object({ id: storableText().min(1).max(200) });

const clientErrors = {
  400: errorEnvelopeSchema,
  401: errorEnvelopeSchema,
  404: errorEnvelopeSchema,
};

export interface ClientRouteDeps {
  tokens: ClientTokens;
  inbox: Inbox;
  pushSubscriptions: PushSubscriptions;
  vapidPublicKey: () => Promise<string>;
}

/**
 * The storefront's calls for one person: their in-app inbox and their browsers' push
 * subscriptions. Authenticated by a client token (`Authorization: Bearer <token>`) that names
 * the workspace and profile; nothing here reaches another profile. The VAPID public key is
 * public (the browser needs it to subscribe).
 */
export function clientRoutes(app: FastifyInstance, deps: ClientRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const identities = new WeakMap<FastifyRequest, ClientIdentity>();
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    const [scheme, token, ...rest] = (request.headers.authorization ?? '').split(' ');
    const identity =
      scheme?.toLowerCase() === 'bearer' && token && rest.length === 0
        ? deps.tokens.verify(token)
        : null;
    if (identity === null) {
      void reply.header('www-authenticate', 'Bearer');
      return sendFailure(reply, {
        code: 'unauthorized',
        message: 'missing, invalid or expired client token: send Authorization: Bearer <token>',
        details: [{ field: 'authorization', message: 'missing, invalid or expired client token' }],
      });
    }
    identities.set(request, identity);
  };
  const who = (request: FastifyRequest): ClientIdentity => {
    const identity = identities.get(request);
    if (!identity) throw new Error('a client route ran without its token check');
    return identity;
  };
  const security = [{ bearer: [] }];
  const inboxTags = ['inbox'];
  const pushTags = ['push'];

  r.get(
    '/v1/inbox',
    {
      onRequest,
      schema: {
        tags: inboxTags,
        summary: "The person's inbox, newest first",
        security,
        querystring: inboxQuerySchema,
        response: { 200: inboxPageSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const { workspaceId, profileId } = who(request);
      const { limit, cursor, includeArchived } = request.query;
      return unwrap(
        await deps.inbox.list(workspaceId, profileId, {
          limit,
          ...(cursor !== undefined ? { cursor } : {}),
          includeArchived: includeArchived === 'true',
        }),
      );
    },
  );

  r.get(
    '/v1/inbox/unread-count',
    {
      onRequest,
      schema: {
        tags: inboxTags,
        summary: 'How many inbox messages are unread',
        security,
        response: { 200: unreadCountSchema, 401: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const { workspaceId, profileId } = who(request);
      return { count: await deps.inbox.unreadCount(workspaceId, profileId) };
    },
  );

  for (const action of ['read', 'archive'] as const) {
    r.post(
      `/v1/inbox/:id/${action}`,
      {
        onRequest,
        schema: {
          tags: inboxTags,
          summary: action === 'read' ? 'Mark an inbox message read' : 'Archive an inbox message',
          security,
          params: messageIdParams,
          response: { 200: inboxItemSchema, ...clientErrors },
        },
      },
      async (request) => {
        const { workspaceId, profileId } = who(request);
        const { id } = request.params;
        return unwrap(
          action === 'read'
            ? await deps.inbox.markRead(workspaceId, profileId, id)
            : await deps.inbox.archive(workspaceId, profileId, id),
        );
      },
    );
  }

  r.post(
    '/v1/push/subscriptions',
    {
      onRequest,
      bodyLimit: 8 * 1024,
      schema: {
        tags: pushTags,
        summary: "Register a browser's push subscription for the person",
        security,
        body: pushSubscriptionBodySchema,
        response: {
          201: pushSubscriptionSchema,
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const { workspaceId, profileId } = who(request);
      const userAgent = request.headers['user-agent'];
      const stored = unwrap(
        await deps.pushSubscriptions.add(
          workspaceId,
          profileId,
          request.body,
          typeof userAgent === 'string' ? userAgent : null,
        ),
      );
      return reply.code(201).send({
        id: stored.id,
        endpoint: stored.endpoint,
        createdAt: new Date(stored.createdAt).toISOString(),
      });
    },
  );

  r.delete(
    '/v1/push/subscriptions',
    {
      onRequest,
      bodyLimit: 8 * 1024,
      schema: {
        tags: pushTags,
        summary: "Remove a browser's push subscription",
        security,
        body: endpointBodySchema,
        response: { 204: z.null(), 400: errorEnvelopeSchema, 401: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const { workspaceId, profileId } = who(request);
      // Removed or never there: either way this browser gets no more pushes for the person.
      await deps.pushSubscriptions.remove(workspaceId, profileId, request.body.endpoint);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/v1/push/vapid-public-key',
    {
      schema: {
        tags: pushTags,
        summary: "The application server key for the browser's pushManager.subscribe",
        response: { 200: vapidKeySchema },
      },
    },
    async () => ({ publicKey: await deps.vapidPublicKey() }),
  );
}

export interface ClientTokenRouteDeps {
  keys: KeyResolver;
  tokens: ClientTokens;
  /** Whether the workspace has a (live) profile with this id. */
  profileExists: (workspaceId: string, profileId: string) => Promise<boolean>;
}

/** The admin call a store's server makes to hand one of its customers a client token. */
export function clientTokenRoutes(app: FastifyInstance, deps: ClientTokenRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/profiles/:id/client-token',
    {
      onRequest: requireScope(deps.keys, 'admin'),
      schema: {
        tags: ['profiles'],
        summary: 'Issue a client token for a profile (inbox and web push from the storefront)',
        security: [{ bearer: [] }],
        params: idParamsUpTo(200),
        response: { 201: clientTokenSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { workspaceId } = principalOf(request);
      const { id } = request.params;
      if (!(await deps.profileExists(workspaceId, id)))
        throw AppError.of('not_found', `no profile ${id}`, [{ field: 'id', message: 'not found' }]);
      const issued = deps.tokens.issue(workspaceId, id);
      return reply
        .code(201)
        .send({ token: issued.token, expiresAt: new Date(issued.expiresAt).toISOString() });
    },
  );
}
