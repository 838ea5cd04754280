import {
  customerValueFitSchema,
  customerValueStatusSchema,
  errorEnvelopeSchema,
  predictionExplanationSchema,
  storableText,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';

const errors = { 401: errorEnvelopeSchema, 403: errorEnvelopeSchema };

/**
 * Customer value and churn: the last fit, requesting a fit (answered at once, run by a job) and
 * following its progress, and a prediction explained.
 */
export function customerValueRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];

  r.get(
    '/api/v1/insights/customer-value',
    {
      ...admin,
      schema: {
        tags: ['insights'],
        summary:
          'Customer value and churn: the last fit (when, on how much data, method, parameters, ' +
          'log-likelihood), the churn thresholds and the minimum data for the models',
        security,
        response: { 200: customerValueStatusSchema, ...errors },
      },
    },
    async (request) => s.customerValue.status(principalOf(request).workspaceId),
  );

  r.post(
    '/api/v1/insights/customer-value/fit',
    {
      ...admin,
      schema: {
        tags: ['insights'],
        summary:
          'Request a fit of the customer-value models (as the daily job does): answers 202 at ' +
          'once with the fit, queued, followed at its Location (GET .../fits/{id})',
        security,
        response: { 202: customerValueFitSchema, ...errors },
      },
    },
    async (request, reply) => {
      const fit = await s.customerValue.requestFit(principalOf(request).workspaceId);
      // A worker runs it; in a process that is one, start now rather than at the next poll.
      if (s.config.role !== 'api') {
        s.jobs
          .runDue()
          .catch((error: unknown) => s.logger.error({ err: error }, 'customer-value fit job'));
      }
      void reply.header('location', `/api/v1/insights/customer-value/fits/${fit.id}`);
      return reply.code(202).send(fit);
    },
  );

  r.get(
    '/api/v1/insights/customer-value/fits/:id',
    {
      ...admin,
      schema: {
        tags: ['insights'],
        summary:
          'A requested fit: queued, running (with progress and stage), succeeded (with its run) ' +
          'or failed (with the error)',
        security,
        params: z.object({ id: z.string().regex(/^[0-9]{1,15}$/, 'expected a fit id (digits)') }),
        response: {
          200: customerValueFitSchema,
          ...errors,
          400: errorEnvelopeSchema,
          404: errorEnvelopeSchema,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const fit = await s.customerValue.fitStatus(workspaceId, Number(request.params.id));
      if (!fit) throw AppError.of('not_found', `no customer-value fit ${request.params.id}`);
      return fit;
    },
  );

  r.get(
    '/api/v1/profiles/:id/predictions/explain',
    {
      ...admin,
      schema: {
        tags: ['profiles', 'insights'],
        summary:
          "A profile's predictions worked out: its x, t_x, T and monetary value, the fitted " +
          'parameters, the thresholds and every formula with its intermediate numbers',
        security,
        params: z.object({ id: storableText().min(1).max(200) }),
        response: {
          200: predictionExplanationSchema,
          ...errors,
          400: errorEnvelopeSchema,
          404: errorEnvelopeSchema,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      // A merged-away id answers with the survivor, as the profile itself does.
      const profile = unwrap(await s.profiles.get(workspaceId, request.params.id));
      const explanation = await s.customerValue.explain(workspaceId, profile.id);
      if (!explanation) {
        throw AppError.of(
          'not_found',
          `profile ${request.params.id} has no predictions yet: it has no counted order, or ` +
            'customer value has not been fitted since its first order',
        );
      }
      return explanation;
    },
  );
}
