import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

const INDEX = '<!doctype html><html><body><div id="root"></div></body></html>';

const expectDashboardHeaders = (res: Response) => {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('same-origin');
};

describe('serving the built dashboard', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-dashboard-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b3c.js'), 'console.log("app")');
    fs.writeFileSync(path.join(dir, '.env'), 'SECRET=1');
    // A file beside the directory that traversal would reach.
    fs.writeFileSync(path.join(path.dirname(dir), 'outside-dashboard.txt'), 'OUTSIDE-CONTENT-42');
    t = await startTestServer('sqlite', { config: { dashboardDir: dir } });
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(dir), 'outside-dashboard.txt'), { force: true });
  });

  it('serves index.html at / with the CSP and no-cache', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectDashboardHeaders(res);
    expect(await res.text()).toBe(INDEX);
  });

  it('serves assets for good (hashed names never change)', async () => {
    const res = await fetch(`${t.url}/assets/app-1a2b3c.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectDashboardHeaders(res);
    expect((await fetch(`${t.url}/assets/missing-000.js`)).status).toBe(404);
  });

  it('answers index.html for client-side routes', async () => {
    for (const route of ['/journeys/abc', '/segments', '/settings/users?tab=roles']) {
      const res = await fetch(`${t.url}${route}`);
      expect(res.status, route).toBe(200);
      expectDashboardHeaders(res);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it("leaves the server's own paths alone: unknown API paths stay JSON 404s", async () => {
    for (const route of ['/api/v1/nope', '/v1/nope', '/webhooks/nope', '/docs/nope/deeper']) {
      const res = await fetch(`${t.url}${route}`);
      expect(res.status, route).toBe(404);
      expect(res.headers.get('content-type'), route).toContain('application/json');
    }
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    expect((await fetch(`${t.url}/openapi.json`)).headers.get('content-type')).toContain('json');
  });

  it('refuses path traversal and dot files', async () => {
    for (const route of [
      '/..%2f..%2fetc/passwd',
      '/..%2foutside-dashboard.txt',
      '/assets/..%2f..%2foutside-dashboard.txt',
      '/%2e%2e/outside-dashboard.txt',
      '/.env',
      '/assets/%2e%2e%5c..%5coutside-dashboard.txt',
    ]) {
      const res = await fetch(`${t.url}${route}`);
      expect(res.status, route).toBeGreaterThanOrEqual(400);
      expect(res.status, route).toBeLessThan(500);
      const body = await res.text();
      expect(body, route).not.toContain('root:');
      expect(body, route).not.toContain('OUTSIDE-CONTENT-42');
      expect(body, route).not.toContain('SECRET=1');
    }
  });
});

describe('a dashboard that is not built', () => {
  let t: TestServer;
  beforeAll(async () => {
    const missing = path.join(os.tmpdir(), 'comeback-no-dashboard-here');
    t = await startTestServer('sqlite', { config: { dashboardDir: missing } });
  });
  afterAll(async () => t?.stop());

  it('says so at / and how to build it', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expectDashboardHeaders(res);
    expect(await res.text()).toMatch(/not built[\s\S]*npm run build/);
    expect((await fetch(`${t.url}/api/v1/nope`)).status).toBe(404);
  });
});
