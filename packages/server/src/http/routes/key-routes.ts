import { errorEnvelopeSchema, storableText } from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unwrap } from '../../platform/errors.js';
import {
  generateKey,
  insertKey,
  listKeys,
  revokeKey,
  type KeyInfo,
} from '../../modules/workspaces/index.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const scopeSchema = z.enum(['write', 'admin']);
const keySchema = z.object({
  id: z.string(),
  scope: scopeSchema,
  prefix: z.string().describe('the first 8 characters of the key, to recognise it by'),
  label: z.string().nullable(),
  origin: z
    .enum(['environment', 'start', 'api', 'cli', 'unknown'])
    .describe('where the key came from; `unknown` for keys made before this was recorded'),
  createdAt: z.string(),
  lastUsedAt: z
    .string()
    .nullable()
    .describe('updated at most once a minute per key and server process'),
  revokedAt: z.string().nullable(),
  current: z.boolean().describe('true for the key this request was made with'),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The workspace's API keys: create (shown once), list (never the key itself), revoke. */
export function keyRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = requireScope(s.keys, 'admin');
  const security = [{ bearer: [] }];
  const shown = (k: KeyInfo, currentId: string) => ({
    id: k.id,
    scope: k.scope,
    prefix: k.prefix,
    label: k.label,
    origin: k.origin,
    createdAt: new Date(k.createdAt).toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
    current: k.id === currentId,
  });

  r.post(
    '/api/v1/keys',
    {
      onRequest: admin,
      schema: {
        tags: ['workspace'],
        summary: 'Create an API key (the key is shown once)',
        security,
        body: z.object({
          scope: scopeSchema,
          label: storableText().max(200).optional(),
        }),
        response: {
          201: z.object({ id: z.string(), scope: scopeSchema, key: z.string() }),
          400: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const created = await insertKey(s.database.db, {
        workspaceId: principalOf(request).workspaceId,
        scope: request.body.scope,
        key: generateKey(request.body.scope),
        now: s.clock.now(),
        origin: 'api',
        ...(request.body.label !== undefined ? { label: request.body.label } : {}),
      });
      return reply.code(201).send({ id: created.id, scope: created.scope, key: created.key });
    },
  );

  r.get(
    '/api/v1/keys',
    {
      onRequest: admin,
      schema: {
        tags: ['workspace'],
        summary: 'The keys of this workspace, active and revoked: prefix, scope, label, last use',
        security,
        response: { 200: z.object({ data: z.array(keySchema) }), ...adminErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const keys = await listKeys(s.database.db, principal.workspaceId);
      return { data: keys.map((k) => shown(k, principal.keyId)) };
    },
  );

  r.delete(
    '/api/v1/keys/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['workspace'],
        summary:
          'Revoke a key: it answers 401 from now on (at once here; within 5 s on other server ' +
          'processes). The last active admin key cannot be revoked (409): create another first',
        security,
        params: idParamsUpTo(64),
        response: { 200: keySchema, 409: errorEnvelopeSchema, ...adminErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const revoked = unwrap(
        await revokeKey(s.database, {
          id: request.params.id,
          workspaceId: principal.workspaceId,
          now: s.clock.now(),
          keepOneAdmin: true,
        }),
      );
      s.keys.forget();
      return shown(revoked.key, principal.keyId);
    },
  );
}
