import {
  errorEnvelopeSchema,
  journeyDefinitionJsonSchema,
  journeyDefinitionSchema,
  journeySchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { JourneyService } from '../../modules/journeys/index.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

/** A journey by id (`jrn_...`) or name; names are at most 200 characters. */
const idParams = idParamsUpTo(200);
const errors = adminErrors;
const conflict = { 409: errorEnvelopeSchema };

const versionSchema = z.object({
  version: z.number().int(),
  activatedAt: z.string(),
  definition: journeyDefinitionSchema,
});

/**
 * Journeys (admin key): definitions saved as drafts and checked against the workspace's
 * segments and templates; activation freezes a changed draft as a new version; pause, resume
 * (activate again) and archive; the versions list and the definition's JSON Schema.
 */
export function journeyRoutes(
  app: FastifyInstance,
  deps: { journeys: JourneyService; keys: KeyResolver },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(deps.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['journeys'];
  const journeys = deps.journeys;

  r.get(
    '/api/v1/journeys',
    {
      ...admin,
      schema: {
        tags,
        summary: "The workspace's journeys, by name",
        security,
        response: { 200: z.object({ data: z.array(journeySchema) }), ...errors },
      },
    },
    async (request) => ({ data: await journeys.list(principalOf(request).workspaceId) }),
  );

  r.post(
    '/api/v1/journeys',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Save a journey as a draft (checked: graph, segments, templates)',
        security,
        body: journeyDefinitionSchema,
        response: { 201: journeySchema, ...errors, ...conflict },
      },
    },
    async (request, reply) => {
      const created = unwrap(await journeys.create(principalOf(request).workspaceId, request.body));
      return reply.code(201).send(created);
    },
  );

  r.get(
    '/api/v1/journeys/schema',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The JSON Schema of a journey definition, for editors',
        security,
        response: { 200: z.record(z.string(), z.unknown()), ...errors },
      },
    },
    () => journeyDefinitionJsonSchema(),
  );

  r.get(
    '/api/v1/journeys/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'A journey: its draft, status and active version',
        security,
        params: idParams,
        response: { 200: journeySchema, ...errors },
      },
    },
    async (request) =>
      unwrap(await journeys.get(principalOf(request).workspaceId, request.params.id)),
  );

  r.put(
    '/api/v1/journeys/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Replace the draft (what runs changes only when activated)',
        security,
        params: idParams,
        body: journeyDefinitionSchema,
        response: { 200: journeySchema, ...errors, ...conflict },
      },
    },
    async (request) =>
      unwrap(
        await journeys.update(principalOf(request).workspaceId, request.params.id, request.body),
      ),
  );

  const lifecycle = (
    action: 'activate' | 'pause' | 'archive',
    summary: string,
    run: (workspaceId: string, id: string) => ReturnType<JourneyService['activate']>,
  ) =>
    r.post(
      `/api/v1/journeys/:id/${action}`,
      {
        ...admin,
        schema: {
          tags,
          summary,
          security,
          params: idParams,
          response: { 200: journeySchema, ...errors, ...conflict },
        },
      },
      async (request) => unwrap(await run(principalOf(request).workspaceId, request.params.id)),
    );
  lifecycle(
    'activate',
    'Make the draft live (a new version if it changed), or resume a paused journey',
    (w, id) => journeys.activate(w, id),
  );
  lifecycle('pause', 'Hold an active journey', (w, id) => journeys.pause(w, id));
  lifecycle('archive', 'End a journey for good', (w, id) => journeys.archive(w, id));

  r.get(
    '/api/v1/journeys/:id/versions',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Every activated version of a journey, oldest first',
        security,
        params: idParams,
        response: { 200: z.object({ data: z.array(versionSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: unwrap(await journeys.versions(principalOf(request).workspaceId, request.params.id)),
    }),
  );
}
