import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { mjml, startJourneyWorld, type JourneyWorld } from './journey-world.js';

/**
 * Seed 000's first automation through HTTP only, on the manual clock: a first `Order Completed`
 * with total >= 1 enters a welcome journey; an email now; three days later a split on "bought
 * again": SMS for those who did, WhatsApp (the approved template) for those who did not.
 */
const templates = [
  {
    name: 'Welcome',
    channel: 'email',
    kind: 'marketing',
    variants: {
      en: {
        subject: 'Welcome, {{ profile.first_name | default: "friend" }}',
        body: mjml('Thank you for your first order of {{ event.total | default: 0 }}.'),
      },
    },
  },
  {
    name: 'Thanks again',
    channel: 'sms',
    kind: 'marketing',
    variants: {
      en: { body: 'Thanks for coming back, {{ profile.first_name | default: "friend" }}!' },
    },
  },
  {
    name: 'Miss you',
    channel: 'whatsapp',
    kind: 'marketing',
    variants: {
      en: {
        body: 'We miss you, {{ profile.first_name | default: "friend" }}',
        whatsapp: {
          name: 'miss_you',
          language: 'en',
          parameters: ['{{ profile.first_name | default: "friend" }}'],
        },
      },
    },
  },
];

const welcome = {
  name: 'Welcome after a first order',
  trigger: {
    type: 'event',
    event: 'Order Completed',
    where: [{ property: 'total', operator: 'gte', value: 1 }],
  },
  entry: {
    rule: 'once',
    condition: { type: 'field', field: 'computed.order_count', operator: 'eq', value: 1 },
  },
  start: 'welcome_email',
  steps: [
    { id: 'welcome_email', type: 'send', template: 'Welcome', next: 'three_days' },
    { id: 'three_days', type: 'wait', duration: { amount: 3, unit: 'days' }, next: 'bought_again' },
    {
      id: 'bought_again',
      type: 'split_action',
      event: 'Order Completed',
      yes: 'thanks_sms',
      no: 'miss_you_whatsapp',
    },
    { id: 'thanks_sms', type: 'send', template: 'Thanks again', next: 'done' },
    { id: 'miss_you_whatsapp', type: 'send', template: 'Miss you', next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};

const cartTemplate = {
  name: 'Your cart',
  channel: 'email',
  kind: 'marketing',
  variants: {
    en: {
      subject: 'You left something behind',
      body: mjml(
        '{% for p in event.products %}{{ p.name | default: "item" }} x{{ p.quantity | default: 1 }}; {% endfor %}',
      ),
    },
  },
};

const abandonedCart = {
  name: 'Abandoned cart',
  trigger: { type: 'event', event: 'Checkout Started' },
  entry: { rule: 'every_time' },
  goal: { event: 'Order Completed' },
  start: 'wait_order',
  steps: [
    {
      id: 'wait_order',
      type: 'wait_for_event',
      event: 'Order Completed',
      timeout: { amount: 4, unit: 'hours' },
      next: 'bought',
      timeoutNext: 'cart_email',
    },
    { id: 'cart_email', type: 'send', template: 'Your cart', next: 'after_email' },
    { id: 'after_email', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'bought' },
    { id: 'bought', type: 'exit' },
  ],
};

interface Trace {
  enrollment: { id: string; status: string; endReason: string | null };
  steps: { step: string; outcome: string; next: string | null; reason: string | null }[];
}

const consenting = (id: string, first: string, phone: string) => ({
  userId: id,
  traits: {
    email: `${id}@example.com`,
    phone,
    first_name: first,
    email_consent: 'subscribed',
    sms_consent: 'subscribed',
    whatsapp_consent: 'subscribed',
  },
});

for (const engine of engines) {
  describe(`journeys end to end over HTTP (${engine})`, () => {
    let w: JourneyWorld;

    beforeAll(async () => {
      w = await startJourneyWorld(engine);
      for (const body of [...templates, cartTemplate]) await w.post('/api/v1/templates', body, 201);
      for (const def of [welcome, abandonedCart]) {
        const created = await w.post<{ id: string }>('/api/v1/journeys', def, 201);
        await w.post(`/api/v1/journeys/${created.id}/activate`, {});
      }
    }, 60_000);
    afterAll(async () => {
      await w?.close();
    });

    it("walks seed 000's welcome journey: email now, then SMS or WhatsApp by bought-again", async () => {
      const { t } = w;
      await t.send('/v1/identify', consenting('ada', 'Ada', '+972501112233'));
      await t.send('/v1/identify', consenting('bob', 'Bob', '+381641234567'));
      for (const [user, id] of [
        ['ada', 'o-ada-1'],
        ['bob', 'o-bob-1'],
      ] as const)
        await t.send('/v1/track', {
          userId: user,
          event: 'Order Completed',
          messageId: id,
          properties: { order_id: id, total: 40, currency: 'EUR' },
        });
      // A zero-total order does not trigger (the filter), and a second order does not re-enter.
      await w.advance('PT1M');
      expect(w.sink.messages.map((m) => m.envelopeTo[0]).sort()).toEqual([
        'ada@example.com',
        'bob@example.com',
      ]);
      expect(w.sink.messages[0]!.parsed.subject).toMatch(/^Welcome, (Ada|Bob)$/);
      expect(w.sink.messages[0]!.parsed.text).toContain('first order of 40');

      await w.advance('P1D');
      await t.send('/v1/track', {
        userId: 'ada',
        event: 'Order Completed',
        messageId: 'o-ada-2',
        properties: { order_id: 'o-ada-2', total: 25 },
      });
      await w.advance('P2D');
      // Three days after entry: not yet due until the minute after; then both branches run.
      await w.advance('PT2M');
      expect(w.twilio.accepted.map((r) => [r.fields.To, r.fields.Body])).toEqual([
        ['+972501112233', 'Thanks for coming back, Ada!'],
      ]);
      expect(w.meta.received.map((r) => [r.to, r.template?.name, r.template?.parameters])).toEqual([
        ['381641234567', 'miss_you', ['Bob']],
      ]);
      expect(w.sink.messages).toHaveLength(2);

      const bob = await w.profileIdOf('bob@example.com');
      const enrollments = await w.get<{
        data: { id: string; status: string; journeyName: string }[];
      }>(`/api/v1/profiles/${bob}/journeys`);
      expect(enrollments.data.map((e) => [e.journeyName, e.status])).toEqual([
        ['Welcome after a first order', 'completed'],
      ]);
      const trace = await w.get<Trace>(`/api/v1/enrollments/${enrollments.data[0]!.id}/trace`);
      expect(trace.steps.map((s) => [s.step, s.outcome, s.next])).toEqual([
        ['$entry', 'entered', 'welcome_email'],
        ['welcome_email', 'sent', 'three_days'],
        ['three_days', 'waited', 'bought_again'],
        ['bought_again', 'branch', 'miss_you_whatsapp'],
        ['miss_you_whatsapp', 'sent', 'done'],
        ['done', 'completed', null],
      ]);
      const stats = await w.get<{
        entered: number;
        completed: number;
        messagesSent: number;
        steps: { step: string; branches: Record<string, number> }[];
      }>('/api/v1/journeys/Welcome after a first order/stats');
      expect(stats.entered).toBe(2);
      expect(stats.completed).toBe(2);
      expect(stats.messagesSent).toBe(4);
      expect(stats.steps.find((s) => s.step === 'bought_again')?.branches).toEqual({
        thanks_sms: 1,
        miss_you_whatsapp: 1,
      });
      // The list's one read agrees with the journey's own statistics, for every journey.
      const summaries = await w.get<{ data: Record<string, unknown>[] }>('/api/v1/journey-stats');
      const journeys = await w.get<{ data: { id: string }[] }>('/api/v1/journeys');
      expect(summaries.data.map((s) => s.journeyId).sort()).toEqual(
        journeys.data.map((j) => j.id).sort(),
      );
      for (const summary of summaries.data) {
        const full = await w.get<Record<string, unknown>>(
          `/api/v1/journeys/${String(summary.journeyId)}/stats`,
        );
        expect({ ...summary, steps: full.steps, holdout: full.holdout }).toEqual(full);
      }
    }, 60_000);

    it('abandoned cart: the email with the cart lines after 4 hours; an order stops it at once', async () => {
      const { t } = w;
      await t.send('/v1/identify', consenting('cy', 'Cy', '+972502223344'));
      await t.send('/v1/identify', consenting('dee', 'Dee', '+972503334455'));
      const before = w.sink.messages.length;
      for (const user of ['cy', 'dee'])
        await t.send('/v1/track', {
          userId: user,
          event: 'Checkout Started',
          messageId: `checkout-${user}`,
          properties: {
            products: [
              { product_id: 'p1', name: 'Daily lenses', quantity: 2 },
              { product_id: 'p2', name: 'Lens case', quantity: 1 },
            ],
          },
        });
      await w.advance('PT1H');
      await t.send('/v1/track', {
        userId: 'dee',
        event: 'Order Completed',
        messageId: 'o-dee-1',
        properties: { order_id: 'o-dee-1', total: 55 },
      });
      await w.advance('PT3H');
      await w.advance('PT1M');
      const sent = w.sink.messages
        .slice(before)
        .filter((m) => m.parsed.subject === 'You left something behind');
      expect(sent.map((m) => m.envelopeTo[0])).toEqual(['cy@example.com']);
      expect(sent[0]!.parsed.text).toContain('Daily lenses x2; Lens case x1;');
      await w.advance('P2D');
      const carts = w.sink.messages.filter((m) => m.parsed.subject === 'You left something behind');
      expect(carts).toHaveLength(1);

      const dee = await w.profileIdOf('dee@example.com');
      const [enrollment] = (
        await w.get<{ data: { journeyName: string; status: string; endReason: string }[] }>(
          `/api/v1/profiles/${dee}/journeys`,
        )
      ).data.filter((e) => e.journeyName === 'Abandoned cart');
      expect(enrollment).toMatchObject({ status: 'converted', endReason: 'goal: Order Completed' });
      const stats = await w.get<{ converted: number; revenue: number }>(
        '/api/v1/journeys/Abandoned cart/stats',
      );
      expect(stats).toMatchObject({ converted: 1, revenue: 55 });
    }, 60_000);
  });
}
