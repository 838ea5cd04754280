import type { ErrorCode, ErrorDetail } from '@comeback/contracts';
import { z } from 'zod';
import { httpStatusOf } from '../../platform/errors.js';
import type { Example, JsonSchema, ResponseDoc } from './catalogue-types.js';

/** A zod schema as an OpenAPI 3.0 schema object, for answers no route schema describes. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const converted: JsonSchema = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
  });
  // The dialect marker is not part of an OpenAPI 3.0 schema object.
  delete converted.$schema;
  return converted;
}

/** A success answer with one example. */
export function answer(description: string, value: unknown, summary = 'Example'): ResponseDoc {
  return { description, examples: [{ summary, value }] };
}

/** A success answer with several named examples. */
export function answers(description: string, examples: Example[]): ResponseDoc {
  return { description, examples };
}

export function noContent(description: string): ResponseDoc {
  return { description, examples: [] };
}

/** An error example in the one envelope every failure uses. */
export function failure(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
  return { error: { code, message, details } };
}

/**
 * An error answer: its status follows from the code (see `httpStatusOf`), each example is one
 * way to get it. Filed by the caller under `statusOf(code)`.
 */
export function error(
  code: ErrorCode,
  description: string,
  examples: { summary: string; message: string; details?: ErrorDetail[] }[],
): ResponseDoc {
  return {
    description,
    errorCode: code,
    examples: examples.map((e) => ({
      summary: e.summary,
      value: failure(code, e.message, e.details ?? []),
    })),
  };
}

export const statusOf = (code: ErrorCode): number => httpStatusOf[code];

/** 400 with one example: `field` named in the message and in `details`. */
export function invalid(summary: string, field: string, problem: string): ResponseDoc {
  return error('validation_failed', 'The request is invalid; `details` names each field.', [
    { summary, message: `${field}: ${problem}`, details: [{ field, message: problem }] },
  ]);
}

/** 404 with one example. */
export function missing(summary: string, message: string, field?: string): ResponseDoc {
  return error('not_found', summary, [
    {
      summary,
      message,
      ...(field !== undefined ? { details: [{ field, message: 'not found' }] } : {}),
    },
  ]);
}

const keyProblems = (scope: 'write' | 'admin') => ({
  401: error('unauthorized', `The ${scope} key is missing, unknown or revoked.`, [
    {
      summary: 'No key sent',
      message: 'missing key: send Authorization: Bearer <key> (or Basic with the key as user)',
      details: [{ field: 'authorization', message: 'missing or malformed' }],
    },
    {
      summary: 'Unknown or revoked key',
      message: 'unknown or revoked key',
      details: [{ field: 'authorization', message: 'unknown or revoked key' }],
    },
  ]),
  403: error('forbidden', `A key of the other scope was sent: this needs a ${scope} key.`, [
    {
      summary: `Not a ${scope} key`,
      message:
        scope === 'admin'
          ? 'this endpoint needs an admin key; a write key was sent'
          : 'this endpoint needs a write key; an admin key was sent',
      details: [{ field: 'authorization', message: `needs scope ${scope}` }],
    },
  ]),
});

/** The 401 and 403 of every admin operation (`Authorization: Bearer <admin key>`). */
export const adminKeyProblems = keyProblems('admin');
/** The 401 and 403 of every tracking call (write key, Basic or Bearer, or `writeKey`). */
export const writeKeyProblems = keyProblems('write');
