import type { SessionInfo } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import {
  OWNER_EMAIL,
  OWNER_PASSWORD,
  json,
  startTestServer,
  type TestServer,
} from '../support/test-server.js';
import { addUser, errorOf, login, sessionCookieOf, signIn } from './session-client.js';

describe.each(engines)('signing in and out of the dashboard on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('signs the first owner in and sets an HttpOnly, SameSite=Strict cookie', async () => {
    const res = await login(t, OWNER_EMAIL.toUpperCase(), OWNER_PASSWORD);
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('comeback_session=')) ?? '';
    expect(set).toMatch(/; HttpOnly/i);
    expect(set).toMatch(/; SameSite=Strict/i);
    expect(set).toMatch(/; Path=\//);
    expect(set).toMatch(/; Max-Age=604800/);
    // COMEBACK_PUBLIC_URL is not https here.
    expect(set).not.toMatch(/; Secure/i);
    const info = await json<SessionInfo>(res);
    expect(info.user).toMatchObject({ email: OWNER_EMAIL, locale: 'en' });
    expect(info.workspaces).toEqual([
      { id: 'default', name: 'Default store', role: 'owner', currency: 'USD' },
    ]);
    expect(info.csrfToken.length).toBeGreaterThanOrEqual(32);
    // The token is stored hashed only.
    const token = sessionCookieOf(res).split('=')[1] ?? '';
    const rows = await t.server.services.database.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await login(t, OWNER_EMAIL, 'not-the-password-at-all');
    const unknown = await login(t, 'nobody@example.com', 'not-the-password-at-all');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect(await errorOf(wrong)).toEqual(await errorOf(unknown));
    // An unknown email is checked against a dummy hash: it costs a hash too (tens of ms), not
    // a bare lookup that would tell accounts apart by timing.
    const started = performance.now();
    expect((await login(t, 'nobody-else@example.com', 'not-the-password-at-all')).status).toBe(401);
    expect(performance.now() - started).toBeGreaterThan(15);
  });

  it('refuses a malformed sign-in by field, never with a 500', async () => {
    const res = await fetch(`${t.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'not an email', password: 'x', extra: 1 }),
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details.map((d) => d.field)).toContain('email');
  });

  it('shows the session, changes preferences with the CSRF token, and signs out at once', async () => {
    const browser = await signIn(t, OWNER_EMAIL, OWNER_PASSWORD);
    const shown = await browser.call('/api/v1/session');
    expect(shown.status).toBe(200);
    expect(await json<SessionInfo>(shown)).toMatchObject({ csrfToken: browser.info.csrfToken });

    const noCsrf = await browser.call('/api/v1/session', {
      method: 'PATCH',
      body: { locale: 'he' },
      csrf: null,
    });
    expect(noCsrf.status).toBe(403);
    expect((await errorOf(noCsrf)).details[0]?.field).toBe('x-csrf-token');
    const changed = await browser.call('/api/v1/session', {
      method: 'PATCH',
      body: { locale: 'he', name: 'Owner' },
    });
    expect(changed.status).toBe(200);
    expect((await json<SessionInfo>(changed)).user).toMatchObject({ locale: 'he', name: 'Owner' });

    const out = await browser.call('/api/v1/session', { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^comeback_session=;/);
    // Cached or not, the token opens nothing any more.
    expect((await browser.call('/api/v1/session')).status).toBe(401);
    expect((await browser.call('/api/v1/profiles')).status).toBe(401);
  });

  it('GET /api/v1/session takes the cookie only, never a key', async () => {
    expect((await t.api('/api/v1/session')).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/session`)).status).toBe(401);
  });

  it('a session is never a write key: tracking refuses it', async () => {
    const browser = await signIn(t, OWNER_EMAIL, OWNER_PASSWORD);
    const res = await browser.call('/v1/track', {
      method: 'POST',
      body: { userId: 'u-session', event: 'Seen' },
    });
    expect(res.status).toBe(401);
  });

  it('removing a member ends their access to the workspace at once', async () => {
    const lea = await addUser(t, 'lea@example.com', 'editor');
    const browser = await signIn(t, 'lea@example.com', 'editor-password-0001');
    expect((await browser.call('/api/v1/profiles')).status).toBe(200);
    expect((await t.api(`/api/v1/users/${lea.id}`, { method: 'DELETE' })).status).toBe(204);
    const after = await browser.call('/api/v1/profiles');
    expect(after.status).toBe(403);
    expect((await errorOf(after)).details[0]?.field).toBe('x-comeback-workspace');
  });
});

describe.each(engines)('the sign-in throttle on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it('answers 429 with retry-after after 10 failures, even to the right password', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await login(t, OWNER_EMAIL, `wrong-password-${i}`)).status).toBe(401);
    }
    const refused = await login(t, OWNER_EMAIL, OWNER_PASSWORD);
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('rate_limited');
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
    // The same address is throttled for other emails too.
    expect((await login(t, 'other@example.com', 'whatever-password')).status).toBe(429);
  });
});

describe.each(engines)('a workspace shared with the owners (the demo store) on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it("makes the default workspace's owners owners of the new one, once", async () => {
    const { ensureWorkspace } = await import('../../src/modules/workspaces/index.js');
    const db = t.server.services.database.db;
    await ensureWorkspace(db, { id: 'demo', name: 'Demo store', currency: 'EUR', now: 1 });
    expect(await t.server.services.users.shareWithOwnersOf('default', 'demo')).toBe(1);
    expect(await t.server.services.users.shareWithOwnersOf('default', 'demo')).toBe(0);
    const info = await json<SessionInfo>(await login(t, OWNER_EMAIL, OWNER_PASSWORD));
    expect(info.workspaces.map((w) => [w.id, w.role, w.currency])).toEqual([
      ['default', 'owner', 'USD'],
      ['demo', 'owner', 'EUR'],
    ]);
  });
});
