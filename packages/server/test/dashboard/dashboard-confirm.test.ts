import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardSkipReason, startDashboard, type DashboardRig } from './dashboard-harness.js';

const skip = dashboardSkipReason();

interface Key {
  id: string;
  prefix: string;
  label: string | null;
  revokedAt: string | null;
}

/**
 * The one confirm dialog every destructive action goes through: cancelling changes nothing,
 * confirming does it once and closes; a key revoked and a segment deleted from the pages.
 */
describe.skipIf(skip !== null)('dashboard confirmations (sqlite)', () => {
  let rig: DashboardRig;
  beforeAll(async () => {
    rig = await startDashboard('sqlite');
  }, 120_000);
  afterAll(async () => rig?.stop());

  const keys = async () => ((await (await rig.api('/api/v1/keys')).json()) as { data: Key[] }).data;

  it('revokes a key and deletes a segment only once confirmed', async () => {
    const created = await rig.api('/api/v1/keys', {
      method: 'POST',
      body: { scope: 'write', label: 'old storefront' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const prefix = (await keys()).find((k) => k.id === id)?.prefix ?? '';

    const { context, page } = await rig.open();
    await rig.signIn(page);
    await page.goto(`${rig.url}/settings/keys`);
    const revoke = page.getByRole('button', { name: `Revoke ${prefix}` });
    await revoke.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await keys()).find((k) => k.id === id)?.revokedAt).toBeNull();

    await revoke.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await keys()).find((k) => k.id === id)?.revokedAt)
      .not.toBeNull();
    await page
      .getByTestId('key-row')
      .filter({ hasText: prefix })
      .getByText(/^revoked/i)
      .waitFor();

    const segment = await rig.api('/api/v1/segments', {
      method: 'POST',
      body: {
        name: 'To delete',
        condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
      },
    });
    expect(segment.status).toBe(201);
    const { id: segmentId } = (await segment.json()) as { id: string };
    await page.goto(`${rig.url}/segments/${encodeURIComponent(segmentId)}`);
    await page.getByTestId('segment-delete').click();
    await page.getByTestId('segment-delete-confirm').click();
    await page.waitForURL(`${rig.url}/segments`);
    expect((await rig.api(`/api/v1/segments/${encodeURIComponent(segmentId)}`)).status).toBe(404);
    await context.close();
  }, 120_000);
});
