/**
 * A condition asked as it was at a past instant (a journey backtest): events after the instant
 * do not count, and "since entering" counts from the entry in effect then, read from the
 * segment's recorded changes, not from today's entry. A profile enters a segment, leaves it and
 * enters again, ordering in each period; the same conditions asked live and as of each period
 * must differ exactly where the two questions differ. Real server, both engines.
 */
import type { SegmentCondition } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/modules/workspaces/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const HOUR = 3_600_000;

describe.each(engines)('conditions as of a past instant on %s', (engine) => {
  let ts: TestServer;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    ts = await startTestServer(engine, { clock, background: false });
  });
  afterAll(async () => {
    await ts?.stop();
  });

  let n = 0;
  /** One call an hour later than the last, applied before the next. */
  const call = async (path: '/v1/identify' | '/v1/track', body: Record<string, unknown>) => {
    clock.advance(HOUR);
    const res = await ts.send(path, {
      userId: 'ada',
      messageId: `as-of-${n++}`,
      timestamp: new Date(clock.now()).toISOString(),
      ...body,
    });
    expect(res.status).toBe(200);
    await ts.settle();
    return clock.now();
  };
  const order = () => call('/v1/track', { event: 'Order Completed', properties: { total: 10 } });
  const plan = (value: string) => call('/v1/identify', { traits: { plan: value } });

  it('counts from the entry in effect then, and nothing after then', async () => {
    const created = await ts.api('/api/v1/segments', {
      method: 'POST',
      body: {
        name: 'Gold plan',
        condition: { type: 'field', field: 'traits.plan', operator: 'eq', value: 'gold' },
      },
    });
    expect(created.status).toBe(201);
    const gold = (await json<{ id: string }>(created)).id;

    const firstEntry = await plan('gold');
    const firstOrder = await order();
    const exit = await plan('silver');
    await order(); // while out of the segment
    const reentry = await plan('gold');
    await order();

    const profiles = await json<{ data: { id: string }[] }>(
      await ts.api('/api/v1/profiles?userId=ada'),
    );
    const ada = profiles.data[0]?.id ?? '';
    const segments = ts.server.services.segments;
    const sinceEntering = (count: { operator: 'gte' | 'eq'; value: number }): SegmentCondition => ({
      type: 'event',
      event: 'Order Completed',
      window: { kind: 'since_entering', segment: gold },
      count,
    });
    const ordersInMonth = (value: number): SegmentCondition => ({
      type: 'event',
      event: 'Order Completed',
      window: { kind: 'last', amount: 30, unit: 'days' },
      count: { operator: 'eq', value },
    });
    const live = (c: SegmentCondition, at: number) =>
      segments.conditionHolds(DEFAULT_WORKSPACE_ID, ada, c, at);
    const heldAt = (c: SegmentCondition, at: number) =>
      segments.conditionHeld(DEFAULT_WORKSPACE_ID, ada, c, at);

    // Live: today's entry (the re-entry), one order since it, three in the month.
    expect(await live(sinceEntering({ operator: 'eq', value: 1 }), clock.now())).toBe(true);
    expect(await live(ordersInMonth(3), clock.now())).toBe(true);
    // Asked as of now, the history gives the same answers.
    expect(await heldAt(sinceEntering({ operator: 'eq', value: 1 }), clock.now())).toBe(true);
    expect(await heldAt(ordersInMonth(3), clock.now())).toBe(true);

    // Just after the first entry, before any order: a member with nothing since entering.
    const beforeFirstOrder = firstEntry + 1;
    expect(await heldAt(sinceEntering({ operator: 'gte', value: 1 }), beforeFirstOrder)).toBe(
      false,
    );
    expect(await heldAt(ordersInMonth(0), beforeFirstOrder)).toBe(true);
    // Today's entry and the later orders would have said yes (what a backtest read before).
    expect(await live(sinceEntering({ operator: 'gte', value: 1 }), beforeFirstOrder)).toBe(true);

    // After the first order, still in: one order since the first entry, one in the month.
    expect(await heldAt(sinceEntering({ operator: 'eq', value: 1 }), firstOrder)).toBe(true);
    expect(await heldAt(ordersInMonth(1), firstOrder)).toBe(true);
    expect(await live(ordersInMonth(1), firstOrder)).toBe(false);

    // Out of the segment between the exit and the re-entry: no entry, so no order counts
    // "since entering" ("did not" holds), whatever was ordered before.
    const whileOut = exit + HOUR + 1;
    expect(await heldAt(sinceEntering({ operator: 'gte', value: 1 }), whileOut)).toBe(false);
    expect(await heldAt(sinceEntering({ operator: 'eq', value: 0 }), whileOut)).toBe(true);
    expect(await heldAt(ordersInMonth(2), whileOut)).toBe(true);

    // At the re-entry: counted from it, so the two earlier orders do not count.
    expect(await heldAt(sinceEntering({ operator: 'eq', value: 0 }), reentry)).toBe(true);
  });
});
