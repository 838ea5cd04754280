import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();
const historyQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(366).default(30),
  consistent: z.enum(['true', 'false']).optional(),
});
const changeSchema = z.object({
  profileId: z.string(),
  kind: z.enum(['entered', 'exited']),
  at: z.string(),
  cause: z.string(),
});

/**
 * Stored membership, as the processor keeps it (ADR 0018): a segment's size day by day with its
 * entries and exits (for charts), and the segments a profile is in with since-when and why.
 */
export function segmentMembershipRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];

  r.get(
    '/api/v1/segments/:id/history',
    {
      ...admin,
      schema: {
        tags: ['segments'],
        summary: "A segment's size per day with its entries and exits, and the latest changes",
        security,
        params: idParamsUpTo(100),
        querystring: historyQuerySchema,
        response: {
          200: z.object({
            size: z.number(),
            days: z.array(
              z.object({
                date: z.string(),
                size: z.number(),
                entered: z.number(),
                exited: z.number(),
              }),
            ),
            recent: z.array(changeSchema),
          }),
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const segment = unwrap(await s.segments.get(workspaceId, request.params.id));
      const view = await s.segmentHistory.history(segment.id, {
        days: request.query.days,
        now: s.clock.now(),
        recent: 50,
      });
      return { ...view, recent: view.recent.map((c) => ({ ...c, at: iso(c.at) })) };
    },
  );

  r.get(
    '/api/v1/profiles/:id/segments',
    {
      ...admin,
      schema: {
        tags: ['profiles', 'segments'],
        summary: 'The segments a profile is in, since when and why',
        security,
        params: idParamsUpTo(200),
        response: {
          200: z.object({
            data: z.array(
              z.object({
                segmentId: z.string(),
                name: z.string(),
                since: z.string(),
                cause: z.string(),
              }),
            ),
          }),
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const profile = unwrap(await s.profiles.get(workspaceId, request.params.id));
      const data = await s.segmentHistory.membershipsOf(workspaceId, profile.id);
      return { data: data.map((m) => ({ ...m, since: iso(m.since) })) };
    },
  );
}
