import { backtestReportSchema, backtestRequestSchema } from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { JourneyService, JourneySettingsStore } from '../../modules/journeys/index.js';
import { JourneyBacktest } from '../../modules/journeys/backtest.js';
import type {
  ConsentService,
  MessagingService,
  TemplateService,
} from '../../modules/messaging/index.js';
import type { ProfileQueries } from '../../modules/profiles/index.js';
import type { SegmentService } from '../../modules/segments/index.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

/**
 * `POST /api/v1/journeys/:id/backtest` (admin key): the journey's draft replayed over the
 * stored events of the last `days` on a virtual clock, answered as a report. It only reads, so
 * a marketer can try a draft on real data as often as they like before activating it.
 */
export function journeyBacktestRoutes(
  app: FastifyInstance,
  deps: {
    database: Database;
    clock: Clock;
    keys: KeyResolver;
    journeys: JourneyService;
    journeySettings: JourneySettingsStore;
    messaging: MessagingService;
    consent: ConsentService;
    templates: TemplateService;
    profiles: ProfileQueries;
    segments: SegmentService;
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const backtest = new JourneyBacktest({
    database: deps.database,
    journeys: deps.journeys,
    settings: deps.journeySettings,
    messaging: deps.messaging,
    consent: deps.consent,
    templates: deps.templates,
    profiles: deps.profiles,
    conditionHolds: (w, p, c, at) => deps.segments.conditionHeld(w, p, c, at),
  });

  r.post(
    '/api/v1/journeys/:id/backtest',
    {
      onRequest: requireScope(deps.keys, 'admin'),
      schema: {
        tags: ['journeys'],
        summary: "Replay the last N days of events through the journey's draft; nothing is sent",
        security: [{ bearer: [] }],
        params: idParamsUpTo(200),
        body: backtestRequestSchema,
        response: { 200: backtestReportSchema, ...adminErrors },
      },
    },
    async (request) =>
      unwrap(
        await backtest.run(
          principalOf(request).workspaceId,
          request.params.id,
          request.body,
          deps.clock.now(),
        ),
      ),
  );
}
