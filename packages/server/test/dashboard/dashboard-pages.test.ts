import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  artifactPath,
  dashboardSkipReason,
  seriousViolations,
  startDashboard,
  type DashboardRig,
} from './dashboard-harness.js';
import { seedStore } from './dashboard-seed.js';

const skip = dashboardSkipReason();

/**
 * Every main page, signed in as the owner, in English and in Hebrew: it renders its title
 * without an error, axe-core finds no serious violation, and the API time each page waited on
 * is written to the log (the budget is 300 ms a page on the demo store).
 */
describe.skipIf(skip !== null)('dashboard pages (sqlite)', () => {
  let rig: DashboardRig;
  let profileId = '';
  let journeyId = '';
  beforeAll(async () => {
    rig = await startDashboard('sqlite');
    const { profileIds } = await seedStore(rig);
    profileId = profileIds[0] ?? '';
    const enabled = await rig.api('/api/v1/journeys/from-template', {
      method: 'POST',
      body: { template: 'welcome-series' },
    });
    expect(enabled.status).toBe(201);
    journeyId = ((await enabled.json()) as { journeyId: string }).journeyId;
    const segment = await rig.api('/api/v1/segments', {
      method: 'POST',
      body: {
        name: 'Bought at least once',
        condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
      },
    });
    expect(segment.status).toBe(201);
  }, 180_000);
  afterAll(async () => rig?.stop());

  const pages = () => [
    '/overview',
    '/journeys',
    `/journeys/${journeyId}`,
    '/flows',
    '/segments',
    '/segments/new',
    '/customers',
    `/customers/${profileId}`,
    '/templates',
    '/messages',
    '/setup',
    '/settings',
    '/settings/models',
  ];

  async function visit(page: Page, pathname: string): Promise<number[]> {
    const times: number[] = [];
    const onFinished = (request: { url(): string; timing(): { responseEnd: number } }) => {
      if (request.url().includes('/api/v1/')) times.push(request.timing().responseEnd);
    };
    page.on('requestfinished', onFinished);
    await page.goto(`${rig.url}${pathname}`);
    await page.locator('h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    page.off('requestfinished', onFinished);
    return times;
  }

  for (const locale of ['en', 'he'] as const) {
    it(`renders every page with no serious accessibility violation (${locale})`, async () => {
      const { context, page } = await rig.open({ locale });
      await rig.signIn(page);
      if (locale === 'he') {
        await page.getByRole('banner').getByLabel('Language').click();
        await page.getByRole('option', { name: 'עברית' }).click();
        await page.getByRole('link', { name: 'לקוחות' }).waitFor();
      }
      const problems: string[] = [];
      for (const pathname of pages()) {
        const times = await visit(page, pathname);
        const slowest = Math.max(0, ...times.map((t) => Math.round(t)));
        console.log(`page ${locale} ${pathname}: ${times.length} API calls, slowest ${slowest} ms`);
        for (const text of await page.getByRole('alert').allTextContents()) {
          problems.push(`${pathname}: alert "${text}"`);
        }
        for (const v of await seriousViolations(page)) {
          problems.push(`${pathname}: ${v.id} ${v.help} ${JSON.stringify(v.nodes.slice(0, 2))}`);
        }
        if (locale === 'he' && pathname === `/customers/${profileId}`) {
          await page.screenshot({
            path: artifactPath('dashboard-he-customer.png'),
            fullPage: true,
          });
        }
        if (locale === 'he' && pathname === `/journeys/${journeyId}`) {
          await page.screenshot({ path: artifactPath('dashboard-he-canvas.png'), fullPage: true });
        }
      }
      expect(problems).toEqual([]);
      await context.close();
    }, 240_000);
  }
});
