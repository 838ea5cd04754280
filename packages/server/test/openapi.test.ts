import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, type TestServer } from './support/test-server.js';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('OpenAPI at /docs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
  });
  afterAll(async () => t?.stop());

  it('documents every public endpoint from the same zod schemas that validate it', async () => {
    const res = await fetch(`${t.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = await json<OpenApiDoc>(res);
    expect(doc.openapi).toMatch(/^3\./);
    for (const type of ['track', 'identify', 'page', 'screen', 'alias', 'group', 'batch']) {
      const op = doc.paths[`/v1/${type}`]?.post;
      expect(op, `/v1/${type}`).toBeDefined();
      expect(op?.requestBody).toBeDefined();
      expect(op?.security).toEqual([{ basic: [] }, { bearer: [] }]);
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/profiles',
        '/api/v1/profiles/{id}',
        '/api/v1/profiles/{id}/events',
        '/api/v1/profiles/{id}/export',
        '/api/v1/custom-fields',
        '/api/v1/custom-fields/{name}',
        '/api/v1/keys',
        '/health',
      ]),
    );
    expect(doc.paths['/api/v1/profiles/{id}']?.delete).toBeDefined();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'basic',
      'bearer',
      'session',
    ]);
    // The track body schema requires the event name, as the validator does.
    const trackBody = JSON.stringify(doc.paths['/v1/track']?.post?.requestBody);
    expect(trackBody).toContain('"required":["event"]');
  });

  it('serves a browsable reference', async () => {
    const res = await fetch(`${t.url}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});
