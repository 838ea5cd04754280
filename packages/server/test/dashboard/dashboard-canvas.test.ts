import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ManualClock } from '../../src/platform/clock.js';
import {
  artifactPath,
  dashboardSkipReason,
  startDashboard,
  type DashboardRig,
} from './dashboard-harness.js';
import {
  buildSeed000Journey,
  connect,
  dropBlock,
  JOURNEY_NAME,
  nodeCounts,
  seed000Templates,
  type BuiltJourney,
} from './dashboard-canvas-steps.js';

const skip = dashboardSkipReason();

/** A Monday morning: quiet hours (nights) never hold a message back in this test. */
const START = Date.parse('2026-03-02T09:00:00Z');
const COUNTS_REFRESH_MS = 5_000;

/**
 * Issue 16's first browser scenario: seed 000's first automation built on the canvas by drag
 * and drop (trigger, "first purchase" split, email, 3 days, split on a second purchase, SMS or
 * WhatsApp), activated, then two customers' orders sent through the tracking API and the test
 * clock moved on: the counts appear on the blocks and the messages on the customer's page.
 */
describe.skipIf(skip !== null)('the journey canvas, seed 000 (sqlite)', () => {
  let rig: DashboardRig;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    rig = await startDashboard('sqlite', { clock });
    for (const template of seed000Templates) {
      const created = await rig.api('/api/v1/templates', { method: 'POST', body: template });
      expect(created.status, await created.clone().text()).toBe(201);
    }
  }, 120_000);
  afterAll(async () => rig?.stop());

  /** Moves the test clock as /clock/advance does: events applied, then every timer due. */
  async function advance(by: string) {
    const res = await rig.api('/api/v1/clock/advance', { method: 'POST', body: { by } });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  async function track(userId: string, orderId: string, total: number) {
    const res = await rig.server.send('/v1/track', {
      userId,
      event: 'Order Completed',
      messageId: orderId,
      properties: { order_id: orderId, total, currency: 'EUR' },
    });
    expect(res.status).toBeLessThan(300);
  }

  async function identify(userId: string, firstName: string, phone: string) {
    const res = await rig.server.send('/v1/identify', {
      userId,
      traits: {
        email: `${userId}@example.com`,
        phone,
        first_name: firstName,
        email_consent: 'subscribed',
        sms_consent: 'subscribed',
        whatsapp_consent: 'subscribed',
      },
    });
    expect(res.status).toBeLessThan(300);
  }

  async function profileIdOf(email: string): Promise<string> {
    await rig.server.settle();
    const res = await rig.api(`/api/v1/profiles?email=${encodeURIComponent(email)}`);
    const id = ((await res.json()) as { data: { id: string }[] }).data[0]?.id;
    if (!id) throw new Error(`no profile for ${email}`);
    return id;
  }

  /** Waits (the canvas refreshes its counts every 5 s) until a block shows these counts. */
  async function expectCounts(page: Page, nodeId: string, want: Record<string, string>) {
    await expect
      .poll(() => nodeCounts(page, nodeId), { timeout: 3 * COUNTS_REFRESH_MS, interval: 500 })
      .toMatchObject(want);
  }

  it('builds the journey by drag and drop, runs it, and shows counts, messages and traces', async () => {
    const { context, page } = await rig.open();
    // Room for the whole journey at zoom 1 between the palette and the side panel.
    await page.setViewportSize({ width: 1700, height: 1250 });
    await rig.signIn(page);
    const journey: BuiltJourney = await buildSeed000Journey(page, rig.url);
    const { steps } = journey;

    // What the canvas saved is the definition the API holds, published as version 1.
    const saved = (await (await rig.api(`/api/v1/journeys/${journey.id}`)).json()) as {
      status: string;
      activeVersion: number;
      definition: Record<string, unknown>;
    };
    expect(saved).toMatchObject({ status: 'active', activeVersion: 1 });
    expect(saved.definition).toMatchObject({
      name: JOURNEY_NAME,
      trigger: {
        type: 'event',
        event: 'Order Completed',
        where: [{ property: 'total', operator: 'gte', value: 1 }],
      },
      entry: { rule: 'once' },
      start: steps.split,
    });
    // The entry condition tried and removed on the way leaves nothing behind.
    expect(saved.definition.entry).not.toHaveProperty('condition');
    expect(saved.definition.steps).toContainEqual({
      id: steps.split,
      type: 'split',
      branches: [
        {
          label: 'First purchase',
          triggerWhere: [{ property: 'total', operator: 'gte', value: 1 }],
          condition: {
            type: 'and',
            conditions: [
              {
                type: 'purchased',
                window: { kind: 'last', amount: 1, unit: 'days' },
                orderTotal: { operator: 'gte', value: 1 },
              },
              { type: 'field', field: 'computed.order_count', operator: 'eq', value: 1 },
            ],
          },
          next: steps.email,
        },
      ],
      otherwise: steps.exit,
    });

    await identify('ada', 'Ada', '+972501112233');
    await identify('bob', 'Bob', '+972502223344');
    await track('ada', 'o-ada-1', 50);
    await track('bob', 'o-bob-1', 50);
    await advance('PT1M');
    // Live: the open canvas picks the first counts up by itself.
    await expectCounts(page, steps.trigger, { entered: '2' });
    await expectCounts(page, steps.email, { sent: '2' });

    await advance('P1D');
    await track('ada', 'o-ada-2', 25);
    await advance('P2D');
    await advance('PT2M');

    // Three days on the test clock outlast the session's 12 idle hours: sign in again.
    await page.goto(`${rig.url}/journeys/${encodeURIComponent(journey.id)}`);
    await rig.signIn(page);
    await page.getByTestId('journey-canvas').waitFor();
    // The blocks are where they were dropped (kept by this browser), not laid out by depth,
    // which would put the exit (the split's other branch) on the email's row.
    const top = async (id: string) =>
      (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())?.y ?? NaN;
    expect((await top(steps.exit)) - (await top(steps.email))).toBeGreaterThan(50);
    await expectCounts(page, steps.trigger, { entered: '2' });
    await expectCounts(page, steps.email, { sent: '2' });
    await expectCounts(page, steps.sms, { sent: '1' });
    await expectCounts(page, steps.whatsapp, { sent: '1' });
    await page.getByRole('button', { name: /fit view/i }).click();
    await page.screenshot({ path: artifactPath('dashboard-canvas-seed000.png'), fullPage: true });

    // Ada bought again: the welcome email and the SMS, and the trace of how she got them.
    const ada = await profileIdOf('ada@example.com');
    await page.goto(`${rig.url}/customers/${encodeURIComponent(ada)}?tab=messages`);
    const rows = page.getByTestId('message-row');
    await expect.poll(() => rows.count()).toBe(2);
    const channels = await rows.locator('td:nth-child(2)').allTextContents();
    expect(channels.sort()).toEqual(['SMS', 'email']);
    expect(await rows.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Welcome, Ada')]),
    );

    await page.getByTestId('customer-tab-journeys').click();
    const enrollment = page.getByTestId('journey-enrollment');
    await expect.poll(() => enrollment.count()).toBe(1);
    expect(await enrollment.textContent()).toContain(JOURNEY_NAME);
    const trace = page.getByTestId('trace-step');
    await expect.poll(() => trace.count()).toBeGreaterThanOrEqual(6);
    const walked = await trace.evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-step'), el.getAttribute('data-status')]),
    );
    expect(walked).toEqual([
      ['$entry', 'entered'],
      [steps.split, 'branch'],
      [steps.email, 'sent'],
      [steps.wait, 'waited'],
      [steps.action, 'branch'],
      [steps.sms, 'sent'],
      [steps.exit, 'completed'],
    ]);
    await context.close();
  }, 120_000);

  it('undoes and redoes canvas edits, by the buttons and by the keys', async () => {
    const { context, page } = await rig.open();
    await page.setViewportSize({ width: 1700, height: 1250 });
    await rig.signIn(page);
    await page.goto(`${rig.url}/journeys/new`);
    await page.getByTestId('journey-canvas').waitFor();
    const nodes = page.locator('.react-flow__node');
    const edges = page.locator('.react-flow__edge');
    const undo = page.getByTestId('journey-undo');
    const redo = page.getByTestId('journey-redo');
    expect(await undo.isDisabled()).toBe(true);

    const wait = await dropBlock(page, 'wait', { x: 200, y: 150 });
    const email = await dropBlock(page, 'send_email', { x: 200, y: 320 });
    await connect(page, wait, 'next', email);
    expect(await edges.count()).toBe(1);

    await undo.click();
    await expect.poll(() => edges.count()).toBe(0);
    await undo.click();
    await expect.poll(() => nodes.count()).toBe(1);
    await redo.click();
    await expect.poll(() => nodes.count()).toBe(2);
    await redo.click();
    await expect.poll(() => edges.count()).toBe(1);
    expect(await redo.isDisabled()).toBe(true);

    // The keys, with the canvas (not a text field) focused.
    await page.getByTestId('journey-canvas').click({ position: { x: 500, y: 40 } });
    await page.keyboard.press('Control+Z');
    await expect.poll(() => edges.count()).toBe(0);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => edges.count()).toBe(1);
    await context.close();
  }, 120_000);
});
