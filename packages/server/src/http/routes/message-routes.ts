import {
  channels,
  consentChannels,
  consentProofSchema,
  consentStateSchema,
  consentUpdateSchema,
  messageDetailSchema,
  messageSchema,
  messageStatuses,
  sendRequestSchema,
  storableText,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, unwrap } from '../../platform/errors.js';
import { senderSettingsSchema } from '../../modules/messaging/index.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const idParams = idParamsUpTo(200);
const cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,400}$/, 'cursor must be the nextCursor of a previous page')
  .optional();
const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor,
};
const messagesQuerySchema = z.strictObject({
  profileId: z.string().min(1).max(200).optional(),
  channel: z.enum(channels).optional(),
  status: z.enum(messageStatuses).optional(),
  ...pageQuery,
});
const profileMessagesQuerySchema = z.strictObject({
  channel: z.enum(channels).optional(),
  status: z.enum(messageStatuses).optional(),
  ...pageQuery,
});
const messagePage = z.object({ data: z.array(messageSchema), nextCursor: z.string().nullable() });
const consentView = z.object({
  profileId: z.string(),
  data: z.array(consentStateSchema),
  history: z.array(consentStateSchema.extend({ at: z.string() })),
});
const suppressionSchema = z.object({
  channel: z.enum(channels),
  address: z.string(),
  reason: z.string(),
  detail: z.string().nullable(),
  createdAt: z.string(),
});
const suppressionBodySchema = z.strictObject({
  channel: z.enum(consentChannels),
  address: storableText().min(3).max(320),
  detail: storableText().max(1000).optional(),
});
const doubleOptInSchema = z.strictObject({
  source: storableText().min(1).max(200).default('double-opt-in request'),
  proof: consentProofSchema.optional(),
});
const suppressionParams = z.object({
  channel: z.enum(consentChannels),
  address: storableText().min(3).max(320),
});

/**
 * The outbox and send log, the transactional send API, consent per profile and channel, and
 * the suppression list (admin key).
 */
