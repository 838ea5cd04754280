/**
 * Error messages read cleanly: a bad time names the format it expects, on a single call and
 * inside a batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

interface ErrorBody {
  error: { code: string; message: string; details: { field: string; message: string }[] };
}

describe.each(engines)('error text on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('names the expected timestamp format', async () => {
    for (const [path, body, field] of [
      ['/v1/track', { userId: 'u', event: 'E', timestamp: '01/05/2026' }, 'timestamp'],
      ['/v1/identify', { userId: 'u', sentAt: 'yesterday' }, 'sentAt'],
      [
        '/v1/batch',
        {
          batch: [
            { type: 'track', userId: 'u', event: 'E', originalTimestamp: '2026-05-01 10:00' },
          ],
        },
        'batch.0.originalTimestamp',
      ],
    ] as const) {
      const res = await t.send(path, body);
      expect(res.status).toBe(400);
      const { error } = await json<ErrorBody>(res);
      expect(error.details[0]?.field).toBe(field);
      expect(error.details[0]?.message).toMatch(/ISO-8601 .*2026-05-01T10:00:00Z/);
      expect(error.message).toBe(`${field}: ${error.details[0]?.message}`);
    }
  });
});
