import { afterAll, beforeAll, describe, it } from 'vitest';
import { engines } from './support/engines.js';
import { bearer, expectRefused, raw, type Refusal } from './support/rejections.js';
import { ADMIN_KEY, startTestServer, type TestServer } from './support/test-server.js';

/**
 * Path parameters: the router must not answer on its own. A profile id is valid up to 200
 * characters (the route's schema), so a long but unknown id is a 404, a longer one a 400 naming
 * `params.id`, and a path that is not valid percent-encoding a 400 - all in the error envelope.
 */
const id = (n: number) => 'p'.repeat(n);
const cases: (Refusal & { name: string; method: string; path: string })[] = [
  ...[101, 200].flatMap((n) =>
    [
      ['GET', `/api/v1/profiles/${id(n)}`],
      ['GET', `/api/v1/profiles/${id(n)}/events`],
      ['GET', `/api/v1/profiles/${id(n)}/export`],
      ['DELETE', `/api/v1/profiles/${id(n)}`],
    ].map(([method = '', path = '']) => ({
      name: `${method} ${path.replace(id(n), `<id of ${n} characters>`)} -> 404`,
      method,
      path,
      status: 404,
      code: 'not_found' as const,
      mentions: id(n),
    })),
  ),
  {
    name: 'DELETE /api/v1/custom-fields/<name of 120 characters> -> 404',
    method: 'DELETE',
    path: `/api/v1/custom-fields/${'f'.repeat(120)}`,
    status: 404,
    code: 'not_found',
    mentions: 'f'.repeat(120),
  },
  ...['', '/events'].map((suffix) => ({
    name: `GET /api/v1/profiles/<id of 201 characters>${suffix} -> 400 params.id`,
    method: 'GET',
    path: `/api/v1/profiles/${id(201)}${suffix}`,
    status: 400,
    code: 'validation_failed' as const,
    field: 'params.id',
  })),
  ...[
    ['GET', '/api/v1/profiles/%E0%A4%A'],
    ['GET', '/api/v1/profiles/%zz/events'],
    ['DELETE', '/api/v1/custom-fields/%E0%A4%A'],
  ].map(([method = '', path = '']) => ({
    name: `${method} ${path} (bad percent-encoding) -> 400`,
    method,
    path,
    status: 400,
    code: 'validation_failed' as const,
    mentions: path.slice(path.indexOf('%'), path.indexOf('%') + 3),
  })),
];

describe.each(engines)('bad path parameters on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it.each(cases)('$name', async (c) => {
    await expectRefused(
      t,
      () => raw(t, c.path, { method: c.method, headers: bearer(ADMIN_KEY) }),
      c,
    );
  });
});