export function messageRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['messages'];
  /** A merged-away profile id answers for the profile it was merged into. */
  const liveProfile = async (workspaceId: string, id: string) =>
    unwrap(await s.profiles.get(workspaceId, id)).id;

  r.get(
    '/api/v1/messages',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The outbox and send log, newest first',
        security,
        querystring: messagesQuerySchema,
        response: { 200: messagePage, ...adminErrors },
      },
    },
    async (request) => {
      const { profileId, channel, status, limit, cursor: after } = request.query;
      return s.outbox.list(principalOf(request).workspaceId, {
        limit,
        ...(profileId !== undefined ? { profileId } : {}),
        ...(channel !== undefined ? { channel } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(after !== undefined ? { cursor: after } : {}),
      });
    },
  );

  r.post(
    '/api/v1/messages',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Send one message now (transactional: an order confirmation, a password reset)',
        security,
        body: sendRequestSchema,
        response: {
          202: z.object({ id: z.string(), duplicate: z.boolean() }),
          ...adminErrors,
        },
      },
    },
    async (request, reply) => {
      const queued = unwrap(await s.messaging.send(principalOf(request).workspaceId, request.body));
      return reply.code(202).send({ id: queued.id, duplicate: !queued.created });
    },
  );

  r.get(
    '/api/v1/messages/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'One message: its rendered content and every status change',
        security,
        params: idParams,
        response: { 200: messageDetailSchema, ...adminErrors },
      },
    },
    async (request) => {
      const message = await s.outbox.get(principalOf(request).workspaceId, request.params.id);
      if (!message) throw AppError.of('not_found', `no message ${request.params.id}`);
      return message;
    },
  );

  r.get(
    '/api/v1/profiles/:id/messages',
    {
      ...admin,
      schema: {
        tags: ['profiles', ...tags],
        summary: 'The messages sent (or queued) to a profile, newest first',
        security,
        params: idParams,
        querystring: profileMessagesQuerySchema,
        response: { 200: messagePage, ...adminErrors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const profileId = await liveProfile(workspaceId, request.params.id);
      const { channel, status, limit, cursor: after } = request.query;
      return s.outbox.list(workspaceId, {
        profileId,
        limit,
        ...(channel !== undefined ? { channel } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(after !== undefined ? { cursor: after } : {}),
      });
    },
  );

  r.get(
    '/api/v1/profiles/:id/consent',
    {
      ...admin,
      schema: {
        tags: ['profiles', 'consent'],
        summary: "A profile's consent per channel and its history (oldest first)",
        security,
        params: idParams,
        response: { 200: consentView, ...adminErrors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const profileId = await liveProfile(workspaceId, request.params.id);
      return {
        profileId,
        data: await s.consent.get(workspaceId, profileId),
        history: await s.consent.history(workspaceId, profileId),
      };
    },
  );

  r.put(
    '/api/v1/profiles/:id/consent',
    {
      ...admin,
      schema: {
        tags: ['profiles', 'consent'],
        summary: "Record a profile's consent for one channel (with its source and proof)",
        security,
        params: idParams,
        body: consentUpdateSchema,
        response: { 200: consentStateSchema, ...adminErrors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const profileId = await liveProfile(workspaceId, request.params.id);
      const { channel, status, source, proof } = request.body;
      return s.consent.update(
        workspaceId,
        profileId,
        { channel, status, source, ...(proof !== undefined ? { proof } : {}) },
        s.clock.now(),
      );
    },
  );

  r.post(
    '/api/v1/profiles/:id/consent/double-opt-in',
    {
      ...admin,
      schema: {
        tags: ['profiles', 'consent'],
        summary: 'Start double opt-in for email: consent pending, a confirmation email sent',
        security,
        params: idParams,
        body: doubleOptInSchema,
        response: {
          202: z.object({ messageId: z.string(), status: z.literal('pending') }),
          ...adminErrors,
        },
      },
    },
    async (request, reply) => {
      const { source, proof } = request.body;
      const started = unwrap(
        await s.messaging.requestDoubleOptIn(principalOf(request).workspaceId, request.params.id, {
          source,
          ...(proof !== undefined ? { proof } : {}),
        }),
      );
      return reply.code(202).send(started);
    },
  );

  const senderSettingsView = z.object({
    storeName: z.string(),
    address: z.string().nullable(),
    url: z.string().nullable(),
  });
  r.get(
    '/api/v1/messaging/settings',
    {
      ...admin,
      schema: {
        tags,
        summary: "Who messages come from: the store's name, postal address and website",
        security,
        response: { 200: senderSettingsView, ...adminErrors },
      },
    },
    async (request) => s.senderSettings.get(principalOf(request).workspaceId),
  );

  r.put(
    '/api/v1/messaging/settings',
    {
      ...admin,
      schema: {
        tags,
        summary: "Set the store's name, postal address and website for templates and footers",
        security,
        body: senderSettingsSchema,
        response: { 200: senderSettingsView, ...adminErrors },
      },
    },
    async (request) => s.senderSettings.set(principalOf(request).workspaceId, request.body),
  );

  r.get(
    '/api/v1/suppressions',
    {
      ...admin,
      schema: {
        tags: ['consent'],
        summary: 'Addresses no message goes to (hard bounces, complaints, added by hand)',
        security,
        querystring: z.strictObject({ channel: z.enum(consentChannels).optional(), ...pageQuery }),
        response: {
          200: z.object({ data: z.array(suppressionSchema), nextCursor: z.string().nullable() }),
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const { channel, limit, cursor: after } = request.query;
      return unwrap(
        await s.consent.suppressions(principalOf(request).workspaceId, {
          limit,
          ...(channel !== undefined ? { channel } : {}),
          ...(after !== undefined ? { cursor: after } : {}),
        }),
      );
    },
  );

  r.post(
    '/api/v1/suppressions',
    {
      ...admin,
      schema: {
        tags: ['consent'],
        summary: 'Add an address to the suppression list by hand',
        security,
        body: suppressionBodySchema,
        response: { 204: z.null(), ...adminErrors },
      },
    },
    async (request, reply) => {
      const { channel, address, detail } = request.body;
      await s.consent.suppress(
        principalOf(request).workspaceId,
        channel,
        address,
        'manual',
        detail ?? null,
        s.clock.now(),
      );
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/api/v1/suppressions/:channel/:address',
    {
      ...admin,
      schema: {
        tags: ['consent'],
        summary: 'Remove an address from the suppression list',
        security,
        params: suppressionParams,
        response: { 204: z.null(), ...adminErrors },
      },
    },
    async (request, reply) => {
      const removed = await s.consent.unsuppress(
        principalOf(request).workspaceId,
        request.params.channel,
        request.params.address,
      );
      if (!removed) throw AppError.of('not_found', `${request.params.address} is not suppressed`);
      return reply.code(204).send(null);
    },
  );
}
