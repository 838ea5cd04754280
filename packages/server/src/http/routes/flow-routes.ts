import {
  enableFlowRequestSchema,
  enableFlowResultSchema,
  errorEnvelopeSchema,
  flowDetailSchema,
  flowSummarySchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FlowService } from '../../modules/flows/index.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors } from './admin-schemas.js';

const flowParams = z.object({ id: z.string().min(1).max(100) });

/**
 * The flow library (admin key): the ready journeys with their parameters, one built with given
 * parameters (what enabling would save), and enabling one into the workspace (ADR 0022).
 */
export function flowRoutes(
  app: FastifyInstance,
  deps: { flows: FlowService; keys: KeyResolver },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(deps.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['flow library'];

  r.get(
    '/api/v1/journey-templates',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The flow library: ready journeys to enable, with their parameters',
        security,
        response: { 200: z.object({ data: z.array(flowSummarySchema) }), ...adminErrors },
      },
    },
    async () => ({ data: deps.flows.list() }),
  );

  r.get(
    '/api/v1/journey-templates/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'One flow built with its default parameters: the journey and its templates',
        security,
        params: flowParams,
        response: { 200: flowDetailSchema, ...adminErrors },
      },
    },
    async (request) => unwrap(deps.flows.show(request.params.id)),
  );

  r.post(
    '/api/v1/journeys/from-template',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Enable a flow of the library (idempotent): its templates and journey',
        security,
        body: enableFlowRequestSchema,
        response: {
          200: enableFlowResultSchema,
          201: enableFlowResultSchema,
          ...adminErrors,
          409: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = unwrap(
        await deps.flows.enable(principalOf(request).workspaceId, b.template, b.params ?? {}, {
          activate: b.activate,
          dryRun: b.dryRun,
        }),
      );
      const created = !b.dryRun && result.changes.journey === 'created';
      return reply.code(created ? 201 : 200).send(result);
    },
  );
}
