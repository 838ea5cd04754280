import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import {
  artifactPath,
  dashboardSkipReason,
  seriousViolations,
  startDashboard,
  type DashboardRig,
} from './dashboard-harness.js';

const skip = dashboardSkipReason();
if (skip) console.log(`dashboard browser tests skipped: ${skip}`);

describe.skipIf(skip !== null).each(engines)('dashboard basics (%s)', (engine) => {
  let rig: DashboardRig;
  beforeAll(async () => {
    rig = await startDashboard(engine);
  }, 120_000);
  afterAll(async () => rig?.stop());

  it('is served at / with a CSP and long-cached hashed assets', async () => {
    const index = await fetch(`${rig.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('cache-control')).toContain('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${rig.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
    // A deep link answers the app, which routes it in the browser.
    const deep = await fetch(`${rig.url}/customers/someone`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
  });

  it('refuses a wrong password, signs in, and signs out', async () => {
    const { context, page } = await rig.open();
    await page.getByLabel(/^Email/).fill('owner@localhost');
    await page.getByLabel(/^Password/).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Wrong email or password');
    await rig.signIn(page);
    expect(await page.getByRole('navigation').getByRole('link').count()).toBeGreaterThan(5);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'comeback_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('mirrors the whole layout right-to-left in Hebrew', async () => {
    const { context, page } = await rig.open({ locale: 'he' });
    // The sign-in form is already in Hebrew; the user's own language is then chosen in the app.
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    await rig.signIn(page);
    await page.getByRole('banner').getByLabel('Language').click();
    await page.getByRole('option', { name: 'עברית' }).click();
    await page.getByRole('link', { name: 'לקוחות' }).waitFor();
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    // The navigation sits on the right in Hebrew.
    const nav = await page.getByRole('navigation').boundingBox();
    expect(nav).not.toBeNull();
    expect(nav!.x).toBeGreaterThan(640);
    if (engine === 'sqlite') {
      await page.screenshot({ path: artifactPath('dashboard-he-overview.png'), fullPage: true });
      expect(fs.existsSync(artifactPath('dashboard-he-overview.png'))).toBe(true);
    }
    await context.close();
  });

  it('has no serious accessibility violations on the sign-in page', async () => {
    const { context, page } = await rig.open();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
