import {
  nonProductPageSchema,
  nonProductsQuerySchema,
  recommendationFitSchema,
  recommendationItemSchema,
  recommendationRunSchema,
  recommendationsQuerySchema,
  relatedQuerySchema,
  replenishmentPageSchema,
  replenishmentQuerySchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const idParams = idParamsUpTo(256);
const errors = adminErrors;
const items = z.object({ data: z.array(recommendationItemSchema) });

/** Recommendations, related products, replenishment due dates, and the fits behind them. */
export function recommendationRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];

  r.get(
    '/api/v1/profiles/:id/recommendations',
    {
      ...admin,
      schema: {
        tags: ['profiles', 'insights'],
        summary:
          'Products to recommend to a profile (strategy default: blend), never what they bought ' +
          '(unless consumable and due), removed from the cart, inactive or out of stock',
        security,
        params: idParams,
        querystring: recommendationsQuerySchema,
        response: { 200: items, ...errors },
      },
    },
    async (request) => {
      const { strategy, limit } = request.query;
      const ws = principalOf(request).workspaceId;
      return {
        data: unwrap(await s.recommendations.forProfile(ws, request.params.id, strategy, limit)),
      };
    },
  );

  r.get(
    '/api/v1/products/:id/related',
    {
      ...admin,
      schema: {
        tags: ['catalog', 'insights'],
        summary:
          'Products related to one product (bought together, also bought, same or complementary category)',
        security,
        params: idParams,
        querystring: relatedQuerySchema,
        response: { 200: items, ...errors },
      },
    },
    async (request) => {
      const { strategy, limit } = request.query;
      const ws = principalOf(request).workspaceId;
      return {
        data: unwrap(await s.recommendations.related(ws, request.params.id, strategy, limit)),
      };
    },
  );

  r.get(
    '/api/v1/profiles/:id/replenishment',
    {
      ...admin,
      schema: {
        tags: ['profiles', 'insights'],
        summary:
          "A profile's replenishable products with due dates: still due (soonest first) or lapsed (list=lapsed), a page at a time",
        security,
        params: idParams,
        querystring: replenishmentQuerySchema,
        response: { 200: replenishmentPageSchema, ...errors },
      },
    },
    async (request) => {
      const ws = principalOf(request).workspaceId;
      return unwrap(await s.recommendations.replenishment(ws, request.params.id, request.query));
    },
  );

  r.get(
    '/api/v1/recommendations/non-products',
    {
      ...admin,
      schema: {
        tags: ['insights', 'catalog'],
        summary:
          'What is never recommended as not merchandise (postage, fees, adjustments), with why: ' +
          "the catalog's non_product flag or a learned rule; most orders first, a page at a time",
        security,
        querystring: nonProductsQuerySchema,
        response: { 200: nonProductPageSchema, ...errors },
      },
    },
    async (request) =>
      s.recommendations.nonProducts(principalOf(request).workspaceId, request.query),
  );

  r.get(
    '/api/v1/insights/recommendations',
    {
      ...admin,
      schema: {
        tags: ['insights'],
        summary:
          'The latest fits of the recommendation, replenishment and life-stage models: when, on how much data, with which parameters',
        security,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(300).default(30) }),
        response: { 200: z.object({ data: z.array(recommendationRunSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: await s.recommendations.runs(principalOf(request).workspaceId, request.query.limit),
    }),
  );

  r.post(
    '/api/v1/insights/recommendations/fit',
    {
      ...admin,
      schema: {
        tags: ['insights'],
        summary:
          'Queue a fit, as the daily job does (skipped when no order, product, merge or erasure changed since the last fit, unless force); 202 with the fit, followed at its Location',
        security,
        querystring: z.object({ force: z.stringbool().default(false) }),
        response: { 202: recommendationFitSchema, ...errors },
      },
    },
    async (request, reply) => {
      const ws = principalOf(request).workspaceId;
      const fit = await s.recommendations.requestFit(ws, { force: request.query.force });
      // A worker runs it; in a process that is one, start now rather than at the next poll.
      if (s.config.role !== 'api') {
        s.jobs
          .runDue()
          .catch((error: unknown) => s.logger.error({ err: error }, 'recommendation fit job'));
      }
      void reply.header('location', `/api/v1/insights/recommendations/fits/${fit.id}`);
      return reply.code(202).send(fit);
    },
  );

  r.get(
    '/api/v1/insights/recommendations/fits/:id',
    {
      ...admin,
      schema: {
        tags: ['insights'],
        summary:
          'A requested fit: queued, running (with progress and stage), succeeded (with what it ' +
          'wrote) or failed (with the error)',
        security,
        params: z.object({ id: z.string().regex(/^[0-9]{1,15}$/, 'expected a fit id (digits)') }),
        response: { 200: recommendationFitSchema, ...errors },
      },
    },
    async (request) => {
      const ws = principalOf(request).workspaceId;
      const fit = await s.recommendations.fitStatus(ws, Number(request.params.id));
      if (!fit) throw AppError.of('not_found', `no recommendation fit ${request.params.id}`);
      return fit;
    },
  );
}
