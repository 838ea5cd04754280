import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_CURSOR } from '../../src/modules/journeys/journey-triggers.js';
import { engines } from '../support/engines.js';
import {
  exit,
  onEvent,
  send,
  startJourneyHarness,
  type JourneyHarness,
} from './journey-harness.js';

/**
 * The trigger follower reads a log row only for events some journey listens to; every other
 * applied event (most of a store's traffic: views) is passed over from the event-to-profile
 * mapping alone. Passing over must not lose the events that matter, across the follower's
 * batches (500 track events each), nor leave the cursor behind the processor.
 */
const START = Date.parse('2026-12-07T09:00:00Z');

for (const engine of engines) {
  describe(`the trigger follower passes over events no journey names (${engine})`, () => {
    let h: JourneyHarness;
    beforeAll(async () => {
      h = await startJourneyHarness(engine, START);
      await h.emailTemplate('Thanks');
      await h.journey(
        onEvent('Checkout to order', 'Checkout Started', [
          {
            id: 'await',
            type: 'wait_for_event',
            event: 'Order Completed',
            timeout: { amount: 1, unit: 'days' },
            next: 'thanks',
            timeoutNext: 'done',
          },
          send('thanks', 'Thanks', 'done'),
          exit('done'),
        ]),
      );
    }, 60_000);
    afterAll(async () => h?.close());

    const views = async (n: number) => {
      for (let i = 0; i < n; i += 100) {
        const batch = Array.from({ length: Math.min(100, n - i) }, (_, k) => ({
          type: 'track',
          userId: `viewer-${(i + k) % 37}`,
          event: 'Product Viewed',
          properties: { product_id: `p-${k}` },
        }));
        const res = await h.t.send('/v1/batch', { batch });
        expect(res.status).toBe(200);
      }
    };

    it('finds the trigger and the awaited event among thousands of others', async () => {
      await h.identify('ada', { email: 'ada@example.com', email_consent: true });
      await views(700);
      await h.track('ada', 'Checkout Started', { value: 40 });
      await views(1_300);
      await h.track('ada', 'Order Completed', { order_id: 'o-1', value: 40 });
      await views(600);
      await h.identify('viewer-1', { first_name: 'Vi' }); // the log ends on a call that is no event
      await h.t.settle();
      await h.advance('PT1M');

      const enrollment = await h.onlyEnrollment('ada');
      expect(enrollment.status).toBe('completed');
      const trace = await h.trace(enrollment.id);
      expect(trace.steps.map((s) => s.outcome)).toEqual([
        'entered',
        'event_received',
        'sent',
        'completed',
      ]);
      expect(h.sink.messages.map((m) => m.envelopeTo[0])).toEqual(['ada@example.com']);

      const cursor = await h
        .db()
        .selectFrom('settings')
        .select('value')
        .where('key', '=', EVENTS_CURSOR)
        .executeTakeFirstOrThrow();
      const processor = await h
        .db()
        .selectFrom('processor_cursors')
        .select('position')
        .where('name', '=', 'profiles')
        .executeTakeFirstOrThrow();
      expect(Number(cursor.value)).toBe(Number(processor.position));
    });
  });
}
