/**
 * The backtest (issue 13, item 7) on both engines: a small world of carts and orders over ten
 * days on the manual clock (journey-backtest-world.ts), a draft abandoned-cart journey replayed
 * over it through the API route. The report's numbers are checked exactly, and against the same
 * journey run live over the same events; every table's row count is the same before and after:
 * the backtest writes nothing.
 */
import {
  backtestReportSchema,
  backtestRequestSchema,
  type BacktestReport,
} from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyBacktestOperations } from '../../src/http/openapi/journey-backtest-operations.js';
import { TimerQueue } from '../../src/modules/journeys/backtest-queue.js';
import { engines } from '../support/engines.js';
import {
  DAY,
  HOUR,
  contents,
  rowCounts,
  startBacktestWorld,
  type BacktestWorld,
} from './journey-backtest-world.js';

describe('the backtest timer queue', () => {
  it('gives timers back in time order, same instants in the order they were set', () => {
    const q = new TimerQueue<string>();
    const dues = [50, 10, 30, 10, 70, 20, 30, 10, 60, 40];
    dues.forEach((due, i) => q.push(due, `t${i}`));
    expect(q.popDue(5)).toBeUndefined();
    const out: string[] = [];
    for (let t = q.popDue(45); t !== undefined; t = q.popDue(45)) out.push(`${t.due}:${t.item}`);
    expect(out).toEqual(['10:t1', '10:t3', '10:t7', '20:t5', '30:t2', '30:t6', '40:t9']);
    q.push(45, 'late');
    const rest: string[] = [];
    for (let t = q.popDue(100); t !== undefined; t = q.popDue(100)) rest.push(t.item);
    expect(rest).toEqual(['late', 't0', 't8', 't4']);
    expect(q.size).toBe(0);
  });

  it('documents a request and a report of the real shapes', () => {
    const op = journeyBacktestOperations['POST /api/v1/journeys/{id}/backtest'];
    expect(backtestRequestSchema.parse(op?.request?.example)).toEqual({ days: 30, samples: 1 });
    expect(backtestReportSchema.safeParse(op?.responses[200]?.examples[0]?.value).success).toBe(
      true,
    );
  });
});

