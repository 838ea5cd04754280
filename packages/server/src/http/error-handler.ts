import type { ErrorDetail, ErrorEnvelope } from '@comeback/contracts';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, httpStatusOf, type Failure } from '../platform/errors.js';

export function sendFailure(reply: FastifyReply, failure: Failure, retryAfter?: number) {
  const body: ErrorEnvelope = { error: failure };
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  return reply.code(httpStatusOf[failure.code]).send(body);
}

const pathOf = (instancePath: string, context: string | undefined) => {
  const inner = instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  const root = context === 'body' || context === undefined ? '' : `${context}.`;
  return inner === '' ? (root === '' ? 'body' : root.slice(0, -1)) : `${root}${inner}`;
};

/**
 * The one place where failures become HTTP responses. Expected failures carry their code;
 * framework errors (bad JSON, oversized bodies) are translated; anything else is a bug: logged
 * with its stack, answered as a plain 500 without one.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError)
      return sendFailure(reply, error.failure, error.retryAfterSeconds);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details: ErrorDetail[] = error.validation.map((v) => ({
        field: pathOf(v.instancePath, error.validationContext),
        message: v.message ?? v.keyword,
      }));
      const first = details[0];
      return sendFailure(reply, {
        code: 'validation_failed',
        message: first ? `${first.field}: ${first.message}` : 'invalid request',
        details,
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 0;
      const kb = Math.round(limit / 1024);
      return sendFailure(reply, {
        code: 'payload_too_large',
        message: `request body is over the ${kb} KB limit of this endpoint`,
        details: [{ field: 'body', message: `limit is ${kb} KB (${limit} bytes)` }],
      });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendFailure(reply, {
        code: 'validation_failed',
        message: 'send the body as application/json',
        details: [{ field: 'content-type', message: 'must be application/json' }],
      });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Malformed JSON, empty bodies and the like.
      return sendFailure(reply, {
        code: 'validation_failed',
        message:
          error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'body is empty' : `body: ${error.message}`,
        details: [{ field: 'body', message: error.message }],
      });
    }
    if (error.code === '22021' || error.code === '22P05') {
      // PostgreSQL refused a character it cannot store (a NUL, invalid UTF-8) in an admin input.
      return sendFailure(reply, {
        code: 'validation_failed',
        message: 'the request contains a character that cannot be stored (NUL or invalid Unicode)',
        details: [{ field: 'body', message: error.message }],
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendFailure(reply, {
      code: 'internal',
      message: 'internal error; it has been logged',
      details: [],
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendFailure(reply, {
      code: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      details: [],
    }),
  );
}
