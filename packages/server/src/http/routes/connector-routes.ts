import {
  connectorSchema,
  createdConnectorSchema,
  dataRequestSchema,
  deliverySchema,
  storableText,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { platforms } from '../../modules/connectors/index.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { readJsonObject } from '../../platform/json.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const errors = adminErrors;
const idParams = idParamsUpTo(64);
/** Webhook bodies up to 5 MB: a large Shopify order with hundreds of lines stays well under. */
const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/** Connector admin API (admin key) and the inbound webhook endpoints (signature). */
export function connectorRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];
  const withUrl = <T extends { webhookPath: string }>(c: T, base: string) => ({
    ...c,
    webhookUrl: `${base}${c.webhookPath}`,
  });
  const baseOf = (request: { protocol: string; host: string }) =>
    s.config.publicUrl ?? `${request.protocol}://${request.host}`;

  r.post(
    '/api/v1/connectors',
    {
      ...admin,
      schema: {
        tags: ['connectors'],
        summary: 'Connect a store: returns the webhook URL and the signing secret (shown once)',
        security,
        body: z.object({
          platform: z.enum(platforms),
          name: storableText().min(1).max(200),
          /** Shopify: the app's client secret that signs its webhooks. Others: generated if absent. */
          secret: storableText().min(8).max(512).optional(),
          /**
           * Shopify: the shop's myshopify.com domain. Deliveries from any other shop are refused;
           * without it, the first shop that delivers is the one served.
           */
          shopDomain: z
            .string()
            .trim()
            .toLowerCase()
            .regex(
              /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/,
              'must be a domain such as shop.myshopify.com',
            )
            .max(253)
            .optional(),
        }),
        response: { 201: createdConnectorSchema, ...errors },
      },
    },
    async (request, reply) => {
      const created = await s.connectors.create(
        principalOf(request).workspaceId,
        request.body,
        s.clock.now(),
      );
      return reply.code(201).send(withUrl(created, baseOf(request)));
    },
  );

  r.get(
    '/api/v1/connectors',
    {
      ...admin,
      schema: {
        tags: ['connectors'],
        summary: 'Connectors of this workspace with delivery counts and the last error',
        security,
        response: { 200: z.object({ data: z.array(connectorSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: (await s.connectors.list(principalOf(request).workspaceId)).map((c) =>
        withUrl(c, baseOf(request)),
      ),
    }),
  );

  const owned = async (workspaceId: string, id: string) => {
    const c = await s.connectors.get(workspaceId, id);
    if (!c)
      throw AppError.of('not_found', `no connector ${id} in this workspace`, [
        { field: 'id', message: 'not found' },
      ]);
    return c;
  };

  r.get(
    '/api/v1/connectors/:id',
    {
      ...admin,
      schema: {
        tags: ['connectors'],
        summary: 'One connector',
        security,
        params: idParams,
        response: { 200: connectorSchema, ...errors },
      },
    },
    async (request) =>
      withUrl(await owned(principalOf(request).workspaceId, request.params.id), baseOf(request)),
  );

  r.delete(
    '/api/v1/connectors/:id',
    {
      ...admin,
      schema: {
        tags: ['connectors'],
        summary: 'Disable a connector: its webhooks are refused from now on (404)',
        security,
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const workspaceId = principalOf(request).workspaceId;
      await owned(workspaceId, request.params.id);
      await s.connectors.disable(workspaceId, request.params.id, s.clock.now());
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/connectors/:id/deliveries',
    {
      ...admin,
      schema: {
        tags: ['connectors'],
        summary: 'The delivery log, newest first (`failed=true`: only the errors)',
        security,
        params: idParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          failed: z.enum(['true', 'false']).default('false'),
        }),
        response: { 200: z.object({ data: z.array(deliverySchema) }), ...errors },
      },
    },
    async (request) => {
      await owned(principalOf(request).workspaceId, request.params.id);
      return {
        data: await s.connectors.deliveries(request.params.id, {
          limit: request.query.limit,
          failedOnly: request.query.failed === 'true',
        }),
      };
    },
  );

  r.get(
    '/api/v1/connectors/:id/data-requests',
    {
      ...admin,
      schema: {
        tags: ['connectors'],
        summary:
          "GDPR access requests the store forwarded (Shopify customers/data_request), with each person's export",
        security,
        params: idParams,
        response: {
          200: z.object({ data: z.array(dataRequestSchema) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      await owned(workspaceId, request.params.id);
      const rows = await s.database.db
        .selectFrom('data_requests')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('connector_id', '=', request.params.id)
        .orderBy('id', 'desc')
        .limit(100)
        .execute();
      const data = [];
      for (const row of rows) {
        const identity = readJsonObject(row.identifiers);
        const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
        const found = await s.profiles.lookup(workspaceId, {
          email: text(identity.email),
          phone: text(identity.phone),
          customer_id: text(identity.customer_id),
        });
        const profiles = [];
        for (const p of found) profiles.push(unwrap(await s.profiles.export(workspaceId, p.id)));
        data.push({
          id: Number(row.id),
          receivedAt: new Date(row.received_at).toISOString(),
          identifiers: identity,
          request: readJsonObject(row.payload),
          profiles,
        });
      }
      return { data };
    },
  );

  // Adobe I/O Events checks a webhook URL before using it: a GET with `?challenge=…` that must be
  // answered with the challenge. Only for an existing, active Adobe Commerce connector.
  r.get(
    '/webhooks/magento/:connectorId',
    {
      schema: {
        hide: true,
        params: z.object({ connectorId: storableText().min(1).max(64) }),
        querystring: z.object({ challenge: storableText().min(1).max(512) }),
      },
    },
    async (request) => {
      const connector = await s.connectors.forWebhook(request.params.connectorId);
      if (connector?.platform !== 'magento') {
        throw AppError.of('not_found', 'no such Adobe Commerce connector', [
          { field: 'connectorId', message: 'unknown or disabled connector' },
        ]);
      }
      return { challenge: request.query.challenge };
    },
  );

  // Webhooks need the raw body (the signature covers the exact bytes), so they get their own
  // parser in an encapsulated scope.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => {
        done(null, body);
      },
    );
    scope.post(
      '/webhooks/:platform/:connectorId',
      { schema: { hide: true }, bodyLimit: WEBHOOK_BODY_LIMIT },
      async (request, reply) => {
        const params = z
          .object({ platform: z.enum(platforms), connectorId: storableText().min(1).max(64) })
          .safeParse(request.params);
        if (!params.success) {
          throw AppError.of('not_found', 'no such webhook endpoint', [
            { field: 'platform', message: `one of ${platforms.join(', ')}` },
          ]);
        }
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(request.headers))
          headers[k] = Array.isArray(v) ? v[0] : v;
        const outcome = unwrap(
          await s.webhooks.receive(params.data.platform, params.data.connectorId, {
            headers,
            rawBody,
          }),
        );
        return reply.code(200).send({ ok: true, outcome: outcome.kind });
      },
    );
  });
}
