import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { dashboardSkipReason, startDashboard, type DashboardRig } from './dashboard-harness.js';
import { seedStore } from './dashboard-seed.js';

const skip = dashboardSkipReason();
if (skip) console.log(`dashboard browser tests skipped: ${skip}`);

const VIEWER_EMAIL = 'viewer@example.com';
const VIEWER_PASSWORD = 'viewer-password-000001';
const ROLE_REFUSAL = 'a viewer may only read (and preview): ask an owner for the editor role';
const ORDERED = { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 };

interface Answer {
  status: number;
  body: { error?: { code: string; message: string; details: unknown[] }; count?: number };
}

/**
 * Requests made by the page itself, as the signed-in viewer: the session cookie goes along and
 * the CSRF token comes from GET /api/v1/session, so a refusal can only be the role's.
 */
async function viewerRequests(page: Page, segmentId: string): Promise<Record<string, Answer>> {
  const expression = `(async () => {
    const session = await (await fetch('/api/v1/session', { credentials: 'same-origin' })).json();
    const call = async (method, path, body) => {
      const res = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const condition = ${JSON.stringify(ORDERED)};
    return {
      create: await call('POST', '/api/v1/segments', { name: 'Sneaky', condition }),
      replace: await call('PUT', '/api/v1/segments/${encodeURIComponent(segmentId)}', {
        name: 'Renamed by a viewer',
        condition,
      }),
      preview: await call('POST', '/api/v1/segments/preview', { condition }),
    };
  })()`;
  return (await page.evaluate(expression)) as Record<string, Answer>;
}

/** A viewer sees every page without its editing controls, and the API refuses their changes. */
describe.skipIf(skip !== null).each(engines)('dashboard roles (%s)', (engine) => {
  let rig: DashboardRig;
  let segmentId = '';
  let journeyId = '';
  beforeAll(async () => {
    rig = await startDashboard(engine);
    await seedStore(rig);
    const segment = await rig.api('/api/v1/segments', {
      method: 'POST',
      body: { name: 'Bought at least once', condition: ORDERED },
    });
    expect(segment.status).toBe(201);
    segmentId = ((await segment.json()) as { id: string }).id;
    const journey = await rig.api('/api/v1/journeys/from-template', {
      method: 'POST',
      body: { template: 'welcome-series' },
    });
    expect(journey.status).toBe(201);
    journeyId = ((await journey.json()) as { journeyId: string }).journeyId;
    const viewer = await rig.api('/api/v1/users', {
      method: 'POST',
      body: { email: VIEWER_EMAIL, role: 'viewer', password: VIEWER_PASSWORD },
    });
    expect(viewer.status, await viewer.clone().text()).toBe(201);
  }, 120_000);
  afterAll(async () => rig?.stop());

  async function signedInViewer() {
    const opened = await rig.open();
    await rig.signIn(opened.page, VIEWER_EMAIL, VIEWER_PASSWORD);
    return opened;
  }

  it('hides the editing controls from a viewer', async () => {
    const { context, page } = await signedInViewer();

    await page.goto(`${rig.url}/segments`);
    await page.getByTestId('segment-list-row').first().waitFor();
    expect(await page.getByTestId('segment-new').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New segment' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New segment' }).count()).toBe(0);

    await page.goto(`${rig.url}/segments/${encodeURIComponent(segmentId)}`);
    await page.getByText('only editors and owners can change it').waitFor();
    await page.getByTestId('condition-row').waitFor();
    expect(await page.getByTestId('segment-save').count()).toBe(0);
    expect(await page.getByTestId('add-condition').count()).toBe(0);
    expect(await page.getByTestId('condition-remove').count()).toBe(0);
    expect(await page.getByTestId('segment-name').isDisabled()).toBe(true);
    expect(await page.getByTestId('condition-value').isDisabled()).toBe(true);
    // Viewers do not preview as they type: the saved segment is counted instead.
    await expect
      .poll(() => page.getByTestId('segment-live-size').getAttribute('data-count'))
      .toBe('6');

    await page.goto(`${rig.url}/journeys`);
    await page.getByTestId(`journey-row-${journeyId}`).waitFor();
    expect(await page.getByTestId('journeys-new').count()).toBe(0);

    await page.goto(`${rig.url}/journeys/${encodeURIComponent(journeyId)}`);
    await page.getByTestId('journey-canvas').waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    for (const control of ['palette', 'journey-save', 'journey-activate', 'journey-archive']) {
      expect(await page.getByTestId(control).count(), control).toBe(0);
    }

    await page.goto(`${rig.url}/settings/keys`);
    await page.getByText('Only an owner of this workspace can see and change this.').waitFor();
    expect(await page.getByTestId('keys-create').count()).toBe(0);
    expect(await page.getByTestId('key-row').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await context.close();
  }, 90_000);

  it('refuses a viewer’s changes through the API, and lets them preview', async () => {
    const { context, page } = await signedInViewer();
    const answers = await viewerRequests(page, segmentId);
    for (const name of ['create', 'replace'] as const) {
      expect(answers[name]?.status, name).toBe(403);
      expect(answers[name]?.body.error).toMatchObject({
        code: 'forbidden',
        message: ROLE_REFUSAL,
        details: [{ field: 'role' }],
      });
    }
    expect(answers.preview?.status).toBe(200);
    expect(answers.preview?.body.count).toBe(6);

    // Nothing changed behind the refusals.
    const list = (await (await rig.api('/api/v1/segments')).json()) as {
      data: { id: string; name: string }[];
    };
    expect(list.data.map((s) => [s.id, s.name])).toEqual([[segmentId, 'Bought at least once']]);
    await context.close();
  }, 60_000);
});
