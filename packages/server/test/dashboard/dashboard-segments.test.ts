import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardSkipReason, startDashboard, type DashboardRig } from './dashboard-harness.js';
import { seedStore } from './dashboard-seed.js';

const skip = dashboardSkipReason();
if (skip) console.log(`dashboard browser tests skipped: ${skip}`);

/** seedStore's 12 customers: the even ones ordered (6), every fourth twice (3). */
const ORDERED = 6;
const ORDERED_TWICE = 3;

/** The live size once the preview of what is on screen has answered. */
const liveSize = (page: Page) =>
  page.getByTestId('segment-live-size').getAttribute('data-count', { timeout: 5_000 });

/**
 * The segment builder in Chromium: a condition built through its controls, the live size
 * following each change (the debounced preview), then saved and listed with its size.
 */
describe.skipIf(skip !== null)('dashboard segments (sqlite)', () => {
  let rig: DashboardRig;
  beforeAll(async () => {
    rig = await startDashboard('sqlite');
    await seedStore(rig);
  }, 120_000);
  afterAll(async () => rig?.stop());

  it('shows the live size while the condition is edited, saves it, and lists it', async () => {
    const { context, page } = await rig.open();
    await rig.signIn(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Segments' }).click();
    await page.getByTestId('segment-new').click();
    await page.waitForURL(/\/segments\/new$/);
    // Nothing to count before a condition is there.
    expect(await liveSize(page)).toBe('');

    await page.getByTestId('segment-name').fill('Ordered twice');
    await page.getByTestId('add-condition').click();
    await page.getByTestId('add-condition-field').click();
    const row = page.getByTestId('condition-row');
    await row.waitFor();

    // The field, the operator and the value, each through its own control.
    const field = row.getByTestId('condition-field');
    await field.fill('computed.order_count');
    await page.getByRole('option', { name: 'computed.order_count', exact: true }).click();
    await row.getByTestId('condition-operator').click();
    await page.getByRole('option', { name: 'at least', exact: true }).click();
    const value = row.getByTestId('condition-value');
    await value.fill('1');
    expect(await field.inputValue()).toBe('computed.order_count');
    expect(await row.getByTestId('condition-operator').inputValue()).toBe('at least');
    await expect.poll(() => liveSize(page), { timeout: 15_000 }).toBe(String(ORDERED));
    await expect
      .poll(() => page.getByTestId('segment-sample').locator('tbody tr').count())
      .toBe(ORDERED);

    await value.fill('2');
    await expect.poll(() => liveSize(page), { timeout: 15_000 }).toBe(String(ORDERED_TWICE));

    // The JSON tab holds exactly what the builder made.
    await page.getByTestId('segment-tab-json').click();
    const json = JSON.parse(await page.getByTestId('segment-json').inputValue()) as unknown;
    expect(json).toEqual({
      type: 'and',
      conditions: [{ type: 'field', field: 'computed.order_count', operator: 'gte', value: 2 }],
    });
    await page.getByTestId('segment-tab-builder').click();
    await row.waitFor();

    await page.getByTestId('segment-save').click();
    await page.waitForURL(/\/segments\/(?!new)[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    const saved = await rig.api(`/api/v1/segments/${encodeURIComponent(id)}`);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({
      name: 'Ordered twice',
      condition: {
        type: 'and',
        conditions: [{ type: 'field', field: 'computed.order_count', operator: 'gte', value: 2 }],
      },
    });

    await page.getByRole('link', { name: 'All segments' }).click();
    const listed = page.getByTestId('segment-list-row').filter({ hasText: 'Ordered twice' });
    await listed.waitFor();
    expect(await listed.getAttribute('data-id')).toBe(id);
    await expect.poll(() => listed.locator('td').nth(1).textContent()).toBe(String(ORDERED_TWICE));
    await context.close();
  }, 90_000);
});
