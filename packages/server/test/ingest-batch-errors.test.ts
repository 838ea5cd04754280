/**
 * Every way a `/v1/batch` body can be refused, with the exact answer (status, message and every
 * detail): the batch fast path (a hand-written check in front of the zod schema, and calls
 * stored as sent) must answer exactly as the schema alone did. The expected envelopes were
 * recorded from the server before the fast path existed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { rowCounts } from './support/rejections.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { BATCH_ERROR_CASES } from './ingest-batch-error-cases.js';

describe.each(engines)('/v1/batch refusals, exactly as before the fast path, on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it.each(BATCH_ERROR_CASES)('$name', async ({ body, status, error }) => {
    const before = await rowCounts(t);
    const res = await t.send('/v1/batch', body);
    expect({ status: res.status, body: (await res.json()) as unknown }).toEqual({
      status,
      body: { error },
    });
    expect(await rowCounts(t)).toEqual(before);
  });
});
