/**
 * Read-your-writes: `?consistent=true` on an admin read waits until every acknowledged event
 * is applied, so the README's quick start (write, then read) answers with the profile every
 * time instead of `{"data":[]}` while the processor lags.
 */
import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.each(engines)('consistent reads on %s, with no processor running', (engine) => {
  // No background processor: applying happens only when the test says so, which makes the
  // lag between acknowledgement and application as long as the test needs.
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { background: false });
  });
  afterAll(async () => t?.stop());

  it('holds a consistent read until the acknowledged write is applied, then answers with it', async () => {
    expect(
      (await t.send('/v1/identify', { userId: 'u-wait', traits: { email: 'wait@example.com' } }))
        .status,
    ).toBe(200);
    // A plain read does not wait: the event is acknowledged but not applied yet.
    const plain = await t.api('/api/v1/profiles?email=wait@example.com');
    expect((await json<{ data: Profile[] }>(plain)).data).toEqual([]);
    expect(plain.headers.get('comeback-consistency')).toBeNull();

    const pending = t.api('/api/v1/profiles?email=wait@example.com&consistent=true');
    await sleep(150);
    await t.server.services.processor.catchUp();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('comeback-consistency')).toBe('applied');
    const { data } = await json<{ data: Profile[] }>(res);
    expect(data.map((p) => p.traits.email)).toEqual(['wait@example.com']);
  });

  it('answers within the bound with a stale flag when nothing applies the events', async () => {
    await t.send('/v1/identify', { userId: 'u-stuck', traits: { email: 'stuck@example.com' } });
    const started = performance.now();
    const res = await t.api('/api/v1/profiles?email=stuck@example.com&consistent=true');
    const waited = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.headers.get('comeback-consistency')).toBe('stale');
    expect((await json<{ data: Profile[] }>(res)).data).toEqual([]);
    expect(waited).toBeGreaterThanOrEqual(4_900);
    expect(waited).toBeLessThan(8_000);
    await t.server.services.processor.catchUp();
  });

  it('refuses a consistent value other than true or false, naming the field', async () => {
    const res = await t.api('/api/v1/profiles?email=wait@example.com&consistent=yes');
    expect(res.status).toBe(400);
    const body = await json<{ error: { details: { field: string }[] } }>(res);
    expect(body.error.details[0]?.field).toBe('querystring.consistent');
  });

  it('does not hold a request without the admin key', async () => {
    await t.send('/v1/identify', { userId: 'u-anon', traits: { email: 'anon@example.com' } });
    const started = performance.now();
    const res = await t.api('/api/v1/profiles?email=anon@example.com&consistent=true', {
      key: 'cba_not_a_key_at_all_000000',
    });
    expect(res.status).toBe(401);
    expect(performance.now() - started).toBeLessThan(1_000);
    await t.server.services.processor.catchUp();
  });
});

describe.each(engines)('consistent reads on %s, with the processor running', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('sees every write made just before it (the quick start, 10 times over)', async () => {
    for (let i = 0; i < 10; i++) {
      const userId = `u-quick-${i}`;
      await t.send('/v1/identify', { userId, traits: { email: `quick-${i}@example.com` } });
      await t.send('/v1/track', {
        userId,
        event: 'Order Completed',
        properties: { order_id: `Q-${i}`, total: 10 + i, currency: 'USD' },
      });
      const res = await t.api(`/api/v1/profiles?userId=${userId}&consistent=true`);
      expect(res.headers.get('comeback-consistency')).toBe('applied');
      const [profile] = (await json<{ data: Profile[] }>(res)).data;
      expect(profile?.computed.order_count).toBe(1);
    }
  });
});
