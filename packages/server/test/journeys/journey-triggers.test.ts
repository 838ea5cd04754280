import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { startSmtpSink, type SmtpSink } from '../messaging/smtp-sink.js';
import { mjml } from './journey-world.js';

/**
 * Triggers that are not a tracked event, over HTTP on the manual clock: a weekly schedule in
 * the workspace's time zone, a yearly birthday at 10:00 in the profile's own zone, an order
 * anniversary (first order + 30 days), and back in stock for those who viewed the product.
 */
const START = Date.parse('2026-12-07T06:00:00Z'); // a Monday; 08:00 in Jerusalem

const email = (name: string, subject: string, body: string) => ({
  name,
  channel: 'email',
  kind: 'marketing',
  variants: { en: { subject, body: mjml(body) } },
});
const oneSend = (name: string, trigger: unknown, template: string, entry?: unknown) => ({
  name,
  trigger,
  ...(entry ? { entry } : {}),
  start: 'send',
  steps: [
    { id: 'send', type: 'send', template, next: 'done' },
    { id: 'done', type: 'exit' },
  ],
});

for (const engine of engines) {
  describe(`calendar and catalog triggers (${engine})`, () => {
    let t: TestServer;
    let sink: SmtpSink;
    const post = async (path: string, body: unknown, status = 200) => {
      const res = await t.api(path, { method: 'POST', body });
      const answer = await json(res);
      expect(res.status, JSON.stringify(answer)).toBe(status);
      return answer;
    };
    const advance = (by: string) => post('/clock/advance', { by });
    const subjects = (subject: string) =>
      sink.messages
        .filter((m) => m.parsed.subject?.startsWith(subject))
        .map((m) => ({ to: m.envelopeTo[0] }));
    /** When the journey's send steps ran for the person (the trace's `sent` rows). */
    const sentAt = async (address: string, journey: string) => {
      const found = await json<{ data: { id: string }[] }>(
        await t.api(`/api/v1/profiles?email=${encodeURIComponent(address)}`),
      );
      const enrollments = await json<{ data: { id: string; journeyName: string }[] }>(
        await t.api(`/api/v1/profiles/${found.data[0]!.id}/journeys`),
      );
      const out: string[] = [];
      for (const e of enrollments.data.filter((x) => x.journeyName === journey)) {
        const trace = await json<{ steps: { outcome: string; at: string }[] }>(
          await t.api(`/api/v1/enrollments/${e.id}/trace`),
        );
        out.push(...trace.steps.filter((s) => s.outcome === 'sent').map((s) => s.at));
      }
      return out;
    };

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await startTestServer(engine, {
        background: false,
        clock: new ManualClock(START),
        config: { clock: 'manual', smtpUrl: sink.url, emailFrom: 'Shop <shop@shop.example>' },
      });
      const put = await t.api('/api/v1/journey-settings', {
        method: 'PUT',
        body: { timezone: 'Asia/Jerusalem' },
      });
      expect(put.status).toBe(200);
      await post('/api/v1/custom-fields', { name: 'birthday', type: 'date' }, 201);
      await post(
        '/api/v1/segments',
        {
          name: 'Reachable',
          condition: { type: 'field', field: 'traits.email', operator: 'exists' },
        },
        201,
      );
      for (const [name, subject] of [
        ['Weekly', 'Weekly picks'],
        ['Birthday', 'Happy birthday'],
        ['Anniversary', 'A month with us'],
        ['Back', 'Back in stock:'],
      ] as const)
        await post(
          '/api/v1/templates',
          email(
            name,
            name === 'Back' ? 'Back in stock: {{ event.title | default: "" }}' : subject,
            'Hi {{ profile.first_name | default: "there" }}',
          ),
          201,
        );
      const journeys = [
        oneSend(
          'Weekly picks',
          { type: 'schedule', cron: '0 10 * * 1', segment: 'Reachable' },
          'Weekly',
          { rule: 'every_time' },
        ),
        oneSend(
          'Birthday',
          { type: 'date_field', field: 'traits.birthday', yearly: true, at: '10:00' },
          'Birthday',
        ),
        oneSend(
          'First order anniversary',
          { type: 'date_field', field: 'computed.first_order_at', offsetDays: 30, at: '12:00' },
          'Anniversary',
        ),
        oneSend(
          'Back in stock',
          { type: 'product', event: 'back_in_stock', audience: ['viewed'] },
          'Back',
        ),
      ];
      for (const def of journeys) {
        const created = await post('/api/v1/journeys', def, 201);
        await post(`/api/v1/journeys/${String(created.id)}/activate`, {});
      }
      const person = (id: string, traits: Record<string, unknown>) =>
        t.send('/v1/identify', {
          userId: id,
          traits: { email: `${id}@example.com`, email_consent: 'subscribed', ...traits },
        });
      await person('ana', {
        first_name: 'Ana',
        birthday: '1991-12-09',
        timezone: 'Europe/Belgrade',
      });
      await person('ben', { first_name: 'Ben', birthday: '1985-03-02' });
      await t.send('/v1/track', {
        userId: 'ben',
        event: 'Order Completed',
        messageId: 'o-ben',
        timestamp: new Date(START).toISOString(),
        properties: { order_id: 'o-ben', total: 30 },
      });
      await advance('PT1M');
    }, 60_000);
    afterAll(async () => {
      await t?.stop();
      await sink?.close();
    });

    it('refuses bad journey settings by field and keeps the ones in force', async () => {
      for (const [body, field] of [
        [{ timezone: 'Mars/Base' }, 'timezone'],
        [{ quietHours: { start: '25:00', end: '09:00' } }, 'quietHours.start'],
        [
          { budget: { email: [{ max: 0, within: { amount: 1, unit: 'days' } }] } },
          'budget.email.0.max',
        ],
        [{ budget: { fax: [] } }, 'budget'],
      ] as const) {
        const res = await t.api('/api/v1/journey-settings', { method: 'PUT', body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        const answer = await json<{ error: { details: { field: string }[] } }>(res);
        expect(answer.error.details.map((d) => d.field).join(' ')).toContain(field);
      }
      const kept = await json<{ timezone: string }>(await t.api('/api/v1/journey-settings'));
      expect(kept.timezone).toBe('Asia/Jerusalem');
    });

    it('a weekly schedule enrolls the segment at 10:00 workspace time, once per tick', async () => {
      expect(subjects('Weekly')).toEqual([]);
      await advance('PT2H'); // 10:01 in Jerusalem
      expect(
        subjects('Weekly')
          .map((m) => m.to)
          .sort(),
      ).toEqual(['ana@example.com', 'ben@example.com']);
      await advance('P1D');
      expect(subjects('Weekly')).toHaveLength(2);
      await advance('P6D'); // the next Monday
      expect(subjects('Weekly')).toHaveLength(4);
    });

    it("a yearly birthday sends at 10:00 in the profile's own zone on the day", async () => {
      // 2026-12-09 10:00 in Belgrade (UTC+1) is 09:00Z; the clock passed Dec 9 in the last test.
      expect(subjects('Happy birthday').map((m) => m.to)).toEqual(['ana@example.com']);
      expect(await sentAt('ana@example.com', 'Birthday')).toEqual(['2026-12-09T09:00:00.000Z']);
    });

    it('a date 30 days after the first order sends at noon in the workspace zone', async () => {
      await advance('P20D'); // 2027-01-03; the first order was 2026-12-07 -> 2027-01-06
      expect(subjects('A month with us')).toEqual([]);
      await advance('P4D');
      expect(subjects('A month with us').map((m) => m.to)).toEqual(['ben@example.com']);
      expect(await sentAt('ben@example.com', 'First order anniversary')).toEqual([
        '2027-01-06T10:00:00.000Z',
      ]);
    });

    it('back in stock reaches those who viewed the product, with its title', async () => {
      await post('/api/v1/products', { id: 'lens-30', title: 'Daily lenses', stock: 0, price: 20 });
      await t.send('/v1/track', {
        userId: 'ana',
        event: 'Product Viewed',
        properties: { product_id: 'lens-30' },
      });
      await advance('PT1M');
      expect(subjects('Back in stock')).toEqual([]);
      await post('/api/v1/products', {
        id: 'lens-30',
        title: 'Daily lenses',
        stock: 12,
        price: 20,
      });
      await advance('PT1M');
      expect(subjects('Back in stock').map((m) => m.to)).toEqual(['ana@example.com']);
      expect(sink.messages.at(-1)?.parsed.subject).toBe('Back in stock: Daily lenses');
    });
  });
}
