import {
  errorEnvelopeSchema,
  previewRequestSchema,
  renderedMessageSchema,
  storableText,
  templateInputSchema,
  templateSchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, unwrap } from '../../platform/errors.js';
import { starterLayouts } from '../../modules/messaging/index.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

/** Template ids and names are at most 200 characters. */
const idParams = idParamsUpTo(200);
const conflict = { 409: errorEnvelopeSchema };
const versionParams = z.object({
  id: storableText().min(1).max(200),
  version: z.coerce.number().int().min(1).max(1_000_000),
});
const testSendSchema = z.strictObject({
  to: storableText().min(3).max(320).describe('the address the test goes to'),
  profileId: z.string().min(1).max(200).optional().describe('render for this profile'),
  language: z.string().max(35).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
/**
 * A draft to preview: exactly what saving takes (its checks kept: safeExtend) plus who and
 * which language to render for.
 */
const draftPreviewSchema = templateInputSchema.safeExtend(previewRequestSchema.shape);

/**
 * Templates (admin key): saved per channel and versioned (each save a new version, messages
 * name theirs), checked when saved (Liquid and MJML errors with line and column, variables
 * without fallback as warnings), previewed for a profile or a sample (saved or as a draft), and
 * test-sent.
 */
export function templateRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['templates'];

  r.get(
    '/api/v1/templates',
    {
      ...admin,
      schema: {
        tags,
        summary: "The workspace's templates, by name (latest versions)",
        security,
        response: { 200: z.object({ data: z.array(templateSchema) }), ...adminErrors },
      },
    },
    async (request) => ({ data: await s.templates.list(principalOf(request).workspaceId) }),
  );

  r.get(
    '/api/v1/templates/starter-layouts',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Ready layouts to start a template from (English and Hebrew)',
        security,
        response: {
          200: z.object({
            data: z.array(z.object({ name: z.string(), template: templateInputSchema })),
          }),
          ...adminErrors,
        },
      },
    },
    async () => ({
      data: Object.entries(starterLayouts).map(([name, template]) => ({
        name,
        template,
      })),
    }),
  );

  r.post(
    '/api/v1/templates',
    {
      ...admin,
      schema: {
        tags,
        summary:
          'Save a template (checked: Liquid and MJML errors refuse it, with line and column)',
        security,
        body: templateInputSchema,
        response: { 201: templateSchema, ...adminErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const created = unwrap(
        await s.templates.create(principalOf(request).workspaceId, request.body),
      );
      return reply.code(201).send(created);
    },
  );

  r.get(
    '/api/v1/templates/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'One template (by id or name), its latest version',
        security,
        params: idParams,
        response: { 200: templateSchema, ...adminErrors },
      },
    },
    async (request) =>
      unwrap(await s.templates.get(principalOf(request).workspaceId, request.params.id)),
  );

  r.put(
    '/api/v1/templates/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Save a new version of a template (the channel stays)',
        security,
        params: idParams,
        body: templateInputSchema,
        response: { 200: templateSchema, ...adminErrors, ...conflict },
      },
    },
    async (request) =>
      unwrap(
        await s.templates.update(principalOf(request).workspaceId, request.params.id, request.body),
      ),
  );

  r.delete(
    '/api/v1/templates/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Delete a template (messages already queued keep their rendered content)',
        security,
        params: idParams,
        response: { 204: z.null(), ...adminErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const workspaceId = principalOf(request).workspaceId;
      const template = unwrap(await s.templates.get(workspaceId, request.params.id));
      const users = await s.journeys.usingTemplate(workspaceId, template.id);
      if (users.length > 0)
        throw AppError.of(
          'conflict',
          `journey ${users.map((j) => `"${j.name}"`).join(', ')} sends this template: change or archive it first`,
          users.map((j) => ({
            field: 'params.id',
            message: `used by journey ${j.id} (${j.name})`,
          })),
        );
      unwrap(await s.templates.remove(workspaceId, template.id));
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/templates/:id/versions/:version',
    {
      ...admin,
      schema: {
        tags,
        summary: 'One saved version of a template',
        security,
        params: versionParams,
        response: { 200: templateSchema, ...adminErrors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const current = unwrap(await s.templates.get(workspaceId, request.params.id));
      return unwrap(await s.templates.getVersion(workspaceId, current.id, request.params.version));
    },
  );

  r.post(
    '/api/v1/templates/:id/preview',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Render a template for a profile (or a sample one) without sending it',
        security,
        params: idParams,
        body: previewRequestSchema,
        response: { 200: renderedMessageSchema, ...adminErrors },
      },
    },
    async (request) =>
      unwrap(
        await s.messaging.preview(principalOf(request).workspaceId, request.params.id, {
          profileId: request.body.profileId,
          language: request.body.language,
          data: request.body.data,
        }),
      ),
  );

  r.post(
    '/api/v1/templates/preview',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Render an unsaved template (a draft) for a profile or a sample one',
        security,
        body: draftPreviewSchema,
        response: { 200: renderedMessageSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { profileId, language, data, ...draft } = request.body;
      return unwrap(
        await s.messaging.previewDraft(principalOf(request).workspaceId, draft, {
          profileId,
          language,
          data,
        }),
      );
    },
  );

  r.post(
    '/api/v1/templates/:id/test-send',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Send a test of a template to an address (subject marked [Test])',
        security,
        params: idParams,
        body: testSendSchema,
        response: {
          202: z.object({ id: z.string(), status: z.literal('queued') }),
          ...adminErrors,
        },
      },
    },
    async (request, reply) => {
      const queued = unwrap(
        await s.messaging.send(
          principalOf(request).workspaceId,
          {
            template: request.params.id,
            to: request.body.to,
            ...(request.body.profileId !== undefined ? { profileId: request.body.profileId } : {}),
            ...(request.body.language !== undefined ? { language: request.body.language } : {}),
            ...(request.body.data !== undefined ? { data: request.body.data } : {}),
          },
          { test: true },
        ),
      );
      return reply.code(202).send({ id: queued.id, status: 'queued' as const });
    },
  );
}
