import {
  customFieldSchema,
  storableText,
  errorEnvelopeSchema,
  eventsPageQuerySchema,
  profileListQuerySchema,
  profileSchema,
  storedEventSchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageTimeline, type TimelineSource } from '../../modules/profiles/index.js';
import { segmentChangeEvents } from '../../modules/segments/segment-change-events.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const idParams = idParamsUpTo(200);
const errors = adminErrors;

/** Admin API for profiles and the custom-field schema (admin key). */
export function profileRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];

  r.get(
    '/api/v1/profiles',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary:
          'Find profiles by email, userId, phone, anonymousId or customerId; without one, list them (newest first, paged, `q` searches email, user id and name prefixes)',
        security,
        querystring: profileListQuerySchema,
        response: {
          200: z.object({ data: z.array(profileSchema), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const workspaceId = principalOf(request).workspaceId;
      const identified = [q.email, q.userId, q.phone, q.anonymousId, q.customerId].some(
        (v) => v !== undefined,
      );
      if (!identified) {
        return unwrap(
          await s.profiles.list(workspaceId, {
            limit: q.limit,
            ...(q.q !== undefined ? { q: q.q } : {}),
            ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
          }),
        );
      }
      const data = await s.profiles.lookup(workspaceId, {
        ...(q.email !== undefined ? { email: q.email } : {}),
        ...(q.userId !== undefined ? { user_id: q.userId } : {}),
        ...(q.phone !== undefined ? { phone: q.phone } : {}),
        ...(q.anonymousId !== undefined ? { anonymous_id: q.anonymousId } : {}),
        ...(q.customerId !== undefined ? { customer_id: q.customerId } : {}),
      });
      return { data, nextCursor: null };
    },
  );

  r.get(
    '/api/v1/profiles/:id',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary:
          'A profile: traits, identifiers, computed fields (a merged-away id answers with the survivor)',
        security,
        params: idParams,
        response: { 200: profileSchema, ...errors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const profile = unwrap(await s.profiles.get(workspaceId, request.params.id));
      // Profiles know nothing of segments or consent (those read profiles): composed here.
      const segments = await s.segments.segmentsOf(workspaceId, profile.id);
      const consent = Object.fromEntries(
        (await s.consent.get(workspaceId, profile.id)).map((c) => [
          c.channel,
          { status: c.status, source: c.source, updatedAt: c.updatedAt },
        ]),
      );
      return { ...profile, consent, segments: segments.map((segment) => segment.id) };
    },
  );

  r.get(
    '/api/v1/profiles/:id/events',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary:
          "A profile's timeline, newest first, with cursor pagination: its events and its segment entries and exits",
        security,
        params: idParams,
        querystring: eventsPageQuerySchema,
        response: {
          200: z.object({ data: z.array(storedEventSchema), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const profile = unwrap(await s.profiles.get(workspaceId, request.params.id));
      const { limit, cursor, event } = request.query;
      const named = event !== undefined ? { event } : {};
      const person = { workspaceId, profileId: profile.id };
      // Profiles know nothing of segments: their entries and exits are merged in here. Listed
      // first, so a change shows above the event that caused it at the same instant.
      const segmentChanges: TimelineSource = async (page) =>
        (await segmentChangeEvents(s.database.db, person, { ...page, ...named })).map((c) => ({
          position: c.seq,
          at: c.at,
          event: c.event,
        }));
      const logged: TimelineSource = (page) =>
        s.profiles.events(workspaceId, profile.id, { ...page, ...named });
      return unwrap(
        await pageTimeline([segmentChanges, logged], {
          limit,
          ...(cursor !== undefined ? { cursor } : {}),
        }),
      );
    },
  );

  r.get(
    '/api/v1/profiles/:id/export',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary: 'GDPR access: everything held about this person, as JSON',
        security,
        params: idParams,
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const exported = unwrap(await s.profiles.export(workspaceId, request.params.id));
      // What messaging keeps of the person (consent with its proof, messages sent): composed
      // here, as profiles know nothing of messaging.
      const profileId = exported.profile.id;
      const consentHistory = await s.consent.history(workspaceId, profileId);
      const messages = [];
      let cursor: string | undefined;
      do {
        const page = await s.outbox.list(workspaceId, {
          profileId,
          limit: 500,
          ...(cursor !== undefined ? { cursor } : {}),
        });
        messages.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return { ...exported, consentHistory, messages };
    },
  );

  r.delete(
    '/api/v1/profiles/:id',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary: 'GDPR erasure: profile, identifiers and events are deleted',
        security,
        params: idParams,
        response: { 200: z.object({ erased: z.string() }), ...errors },
      },
    },
    async (request) =>
      unwrap(
        await s.profiles.erase(principalOf(request).workspaceId, request.params.id, s.clock.now()),
      ),
  );

  r.get(
    '/api/v1/custom-fields',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary: 'The typed custom-field schema of this workspace',
        security,
        response: { 200: z.object({ data: z.array(customFieldSchema) }), ...errors },
      },
    },
    async (request) => ({ data: await s.customFields.list(principalOf(request).workspaceId) }),
  );

  r.post(
    '/api/v1/custom-fields',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary: 'Declare a typed custom field; traits of that name are then validated and coerced',
        security,
        body: customFieldSchema,
        response: { 201: customFieldSchema, ...errors, 409: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const field = unwrap(
        await s.customFields.declare(principalOf(request).workspaceId, request.body, s.clock.now()),
      );
      return reply.code(201).send(field);
    },
  );

  r.delete(
    '/api/v1/custom-fields/:name',
    {
      ...admin,
      schema: {
        tags: ['profiles'],
        summary: 'Remove a custom field declaration (stored traits are kept)',
        security,
        params: z.object({ name: storableText() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const removed = await s.customFields.remove(
        principalOf(request).workspaceId,
        request.params.name,
      );
      if (!removed) throw AppError.of('not_found', `no custom field ${request.params.name}`);
      return reply.code(204).send(null);
    },
  );
}
