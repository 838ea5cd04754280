import {
  errorEnvelopeSchema,
  sftpFileSchema,
  sftpFileStatuses,
  sftpRunResultSchema,
  sftpSettingsSchema,
  sftpSourceSchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cronProblem,
  globProblem,
  isTimeZone,
  privateKeyProblem,
} from '../../modules/imports/sftp/index.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const errors = adminErrors;
const idParams = idParamsUpTo(64);
const problem =
  (check: (v: string) => string | null, hint: string) => (v: string, ctx: z.RefinementCtx) => {
    const p = check(v);
    if (p !== null) ctx.addIssue({ code: 'custom', message: `${hint}: ${p}` });
  };

/** The writable fields with the checks only the server can make (cron, glob, time zone). */
const base = sftpSettingsSchema.shape;
const settings = sftpSettingsSchema.extend({
  pattern: base.pattern.superRefine(problem(globProblem, 'must be a file name pattern')),
  schedule: base.schedule.superRefine(
    problem(cronProblem, 'must be a cron expression such as "*/15 * * * *"'),
  ),
  timezone: base.timezone.refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
});
/** Write-only: sealed at rest, never returned. */
const credentials = z.object({
  password: z.string().min(1).max(1024).nullable().optional(),
  /** OpenSSH or PEM private key (ed25519, ECDSA or RSA). */
  privateKey: z.string().min(1).max(32_768).nullable().optional(),
  passphrase: z.string().min(1).max(1024).nullable().optional(),
});
const checkKey = (body: z.infer<typeof credentials>, ctx: z.RefinementCtx) => {
  if (!body.privateKey) return;
  const p = privateKeyProblem(body.privateKey, body.passphrase ?? undefined);
  if (p !== null) {
    ctx.addIssue({ code: 'custom', path: ['privateKey'], message: `cannot be read: ${p}` });
  }
};
const createBody = settings
  .extend({
    port: settings.shape.port.default(22),
    hostFingerprint: settings.shape.hostFingerprint.default(null),
    remoteDir: settings.shape.remoteDir.default('.'),
    pattern: settings.shape.pattern.default('*.csv'),
    format: settings.shape.format.default(null),
    mapping: settings.shape.mapping.default(null),
    timezone: settings.shape.timezone.default('UTC'),
    enabled: settings.shape.enabled.default(true),
  })
  .extend(credentials.shape)
  .superRefine((body, ctx) => {
    checkKey(body, ctx);
    if (!body.password && !body.privateKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'a password or a privateKey is required',
      });
    }
  });
const patchBody = settings.partial().extend(credentials.shape).superRefine(checkKey);

/** Admin API: scheduled SFTP pulls (sources, run now, the per-file log). */
export function sftpRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['imports'];
  const notFound = (id: string) =>
    AppError.of('not_found', `no SFTP source ${id} in this workspace`, [
      { field: 'id', message: 'not found' },
    ]);
  const owned = async (workspaceId: string, id: string) => {
    const source = await s.sftpSources.get(workspaceId, id);
    if (!source) throw notFound(id);
    return source;
  };

  r.post(
    '/api/v1/sftp-sources',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Add an SFTP folder to poll on a cron schedule (credentials are write-only)',
        security,
        body: createBody,
        response: { 201: sftpSourceSchema, ...errors },
      },
    },
    async (request, reply) => {
      const created = await s.sftpSources.create(
        principalOf(request).workspaceId,
        request.body,
        s.clock.now(),
      );
      return reply.code(201).send(created);
    },
  );

  r.get(
    '/api/v1/sftp-sources',
    {
      ...admin,
      schema: {
        tags,
        summary: 'SFTP sources with their last run, last error and next run',
        security,
        response: { 200: z.object({ data: z.array(sftpSourceSchema) }), ...errors },
      },
    },
    async (request) => ({ data: await s.sftpSources.list(principalOf(request).workspaceId) }),
  );

  r.get(
    '/api/v1/sftp-sources/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'One SFTP source',
        security,
        params: idParams,
        response: { 200: sftpSourceSchema, ...errors },
      },
    },
    async (request) => owned(principalOf(request).workspaceId, request.params.id),
  );

  r.patch(
    '/api/v1/sftp-sources/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Change a source (absent fields keep their value; a new schedule replans)',
        security,
        params: idParams,
        body: patchBody,
        response: { 200: sftpSourceSchema, ...errors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const updated = unwrap(
        await s.sftpSources.update(workspaceId, request.params.id, request.body, s.clock.now()),
      );
      if (!updated) throw notFound(request.params.id);
      return updated;
    },
  );

  r.delete(
    '/api/v1/sftp-sources/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Remove a source and its file log (files on the server stay where they are)',
        security,
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      if (!(await s.sftpSources.delete(principalOf(request).workspaceId, request.params.id)))
        throw notFound(request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/v1/sftp-sources/:id/run',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Pull now (also when disabled); answers when the run is over',
        security,
        params: idParams,
        response: {
          200: sftpRunResultSchema,
          409: errorEnvelopeSchema,
          ...errors,
        },
      },
    },
    async (request) => {
      await owned(principalOf(request).workspaceId, request.params.id);
      const result = await s.sftpPuller.pull(request.params.id);
      if (result.kind === 'missing') throw notFound(request.params.id);
      if (result.kind === 'busy') {
        throw AppError.of('conflict', 'a pull of this source is under way; try again when it ends');
      }
      const files = await s.sftpFiles.list(request.params.id, {
        limit: 1000,
        ids: result.fileIds,
      });
      return { error: result.error, files };
    },
  );

  r.get(
    '/api/v1/sftp-sources/:id/files',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The per-file log, newest first: status, import summary or error, where it moved',
        security,
        params: idParams,
        querystring: z.object({
          status: z.enum(sftpFileStatuses).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ data: z.array(sftpFileSchema) }), ...errors },
      },
    },
    async (request) => {
      await owned(principalOf(request).workspaceId, request.params.id);
      return {
        data: await s.sftpFiles.list(request.params.id, {
          limit: request.query.limit,
          status: request.query.status,
        }),
      };
    },
  );
}
