import type { ErrorCode, ErrorEnvelope } from '@comeback/contracts';
import { expect } from 'vitest';
import type { TestServer } from './test-server.js';

/** Tables whose row counts must not move when a request is refused. */
const TABLES = [
  'events',
  'profiles',
  'identifiers',
  'profile_orders',
  'custom_fields',
  'api_keys',
  'workspaces',
  'erasures',
  'products',
  'product_variants',
  'catalog_events',
  'order_refunds',
  'order_fulfilments',
  'connectors',
  'webhook_deliveries',
] as const;

export type RowCounts = Record<(typeof TABLES)[number], number>;

/** Row counts of every table a request could write to, after the processor has caught up. */
export async function rowCounts(t: TestServer): Promise<RowCounts> {
  await t.settle();
  const db = t.server.services.database.db;
  const out = {} as RowCounts;
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

/** A raw request with full control over headers and body (no key unless given). */
export function raw(
  t: TestServer,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    method: init.method ?? 'POST',
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export interface Refusal {
  status: number;
  code: ErrorCode;
  /** A `details[].field` that must name the offending input (or match it). */
  field?: string | RegExp;
  /** Text the message must contain (a limit, an id, a field name). */
  mentions?: string;
}

const STACK_LIKE = /\n\s+at |"stack"|\.[cm]?[jt]s:\d+|node_modules|internal\//;

/** Asserts the exact error envelope of a refused request; returns it. */
export async function expectEnvelope(res: Response, want: Refusal): Promise<ErrorEnvelope> {
  const text = await res.text();
  expect(res.status, text).toBe(want.status);
  expect(res.headers.get('content-type') ?? '').toContain('application/json');
  expect(text).not.toMatch(STACK_LIKE);
  const body = JSON.parse(text) as ErrorEnvelope;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(body.error.code).toBe(want.code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(body.error.details)).toBe(true);
  for (const d of body.error.details) {
    expect(Object.keys(d).sort()).toEqual(['field', 'message']);
    expect(typeof d.field).toBe('string');
    expect(typeof d.message).toBe('string');
  }
  const fields = body.error.details.map((d) => d.field);
  const { field } = want;
  if (typeof field === 'string') expect(fields).toContain(field);
  if (field instanceof RegExp)
    expect(
      fields.some((f) => field.test(f)),
      fields.join(),
    ).toBe(true);
  if (want.mentions !== undefined) expect(body.error.message).toContain(want.mentions);
  expect(want.field !== undefined || want.mentions !== undefined).toBe(true);
  return body;
}

/** Sends a request that must be refused with `want`, and checks that nothing was stored. */
export async function expectRefused(
  t: TestServer,
  request: () => Promise<Response>,
  want: Refusal,
): Promise<ErrorEnvelope> {
  const before = await rowCounts(t);
  const envelope = await expectEnvelope(await request(), want);
  expect(await rowCounts(t)).toEqual(before);
  return envelope;
}
