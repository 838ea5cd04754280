import fs from 'node:fs';
import { Readable } from 'node:stream';
import {
  errorEnvelopeSchema,
  fieldMappingSchema,
  importFormats,
  importJobSchema,
  importKinds,
  mappingNameSchema,
  savedMappingInputSchema,
  savedMappingSchema,
  storableText,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptUpload } from '../../modules/imports/index.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const errors = {
  ...adminErrors,
  409: errorEnvelopeSchema,
  413: errorEnvelopeSchema,
};
const FILE_TYPES: Record<string, 'csv' | 'jsonl' | undefined> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/gzip': undefined,
  'application/x-gzip': undefined,
  'application/octet-stream': undefined,
};
const idParams = idParamsUpTo(128);
const nameParams = z.object({ name: mappingNameSchema });
const uploadQuery = z.object({
  kind: z.enum(importKinds),
  format: z.enum(importFormats).optional(),
  mapping: mappingNameSchema.optional().describe('a saved mapping, by name'),
  name: storableText().max(256).optional().describe('the file name, to show with the import'),
});

const notFound = (what: string, id: string) =>
  AppError.of('not_found', `no ${what} ${id} in this workspace`, [
    { field: 'id', message: 'not found' },
  ]);

/** Admin API: uploaded imports (run as jobs) and saved field mappings. */
export function importRoutes(app: FastifyInstance, s: Services): void {
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];

  // The file is streamed to disk as it arrives: these content types are passed on unread.
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(Object.keys(FILE_TYPES), (_request, payload, next) =>
      next(null, payload),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/imports',
      {
        ...admin,
        schema: {
          tags: ['imports'],
          summary: 'Upload a file to import (CSV, JSON lines, or either gzipped); runs as a job',
          description:
            'Send the file as the raw body with content-type text/csv, application/x-ndjson or ' +
            'application/gzip. Answers 202 with the import; poll GET /api/v1/imports/{id}.',
          security,
          querystring: uploadQuery,
          response: { 202: importJobSchema, ...errors },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        if (!(body instanceof Readable)) {
          throw AppError.of(
            'validation_failed',
            'send the file as the raw body (text/csv, application/x-ndjson or application/gzip)',
            [{ field: 'content-type', message: 'not a file upload' }],
          );
        }
        const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        const { kind, format, mapping, name } = request.query;
        const job = unwrap(
          await acceptUpload(
            { service: s.imports, database: s.database, queue: s.jobQueue, clock: s.clock },
            {
              workspaceId: principalOf(request).workspaceId,
              kind,
              format: format ?? FILE_TYPES[type ?? ''],
              mappingName: mapping,
              fileName: name ?? 'upload',
              body,
            },
          ),
        );
        // A worker runs it; in a process that is one, start now rather than at the next poll.
        if (s.config.role !== 'api') {
          s.jobs.runDue().catch((error: unknown) => s.logger.error({ err: error }, 'import job'));
        }
        return reply.code(202).send(job);
      },
    );
    done();
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/imports',
    {
      ...admin,
      schema: {
        tags: ['imports'],
        summary: 'Recent imports, newest first',
        security,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ data: z.array(importJobSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: await s.imports.jobs.list(principalOf(request).workspaceId, request.query.limit),
    }),
  );

  r.get(
    '/api/v1/imports/:id',
    {
      ...admin,
      schema: {
        tags: ['imports'],
        summary: 'An import: status, progress (rows, bytes of total) and, when done, its summary',
        security,
        params: idParams,
        response: { 200: importJobSchema, ...errors },
      },
    },
    async (request) => {
      const job = await s.imports.jobs.view(principalOf(request).workspaceId, request.params.id);
      if (!job) throw notFound('import', request.params.id);
      return job;
    },
  );

  // Untyped route: the answer is a file stream, not a JSON document.
  app.get(
    '/api/v1/imports/:id/rejected',
    {
      ...admin,
      schema: {
        tags: ['imports'],
        summary:
          'The rejected rows of an import (CSV or JSON lines), each with its line and reason',
        security,
        params: idParams,
      },
    },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const view = await s.imports.jobs.view(principalOf(request).workspaceId, id);
      const file = view?.summary?.rejectedFile;
      if (!view || !file || !fs.existsSync(file)) throw notFound('rejected rows for import', id);
      const csv = file.endsWith('.csv');
      return reply
        .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .send(fs.createReadStream(file));
    },
  );

  r.post(
    '/api/v1/import-mappings',
    {
      ...admin,
      schema: {
        tags: ['imports'],
        summary: 'Save a named field mapping (source column -> target field, type, transforms)',
        security,
        body: savedMappingInputSchema,
        response: { 201: savedMappingSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { name, ...mapping } = request.body;
      const saved = unwrap(
        await s.imports.mappings.save(
          principalOf(request).workspaceId,
          name,
          mapping,
          'create',
          s.clock.now(),
        ),
      );
      return reply.code(201).send(saved);
    },
  );

  r.get(
    '/api/v1/import-mappings',
    {
      ...admin,
      schema: {
        tags: ['imports'],
        summary: 'The saved field mappings',
        security,
        response: { 200: z.object({ data: z.array(savedMappingSchema) }), ...errors },
      },
    },
    async (request) => ({ data: await s.imports.mappings.list(principalOf(request).workspaceId) }),
  );

  r.get(
    '/api/v1/import-mappings/:name',
    {
      ...admin,
      schema: {
        tags: ['imports'],
        summary: 'A saved field mapping',
        security,
        params: nameParams,
        response: { 200: savedMappingSchema, ...errors },
      },
    },
    async (request) => {
      const m = await s.imports.mappings.get(principalOf(request).workspaceId, request.params.name);
      if (!m) throw notFound('mapping', request.params.name);
      return m;
    },
  );

  r.put(
    '/api/v1/import-mappings/:name',
    {
      ...admin,
      schema: {
        tags: ['imports'],
        summary: 'Replace a saved field mapping',
        security,
        params: nameParams,
        body: fieldMappingSchema,
        response: { 200: savedMappingSchema, ...errors },
      },
    },
    async (request) =>
      unwrap(
        await s.imports.mappings.save(
          principalOf(request).workspaceId,
          request.params.name,
          request.body,
          'replace',
          s.clock.now(),
        ),
      ),
  );
}