for (const engine of engines) {
  describe(`the journey backtest (${engine})`, () => {
    let b: BacktestWorld;
    beforeAll(async () => {
      b = await startBacktestWorld(engine);
    }, 120_000);
    afterAll(async () => {
      await b?.close();
    });

    it('reports exactly what the draft would have done, as the live engine did it', async () => {
      const before = await rowCounts(b.w.t.server.services.database);
      const kept = await contents(b.w.t.server.services.database);
      const { status, body: r } = await b.backtest('Abandoned cart', { days: 30, samples: 3 });
      expect(status, JSON.stringify(r)).toBe(200);
      expect(r.journey).toEqual({
        id: b.ids['Abandoned cart'],
        name: 'Abandoned cart',
        status: 'draft',
      });
      expect([r.days, r.from, r.to]).toEqual([
        30,
        new Date(b.d0 + 12 * DAY - 30 * DAY).toISOString(),
        new Date(b.d0 + 12 * DAY).toISOString(),
      ]);
      expect(r).toMatchObject({
        events: 8,
        segmentChanges: 0,
        entered: 6,
        profiles: 4,
        completed: 4,
        converted: 2,
        revenue: 130,
        exited: 0,
        waiting: 0,
        holdout: { entered: 0, converted: 0 },
      });
      expect(r.steps).toEqual([
        {
          step: 'wait_order',
          type: 'wait_for_event',
          waiting: 0,
          outcomes: { timed_out: 5 },
          branches: { cart_email: 5 },
        },
        {
          step: 'cart_email',
          type: 'send',
          waiting: 0,
          outcomes: { sent: 3, skipped: 2, delayed: 2 },
          branches: { after_email: 5 },
        },
        {
          step: 'after_email',
          type: 'wait',
          waiting: 0,
          outcomes: { waited: 4 },
          branches: { done: 4 },
        },
        { step: 'done', type: 'exit', waiting: 0, outcomes: { completed: 4 }, branches: {} },
      ]);
      expect(r.messages).toEqual({
        total: 3,
        byChannel: { email: 3 },
        byStep: { cart_email: 3 },
        attributed: 1,
        delayedByBudget: 1,
        delayedByQuietHours: 1,
        skipped: {
          'no email marketing consent (never given)': 1,
          'the profile has no email address': 1,
        },
        rendered: 3,
      });

      // The live journey, run by the engine over the same events, did the same.
      const stats = await b.w.get<Record<string, unknown>>(`/api/v1/journeys/Live/stats`);
      expect(stats).toMatchObject({
        entered: 6,
        completed: 4,
        converted: 2,
        revenue: 130,
        messagesSent: 3,
      });
      expect(stats.steps).toEqual(r.steps);
      expect(b.w.sink.messages.map((m) => m.envelopeTo[0])).toEqual([
        'bob@example.com',
        'bob@example.com',
        'bob@example.com',
      ]);

      const at = (offset: number) => new Date(b.d0 + offset).toISOString();
      const rows = (t: BacktestReport['sampleTraces'][number] | undefined) =>
        t?.steps.map((s) => [s.step, s.outcome, s.at, s.next, s.reason, s.message ?? null]);
      const profileOf = async (email: string) => b.w.profileIdOf(email);
      expect(r.sampleTraces.map((t) => [t.profileId, t.status, t.enteredAt])).toEqual([
        [await profileOf('ada@example.com'), 'converted', at(DAY + 10 * HOUR)],
        [await profileOf('bob@example.com'), 'converted', at(2 * DAY + 9 * HOUR)],
        [await profileOf('cy@example.com'), 'completed', at(3 * DAY + 10 * HOUR)],
      ]);
      expect(rows(r.sampleTraces[0])).toEqual([
        ['$entry', 'entered', at(DAY + 10 * HOUR), 'wait_order', null, null],
        ['$goal', 'converted', at(DAY + 11 * HOUR), null, 'goal: Order Completed', null],
      ]);
      const email = {
        channel: 'email',
        to: 'bob@example.com',
        subject: 'You left something behind',
      };
      expect(rows(r.sampleTraces[1])).toEqual([
        ['$entry', 'entered', at(2 * DAY + 9 * HOUR), 'wait_order', null, null],
        [
          'wait_order',
          'timed_out',
          at(2 * DAY + 13 * HOUR),
          'cart_email',
          'no Order Completed within the timeout',
          null,
        ],
        ['cart_email', 'sent', at(2 * DAY + 13 * HOUR), 'after_email', null, email],
        ['$goal', 'converted', at(2 * DAY + 20 * HOUR), null, 'goal: Order Completed', null],
      ]);
      expect(r.sampleTraces[1]?.steps.at(-1)?.detail).toEqual({
        event: 'Order Completed',
        eventId: 'o-bob-1',
        revenue: 80,
        credited: true,
      });
      expect(rows(r.sampleTraces[2])?.map((row) => row.slice(0, 5))).toEqual([
        ['$entry', 'entered', at(3 * DAY + 10 * HOUR), 'wait_order', null],
        [
          'wait_order',
          'timed_out',
          at(3 * DAY + 14 * HOUR),
          'cart_email',
          'no Order Completed within the timeout',
        ],
        [
          'cart_email',
          'skipped',
          at(3 * DAY + 14 * HOUR),
          'after_email',
          'no email marketing consent (never given)',
        ],
        ['after_email', 'waited', at(4 * DAY + 14 * HOUR), 'done', null],
        ['done', 'completed', at(4 * DAY + 14 * HOUR), null, 'reached the end'],
      ]);
      expect(r.notes.length).toBeGreaterThanOrEqual(4);

      // Bob's third cart, traced: the budget's slot, then quiet hours, then sent.
      const six = await b.backtest('Abandoned cart', { days: 30, samples: 6 });
      expect(rows(six.body.sampleTraces[4])).toEqual([
        ['$entry', 'entered', at(5 * DAY + 12 * HOUR), 'wait_order', null, null],
        [
          'wait_order',
          'timed_out',
          at(5 * DAY + 16 * HOUR),
          'cart_email',
          'no Order Completed within the timeout',
          null,
        ],
        ['cart_email', 'delayed', at(5 * DAY + 16 * HOUR), null, 'frequency budget', null],
        ['cart_email', 'delayed', at(6 * DAY + 6 * HOUR), null, 'quiet hours (UTC)', null],
        ['cart_email', 'sent', at(6 * DAY + 9 * HOUR), 'after_email', null, email],
        ['after_email', 'waited', at(7 * DAY + 9 * HOUR), 'done', null, null],
        ['done', 'completed', at(7 * DAY + 9 * HOUR), null, 'reached the end', null],
      ]);
      expect({ ...six.body, sampleTraces: [] }).toEqual({ ...r, sampleTraces: [] });

      // A window that starts after the first two carts sees only the rest.
      const recent = await b.backtest(b.ids['Abandoned cart'] ?? '', { days: 9, samples: 0 });
      expect(recent.body).toMatchObject({ events: 4, entered: 4, converted: 0, completed: 4 });
      expect(recent.body.sampleTraces).toEqual([]);

      expect(await rowCounts(b.w.t.server.services.database)).toEqual(before);
      expect(await contents(b.w.t.server.services.database)).toEqual(kept);
      expect(before.size).toBeGreaterThan(40);
      for (const table of ['journey_enrollments', 'journey_steps', 'messages', 'events'])
        expect(
          [...before.keys()].some((k) => k.endsWith(`.${table}`)),
          table,
        ).toBe(true);
    });

    it('replays segment entries for a segment trigger, changing no profile', async () => {
      const before = await rowCounts(b.w.t.server.services.database);
      const { status, body: r } = await b.backtest('Tag new buyers', { days: 30 });
      expect(status, JSON.stringify(r)).toBe(200);
      expect(r).toMatchObject({ events: 0, segmentChanges: 2, entered: 2, completed: 2 });
      expect(r.steps).toEqual([
        {
          step: 'tag',
          type: 'update_profile',
          waiting: 0,
          outcomes: { updated: 2 },
          branches: { done: 2 },
        },
        { step: 'done', type: 'exit', waiting: 0, outcomes: { completed: 2 }, branches: {} },
      ]);
      expect(r.sampleTraces.map((t) => t.steps[0]?.at)).toEqual([
        new Date(b.d0 + DAY + 11 * HOUR).toISOString(),
        new Date(b.d0 + 2 * DAY + 20 * HOUR).toISOString(),
      ]);
      expect(await rowCounts(b.w.t.server.services.database)).toEqual(before);
    });

    it('refuses what it cannot replay, and answers 404 for an unknown journey', async () => {
      const missing = await b.backtest('jrn_3c9e1a7b5d2f4e6a8c0b', { days: 30, samples: 1 });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ error: { code: 'not_found' } });
      for (const body of [
        { days: 0 },
        { days: 366 },
        { days: 3, samples: 51 },
        { days: 1.5 },
        {},
      ]) {
        const bad = await b.backtest('Abandoned cart', body);
        expect(bad.status, JSON.stringify(body)).toBe(400);
      }
      const days = await b.backtest('Abandoned cart', { days: 400 });
      expect(days.body).toMatchObject({
        error: { details: [{ field: 'days', message: 'Too big: expected number to be <=365' }] },
      });
      await b.w.post(
        '/api/v1/journeys',
        {
          name: 'Weekly',
          trigger: { type: 'schedule', cron: '0 10 * * 1', segment: 'Buyers' },
          start: 'done',
          steps: [{ id: 'done', type: 'exit' }],
        },
        201,
      );
      const weekly = await b.backtest('Weekly', { days: 30 });
      expect(weekly).toEqual({
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message:
              'trigger.type: a backtest replays event and segment triggers, not schedule triggers',
            details: [
              {
                field: 'trigger.type',
                message: 'a backtest replays event and segment triggers, not schedule triggers',
              },
            ],
          },
        },
      });
    });
  });
}
