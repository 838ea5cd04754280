import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import {
  errorEnvelopeSchema,
  segmentConditionSchema,
  segmentDefinitionJsonSchema,
  segmentDefinitionSchema,
  segmentRecipes,
  segmentSchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, unwrap } from '../../platform/errors.js';
import type { FieldSpec } from '../../modules/segments/index.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

/** Segment ids are at most 100 characters (the definition language's reference limit). */
const idParams = idParamsUpTo(100);
const errors = adminErrors;
const conflict = { 409: errorEnvelopeSchema };
/** A preview shows this many members; the count says how many there are in all. */
const PREVIEW_SAMPLE = 10;

const memberSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  userId: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  name: z.string().nullable().describe('`traits.name`, else first and last name'),
  orderCount: z.number(),
  totalSpent: z.number(),
  lastOrderAt: z.string().nullable(),
});

const fieldSchema = z.object({
  path: z.string(),
  type: z.enum(['string', 'number', 'boolean', 'date', 'enum', 'list', 'any']),
  description: z.string(),
  values: z.array(z.string()).optional(),
});

const membersQuerySchema = z.strictObject({
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, 'cursor must be the nextCursor of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  consistent: z.enum(['true', 'false']).optional(),
});

/** A condition to try before saving it, bounded as a saved definition's is. */
const previewBodySchema = z
  .strictObject({ condition: segmentConditionSchema })
  .superRefine((body, ctx) => {
    const bounded = segmentDefinitionSchema.safeParse({ name: 'preview', ...body });
    if (bounded.success) return;
    for (const issue of bounded.error.issues)
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

const iso = (ms: number) => new Date(ms).toISOString();
const fieldView = (f: FieldSpec) => ({
  path: f.path,
  type: f.type,
  description: f.description,
  ...(f.values !== undefined ? { values: [...f.values] } : {}),
});

/**
 * Segments (admin key): definitions saved, checked and versioned; their members counted, listed,
 * exported as CSV and previewed before saving; the fields, JSON Schema and recipes editors use.
 */
export function segmentRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['segments'];

  r.get(
    '/api/v1/segments',
    {
      ...admin,
      schema: {
        tags,
        summary: "The workspace's segments, by name",
        security,
        response: { 200: z.object({ data: z.array(segmentSchema) }), ...errors },
      },
    },
    async (request) => ({ data: await s.segments.list(principalOf(request).workspaceId) }),
  );

  r.post(
    '/api/v1/segments',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Save a segment definition (checked against the fields and other segments)',
        security,
        body: segmentDefinitionSchema,
        response: { 201: segmentSchema, ...errors, ...conflict },
      },
    },
    async (request, reply) => {
      const created = unwrap(
        await s.segments.create(principalOf(request).workspaceId, request.body),
      );
      return reply.code(201).send(created);
    },
  );

  r.get(
    '/api/v1/segments/fields',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The fields a field condition may test here, with their types',
        security,
        response: { 200: z.object({ data: z.array(fieldSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: (await s.segments.fields(principalOf(request).workspaceId)).map(fieldView),
    }),
  );

  r.get(
    '/api/v1/segments/schema',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The JSON Schema of a segment definition, for editors',
        security,
        response: { 200: z.record(z.string(), z.unknown()), ...errors },
      },
    },
    () => segmentDefinitionJsonSchema(),
  );

  r.get(
    '/api/v1/segments/recipes',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Ready definitions for common segments',
        security,
        response: {
          200: z.object({
            data: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                description: z.string(),
                condition: segmentConditionSchema,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    () => ({ data: [...segmentRecipes] }),
  );

  r.post(
    '/api/v1/segments/preview',
    {
      ...admin,
      schema: {
        tags,
        summary: 'How many a condition matches now, with a sample, before saving it',
        security,
        body: previewBodySchema,
        response: {
          200: z.object({
            count: z.number().int(),
            sample: z.array(memberSchema),
            at: z.string(),
            tookMs: z.number(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const started = performance.now();
      const workspaceId = principalOf(request).workspaceId;
      const preview = unwrap(
        await s.segments.preview(workspaceId, request.body.condition, PREVIEW_SAMPLE),
      );
      const sample = await s.segments.describeMembers(workspaceId, preview.sample);
      return {
        count: preview.count,
        sample,
        at: iso(preview.at),
        tookMs: Math.round((performance.now() - started) * 10) / 10,
      };
    },
  );

  r.get(
    '/api/v1/segments/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'A segment: its definition and version',
        security,
        params: idParams,
        response: { 200: segmentSchema, ...errors },
      },
    },
    async (request) =>
      unwrap(await s.segments.get(principalOf(request).workspaceId, request.params.id)),
  );

  r.put(
    '/api/v1/segments/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Replace a segment definition (its version goes up by one)',
        security,
        params: idParams,
        body: segmentDefinitionSchema,
        response: { 200: segmentSchema, ...errors, ...conflict },
      },
    },
    async (request) =>
      unwrap(
        await s.segments.update(principalOf(request).workspaceId, request.params.id, request.body),
      ),
  );

  r.delete(
    '/api/v1/segments/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Delete a segment (refused while another segment or a journey refers to it)',
        security,
        params: idParams,
        response: { 204: z.null(), ...errors, ...conflict },
      },
    },
    async (request, reply) => {
      const workspaceId = principalOf(request).workspaceId;
      // Journeys sit above segments: the refusal is composed here, where both are known.
      const users = await s.journeys.usingSegment(workspaceId, request.params.id);
      if (users.length > 0)
        throw AppError.of(
          'conflict',
          `journey ${users.map((j) => `"${j.name}"`).join(', ')} uses this segment: change or archive it first`,
          users.map((j) => ({
            field: 'params.id',
            message: `used by journey ${j.id} (${j.name})`,
          })),
        );
      unwrap(await s.segments.delete(workspaceId, request.params.id));
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/segments/:id/count',
    {
      ...admin,
      schema: {
        tags,
        summary: 'How many profiles are in the segment now',
        security,
        params: idParams,
        response: {
          200: z.object({ count: z.number().int(), at: z.string() }),
          ...errors,
          ...conflict,
        },
      },
    },
    async (request) => {
      const counted = unwrap(
        await s.segments.count(principalOf(request).workspaceId, request.params.id),
      );
      return { count: counted.count, at: iso(counted.at) };
    },
  );

  r.get(
    '/api/v1/segments/:id/members',
    {
      ...admin,
      schema: {
        tags,
        summary: "The segment's members now, by profile id, a page at a time",
        security,
        params: idParams,
        querystring: membersQuerySchema,
        response: {
          200: z.object({ data: z.array(memberSchema), nextCursor: z.string().nullable() }),
          ...errors,
          ...conflict,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const { cursor, limit } = request.query;
      const page = unwrap(
        await s.segments.members(workspaceId, request.params.id, {
          limit,
          ...(cursor !== undefined ? { cursor } : {}),
        }),
      );
      return {
        data: await s.segments.describeMembers(workspaceId, page.ids),
        nextCursor: page.nextCursor,
      };
    },
  );

  // The answer is a CSV stream, not a JSON document: no response schema.
  r.get(
    '/api/v1/segments/:id/members.csv',
    {
      ...admin,
      schema: {
        tags,
        summary: "The segment's members now as CSV (id, email, user id, name, orders)",
        security,
        params: idParams,
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const lines = unwrap(await s.segments.exportCsv(principalOf(request).workspaceId, id));
      return (
        reply
          .type('text/csv; charset=utf-8')
          // The segment exists, so the id is one of ours; the filename keeps only safe characters.
          .header(
            'content-disposition',
            `attachment; filename="segment-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.csv"`,
          )
          .send(Readable.from(lines))
      );
    },
  );
}
