import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardSkipReason, startDashboard, type DashboardRig } from './dashboard-harness.js';
import { seedStore } from './dashboard-seed.js';

const skip = dashboardSkipReason();

/**
 * Settings → models: "Fit now" queues each fit (the API answers 202 at once) and the panel
 * follows it to the end, then shows what it learned and whether to trust it; the customer's
 * page shows the prediction's quality.
 */
describe.skipIf(skip !== null)('dashboard models (sqlite)', () => {
  let rig: DashboardRig;
  let profileId = '';
  beforeAll(async () => {
    rig = await startDashboard('sqlite');
    await seedStore(rig);
    // customer0 ordered twice (dashboard-seed.ts): the fit scores them.
    const found = await rig.api('/api/v1/profiles?email=customer0@example.com');
    profileId = ((await found.json()) as { data: { id: string }[] }).data[0]?.id ?? '';
  }, 180_000);
  afterAll(async () => rig?.stop());

  it('fits both model families from the page and shows the result and its quality', async () => {
    const { context, page } = await rig.open();
    await rig.signIn(page);
    await page.goto(`${rig.url}/settings/models`);
    const cv = page.getByTestId('models-customer-value');
    await cv.getByText('Not fitted yet', { exact: false }).waitFor();

    await page.getByTestId('models-cv-fit-button').click();
    const cvStatus = page.getByTestId('models-cv-fit-status');
    await expect
      .poll(() => cvStatus.getAttribute('data-status'), { timeout: 60_000 })
      .toBe('succeeded');
    // Twelve customers are too few for the models: the rules score them, and say so.
    await cv.getByTestId('models-quality').waitFor();
    expect(await cv.getByTestId('models-quality').textContent()).toBe('Weak fit');
    expect(await cv.textContent()).toContain('too few buyers');

    await page.getByTestId('models-rec-fit-button').click();
    const recStatus = page.getByTestId('models-rec-fit-status');
    await expect
      .poll(() => recStatus.getAttribute('data-status'), { timeout: 60_000 })
      .toBe('succeeded');
    const rows = page.getByTestId('models-recommendations').locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);

    await page.goto(`${rig.url}/customers/${encodeURIComponent(profileId)}?tab=predictions`);
    await page.getByTestId('prediction-quality').waitFor();
    expect(await page.getByTestId('prediction-quality').textContent()).toBe('weak');

    // Replenishment: the due list and, apart, the lapsed one, each with its count.
    await page.goto(`${rig.url}/customers/${encodeURIComponent(profileId)}?tab=recommendations`);
    const lists = page.getByTestId('replenishment-list');
    await lists.getByText('Due (0)').waitFor();
    await lists.getByText('Lapsed (0)').click();
    await page.getByText('Nothing lapsed').waitFor();
    await context.close();
  }, 180_000);
});
