import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { bearer, expectRefused, raw } from '../support/rejections.js';
import {
  ADMIN_KEY,
  WRITE_KEY,
  json,
  startTestServer,
  type TestServer,
} from '../support/test-server.js';

interface Connector {
  id: string;
  platform: string;
  webhookUrl: string;
  secret?: string;
  disabledAt: string | null;
  deliveries: { total: number; failed: number };
}

describe.each(engines)('connector admin API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { config: { publicUrl: 'https://cb.example.com' } });
  });
  afterAll(async () => t?.stop());

  const create = async (body: object) => {
    const res = await t.api('/api/v1/connectors', { method: 'POST', body });
    expect(res.status, await res.clone().text()).toBe(201);
    return json<Connector>(res);
  };

  it('creates a connector with a generated secret shown once and stored sealed', async () => {
    const c = await create({ platform: 'woocommerce', name: 'Woo shop' });
    expect(c.webhookUrl).toBe(`https://cb.example.com/webhooks/woocommerce/${c.id}`);
    expect(c.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const got = await json<Connector>(await t.api(`/api/v1/connectors/${c.id}`));
    expect(got.secret).toBeUndefined();
    expect(got.deliveries).toMatchObject({ total: 0, failed: 0 });
    const row = await t.server.services.database.db
      .selectFrom('connectors')
      .select('sealed_secret')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row.sealed_secret).not.toContain(c.secret ?? '');
    const list = await json<{ data: Connector[] }>(await t.api('/api/v1/connectors'));
    expect(list.data.map((x) => x.id)).toContain(c.id);
  });

  it('disables a connector: its webhooks are refused from then on', async () => {
    const c = await create({ platform: 'shopify', name: 'Shop', secret: 'shopify-app-secret-1' });
    expect((await t.api(`/api/v1/connectors/${c.id}`, { method: 'DELETE' })).status).toBe(204);
    const res = await fetch(`${t.url}/webhooks/shopify/${c.id}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(
      (await json<Connector>(await t.api(`/api/v1/connectors/${c.id}`))).disabledAt,
    ).not.toBeNull();
  });

  it("answers Adobe I/O Events' challenge for an Adobe Commerce connector only", async () => {
    const m = await create({ platform: 'magento', name: 'Magento' });
    const ok = await fetch(`${t.url}/webhooks/magento/${m.id}?challenge=abc123`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: 'abc123' });
    const s = await create({ platform: 'shopify', name: 'Other', secret: 'shopify-app-secret-2' });
    expect((await fetch(`${t.url}/webhooks/magento/${s.id}?challenge=x`)).status).toBe(404);
  });

  const bad = [
    {
      name: 'an unknown platform',
      body: { platform: 'bigcommerce', name: 'x' },
      field: /platform/,
    },
    { name: 'no name', body: { platform: 'shopify' }, field: /name/ },
    {
      name: 'a secret too short to be one',
      body: { platform: 'shopify', name: 'x', secret: 'abc' },
      field: /secret/,
    },
  ];
  it.each(bad)('refuses a connector with $name and stores nothing', async (c) => {
    await expectRefused(
      t,
      () =>
        raw(t, '/api/v1/connectors', {
          method: 'POST',
          body: JSON.stringify(c.body),
          headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' },
        }),
      { status: 400, code: 'validation_failed', field: c.field },
    );
  });

  it('keeps connectors to their workspace and to admin keys', async () => {
    expect(
      (await raw(t, '/api/v1/connectors', { method: 'GET', headers: bearer(WRITE_KEY) })).status,
    ).toBe(403);
    expect((await t.api('/api/v1/connectors/con_nope/deliveries')).status).toBe(404);
    expect(
      (await fetch(`${t.url}/webhooks/wix/con_nope`, { method: 'POST', body: '{}' })).status,
    ).toBe(404);
  });
});
