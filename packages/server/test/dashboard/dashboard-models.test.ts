import type { RecommendationItem } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardSkipReason, startDashboard, type DashboardRig } from './dashboard-harness.js';
import { seedStore } from './dashboard-seed.js';

const skip = dashboardSkipReason();

/**
 * Settings → models: "Fit now" queues each fit (the API answers 202 at once) and the panel
 * follows it to the end, then shows what it learned and whether to trust it; the customer's
 * page shows the prediction's quality. In Hebrew, what the server sends as English sentences
 * (the fit's stage, why the rules were used, why a product is recommended) is worded from its
 * codes, and the English sentence is not shown.
 */
describe.skipIf(skip !== null)('dashboard models (sqlite)', () => {
  let rig: DashboardRig;
  let profileId = '';
  beforeAll(async () => {
    rig = await startDashboard('sqlite');
    await seedStore(rig);
    // Orders with products (customer0 and two others): something to recommend, with reasons.
    const line = (id: string, name: string) => ({ product_id: id, name, price: 12, quantity: 1 });
    const order = (userId: string, id: string, products: object[]) => ({
      type: 'track',
      userId,
      event: 'Order Completed',
      properties: { order_id: id, total: 24, currency: 'USD', products },
    });
    const sent = await rig.server.send('/v1/batch', {
      batch: [
        order('u-0', 'p-0', [line('mug', 'Blue mug')]),
        order('u-1', 'p-1', [line('mug', 'Blue mug'), line('tea', 'Green tea')]),
        order('u-3', 'p-3', [line('mug', 'Blue mug'), line('tea', 'Green tea')]),
      ],
    });
    if (!sent.ok) throw new Error(`seeding failed: ${sent.status} ${await sent.text()}`);
    await rig.server.settle();
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
    expect(await cv.getByTestId('models-weak').textContent()).toMatch(
      /too little data for the models: \d+ buyers/,
    );

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

  it('words the server’s reasons and stages in Hebrew, never showing its English', async () => {
    const { context, page } = await rig.open({ locale: 'he' });
    await rig.signIn(page);
    await page.getByRole('banner').getByLabel('Language').click();
    await page.getByRole('option', { name: 'עברית' }).click();
    await page.getByRole('link', { name: 'לקוחות' }).waitFor();

    await page.goto(`${rig.url}/settings/models`);
    const cv = page.getByTestId('models-customer-value');
    await cv.getByTestId('models-weak').waitFor();
    const weak = (await cv.getByTestId('models-weak').textContent()) ?? '';
    expect(weak).toMatch(/מעט מדי נתונים בשביל המודלים: \d+ קונים/);
    const status = (await (await rig.api('/api/v1/insights/customer-value')).json()) as {
      lastRun: { reason: string; quality: { reason: string } };
    };
    expect(status.lastRun.reason).toMatch(/too little data/);
    expect(weak).not.toContain(status.lastRun.quality.reason);
    expect(weak).not.toMatch(/too little|buyers/);

    // Nothing changed since the last recommendation fit: it is skipped, and says so in Hebrew.
    await page.getByTestId('models-rec-fit-button').click();
    const recStatus = page.getByTestId('models-rec-fit-status');
    await expect
      .poll(() => recStatus.getAttribute('data-status'), { timeout: 60_000 })
      .toBe('succeeded');
    expect(await recStatus.getAttribute('data-stage')).toBe('skipped_unchanged');
    expect(await recStatus.textContent()).toBe(
      'שום דבר לא השתנה מאז ההרצה הקודמת: אין מה להריץ מחדש.',
    );
    const runs = page.getByTestId('models-recommendations').locator('tbody');
    const runNames = (await runs.textContent()) ?? '';
    expect(runNames).toContain('שלב חיים');
    expect(runNames).not.toMatch(/life_stage|recommendations/);

    // The customer's prediction and its explanation: the reason for the rules, in Hebrew.
    await page.goto(`${rig.url}/customers/${encodeURIComponent(profileId)}?tab=predictions`);
    const note = page.getByTestId('prediction-weak');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/מעט מדי נתונים בשביל המודלים/);
    const rulesReason = page.getByTestId('prediction-rules-reason');
    await rulesReason.waitFor();
    expect(await rulesReason.textContent()).toMatch(/^למה כללים: מעט מדי נתונים/);
    const explanation = (await page.getByTestId('prediction-explanation').textContent()) ?? '';
    expect(explanation).not.toMatch(/too little data/);
    expect(await note.textContent()).not.toMatch(/too little data/);

    // Recommendations: each reason worded from its code, not the API's English sentence.
    const answer = await rig.api(
      `/api/v1/profiles/${encodeURIComponent(profileId)}/recommendations`,
    );
    const items = ((await answer.json()) as { data: RecommendationItem[] }).data;
    expect(items.length).toBeGreaterThan(0);
    await page.goto(`${rig.url}/customers/${encodeURIComponent(profileId)}?tab=recommendations`);
    const table = page.getByTestId('customer-recommendations');
    await table.locator('tbody tr').first().waitFor();
    const shown = (await table.textContent()) ?? '';
    for (const item of items) expect(shown).not.toContain(item.reason);
    expect(shown).not.toMatch(/popular right now|you bought this|also bought this/);
    expect(shown).toMatch(/קנית את זה|לקוחות שקנו את|פופולרי|נקנה לעתים קרובות/);
    await context.close();
  }, 180_000);
});
