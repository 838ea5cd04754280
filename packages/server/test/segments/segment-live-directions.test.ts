/**
 * The processor asks a one-way segment ("did X at least N times": only out -> in as events are
 * added; "did not do X": only in -> out) only of the profiles on the side it can move from
 * (ADR 0018), and a merge survivor of every event segment, whatever the merging call was. Both
 * shortcuts must leave stored membership equal to the compiled answer: checked after each step,
 * through real HTTP on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentCondition } from '@comeback/contracts';
import { directionOf } from '../../src/modules/segments/segment-dependencies.js';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-05-04T09:00:00Z');
const never = () => undefined;

describe('directionOf', () => {
  const viewed = (count?: Extract<SegmentCondition, { type: 'event' }>['count']) =>
    ({
      type: 'event',
      event: 'Product Viewed',
      ...(count ? { count } : {}),
    }) as SegmentCondition;
  it('names the way each kind of condition can move as events are added', () => {
    expect(directionOf(viewed(), never)).toBe('up');
    expect(directionOf(viewed({ operator: 'gte', value: 3 }), never)).toBe('up');
    expect(directionOf(viewed({ operator: 'eq', value: 0 }), never)).toBe('down');
    expect(directionOf(viewed({ operator: 'lte', value: 2 }), never)).toBe('down');
    expect(directionOf(viewed({ operator: 'eq', value: 2 }), never)).toBe('both');
    expect(directionOf({ type: 'not', condition: viewed() }, never)).toBe('down');
    expect(
      directionOf(
        {
          type: 'event',
          event: 'Order Completed',
          aggregate: { fn: 'sum', property: 'revenue', operator: 'gt', value: 10 },
        },
        never,
      ),
    ).toBe('both');
    expect(directionOf({ type: 'category_views', atLeast: 3 }, never)).toBe('up');
    expect(
      directionOf(
        { type: 'field', field: 'predictions.churn_risk', operator: 'eq', value: 'high' },
        never,
      ),
    ).toBe('constant');
    expect(
      directionOf({ type: 'field', field: 'traits.plan', operator: 'eq', value: 'x' }, never),
    ).toBe('both');
    // A prediction does not move with events: the "and" goes the way its event part goes.
    expect(
      directionOf(
        {
          type: 'and',
          conditions: [
            viewed(),
            { type: 'field', field: 'predictions.churn_risk', operator: 'eq', value: 'high' },
          ],
        },
        never,
      ),
    ).toBe('up');
    // "Added to cart and did not check out" can move either way.
    expect(
      directionOf(
        {
          type: 'and',
          conditions: [
            { type: 'event', event: 'Product Added' },
            { type: 'not', condition: { type: 'event', event: 'Checkout Started' } },
          ],
        },
        never,
      ),
    ).toBe('both');
    // A reference goes the way the referenced definition goes; a missing one is not trusted.
    expect(directionOf({ type: 'segment', segment: 'seg_x' }, () => viewed())).toBe('up');
    expect(directionOf({ type: 'segment', segment: 'seg_x' }, never)).toBe('both');
  });
});

describe.each(engines)('one-way segments and merges, live on %s', (engine) => {
  let ts: TestServer;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    ts = await startTestServer(engine, { clock, background: false });
  });
  afterAll(async () => {
    await ts?.stop();
  });

  const db = () => ts.server.services.database.db;
  const createSegment = async (name: string, condition: unknown): Promise<string> => {
    const res = await ts.api('/api/v1/segments', { method: 'POST', body: { name, condition } });
    expect(res.status).toBe(201);
    return (await json<{ id: string }>(res)).id;
  };
  const stored = async (segmentId: string) =>
    (
      await db()
        .selectFrom('segment_memberships')
        .select('profile_id')
        .where('segment_id', '=', segmentId)
        .execute()
    )
      .map((r) => r.profile_id)
      .sort();
  const compiled = async (segmentId: string) =>
    (
      await json<{ data: { id: string }[] }>(
        await ts.api(`/api/v1/segments/${segmentId}/members?limit=1000`),
      )
    ).data
      .map((m) => m.id)
      .sort();
  const profileOf = async (q: string) => {
    const body = await json<{ data: { id: string }[] }>(await ts.api(`/api/v1/profiles?${q}`));
    const id = body.data[0]?.id;
    if (id === undefined) throw new Error(`no profile for ${q}`);
    return id;
  };
  let n = 0;
  const track = async (who: Record<string, string>, event: string) => {
    clock.advance(1000);
    const res = await ts.send('/v1/track', {
      ...who,
      messageId: `m-${n++}`,
      event,
      properties: { product_id: `p${n}`, category: 'Shoes' },
      timestamp: new Date(clock.now()).toISOString(),
    });
    expect(res.status).toBe(200);
  };

  let keen = '';
  let neverCheckedOut = '';
  const expectExact = async () => {
    await ts.settle();
    for (const id of [keen, neverCheckedOut])
      expect(await stored(id), id).toEqual(await compiled(id));
  };

  it('keeps one-way segments exact as their members and non-members act', async () => {
    keen = await createSegment('Viewed 3+', {
      type: 'event',
      event: 'Product Viewed',
      count: { operator: 'gte', value: 3 },
    });
    neverCheckedOut = await createSegment('Viewed, never checked out', {
      type: 'and',
      conditions: [
        { type: 'event', event: 'Product Viewed' },
        { type: 'not', condition: { type: 'event', event: 'Checkout Started' } },
      ],
    });
    for (let i = 0; i < 4; i++) await track({ userId: 'k1' }, 'Product Viewed');
    await expectExact();
    const k1 = await profileOf('userId=k1');
    expect(await stored(keen)).toEqual([k1]);
    // A member viewing again is not asked again, and stays.
    await track({ userId: 'k1' }, 'Product Viewed');
    await expectExact();
    expect(await stored(keen)).toEqual([k1]);
    expect(await stored(neverCheckedOut)).toEqual([k1]);
    await track({ userId: 'k1' }, 'Checkout Started');
    await expectExact();
    expect(await stored(neverCheckedOut)).toEqual([]);
  });

  it('asks a new profile about every segment, whatever its first call', async () => {
    const neverBought = await createSegment('Never purchased', {
      type: 'purchased',
      count: { operator: 'eq', value: 0 },
    });
    const noPlan = await createSegment('No plan yet', {
      type: 'field',
      field: 'traits.plan',
      operator: 'not_exists',
    });
    const noOrders = await createSegment('No orders', {
      type: 'field',
      field: 'computed.order_count',
      operator: 'eq',
      value: 0,
    });
    await ts.settle();
    // A first call that is neither an order nor carries traits.
    await track({ anonymousId: 'fresh-1' }, 'Products Searched');
    await ts.settle();
    const fresh = await profileOf('anonymousId=fresh-1');
    for (const id of [neverBought, noPlan, noOrders]) {
      expect(await stored(id), id).toContain(fresh);
      expect(await stored(id), id).toEqual(await compiled(id));
    }
  });

  it('asks a merge survivor about event segments even when the merging call is an identify', async () => {
    // Two views as an anonymous visitor, two as a known customer: neither has three.
    await track({ anonymousId: 'anon-7' }, 'Product Viewed');
    await track({ anonymousId: 'anon-7' }, 'Product Viewed');
    await track({ userId: 'u7' }, 'Product Viewed');
    await track({ userId: 'u7' }, 'Product Viewed');
    await expectExact();
    const before = await stored(keen);
    // One identify links them: the survivor now has four views, and no view came in the batch.
    clock.advance(1000);
    await ts.send('/v1/identify', {
      userId: 'u7',
      anonymousId: 'anon-7',
      messageId: 'link-u7',
      timestamp: new Date(clock.now()).toISOString(),
    });
    await expectExact();
    const survivor = await profileOf('userId=u7');
    expect(await stored(keen)).toEqual([...before, survivor].sort());
  });
});
