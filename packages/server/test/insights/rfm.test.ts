/**
 * RFM scores and groups (modules/insights/rfm.ts): quintiles with ties, the group grid, and a
 * customer-value fit writing them so that a segment on `rfm.group` selects exactly the
 * customers of that group, re-evaluated live when the fit completes, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quintiles, rfmGroupOf, rfmScores } from '../../src/modules/insights/rfm.js';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { fitAndWait } from './customer-value-fit-helper.js';

describe('RFM scoring', () => {
  it('scores by quintile, ties sharing the lower one', () => {
    expect(quintiles([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
    // Any order in, the same scores out.
    expect(quintiles([100, 10, 50])).toEqual([4, 1, 2]);
    // Five equal customers are all in the first quintile; a sixth higher one in the fifth.
    expect(quintiles([7, 7, 7, 7, 7, 9])).toEqual([1, 1, 1, 1, 1, 5]);
    expect(quintiles([])).toEqual([]);
    expect(quintiles([3])).toEqual([1]);
  });

  it('reads the group from recency and frequency', () => {
    // Rows: recency 5..1; columns: frequency 1..5.
    const grid: Record<number, string[]> = {
      5: ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
      4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
      3: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
      2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
      1: ['lost', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
    };
    for (const r of [1, 2, 3, 4, 5]) {
      expect(
        [1, 2, 3, 4, 5].map((f) => rfmGroupOf(r, f)),
        `recency ${r}`,
      ).toEqual(grid[r]);
    }
  });

  it('scores each customer', () => {
    const scores = rfmScores([
      { profileId: 'a', lastOrderAt: 100, orders: 9, spent: 900 },
      { profileId: 'b', lastOrderAt: 10, orders: 1, spent: 5 },
    ]);
    expect(scores.get('a')).toEqual({
      recency: 3,
      frequency: 3,
      monetary: 3,
      group: 'need_attention',
    });
    expect(scores.get('b')).toEqual({ recency: 1, frequency: 1, monetary: 1, group: 'lost' });
  });
});

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

describe.each(engines)('RFM groups as segment fields on %s', (engine) => {
  let t: TestServer;
  const clock = new ManualClock(NOW);
  beforeAll(async () => {
    t = await startTestServer(engine, { clock });
  });
  afterAll(async () => t?.stop());

  it('a fit writes the groups; a segment on rfm.group follows it', async () => {
    // Ten customers: c0 ordered once, long ago; c9 ordered ten times, lately.
    let n = 0;
    for (let c = 0; c < 10; c++) {
      for (let k = 0; k <= c; k++) {
        const at = NOW - (200 - c * 20) * DAY + k * DAY;
        const res = await t.send('/v1/track', {
          userId: `c${c}`,
          event: 'Order Completed',
          messageId: `rfm-${++n}`,
          timestamp: new Date(at).toISOString(),
          properties: { order_id: `R-${n}`, total: 10 + c, currency: 'EUR' },
        });
        expect(res.status).toBe(200);
      }
    }
    await t.settle();
    const created = await t.api('/api/v1/segments', {
      method: 'POST',
      body: {
        name: 'Champions',
        condition: { type: 'field', field: 'rfm.group', operator: 'eq', value: 'champions' },
      },
    });
    expect(created.status).toBe(201);
    const segment = (await json<{ id: string }>(created)).id;
    await t.settle();
    const membersNow = async () =>
      (
        await json<{ data: { userId: string | null }[] }>(
          await t.api(`/api/v1/segments/${segment}/members`),
        )
      ).data.map((m) => m.userId);
    expect(await membersNow()).toEqual([]);

    await fitAndWait(t);
    await t.settle();
    // c8 and c9: the most recent fifth and the most frequent fifth.
    expect((await membersNow()).sort()).toEqual(['c8', 'c9']);
    const stored = await t.server.services.database.db
      .selectFrom('segment_memberships')
      .select('profile_id')
      .where('segment_id', '=', segment)
      .execute();
    expect(stored).toHaveLength(2);
    const lost = await t.server.services.database.db
      .selectFrom('profile_rfm')
      .select(['rfm_group', 'recency_score', 'frequency_score'])
      .where('rfm_group', '=', 'lost')
      .execute();
    expect(lost).toHaveLength(2);
    expect(lost.map((r) => [Number(r.recency_score), Number(r.frequency_score)])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });
});
