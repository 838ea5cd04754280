import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardSkipReason, startDashboard, type DashboardRig } from './dashboard-harness.js';

const skip = dashboardSkipReason();
if (skip) console.log(`dashboard browser tests skipped: ${skip}`);

const ROWS = 20;

/** A small customers file as a store would export it. */
function customersCsv(): Buffer {
  const lines = ['email,first_name,phone'];
  for (let i = 0; i < ROWS; i++) {
    lines.push(`shopper${i}@example.com,Noa${i},+97250000${2000 + i}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/**
 * A CSV import through the dashboard: the file chosen in the browser, its columns matched to
 * fields in the mapping table, the upload started, its progress followed to 100%, and the
 * customers it made listed.
 */
describe.skipIf(skip !== null)('dashboard import (sqlite)', () => {
  let rig: DashboardRig;
  beforeAll(async () => {
    rig = await startDashboard('sqlite');
  }, 120_000);
  afterAll(async () => rig?.stop());

  it('imports a customers CSV through the mapping UI and lists them', async () => {
    const { context, page } = await rig.open();
    await rig.signIn(page);
    await page.goto(`${rig.url}/setup/imports`);
    await page.getByTestId('import-file').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: customersCsv(),
    });

    // Each column matched to the field the server would fill, and the first rows previewed.
    const mapped = {
      email: 'email',
      first_name: 'traits.first_name',
      phone: 'phone',
    };
    for (const [column, target] of Object.entries(mapped)) {
      const input = page.getByTestId(`import-mapping-${column}`);
      await input.waitFor();
      expect(await input.inputValue(), column).toBe(target);
    }
    expect(await page.getByTestId('import-mapping-name').inputValue()).toBe('customers-customers');
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('shopper0@example.com');

    await page.getByTestId('import-start').click();
    await page.waitForURL(/\/setup\/imports\/[^/]+$/);
    const percent = page.getByTestId('import-percent');
    await expect.poll(() => percent.textContent(), { timeout: 30_000 }).toBe('100%');
    expect(await page.getByTestId('import-detail').getAttribute('data-status')).toBe('done');
    await page.getByTestId('import-summary').waitFor();
    expect(await page.getByTestId('import-count-rows').textContent()).toBe(String(ROWS));
    expect(await page.getByTestId('import-count-imported').textContent()).toBe(String(ROWS));
    expect(await page.getByTestId('import-count-rejected').textContent()).toBe('0');

    await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
    const rows = page.getByTestId('customer-row');
    await expect.poll(() => rows.count()).toBe(ROWS);
    const table = (await page.getByTestId('customer-table').textContent()) ?? '';
    for (const i of [0, 7, ROWS - 1]) {
      expect(table).toContain(`shopper${i}@example.com`);
      expect(table).toContain(`Noa${i}`);
    }

    // The same through the API: the traits and identifiers landed where the mapping said.
    const found = await rig.api('/api/v1/profiles?email=shopper7%40example.com');
    const body = (await found.json()) as { data: Record<string, unknown>[] };
    expect(JSON.stringify(body.data[0])).toContain('Noa7');
    expect(JSON.stringify(body.data[0])).toContain('+972500002007');
    await context.close();
  }, 90_000);
});
