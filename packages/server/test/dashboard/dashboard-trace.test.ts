import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startSmtpSink, type SmtpSink } from '../messaging/smtp-sink.js';
import { dashboardSkipReason, startDashboard, type DashboardRig } from './dashboard-harness.js';

const skip = dashboardSkipReason();
if (skip) console.log(`dashboard browser tests skipped: ${skip}`);

const T0 = Date.parse('2026-05-04T09:00:00Z');
const DAY = 24 * 3_600_000;

const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

interface TraceStep {
  step: string;
  outcome: string;
  at: string;
  reason: string | null;
  detail: Record<string, unknown>;
}

/**
 * Why-traces on a customer's page: a welcome journey (Signed Up -> welcome email -> wait an
 * hour -> tips email) under a budget of one marketing email a week. Ann gave email consent: her
 * welcome goes, her tips are delayed by the budget until a week after it. Ben never did: both
 * his emails are skipped for want of consent. The page says so in words.
 */
describe.skipIf(skip !== null)('dashboard why-traces (sqlite)', () => {
  let rig: DashboardRig;
  let sink: SmtpSink;
  const clock = new ManualClock(T0);
  const profiles: Record<'ann' | 'ben', string> = { ann: '', ben: '' };

  async function call<T = unknown>(method: string, path: string, body?: unknown, status = 200) {
    const res = await rig.api(path, { method, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBe(status);
    return JSON.parse(text) as T;
  }
  const sent = async (res: Response) => expect(res.status, await res.clone().text()).toBe(200);
  const advance = (by: string) => call('POST', '/clock/advance', { by });

  async function traceOf(profileId: string): Promise<TraceStep[]> {
    const { data } = await call<{ data: { id: string }[] }>(
      'GET',
      `/api/v1/profiles/${profileId}/journeys`,
    );
    expect(data).toHaveLength(1);
    const trace = await call<{ steps: TraceStep[] }>(
      'GET',
      `/api/v1/enrollments/${data[0]?.id}/trace`,
    );
    return trace.steps;
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    rig = await startDashboard('sqlite', {
      clock,
      config: { smtpUrl: sink.url, emailFrom: 'Lens Shop <shop@lens.example>' },
    });
    await call('PUT', '/api/v1/journey-settings', {
      budget: { email: [{ max: 1, within: { amount: 7, unit: 'days' } }] },
    });
    for (const name of ['Welcome mail', 'Tips mail'])
      await call(
        'POST',
        '/api/v1/templates',
        {
          name,
          channel: 'email',
          kind: 'marketing',
          variants: { en: { subject: name, body: mjml(name) } },
        },
        201,
      );
    const journey = await call<{ id: string }>(
      'POST',
      '/api/v1/journeys',
      {
        name: 'Welcome',
        trigger: { type: 'event', event: 'Signed Up' },
        start: 'welcome',
        steps: [
          { id: 'welcome', type: 'send', template: 'Welcome mail', next: 'gap' },
          { id: 'gap', type: 'wait', duration: { amount: 1, unit: 'hours' }, next: 'tips' },
          { id: 'tips', type: 'send', template: 'Tips mail', next: 'done' },
          { id: 'done', type: 'exit' },
        ],
        // Long enough to wait out a week's budget rather than drop the message.
        sending: { maxDelay: { amount: 8, unit: 'days' } },
      },
      201,
    );
    await call('POST', `/api/v1/journeys/${journey.id}/activate`, {});

    await sent(
      await rig.server.send('/v1/identify', {
        userId: 'ann',
        traits: { email: 'ann@example.com', first_name: 'Ann', email_consent: 'subscribed' },
      }),
    );
    await sent(
      await rig.server.send('/v1/identify', {
        userId: 'ben',
        traits: { email: 'ben@example.com', first_name: 'Ben' },
      }),
    );
    await advance('PT1M');
    for (const userId of ['ann', 'ben'] as const) {
      await sent(await rig.server.send('/v1/track', { userId, event: 'Signed Up' }));
    }
    await advance('PT2H');
    for (const userId of ['ann', 'ben'] as const) {
      const found = await call<{ data: { id: string }[] }>(
        'GET',
        `/api/v1/profiles?userId=${userId}`,
      );
      profiles[userId] = found.data[0]?.id ?? '';
    }
  }, 120_000);
  afterAll(async () => {
    await rig?.stop();
    await sink?.close();
  });

  /** The journeys tab of a customer's page, with its (only) enrollment's trace open. */
  async function openTrace(page: Page, profileId: string) {
    await page.goto(`${rig.url}/customers/${encodeURIComponent(profileId)}`);
    await page.getByTestId('customer-tab-journeys').click();
    await page.getByTestId('journey-trace').waitFor();
  }

  it('the API trace holds a sent, a delayed and two skipped sends', async () => {
    expect(sink.messages.map((m) => [m.envelopeTo[0], m.parsed.subject])).toEqual([
      ['ann@example.com', 'Welcome mail'],
    ]);
    const ann = await traceOf(profiles.ann);
    const welcome = ann.find((s) => s.step === 'welcome');
    expect(welcome?.outcome).toBe('sent');
    const tips = ann.filter((s) => s.step === 'tips');
    expect(tips).toMatchObject([{ outcome: 'delayed', reason: 'frequency budget' }]);
    expect(tips[0]?.detail.until).toBe(Date.parse(welcome?.at ?? '') + 7 * DAY);
    const ben = await traceOf(profiles.ben);
    expect(ben.filter((s) => s.outcome === 'skipped')).toMatchObject([
      { step: 'welcome', reason: 'no email marketing consent (never given)' },
      { step: 'tips', reason: 'no email marketing consent (never given)' },
    ]);
  });

  it('explains on the customer page a send delayed by the budget, and until when', async () => {
    const until = (await traceOf(profiles.ann)).find((s) => s.outcome === 'delayed')?.detail.until;
    const { context, page } = await rig.open();
    await rig.signIn(page);
    await openTrace(page, profiles.ann);
    const sentStep = page.locator('[data-testid="trace-step"][data-status="sent"]');
    expect(await sentStep.getAttribute('data-step')).toBe('welcome');
    expect(await sentStep.textContent()).toContain('Sent the email message');

    const delayed = page.locator('[data-testid="trace-step"][data-status="delayed"]');
    expect(await delayed.count()).toBe(1);
    expect(await delayed.getAttribute('data-step')).toBe('tips');
    // The date as the page formats it (en-GB, the browser's own time zone).
    const untilText = (await page.evaluate(
      `new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(${Number(until)}))`,
    )) as string;
    const text = (await delayed.textContent()) ?? '';
    expect(text).toContain(`Delayed until ${untilText}`);
    expect(await delayed.getByTestId('trace-why').textContent()).toBe(
      'Why: the email frequency budget was used up; it goes out when the budget has room again.',
    );
    await context.close();
  }, 60_000);

  it('explains on the customer page a send skipped for want of consent', async () => {
    const { context, page } = await rig.open();
    await rig.signIn(page);
    await openTrace(page, profiles.ben);
    const skipped = page.locator('[data-testid="trace-step"][data-status="skipped"]');
    expect(await skipped.count()).toBe(2);
    const welcome = skipped.and(page.locator('[data-step="welcome"]'));
    expect(await welcome.textContent()).toContain('Did not send the email message');
    expect(await welcome.getByTestId('trace-why').textContent()).toBe(
      'Why: no email marketing consent — never given.',
    );
    expect(await page.locator('[data-testid="trace-step"][data-status="sent"]').count()).toBe(0);
    await context.close();
  }, 60_000);
});
