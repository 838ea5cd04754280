import type { CustomField, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { expectRefused, raw, type Refusal } from './support/rejections.js';
import {
  ADMIN_KEY,
  WRITE_KEY,
  json,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

/** `:seed` stands for the id of a real profile of the default workspace. */
const routes: [method: string, path: string, body?: unknown][] = [
  ['GET', '/api/v1/profiles?email=seed@example.com'],
  ['GET', '/api/v1/profiles/:seed'],
  ['GET', '/api/v1/profiles/:seed/events?limit=5'],
  ['GET', '/api/v1/profiles/:seed/export'],
  ['DELETE', '/api/v1/profiles/:seed'],
  ['GET', '/api/v1/custom-fields'],
  ['POST', '/api/v1/custom-fields', { name: 'auth_probe', type: 'string' }],
  ['DELETE', '/api/v1/custom-fields/seed_field'],
  ['POST', '/api/v1/keys', { scope: 'admin', label: 'probe' }],
];
const keyings = [
  ['no key', undefined, 401, 'unauthorized'],
  ['an unknown Bearer key', 'Bearer cba_not_a_key_at_all', 401, 'unauthorized'],
  ['an unknown key as Basic', `Basic ${btoa('cba_not_a_key_at_all:')}`, 401, 'unauthorized'],
  ['a write key', `Bearer ${WRITE_KEY}`, 403, 'forbidden'],
  ['a write key as Basic', `Basic ${btoa(`${WRITE_KEY}:`)}`, 403, 'forbidden'],
] as const;
const authCases = routes.flatMap(([method, path, body]) =>
  keyings.map(([what, authorization, status, code]) => ({
    name: `${method} ${path}: ${what}`,
    method,
    path,
    body,
    authorization,
    status,
    code,
  })),
);

interface Case extends Refusal {
  name: string;
  method: string;
  path: string;
  /** A string is sent as is; undefined sends no body and no content-type. */
  body?: unknown;
}
const shown = (body: unknown) =>
  body === undefined ? '' : ` ${(JSON.stringify(body) ?? '').slice(0, 70)}`;
const invalid = (method: string, path: string, body: unknown, field: string): Case => ({
  name: `${method} ${path}${shown(body)} -> 400 ${field}`,
  method,
  path,
  body,
  status: 400,
  code: 'validation_failed',
  field,
});
const notFound = (method: string, path: string, mentions: string): Case => ({
  name: `${method} ${path} -> 404`,
  method,
  path,
  status: 404,
  code: 'not_found',
  mentions,
});
const field = (f: Record<string, unknown>, name: string) =>
  invalid('POST', '/api/v1/custom-fields', f, name);

const cases: Case[] = [
  // Without an identifier GET /profiles lists profiles (profile-list.test.ts); its paging is checked.
  invalid('GET', '/api/v1/profiles?limit=0', undefined, 'querystring.limit'),
  invalid('GET', '/api/v1/profiles?nickname=ana', undefined, 'querystring'),
  invalid('GET', '/api/v1/profiles?email=', undefined, 'querystring.email'),
  invalid('GET', '/api/v1/profiles?userId=', undefined, 'querystring.userId'),
  invalid(
    'GET',
    '/api/v1/profiles?email=a@example.com&email=b@example.com',
    undefined,
    'querystring.email',
  ),
  ...['limit=0', 'limit=abc', 'limit=1001', 'limit=2.5', 'cursor=abc', 'cursor=-1'].map((q) =>
    invalid(
      'GET',
      `/api/v1/profiles/:seed/events?${q}`,
      undefined,
      `querystring.${q.split('=')[0]}`,
    ),
  ),
  notFound('GET', '/api/v1/profiles/no-such-profile', 'no-such-profile'),
  notFound('GET', '/api/v1/profiles/no-such-profile/events', 'no-such-profile'),
  notFound('GET', '/api/v1/profiles/no-such-profile/export', 'no-such-profile'),
  notFound('DELETE', '/api/v1/profiles/no-such-profile', 'no-such-profile'),
  invalid('POST', '/api/v1/custom-fields', '{"name": "x", ', 'body'),
  invalid('POST', '/api/v1/custom-fields', '', 'body'),
  invalid('POST', '/api/v1/custom-fields', undefined, 'body'),
  invalid('POST', '/api/v1/custom-fields', '[]', 'body'),
  field({ name: 'Bad Name', type: 'string' }, 'name'),
  field({ name: '1st_order', type: 'string' }, 'name'),
  field({ name: 'a'.repeat(65), type: 'string' }, 'name'),
  field({ name: 5, type: 'string' }, 'name'),
  field({ type: 'string' }, 'name'),
  field({ name: 'tier', type: 'enum' }, 'values'),
  field({ name: 'tier', type: 'enum', values: [] }, 'values'),
  field({ name: 'tier', type: 'enum', values: ['gold', ''] }, 'values.1'),
  field({ name: 'tier', type: 'money' }, 'type'),
  field({ name: 'tier' }, 'type'),
  field({ name: 'tier', type: 'string', description: 'd'.repeat(501) }, 'description'),
  {
    name: 'POST /api/v1/custom-fields redeclaring a number as a string -> 409',
    method: 'POST',
    path: '/api/v1/custom-fields',
    body: { name: 'seed_field', type: 'string' },
    status: 409,
    code: 'conflict',
    field: 'name',
    mentions: 'seed_field',
  },
  {
    name: 'POST /api/v1/custom-fields redeclaring an enum with other values -> 409',
    method: 'POST',
    path: '/api/v1/custom-fields',
    body: { name: 'seed_tier', type: 'enum', values: ['gold'] },
    status: 409,
    code: 'conflict',
    field: 'name',
    mentions: 'seed_tier',
  },
  notFound('DELETE', '/api/v1/custom-fields/no_such_field', 'no_such_field'),
  invalid('POST', '/api/v1/keys', { scope: 'root' }, 'scope'),
  invalid('POST', '/api/v1/keys', { label: 'no scope' }, 'scope'),
  invalid('POST', '/api/v1/keys', { scope: 'write', label: 'l'.repeat(201) }, 'label'),
  invalid('POST', '/api/v1/keys', '{"scope": "write"', 'body'),
  invalid('POST', '/api/v1/keys', undefined, 'body'),
];

function send(
  t: TestServer,
  c: { method: string; path: string; body?: unknown },
  seed: string,
  authorization: string | undefined,
): Promise<Response> {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  return raw(t, c.path.replace(':seed', seed), {
    method: c.method,
    headers,
    ...(c.body === undefined
      ? {}
      : { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) }),
  });
}

async function byEmail(t: TestServer, email: string, key = ADMIN_KEY): Promise<Profile[]> {
  await t.settle();
  const res = await t.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`, { key });
  expect(res.status).toBe(200);
  return (await json<{ data: Profile[] }>(res)).data;
}

describe.each(engines)('bad admin input on %s', (engine) => {
  let t: TestServer;
  let seed: Profile;
  beforeAll(async () => {
    t = await startTestServer(engine);
    for (const f of [
      { name: 'seed_field', type: 'number' },
      { name: 'seed_tier', type: 'enum', values: ['gold', 'silver'] },
    ]) {
      expect((await t.api('/api/v1/custom-fields', { method: 'POST', body: f })).status).toBe(201);
    }
    await t.send('/v1/identify', {
      userId: 'seed-u',
      traits: { email: 'seed@example.com', first_name: 'Seed' },
    });
    await t.send('/v1/track', {
      userId: 'seed-u',
      event: 'Order Completed',
      properties: { order_id: 'seed-1', total: 25 },
    });
    [seed] = (await byEmail(t, 'seed@example.com')) as [Profile];
    expect(seed.computed.order_count).toBe(1);
  });
  afterAll(async () => t?.stop());

  it.each(authCases)('$name -> $status', async (c) => {
    await expectRefused(t, () => send(t, c, seed.id, c.authorization), {
      status: c.status,
      code: c.code,
      field: 'authorization',
    });
  });

  it.each(cases)('$name', async (c) => {
    await expectRefused(t, () => send(t, c, seed.id, `Bearer ${ADMIN_KEY}`), c);
  });

  it('keeps the declarations a refused redeclaration would have changed', async () => {
    const res = await t.api('/api/v1/custom-fields');
    const { data } = await json<{ data: CustomField[] }>(res);
    expect(data).toEqual([
      { name: 'seed_field', type: 'number' },
      { name: 'seed_tier', type: 'enum', values: ['gold', 'silver'] },
    ]);
    expect((await t.api(`/api/v1/profiles/${seed.id}`)).status).toBe(200);
  });
});
