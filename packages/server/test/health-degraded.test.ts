/**
 * /health on an `--role api` process: events acknowledged but applied by nobody (no worker
 * running) make it say `degraded` with the fix, instead of `ok` while profiles silently fall
 * behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSOR_STALL_MS } from '../src/http/routes/ops-routes.js';
import { ManualClock } from '../src/platform/clock.js';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

interface Health {
  status: string;
  problems?: string[];
  processor: { behindEvents: number; cursorMovedAt: string | null };
}

const health = async (t: TestServer) => json<Health>(await fetch(`${t.url}/health`));

describe.each(engines)('/health on an api-only process on %s', (engine) => {
  let t: TestServer;
  const clock = new ManualClock(Date.parse('2026-05-01T10:00:00Z'));
  beforeAll(async () => {
    t = await startTestServer(engine, { clock, config: { role: 'api' } });
  });
  afterAll(async () => t?.stop());

  it('is ok while nothing waits, and while events wait only briefly', async () => {
    expect((await health(t)).status).toBe('ok');
    await t.send('/v1/track', { userId: 'u-h', event: 'Product Viewed' });
    clock.advance(PROCESSOR_STALL_MS / 2);
    const h = await health(t);
    expect(h.status).toBe('ok');
    expect(h.processor.behindEvents).toBe(1);
  });

  it('is degraded, naming the fix, once events wait with a cursor that does not move', async () => {
    clock.advance(PROCESSOR_STALL_MS);
    const h = await health(t);
    expect(h.status).toBe('degraded');
    expect(h.problems?.[0]).toContain('--role worker');
  });

  it('is ok again once a worker applies them', async () => {
    // What a worker process does: apply the log and move the cursor (at the current time).
    await t.server.services.processor.catchUp();
    const h = await health(t);
    expect(h.status).toBe('ok');
    expect(h.processor.behindEvents).toBe(0);
    expect(h.processor.cursorMovedAt).toBe(new Date(clock.now()).toISOString());
    expect(h.problems).toBeUndefined();
  });
});
