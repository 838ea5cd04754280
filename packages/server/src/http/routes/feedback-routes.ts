import { errorEnvelopeSchema, storableText } from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  feedbackOf,
  MAX_REPORT_BYTES,
  parseDsn,
  type ReportedFeedback,
} from '../../modules/messaging/dsn-parser.js';
import type { Feedback } from '../../modules/messaging/feedback.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors } from './admin-schemas.js';

export interface FeedbackRouteDeps {
  feedback: Feedback;
  keys: KeyResolver;
  clock: Clock;
}

/** A JSON webhook carries a handful of reports; a batch over this is split by the caller. */
const MAX_BATCH = 100;

const reportSchema = z.strictObject({
  type: z.enum(['bounce', 'complaint', 'delivery']),
  recipient: storableText()
    .min(3)
    .max(320)
    .regex(/^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/, 'must be an email address'),
  messageId: storableText().min(1).max(500).optional(),
  permanent: z.boolean().optional(),
  reason: storableText().max(1000).optional(),
});
export const feedbackBodySchema = z.union([
  reportSchema,
  z.array(reportSchema).min(1).max(MAX_BATCH),
]);

const outcomeSchema = z.object({
  type: z.enum(['bounce', 'complaint', 'delivery']),
  recipient: z.string(),
  messageId: z.string().nullable(),
  suppressed: z.boolean(),
  statusRecorded: z.boolean(),
  event: z.enum(['Message Bounced', 'Message Complained', 'Message Delivered']),
});
export const feedbackAnswerSchema = z.object({
  recorded: z.array(outcomeSchema),
  skipped: z.array(z.object({ type: z.string(), recipient: z.string(), reason: z.string() })),
});
type FeedbackAnswer = z.infer<typeof feedbackAnswerSchema>;

/**
 * Bounces, complaints and delivery receipts after sending (admin key): a JSON webhook for
 * providers and relays, and the raw report mail (RFC 3464 DSN, RFC 5965 ARF) an MTA pipes
 * in. Both answer 202 with what was recorded, and skip (listing why) a report that names no
 * message of ours where one is needed (a delivery receipt).
 */
export function feedbackRoutes(app: FastifyInstance, deps: FeedbackRouteDeps): void {
  const admin = { onRequest: requireScope(deps.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['messages'];

  const recordAll = async (
    workspaceId: string,
    reports: ReportedFeedback[],
  ): Promise<FeedbackAnswer> => {
    const now = deps.clock.now();
    const answer: FeedbackAnswer = { recorded: [], skipped: [] };
    for (const report of reports) {
      const outcome = await deps.feedback.record(workspaceId, report, now);
      if (outcome.ok) answer.recorded.push(outcome.value);
      else
        answer.skipped.push({
          type: report.type,
          recipient: report.recipient,
          reason: outcome.error.message,
        });
    }
    return answer;
  };

  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/messaging/feedback',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Record bounces, complaints and delivery receipts (a provider or relay webhook)',
        security,
        body: feedbackBodySchema,
        response: { 202: feedbackAnswerSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const reports = (Array.isArray(body) ? body : [body]).map((r): ReportedFeedback => ({
        type: r.type,
        recipient: r.recipient,
        ...(r.messageId !== undefined ? { messageId: r.messageId } : {}),
        ...(r.permanent !== undefined ? { permanent: r.permanent } : {}),
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
      }));
      const answer = await recordAll(principalOf(request).workspaceId, reports);
      return reply.code(202).send(answer);
    },
  );

  // The raw report mail, in its own scope: only this route reads message/rfc822 bodies.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'message/rfc822',
      { parseAs: 'buffer', bodyLimit: MAX_REPORT_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/messaging/bounces',
      {
        ...admin,
        bodyLimit: MAX_REPORT_BYTES,
        schema: {
          tags,
          summary: 'Record a bounce (RFC 3464 DSN) or complaint (RFC 5965 ARF) mail',
          security,
          response: { 202: feedbackAnswerSchema, ...adminErrors, 413: errorEnvelopeSchema },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        if (!Buffer.isBuffer(body))
          throw AppError.of(
            'validation_failed',
            'send the report mail as the raw body with content-type message/rfc822',
            [{ field: 'content-type', message: 'must be message/rfc822' }],
          );
        const report = unwrap(await parseDsn(body));
        const answer = await recordAll(principalOf(request).workspaceId, feedbackOf(report));
        return reply.code(202).send(answer);
      },
    );
  });
}
