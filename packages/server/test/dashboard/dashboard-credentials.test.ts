import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactPath,
  dashboardSkipReason,
  seriousViolations,
  startDashboard,
  type DashboardRig,
} from './dashboard-harness.js';

const skip = dashboardSkipReason();

const VIEWER_EMAIL = 'viewer@example.com';
const VIEWER_PASSWORD = 'viewer-password-000001';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-0123456789';
const FROM = '+15555550123';

interface Summary {
  provider: string;
  source: 'workspace' | 'instance' | 'none';
  sender: string | null;
  account: string | null;
}

/**
 * A request made by the page itself, as whoever is signed in there: the session cookie goes
 * along and the CSRF token comes from GET /api/v1/session, so an answer is that role's.
 */
async function pageRequest(page: Page, method: string, path: string, body?: unknown) {
  // A JSON content type only with a body: an empty JSON body would be refused before the role.
  const withBody =
    body === undefined
      ? ''
      : `body: ${JSON.stringify(JSON.stringify(body))}, headers: { ...headers, 'content-type': 'application/json' },`;
  const expression = `(async () => {
    const session = await (await fetch('/api/v1/session', { credentials: 'same-origin' })).json();
    const headers = { 'x-csrf-token': session.csrfToken };
    const res = await fetch(${JSON.stringify(path)}, {
      method: ${JSON.stringify(method)},
      credentials: 'same-origin',
      headers,
      ${withBody}
    });
    return { status: res.status, text: await res.text() };
  })()`;
  return (await page.evaluate(expression)) as { status: number; text: string };
}

/**
 * Settings › Sender › Provider accounts: an owner saves this store's own Twilio account (the
 * secret is never shown back, not even in its own input), sees it survive a reload and removes
 * it through the confirm dialog; a viewer sees which account sends but gets no form.
 */
