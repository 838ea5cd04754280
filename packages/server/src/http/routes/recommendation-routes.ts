import {
  fitOutcomeSchema,
  recommendationItemSchema,
  recommendationRunSchema,
  recommendationsQuerySchema,
  relatedQuerySchema,
  replenishmentItemSchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unwrap } from '../../platform/errors.js';
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
        summary: "A profile's replenishable products with due dates, soonest first",
        security,
        params: idParams,
        response: { 200: z.object({ data: z.array(replenishmentItemSchema) }), ...errors },
      },
    },
    async (request) => {
      const ws = principalOf(request).workspaceId;
      return { data: unwrap(await s.recommendations.replenishment(ws, request.params.id)) };
    },
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
          'Fit now, as the daily job does (skipped when no order, product, merge or erasure changed since the last fit, unless force)',
        security,
        querystring: z.object({ force: z.stringbool().default(false) }),
        response: { 200: fitOutcomeSchema, ...errors },
      },
    },
    async (request) =>
      s.recommendations.fit(principalOf(request).workspaceId, { force: request.query.force }),
  );
}
