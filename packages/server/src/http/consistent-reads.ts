import type { FastifyInstance } from 'fastify';
import { isRecord } from '../platform/json.js';
import { sendFailure } from './error-handler.js';
import type { Services } from './services.js';

/** The header that says whether a `?consistent=true` read saw every acknowledged write. */
export const CONSISTENCY_HEADER = 'comeback-consistency';

/**
 * `?consistent=true` on any admin read (GET under /api/v1): before the route runs, wait until
 * every event acknowledged so far is applied to profiles (bounded, see AppliedWait), so a read
 * right after a write sees it. The answer carries `Comeback-Consistency: applied`, or `stale`
 * when the bound passed first (a large backlog, or no worker applying events). Registered as a
 * preValidation hook: the route's own onRequest has checked the admin key by then, so an
 * unauthenticated caller cannot make the server hold requests.
 */
export function installConsistentReads(app: FastifyInstance, s: Services): void {
  app.addHook('preValidation', async (request, reply) => {
    if (request.method !== 'GET' || !request.url.startsWith('/api/v1/')) return;
    const raw = isRecord(request.query) ? request.query.consistent : undefined;
    if (raw === undefined || raw === 'false') return;
    if (raw !== 'true') {
      return sendFailure(reply, {
        code: 'validation_failed',
        message: 'querystring.consistent: must be true or false',
        details: [{ field: 'querystring.consistent', message: 'must be true or false' }],
      });
    }
    const applied = await s.appliedWait.untilHeadApplied();
    void reply.header(CONSISTENCY_HEADER, applied ? 'applied' : 'stale');
  });
}
