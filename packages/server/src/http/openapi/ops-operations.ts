import { z } from 'zod';
import type { Catalogue, OperationDoc } from './catalogue-types.js';
import { at } from './examples.js';
import {
  adminKeyProblems,
  answer,
  answers,
  error,
  invalid,
  jsonSchemaOf,
  missing,
} from './responses.js';

const healthSchema = jsonSchemaOf(
  z.object({
    status: z
      .enum(['ok', 'degraded'])
      .describe('`degraded`: events wait unapplied and nothing is applying them (see `problems`)'),
    problems: z.array(z.string()).optional().describe('what is wrong and what to do, if degraded'),
    database: z.enum(['sqlite', 'postgres']),
    role: z.enum(['all', 'api', 'worker']),
    clock: z.enum(['system', 'manual']),
    ingest: z.object({
      pendingCommit: z.number().describe('events received and waiting to be committed'),
    }),
    processor: z.object({
      position: z.number().describe('the last event applied to profiles'),
      head: z.number().describe('the last event stored'),
      behindEvents: z.number(),
      oldestUnappliedAgeMs: z.number(),
      cursorMovedAt: z.string().nullable().describe('when the processor last moved forward'),
      lagP50Ms: z.number().nullable().describe('null until events were applied since start'),
      lagP99Ms: z.number().nullable(),
      appliedSinceStart: z.number(),
      failedEvents: z.number().describe('events that could not be applied and were skipped'),
    }),
  }),
);

const health = {
  status: 'ok',
  database: 'postgres',
  role: 'all',
  clock: 'system',
  ingest: { pendingCommit: 0 },
  processor: {
    position: 205339,
    head: 205341,
    behindEvents: 2,
    oldestUnappliedAgeMs: 12,
    cursorMovedAt: '2026-05-04T09:29:59.988Z',
    lagP50Ms: 18,
    lagP99Ms: 96,
    appliedSinceStart: 48211,
    failedEvents: 0,
  },
};

const clockSchema = jsonSchemaOf(z.object({ now: z.string() }));
const clockNote =
  'Only with `COMEBACK_CLOCK=manual` (tests and demos; never in production): the routes do ' +
  'not exist otherwise.';
const clock: OperationDoc = {
  description: `The manual clock's current time. ${clockNote}`,
  responses: {
    200: {
      ...answer('The current time of the manual clock.', { now: at.now }),
      schema: clockSchema,
    },
    ...adminKeyProblems,
  },
};
const advance: OperationDoc = {
  description:
    'Moves the manual clock forward by an ISO-8601 duration: events sent before are applied ' +
    `first, then every timer and job that falls due runs in order. ${clockNote}`,
  request: { example: { by: 'P3D' } },
  responses: {
    200: {
      ...answer('The time after the jump.', { now: '2026-05-07T09:30:00.000Z' }),
      schema: clockSchema,
    },
    400: invalid('Not an ISO-8601 duration', 'by', 'must be an ISO-8601 duration such as P3D'),
    ...adminKeyProblems,
  },
};

const adminKey = {
  id: '5d0c7a8e-1f2b-4c3d-9e4f-a5b6c7d8e9f0',
  scope: 'admin',
  prefix: 'cba_Q2xh',
  label: null,
  origin: 'start',
  createdAt: '2026-02-20T09:58:00.000Z',
  lastUsedAt: at.now,
  revokedAt: null,
};

/** A write key as the key list shows it (the revoke example is the same key, revoked). */
const storefrontKey = {
  id: 'b419d59e-8254-4451-8d30-d88aaedd9496',
  scope: 'write',
  prefix: 'cbw_aez4',
  label: 'storefront',
  origin: 'api',
  createdAt: '2026-03-01T12:00:00.000Z',
  lastUsedAt: '2026-05-04T09:29:58.000Z',
  revokedAt: null,
  current: false,
};

/** Health, API keys and the test clock. */
export const opsOperations: Catalogue = {
  'GET /health': {
    description:
      'Liveness and processing state, without a key: the database, how far the processor is ' +
      'behind the stored events (and for how long), processing lag percentiles, and events ' +
      'that could not be applied. For load balancers and monitoring.',
    responses: {
      200: {
        ...answers('The server is up (`degraded` says events are not being applied).', [
          { summary: 'Healthy', value: health },
          {
            summary: 'An `--role api` process with no worker running',
            value: {
              ...health,
              status: 'degraded',
              problems: [
                'events are waiting unapplied and the processor cursor has not moved: this process has --role api; start a --role worker process',
              ],
              role: 'api',
              processor: {
                ...health.processor,
                behindEvents: 1840,
                oldestUnappliedAgeMs: 95_000,
                cursorMovedAt: '2026-05-04T09:28:25.000Z',
                lagP50Ms: null,
                lagP99Ms: null,
                appliedSinceStart: 0,
              },
            },
          },
        ]),
        schema: healthSchema,
      },
    },
  },
  'POST /api/v1/keys': {
    description:
      'Creates an API key in this workspace: `write` for tracking (public by design, fine in ' +
      'a storefront), `admin` for this API (keep it on the server). The key is shown only in ' +
      'this answer; only its hash is stored.',
    request: { example: { scope: 'write', label: 'storefront' } },
    responses: {
      201: answer('The new key, shown once.', {
        id: 'b419d59e-8254-4451-8d30-d88aaedd9496',
        scope: 'write',
        key: 'cbw_aez4PIhvbJl344isQdf8pk0oRXV7nsRl',
      }),
      400: invalid('An unknown scope', 'scope', 'Invalid option: expected one of "write"|"admin"'),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/keys': {
    description:
      'The keys of this workspace, active and revoked: id, scope, the first characters of the ' +
      'key (never the key itself), label, where it came from, when it was created, last used ' +
      'and revoked. `current` marks the key of this request.',
    responses: {
      200: answer('The keys.', {
        data: [{ ...adminKey, current: true }, storefrontKey],
      }),
      ...adminKeyProblems,
    },
  },
  'DELETE /api/v1/keys/{id}': {
    description:
      'Revokes a key: it answers 401 from now on (at once on this server process, within 5 ' +
      'seconds on the others). Revoking a revoked key changes nothing. The last active admin ' +
      'key cannot be revoked: create another first.',
    parameters: { id: 'b419d59e-8254-4451-8d30-d88aaedd9496' },
    responses: {
      200: answer('The key, revoked.', { ...storefrontKey, revokedAt: at.now }),
      400: invalid(
        'An id over 64 characters',
        'params.id',
        'Too big: expected string to have <=64 characters',
      ),
      ...adminKeyProblems,
      404: missing(
        'No key with this id in this workspace',
        'no key b419d59e-8254-4451-8d30-d88aaedd9496 in this workspace',
        'id',
      ),
      409: error('conflict', 'The last active admin key of the workspace.', [
        {
          summary: 'The last admin key',
          message:
            'this is the last active admin key of the workspace: create another admin key first ' +
            '(POST /api/v1/keys), then revoke this one',
          details: [{ field: 'id', message: 'the last active admin key cannot be revoked' }],
        },
      ]),
    },
  },
  'GET /clock': clock,
  'GET /api/v1/clock': clock,
  'POST /clock/advance': advance,
  'POST /api/v1/clock/advance': advance,
};
