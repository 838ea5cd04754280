import {
  enrollmentSchema,
  enrollmentTraceSchema,
  errorEnvelopeSchema,
  stepIdSchema,
  journeySettingsSchema,
  journeyStatsSchema,
  journeySummarySchema,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type {
  JourneyMigrations,
  JourneyReads,
  JourneyService,
  JourneySettingsStore,
} from '../../modules/journeys/index.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const idParams = idParamsUpTo(200);
const errors = adminErrors;

/**
 * Journeys at work (admin key): the workspace's sending rules (frequency budget, quiet hours,
 * default time zone), each journey's statistics per step, a profile's enrollments and one
 * enrollment's trace - every step with its time, outcome and reason.
 */
export function journeyRunRoutes(
  app: FastifyInstance,
  deps: {
    journeys: JourneyService;
    journeyReads: JourneyReads;
    journeyMigrations: JourneyMigrations;
    journeySettings: JourneySettingsStore;
    keys: KeyResolver;
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(deps.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['journeys'];

  r.get(
    '/api/v1/journey-settings',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Frequency budget, quiet hours and default time zone for journey messages',
        security,
        response: { 200: journeySettingsSchema, ...errors },
      },
    },
    async (request) => deps.journeySettings.get(principalOf(request).workspaceId),
  );

  r.put(
    '/api/v1/journey-settings',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Replace the journey sending rules (a field left out goes back to its default)',
        security,
        body: journeySettingsSchema,
        response: { 200: journeySettingsSchema, ...errors },
      },
    },
    async (request) => deps.journeySettings.put(principalOf(request).workspaceId, request.body),
  );

  r.get(
    '/api/v1/journey-stats',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Entered, converted, revenue and messages sent of every journey, in one read',
        security,
        response: { 200: z.object({ data: z.array(journeySummarySchema) }), ...errors },
      },
    },
    async (request) => ({
      data: await deps.journeyReads.summaries(principalOf(request).workspaceId),
    }),
  );

  r.get(
    '/api/v1/journeys/:id/stats',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Entered, waiting, each branch, sent, delayed, skipped, converted, revenue',
        security,
        params: idParams,
        response: { 200: journeyStatsSchema, ...errors },
      },
    },
    async (request) => {
      const journey = unwrap(
        await deps.journeys.get(principalOf(request).workspaceId, request.params.id),
      );
      const types = new Map(journey.definition.steps.map((s) => [s.id, s.type]));
      return deps.journeyReads.stats(journey.id, types);
    },
  );

  r.post(
    '/api/v1/journeys/:id/migrate',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Move running enrollments of an older version onto the active version',
        security,
        params: idParams,
        body: z.strictObject({
          from: z.number().int().min(1).max(1_000_000),
          map: z.record(stepIdSchema, stepIdSchema).optional(),
        }),
        response: {
          200: z.object({
            from: z.number().int(),
            to: z.number().int(),
            moved: z.number().int(),
            steps: z.array(z.object({ from: z.string(), to: z.string(), moved: z.number().int() })),
          }),
          ...errors,
          409: errorEnvelopeSchema,
        },
      },
    },
    async (request) => {
      const journey = unwrap(
        await deps.journeys.get(principalOf(request).workspaceId, request.params.id),
      );
      return unwrap(await deps.journeyMigrations.migrate(journey, request.body));
    },
  );

  r.get(
    '/api/v1/profiles/:id/journeys',
    {
      ...admin,
      schema: {
        tags,
        summary: "A profile's journey enrollments, newest first",
        security,
        params: idParamsUpTo(100),
        response: { 200: z.object({ data: z.array(enrollmentSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: await deps.journeyReads.ofProfile(principalOf(request).workspaceId, request.params.id),
    }),
  );

  r.get(
    '/api/v1/enrollments/:id/trace',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Why: each step of one enrollment with its time, outcome, reason and values',
        security,
        params: idParamsUpTo(100),
        response: { 200: enrollmentTraceSchema, ...errors },
      },
    },
    async (request) => {
      const trace = await deps.journeyReads.trace(
        principalOf(request).workspaceId,
        request.params.id,
      );
      if (!trace) throw AppError.of('not_found', `no enrollment ${request.params.id}`);
      return trace;
    },
  );
}
