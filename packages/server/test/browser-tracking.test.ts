import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, WRITE_KEY, type TestServer } from './support/test-server.js';

/** What a storefront's browser does: cross-origin, text/plain, the write key in the body. */
describe('tracking from a storefront in the browser', () => {
  let t: TestServer;
  const origin = 'https://shop.example.com';
  beforeAll(async () => {
    t = await startTestServer('sqlite');
  });
  afterAll(async () => t?.stop());

  it('answers the CORS preflight for the tracking API only', async () => {
    const preflight = await fetch(`${t.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const admin = await fetch(`${t.url}/api/v1/profiles`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET' },
    });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts the write key in a text/plain body and never stores it', async () => {
    const res = await fetch(`${t.url}/v1/track`, {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain' },
      body: JSON.stringify({
        writeKey: WRITE_KEY,
        anonymousId: 'browser-1',
        messageId: 'browser-msg-1',
        event: 'Product Viewed',
        properties: { product_id: 'p-9' },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const batch = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain' },
      body: JSON.stringify({
        writeKey: WRITE_KEY,
        batch: [{ type: 'identify', anonymousId: 'browser-1', traits: { email: 'b@example.com' } }],
      }),
    });
    expect(batch.status).toBe(200);
    await t.settle();
    const [p] = (
      await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?email=b@example.com'))
    ).data;
    expect(p?.computed.last_product_viewed).toBe('p-9');
    const rows = await t.server.services.database.db
      .selectFrom('events')
      .select('payload')
      .execute();
    expect(JSON.stringify(rows)).not.toContain(WRITE_KEY);
  });

  it('refuses a wrong key in the body like a wrong header', async () => {
    const res = await fetch(`${t.url}/v1/track`, {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain' },
      body: JSON.stringify({ writeKey: 'cbw_nope', anonymousId: 'x', event: 'E' }),
    });
    expect(res.status).toBe(401);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('unauthorized');
  });
});