describe.skipIf(skip !== null)('dashboard provider accounts (sqlite)', () => {
  let rig: DashboardRig;
  beforeAll(async () => {
    rig = await startDashboard('sqlite');
    const viewer = await rig.api('/api/v1/users', {
      method: 'POST',
      body: { email: VIEWER_EMAIL, role: 'viewer', password: VIEWER_PASSWORD, locale: 'he' },
    });
    expect(viewer.status, await viewer.clone().text()).toBe(201);
  }, 120_000);
  afterAll(async () => rig?.stop());

  const listed = async (): Promise<{ text: string; twilio: Summary | undefined }> => {
    const res = await rig.api('/api/v1/provider-credentials');
    expect(res.status).toBe(200);
    const text = await res.text();
    const { data } = JSON.parse(text) as { data: Summary[] };
    return { text, twilio: data.find((s) => s.provider === 'twilio') };
  };

  it('saves, shows, keeps and removes this store’s own Twilio account', async () => {
    const { context, page } = await rig.open();
    await rig.signIn(page);
    await page.goto(`${rig.url}/settings/sender`);
    const card = page.getByTestId('provider-account-twilio');
    await card.waitFor();
    expect(await card.getAttribute('data-source')).toBe('none');
    expect(await card.getByTestId('provider-account-twilio-where').textContent()).toContain(
      'Not configured',
    );
    expect(await page.getByTestId('sender-sms-mode').textContent()).toBe('Local outbox');

    const sid = card.getByLabel('Account SID', { exact: true });
    const token = card.getByLabel('Auth token', { exact: true });
    const from = card.getByLabel('Sender', { exact: true });
    const save = card.getByRole('button', { name: 'Save' });

    // The server's refusal shows on the field it names, and nothing is saved.
    await sid.fill('AC123');
    await token.fill(AUTH_TOKEN);
    await from.fill(FROM);
    await save.click();
    await card.getByText('must be AC followed by 32 hex digits').waitFor();
    expect(await sid.getAttribute('aria-invalid')).toBe('true');
    expect(await card.getAttribute('data-source')).toBe('none');

    await sid.fill(ACCOUNT_SID);
    await save.click();
    await expect.poll(() => card.getAttribute('data-source')).toBe('workspace');
    await card.getByRole('status').getByText('Saved.').waitFor();
    expect(await card.getByTestId('provider-account-twilio-where').textContent()).toMatch(
      /^Sends through this store’s own account, saved \d/,
    );
    expect(await card.getByTestId('provider-account-twilio-sender').textContent()).toBe(FROM);
    const account = (await card.getByTestId('provider-account-twilio-account').textContent()) ?? '';
    expect(account).toContain(ACCOUNT_SID.slice(-4));
    expect(account).not.toContain(ACCOUNT_SID);
    // Nothing typed stays behind: the secret is never in the page once saved.
    for (const input of [sid, token, from]) expect(await input.inputValue()).toBe('');
    expect(await page.content()).not.toContain(AUTH_TOKEN);
    // The channel card above was read again and now sends through the account.
    await expect.poll(() => page.getByTestId('sender-sms-mode').textContent()).toBe('Twilio');
    // ... and says whose account it is instead of naming the server's variables.
    expect(await page.getByTestId('sender-sms-own').count()).toBe(1);
    expect(await page.getByTestId('sender-sms-env').count()).toBe(0);

    const saved = await listed();
    expect(saved.twilio).toMatchObject({ source: 'workspace', sender: FROM });
    expect(saved.text).not.toContain(AUTH_TOKEN);

    expect(await seriousViolations(page)).toEqual([]);
    await page
      .getByTestId('provider-accounts')
      .screenshot({ path: artifactPath('dashboard-provider-accounts.png') });

    await page.reload();
    await card.waitFor();
    expect(await card.getAttribute('data-source')).toBe('workspace');
    expect(await card.getByTestId('provider-account-twilio-account').textContent()).toBe(account);
    expect(await token.inputValue()).toBe('');

    // Cancelling the confirmation keeps the account; confirming removes it.
    const remove = card.getByTestId('provider-account-twilio-remove');
    await remove.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect((await listed()).twilio?.source).toBe('workspace');
    await remove.click();
    await page.getByTestId('provider-account-twilio-remove-confirm').click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => card.getAttribute('data-source')).toBe('none');
    expect(await card.getByTestId('provider-account-twilio-where').textContent()).toContain(
      'Not configured',
    );
    expect(await remove.count()).toBe(0);
    await expect.poll(() => page.getByTestId('sender-sms-mode').textContent()).toBe('Local outbox');
    expect(await page.getByTestId('sender-sms-own').count()).toBe(0);
    expect((await listed()).twilio).toMatchObject({ source: 'none', sender: null, account: null });
    await context.close();
  }, 120_000);

  it('shows a viewer which account sends, without a form (in Hebrew)', async () => {
    const owner = await rig.open();
    await rig.signIn(owner.page);
    const put = await pageRequest(owner.page, 'PUT', '/api/v1/provider-credentials/twilio', {
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      from: FROM,
    });
    expect(put.status, put.text).toBe(200);
    await owner.context.close();

    const { context, page } = await rig.open({ locale: 'he' });
    await rig.signIn(page, VIEWER_EMAIL, VIEWER_PASSWORD);
    await page.goto(`${rig.url}/settings/sender`);
    const card = page.getByTestId('provider-account-twilio');
    await card.waitFor();
    expect(await card.getAttribute('data-source')).toBe('workspace');
    expect(await card.getByTestId('provider-account-twilio-where').textContent()).toContain(
      'שולח דרך החשבון של החנות הזו',
    );
    expect(await card.getByTestId('provider-account-twilio-sender').textContent()).toBe(FROM);
    await page.getByTestId('provider-accounts-owner-only').waitFor();
    const accounts = page.getByTestId('provider-accounts');
    expect(await accounts.locator('form').count()).toBe(0);
    expect(await accounts.locator('input').count()).toBe(0);
    expect(await accounts.getByRole('button').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await accounts.screenshot({ path: artifactPath('dashboard-he-provider-accounts-viewer.png') });

    // The missing form is not the only guard: the server refuses the viewer too.
    const refused = await pageRequest(page, 'DELETE', '/api/v1/provider-credentials/twilio');
    expect(refused.status, refused.text).toBe(403);
    expect((await listed()).twilio?.source).toBe('workspace');
    await context.close();
  }, 120_000);
});
