import { errorEnvelopeSchema, storableText } from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Temporal } from '../../platform/duration.js';
import { AppError } from '../../platform/errors.js';
import { insertKey, generateKey } from '../../modules/workspaces/index.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';

/** Health, API keys and the test clock. */
export function opsRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'Liveness, database and processor lag' } },
    async () => {
      const [position, head] = await Promise.all([
        s.processor.position(),
        s.database.db
          .selectFrom('events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirst(),
      ]);
      const headSeq = Number(head?.seq ?? 0);
      const failed = await s.database.db
        .selectFrom('processor_failures')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      const oldest =
        headSeq > position
          ? await s.database.db
              .selectFrom('events')
              .select('received_at')
              .where('seq', '>', position)
              .orderBy('seq')
              .limit(1)
              .executeTakeFirst()
          : undefined;
      return {
        status: 'ok',
        database: s.database.dialect,
        role: s.config.role,
        clock: s.clock.kind,
        ingest: { pendingCommit: s.appendQueue.pending },
        processor: {
          position,
          head: headSeq,
          behindEvents: Math.max(0, headSeq - position),
          oldestUnappliedAgeMs: oldest ? Math.max(0, s.clock.now() - oldest.received_at) : 0,
          lagP50Ms: s.processorRunner.lag.percentile(50),
          lagP99Ms: s.processorRunner.lag.percentile(99),
          appliedSinceStart: s.processorRunner.applied,
          // Events that could not be applied and were skipped (see processor_failures).
          failedEvents: Number(failed?.n ?? 0),
        },
      };
    },
  );

  r.post(
    '/api/v1/keys',
    {
      onRequest: requireScope(s.keys, 'admin'),
      schema: {
        tags: ['workspace'],
        summary: 'Create an API key (the key is shown once)',
        security: [{ bearer: [] }],
        body: z.object({
          scope: z.enum(['write', 'admin']),
          label: storableText().max(200).optional(),
        }),
        response: {
          201: z.object({ id: z.string(), scope: z.enum(['write', 'admin']), key: z.string() }),
          400: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const created = await insertKey(s.database.db, {
        workspaceId: principalOf(request).workspaceId,
        scope: request.body.scope,
        key: generateKey(request.body.scope),
        now: s.clock.now(),
        ...(request.body.label !== undefined ? { label: request.body.label } : {}),
      });
      return reply.code(201).send({ id: created.id, scope: created.scope, key: created.key });
    },
  );

  const manual = s.manualClock;
  if (!manual) return;
  const admin = requireScope(s.keys, 'admin');
  // Under the admin API, and at the root as the contract names it; both need the admin key.
  for (const prefix of ['', '/api/v1']) {
    r.get(
      `${prefix}/clock`,
      {
        onRequest: admin,
        schema: {
          tags: ['test clock'],
          summary: 'The manual clock (COMEBACK_CLOCK=manual)',
          security: [{ bearer: [] }],
        },
      },
      async () => ({
        now: new Date(manual.now()).toISOString(),
      }),
    );
    r.post(
      `${prefix}/clock/advance`,
      {
        onRequest: admin,
        schema: {
          security: [{ bearer: [] }],
          tags: ['test clock'],
          summary: 'Advance the manual clock and run everything that falls due',
          body: z.object({
            by: z
              .string()
              .refine(Temporal.isValidDuration, 'must be an ISO-8601 duration such as P3D'),
          }),
        },
      },
      async (request) => {
        const ms = Temporal.durationToMs(request.body.by, manual.now());
        if (ms < 0)
          throw AppError.of('validation_failed', 'by: the clock only moves forward', [
            { field: 'by', message: 'negative duration' },
          ]);
        // Apply what was sent before the jump, then walk time forward timer by timer.
        await s.appendQueue.drain();
        await s.processor.catchUp();
        await s.jobs.advanceTo(manual, manual.now() + ms);
        await s.processor.catchUp();
        return { now: new Date(manual.now()).toISOString() };
      },
    );
  }
}
