import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  overviewQuerySchema,
  overviewSchema,
  overviewWindow,
  readOverview,
} from '../../modules/overview/index.js';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors } from './admin-schemas.js';

/** The dashboard's overview (admin key): the store at a glance for a window of days. */
export function overviewRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'database' | 'clock' | 'keys'>,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/overview',
    {
      onRequest: requireScope(s.keys, 'admin'),
      schema: {
        tags: ['insights'],
        summary:
          'Messages sent, delivered, opened and clicked per channel and day, conversions and ' +
          'revenue per journey and day, the repeat-purchase funnel and churn risk',
        security: [{ bearer: [] }],
        querystring: overviewQuerySchema,
        response: { 200: overviewSchema, ...adminErrors },
      },
    },
    async (request) => {
      const window = unwrap(overviewWindow(request.query, s.clock.now()));
      return readOverview(s.database, principalOf(request).workspaceId, window);
    },
  );
}
