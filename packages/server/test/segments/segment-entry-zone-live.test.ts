/**
 * "Since entering" windows and dates in the profile's zone, kept live by the processor on the
 * virtual clock, through real HTTP on both engines: an order counts from the profile's entry
 * into "Cart abandoners", and the segment reading it follows that entry and the exit a timer
 * makes, at the same instant; a birthday in the profile's zone starts at the profile's local
 * midnight, Asia/Jerusalem's on the day its clocks moved to summer time, New York's for a
 * profile that only the workspace's zone places; and the bad input is refused at its path.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-03-20T09:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

describe.each(engines)('since entering and profile zones, live on %s', (engine) => {
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
    expect(res.status, await res.clone().text()).toBe(201);
    return (await json<{ id: string }>(res)).id;
  };
  const profileOf = async (userId: string) => {
    const body = await json<{ data: { id: string }[] }>(
      await ts.api(`/api/v1/profiles?userId=${userId}`),
    );
    const id = body.data[0]?.id;
    if (id === undefined) throw new Error(`no profile for ${userId}`);
    return id;
  };
  const members = async (segmentId: string) =>
    (
      await db()
        .selectFrom('segment_memberships')
        .select('profile_id')
        .where('segment_id', '=', segmentId)
        .orderBy('profile_id')
        .execute()
    ).map((r) => r.profile_id);
  const changesOf = async (segmentId: string, profileId: string) =>
    (
      await db()
        .selectFrom('segment_changes')
        .select(['kind', 'at', 'cause'])
        .where('segment_id', '=', segmentId)
        .where('profile_id', '=', profileId)
        .orderBy('seq')
        .execute()
    ).map((r) => ({ kind: r.kind, at: iso(Number(r.at)), cause: r.cause }));
  /** The profile's one timer: the earliest instant any segment's answer for it can change. */
  const timerOf = async (profileId: string) => {
    const row = await db()
      .selectFrom('segment_profile_timers')
      .select('due_at')
      .where('profile_id', '=', profileId)
      .executeTakeFirst();
    return row ? iso(Number(row.due_at)) : null;
  };
  const track = async (userId: string, event: string, messageId: string) => {
    const res = await ts.send('/v1/track', {
      userId,
      event,
      messageId,
      properties: {},
      timestamp: iso(clock.now()),
    });
    expect(res.status).toBe(200);
  };
  /** The compiled answer now, which stored membership must equal. */
  const answer = async (segmentId: string) =>
    (
      await json<{ data: { id: string }[] }>(
        await ts.api(`/api/v1/segments/${segmentId}/members?limit=1000`),
      )
    ).data
      .map((m) => m.id)
      .sort();

  let carts = '';
  let ordered = '';
  let notOrdered = '';
  /** The birthday segments and the profile only the workspace's zone places. */
  let local = '';
  let utc = '';
  let fallback = '';

  it('counts orders from the entry into the segment, and follows its entries and exits', async () => {
    carts = await createSegment('Cart abandoners', {
      type: 'event',
      event: 'Product Added',
      window: { kind: 'last', amount: 3, unit: 'days' },
    });
    const since = { kind: 'since_entering', segment: carts };
    ordered = await createSegment('Ordered since entering', {
      type: 'event',
      event: 'Order Completed',
      window: since,
    });
    notOrdered = await createSegment('No order since entering', {
      type: 'event',
      event: 'Order Completed',
      window: since,
      count: { operator: 'eq', value: 0 },
    });
    await ts.settle();

    // early ordered before it entered: that order does not count.
    await track('early', 'Order Completed', 'early-order');
    clock.set(T0 + MINUTE);
    await track('early', 'Product Added', 'early-cart');
    await track('buyer', 'Product Added', 'buyer-cart');
    await track('bystander', 'Page Viewed', 'bystander-page');
    await ts.settle();
    const [early, buyer, bystander] = [
      await profileOf('early'),
      await profileOf('buyer'),
      await profileOf('bystander'),
    ];
    expect(await members(carts)).toEqual([buyer, early].sort());
    expect(await members(ordered)).toEqual([]);
    // Not in the segment: no entry, so nothing counts - "did not order since" holds.
    expect(await members(notOrdered)).toEqual([buyer, bystander, early].sort());

    clock.set(T0 + 60 * MINUTE);
    await track('buyer', 'Order Completed', 'buyer-order');
    await ts.settle();
    expect(await members(ordered)).toEqual([buyer]);
    expect(await changesOf(ordered, buyer)).toEqual([
      { kind: 'entered', at: iso(T0 + 60 * MINUTE), cause: 'message buyer-order' },
    ]);
    expect(await members(notOrdered)).toEqual([bystander, early].sort());

    // The cart window ends three days after the cart, by a timer: the entry it counted from is
    // gone, so "ordered since entering" ends at that very instant, and "did not" starts.
    const cartEnds = T0 + MINUTE + 3 * DAY;
    expect(await timerOf(buyer)).toBe(iso(cartEnds));
    clock.set(cartEnds - 1);
    await ts.settle();
    expect(await members(ordered)).toEqual([buyer]);
    clock.set(cartEnds);
    await ts.settle();
    expect(await members(carts)).toEqual([]);
    expect(await members(ordered)).toEqual([]);
    expect(await changesOf(ordered, buyer)).toEqual([
      { kind: 'entered', at: iso(T0 + 60 * MINUTE), cause: 'message buyer-order' },
      { kind: 'exited', at: iso(cartEnds), cause: `segment ${carts} exited` },
    ]);
    expect((await changesOf(notOrdered, buyer)).at(-1)).toEqual({
      kind: 'entered',
      at: iso(cartEnds),
      cause: `segment ${carts} exited`,
    });
    for (const id of [carts, ordered, notOrdered])
      expect(await members(id)).toEqual(await answer(id));

    // A new entry starts a new count: the old order is before it.
    clock.set(cartEnds + DAY);
    await track('buyer', 'Product Added', 'buyer-cart-2');
    await ts.settle();
    expect(await members(carts)).toEqual([buyer]);
    expect(await members(ordered)).toEqual([]);
    expect(await members(notOrdered)).toContain(buyer);
  });

  it('refuses a cycle through since entering, and deleting the entered segment', async () => {
    const cycle = await ts.api(`/api/v1/segments/${carts}`, {
      method: 'PUT',
      body: {
        name: 'Cart abandoners',
        condition: { type: 'purchased', window: { kind: 'since_entering', segment: ordered } },
      },
    });
    expect(cycle.status).toBe(400);
    const fault = await json<{ error: { details: { field: string; message: string }[] } }>(cycle);
    expect(fault.error.details.map((d) => d.field)).toEqual(['condition.window.segment']);
    const self = await ts.api(`/api/v1/segments/${ordered}`, {
      method: 'PUT',
      body: {
        name: 'Ordered since entering',
        condition: { type: 'purchased', window: { kind: 'since_entering', segment: ordered } },
      },
    });
    expect(self.status).toBe(400);
    const missing = await ts.api('/api/v1/segments', {
      method: 'POST',
      body: {
        name: 'Since a ghost',
        condition: { type: 'purchased', window: { kind: 'since_entering', segment: 'seg_nope' } },
      },
    });
    expect(missing.status).toBe(400);
    const gone = await ts.api(`/api/v1/segments/${carts}`, { method: 'DELETE' });
    expect(gone.status).toBe(409);
    expect(await gone.text()).toContain(ordered);
  });

  it('starts a birthday at the profile’s local midnight, across Jerusalem’s clock change', async () => {
    // Israel moves its clocks to summer time on Friday 2026-03-27 at 02:00 (+02 -> +03).
    clock.set(Date.parse('2026-03-27T09:00:00Z'));
    expect(
      (
        await ts.api('/api/v1/journey-settings', {
          method: 'PUT',
          body: { timezone: 'America/New_York' },
        })
      ).status,
    ).toBe(200);
    const declared = await ts.api('/api/v1/custom-fields', {
      method: 'POST',
      body: { name: 'birthday', type: 'date' },
    });
    expect(declared.status).toBe(201);
    const born = (userId: string, traits: Record<string, unknown>) =>
      ts.send('/v1/identify', {
        userId,
        messageId: `born-${userId}`,
        traits: { birthday: '1990-03-28', ...traits },
        timestamp: iso(clock.now()),
      });
    await born('jerusalem', { timezone: 'Asia/Jerusalem' });
    await born('israel', { country: 'Israel' });
    await born('default', {});
    await ts.settle();
    const birthday = (zone: 'profile' | 'utc') => ({
      type: 'field',
      field: 'traits.birthday',
      operator: 'anniversary_within',
      amount: 1,
      unit: 'days',
      zone,
    });
    local = await createSegment('Birthday today (their zone)', birthday('profile'));
    utc = await createSegment('Birthday today (UTC)', birthday('utc'));
    await ts.settle();
    const [jerusalem, israel] = [await profileOf('jerusalem'), await profileOf('israel')];
    fallback = await profileOf('default');
    expect(await members(local)).toEqual([]);

    // Midnight in Jerusalem on the 28th is 21:00 UTC: summer time began that morning.
    const jerusalemMidnight = Date.parse('2026-03-27T21:00:00Z');
    expect(DateTime.fromMillis(jerusalemMidnight, { zone: 'Asia/Jerusalem' }).toISO()).toBe(
      '2026-03-28T00:00:00.000+03:00',
    );
    expect(await timerOf(jerusalem)).toBe(iso(jerusalemMidnight));
    // New York (the workspace's zone) is on summer time since March 8: midnight is 04:00 UTC,
    // after the UTC segment's midnight (each profile has one timer: the earliest).
    const newYorkMidnight = Date.parse('2026-03-28T04:00:00Z');
    expect(await timerOf(fallback)).toBe('2026-03-28T00:00:00.000Z');

    clock.set(jerusalemMidnight - 1);
    await ts.settle();
    expect(await members(local)).toEqual([]);
    clock.set(jerusalemMidnight);
    await ts.settle();
    expect(await members(local)).toEqual([israel, jerusalem].sort());
    expect(await changesOf(local, jerusalem)).toEqual([
      { kind: 'entered', at: iso(jerusalemMidnight), cause: 'time: a window moved' },
    ]);
    clock.set(Date.parse('2026-03-28T00:00:00Z'));
    await ts.settle();
    expect(await members(utc)).toEqual([fallback, israel, jerusalem].sort());
    expect(await members(local)).toEqual([israel, jerusalem].sort());
    expect(await timerOf(fallback)).toBe(iso(newYorkMidnight));
    clock.set(newYorkMidnight - 1);
    await ts.settle();
    expect(await members(local)).not.toContain(fallback);
    clock.set(newYorkMidnight);
    await ts.settle();
    expect(await members(local)).toEqual([fallback, israel, jerusalem].sort());
    expect(await changesOf(local, fallback)).toEqual([
      { kind: 'entered', at: iso(newYorkMidnight), cause: 'time: a window moved' },
    ]);
    // The day ends at the next local midnight.
    const jerusalemNext = Date.parse('2026-03-28T21:00:00Z');
    expect(await timerOf(jerusalem)).toBe(iso(jerusalemNext));
    clock.set(jerusalemNext);
    await ts.settle();
    expect(await members(local)).toEqual([fallback]);
    for (const id of [local, utc]) expect(await members(id)).toEqual(await answer(id));
  });

  it('asks again when the workspace’s zone changes, for the profiles only it places', async () => {
    const requests = async () =>
      Number(
        (
          await db()
            .selectFrom('segment_recheck_requests')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const put = async (body: Record<string, unknown>) =>
      expect((await ts.api('/api/v1/journey-settings', { method: 'PUT', body })).status).toBe(200);
    // 21:00 UTC on the 28th: 17:00 on the birthday in New York, 06:00 the day after in Tokyo.
    const at = Date.parse('2026-03-28T21:00:00Z');
    expect(clock.now()).toBe(at);
    expect(await members(local)).toEqual([fallback]);
    // Quiet hours changed, the zone not: nothing to ask.
    await put({ timezone: 'America/New_York', quietHours: { start: '21:00', end: '08:00' } });
    expect(await requests()).toBe(0);
    // The zone changed: asked in the same transaction, for the profiles without a zone of
    // their own (the three shoppers above and this one; not Jerusalem's or Israel's), and
    // answered by the processor's next batch.
    await put({ timezone: 'Asia/Tokyo' });
    expect(await requests()).toBe(4);
    await ts.settle();
    expect(await requests()).toBe(0);
    expect(await members(local)).toEqual([]);
    const cause = (from: string, to: string) =>
      `time zone: the workspace's changed from ${from} to ${to}`;
    expect((await changesOf(local, fallback)).at(-1)).toEqual({
      kind: 'exited',
      at: iso(at),
      cause: cause('America/New_York', 'Asia/Tokyo'),
    });
    // Back to New York an hour later: still the 28th there, so the birthday holds again, until
    // New York's midnight.
    clock.set(at + 60 * MINUTE);
    await put({ timezone: 'America/New_York' });
    await ts.settle();
    expect(await members(local)).toEqual([fallback]);
    expect((await changesOf(local, fallback)).at(-1)).toEqual({
      kind: 'entered',
      at: iso(at + 60 * MINUTE),
      cause: cause('Asia/Tokyo', 'America/New_York'),
    });
    const newYorkMidnight = Date.parse('2026-03-29T04:00:00Z');
    clock.set(newYorkMidnight - 1);
    await ts.settle();
    expect(await members(local)).toEqual([fallback]);
    clock.set(newYorkMidnight);
    await ts.settle();
    expect(await members(local)).toEqual([]);
    for (const id of [local, utc]) expect(await members(id)).toEqual(await answer(id));
  });
});
