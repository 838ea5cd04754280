/**
 * Order-scoped steps (`sameAsTrigger`): with one enrollment per order, a wait for `Order
 * Fulfilled` is answered only by that order's fulfilment, and "did they cancel it?" asks about
 * that order only. Two orders of one customer, one shipped and one cancelled: each enrollment
 * takes its own branch. Over HTTP on the manual clock, both engines; then the definition checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameAsTrigger } from '../../src/modules/journeys/property-match.js';
import { engines } from '../support/engines.js';
import { startJourneyHarness, type JourneyHarness } from './journey-harness.js';

const START = Date.parse('2026-04-06T09:00:00Z');

const perOrder = {
  name: 'Per order',
  trigger: { type: 'event', event: 'Order Completed' },
  entry: { rule: 'every_time', whileInside: true },
  start: 'wait-shipped',
  steps: [
    {
      id: 'wait-shipped',
      type: 'wait_for_event',
      event: 'Order Fulfilled',
      sameAsTrigger: ['order_id'],
      timeout: { amount: 2, unit: 'days' },
      next: 'shipped',
      timeoutNext: 'cancelled-check',
    },
    {
      id: 'cancelled-check',
      type: 'split_action',
      event: 'Order Cancelled',
      sameAsTrigger: ['order_id'],
      yes: 'cancelled',
      no: 'late',
    },
    { id: 'shipped', type: 'exit', label: 'shipped' },
    { id: 'cancelled', type: 'exit', label: 'cancelled' },
    { id: 'late', type: 'exit', label: 'late' },
  ],
};

describe('sameAsTrigger', () => {
  it('compares identifiers by their text, and never matches a missing or nested value', () => {
    expect(sameAsTrigger({ order_id: 'A' }, { order_id: 'A' }, ['order_id'])).toBe(true);
    expect(sameAsTrigger({ order_id: 'B' }, { order_id: 'A' }, ['order_id'])).toBe(false);
    expect(sameAsTrigger({ order_id: 1001 }, { order_id: '1001' }, ['order_id'])).toBe(true);
    expect(sameAsTrigger({ order_id: true }, { order_id: 'true' }, ['order_id'])).toBe(false);
    expect(sameAsTrigger({}, {}, ['order_id'])).toBe(false);
    expect(sameAsTrigger({ o: { id: 1 } }, { o: { id: 1 } }, ['o'])).toBe(false);
    expect(sameAsTrigger({ o: { id: 1 } }, { o: { id: 1 } }, ['o.id'])).toBe(true);
    expect(sameAsTrigger({ a: 1, b: 2 }, { a: 1, b: 3 }, ['a', 'b'])).toBe(false);
    expect(sameAsTrigger({ a: 1 }, undefined, ['a'])).toBe(false);
    expect(sameAsTrigger({ a: 1 }, {}, undefined)).toBe(true);
  });
});

describe.each(engines)('order-scoped steps on %s', (engine) => {
  let h: JourneyHarness;
  let journeyId = '';
  beforeAll(async () => {
    h = await startJourneyHarness(engine, START);
    journeyId = await h.journey(perOrder);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('lets each order answer only its own wait and its own split', async () => {
    await h.identify('ada', { email: 'ada@example.com' });
    await h.track('ada', 'Order Completed', { order_id: 'A-1', total: 10 });
    await h.track('ada', 'Order Completed', { order_id: 'A-2', total: 20 });
    await h.track('ada', 'Order Completed', { order_id: 'A-3', total: 30 });
    await h.advance('PT1H');
    // A-2 ships; A-3 is cancelled; A-1 neither.
    await h.track('ada', 'Order Fulfilled', { order_id: 'A-2' });
    await h.track('ada', 'Order Cancelled', { order_id: 'A-3' });
    await h.advance('PT1H');

    const profileId = await h.profileIdOf('ada');
    const enrollments = await h.enrollmentsOf(profileId);
    expect(enrollments).toHaveLength(3);
    const byOrder = new Map<string, string>();
    for (const e of enrollments) {
      const trace = await h.trace(e.id);
      const entered = trace.steps.find((s) => s.outcome === 'entered');
      const trigger = entered?.detail.trigger as
        { event?: { properties?: { order_id?: string } } } | undefined;
      byOrder.set(trigger?.event?.properties?.order_id ?? '?', e.id);
    }
    expect([...byOrder.keys()].sort()).toEqual(['A-1', 'A-2', 'A-3']);
    const outcome = async (order: string) => {
      const trace = await h.trace(byOrder.get(order) ?? '');
      return {
        status: trace.enrollment.status,
        steps: trace.steps.map((s) => `${s.step}:${s.outcome}`),
      };
    };
    // A-2's fulfilment reached only A-2: it is done, the others still wait.
    expect(await outcome('A-2')).toEqual({
      status: 'completed',
      steps: ['$entry:entered', 'wait-shipped:event_received', 'shipped:completed'],
    });
    expect((await outcome('A-1')).status).toBe('active');
    expect((await outcome('A-3')).status).toBe('active');

    await h.advance('P2D');
    expect(await outcome('A-1')).toEqual({
      status: 'completed',
      steps: [
        '$entry:entered',
        'wait-shipped:timed_out',
        'cancelled-check:branch',
        'late:completed',
      ],
    });
    // A-3's cancellation answers its own split; A-1's split did not see it.
    expect(await outcome('A-3')).toEqual({
      status: 'completed',
      steps: [
        '$entry:entered',
        'wait-shipped:timed_out',
        'cancelled-check:branch',
        'cancelled:completed',
      ],
    });
  });

  it('is replayed the same way by a backtest', async () => {
    const report = await h.call<{
      entered: number;
      steps: { step: string; outcomes: Record<string, number>; branches: Record<string, number> }[];
    }>('POST', `/api/v1/journeys/${journeyId}/backtest`, { days: 5 });
    expect(report.entered).toBe(3);
    const step = (id: string) => report.steps.find((s) => s.step === id);
    // Only A-2's own fulfilment answers its wait; only A-3's cancellation its split.
    expect(step('wait-shipped')?.outcomes).toEqual({ event_received: 1, timed_out: 2 });
    expect(step('cancelled-check')?.branches).toEqual({ cancelled: 1, late: 1 });
  });

  it('refuses sameAsTrigger under a trigger without an event, naming the field', async () => {
    const res = await h.t.api('/api/v1/journeys', {
      method: 'POST',
      body: {
        ...perOrder,
        name: 'Per order, by segment',
        trigger: { type: 'segment_entered', segment: 'anything' },
      },
    });
    expect(res.status).toBe(400);
    const body = JSON.stringify(await res.json());
    expect(body).toContain('steps.0.sameAsTrigger');
    expect(body).toContain('needs an event trigger');
  });
});
