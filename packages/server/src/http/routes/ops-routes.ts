import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Temporal } from '../../platform/duration.js';
import { AppError } from '../../platform/errors.js';
import { requireScope } from '../auth.js';
import type { Services } from '../services.js';

/**
 * Events waiting longer than this while the cursor has not moved for as long mean nothing is
 * applying them (an `--role api` process without a worker, or a stuck worker): /health says
 * `degraded`. A working processor moves the cursor within milliseconds, even under a backlog.
 */
export const PROCESSOR_STALL_MS = 30_000;

/** Health and the test clock (API keys: key-routes.ts). */
export function opsRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'Liveness, database and processor lag' } },
    async () => {
      const [position, head, cursor] = await Promise.all([
        s.processor.position(),
        s.database.db
          .selectFrom('events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirst(),
        s.database.db
          .selectFrom('processor_cursors')
          .select((eb) => eb.fn.max('updated_at').as('at'))
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
      const now = s.clock.now();
      const oldestUnappliedAgeMs = oldest ? Math.max(0, now - oldest.received_at) : 0;
      const cursorMovedAt =
        cursor?.at === null || cursor?.at === undefined ? null : Number(cursor.at);
      const stalled =
        oldestUnappliedAgeMs > PROCESSOR_STALL_MS &&
        (cursorMovedAt === null || now - cursorMovedAt > PROCESSOR_STALL_MS);
      return {
        status: stalled ? 'degraded' : 'ok',
        ...(stalled
          ? {
              problems: [
                s.config.role === 'api'
                  ? 'events are waiting unapplied and the processor cursor has not moved: this process has --role api; start a --role worker process'
                  : 'events are waiting unapplied and the processor cursor has not moved: the processor is stuck or stopped (see the log)',
              ],
            }
          : {}),
        database: s.database.dialect,
        role: s.config.role,
        clock: s.clock.kind,
        ingest: { pendingCommit: s.appendQueue.pending },
        processor: {
          position,
          head: headSeq,
          behindEvents: Math.max(0, headSeq - position),
          oldestUnappliedAgeMs,
          cursorMovedAt: cursorMovedAt === null ? null : new Date(cursorMovedAt).toISOString(),
          lagP50Ms: s.processorRunner.lag.percentile(50),
          lagP99Ms: s.processorRunner.lag.percentile(99),
          appliedSinceStart: s.processorRunner.applied,
          // Events that could not be applied and were skipped (see processor_failures).
          failedEvents: Number(failed?.n ?? 0),
        },
      };
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
        const target = manual.now() + ms;
        // Consent carried by the applied events first, then journeys, then what falls due.
        const settle = async () => {
          await s.processor.catchUp();
          await s.consentFollower.drain();
          await s.journeyEngine.run();
          await s.sender.drain();
        };
        // Apply what was sent before the jump, then walk time forward timer by timer: each
        // journey timer runs at its own instant (a wait's end, quiet hours' end), like jobs.
        await s.appendQueue.drain();
        await settle();
        for (;;) {
          const due = await s.journeyEngine.nextDueAt();
          if (due === null || due > target) break;
          await s.jobs.advanceTo(manual, Math.max(due, manual.now()));
          await settle();
          if ((await s.journeyEngine.nextDueAt()) === due && due <= manual.now()) break;
        }
        await s.jobs.advanceTo(manual, target);
        await settle();
        await s.webhookDispatcher.drain();
        return { now: new Date(manual.now()).toISOString() };
      },
    );
  }
}
