/**
 * Live membership (ADR 0018), through real HTTP on both engines: the processor keeps
 * `segment_memberships` exact as events land and as definitions are created, edited and
 * deleted, records every entry and exit with its time and cause in `segment_changes`, and moves
 * a merged-away profile's memberships to the survivor without an exit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { markFitCompleted } from '../../src/platform/db/fit-markers.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

describe.each(engines)('live segment membership on %s', (engine) => {
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
  const profileOf = async (userIdOrAnon: { userId?: string; anonymousId?: string }) => {
    const q = userIdOrAnon.userId
      ? `userId=${userIdOrAnon.userId}`
      : `anonymousId=${userIdOrAnon.anonymousId ?? ''}`;
    const body = await json<{ data: { id: string }[] }>(await ts.api(`/api/v1/profiles?${q}`));
    const id = body.data[0]?.id;
    if (id === undefined) throw new Error(`no profile for ${q}`);
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
  const changes = async (segmentId: string) =>
    (
      await db()
        .selectFrom('segment_changes')
        .select(['profile_id', 'kind', 'at', 'cause'])
        .where('segment_id', '=', segmentId)
        .orderBy('seq')
        .execute()
    ).map((r) => ({ ...r, at: Number(r.at) }));
  const viewed = (who: Record<string, string>, productId: string, messageId: string) =>
    ts.send('/v1/track', {
      ...who,
      messageId,
      event: 'Product Viewed',
      properties: { product_id: productId, category: 'Shoes' },
      timestamp: new Date(clock.now()).toISOString(),
    });

  let browsers = '';
  let gold = '';

  it('takes in a new definition over existing profiles, then follows events', async () => {
    await ts.send('/v1/identify', {
      userId: 'u1',
      messageId: 'id-u1',
      traits: { plan: 'gold' },
      timestamp: new Date(T0).toISOString(),
    });
    await ts.settle();
    const u1 = await profileOf({ userId: 'u1' });

    gold = await createSegment('Gold plan', {
      type: 'field',
      field: 'traits.plan',
      operator: 'eq',
      value: 'gold',
    });
    browsers = await createSegment('Browsers', {
      type: 'event',
      event: 'Product Viewed',
      window: { kind: 'last', amount: 7, unit: 'days' },
      count: { operator: 'gte', value: 2 },
    });
    await ts.settle();
    expect(await members(gold)).toEqual([u1]);
    expect(await changes(gold)).toEqual([
      { profile_id: u1, kind: 'entered', at: T0, cause: 'segment created' },
    ]);
    expect(await members(browsers)).toEqual([]);

    clock.set(T0 + 1000);
    expect((await viewed({ userId: 'u2' }, 'p1', 'v-1')).status).toBe(200);
    await ts.settle();
    expect(await members(browsers)).toEqual([]);
    expect((await viewed({ userId: 'u2' }, 'p2', 'v-2')).status).toBe(200);
    await ts.settle();
    const u2 = await profileOf({ userId: 'u2' });
    expect(await members(browsers)).toEqual([u2]);
    expect(await changes(browsers)).toEqual([
      { profile_id: u2, kind: 'entered', at: T0 + 1000, cause: 'message v-2' },
    ]);
  });

  it('an edited definition gives exits and entries caused by the new version', async () => {
    clock.set(T0 + 2000);
    const u1 = await profileOf({ userId: 'u1' });
    const res = await ts.api(`/api/v1/segments/${gold}`, {
      method: 'PUT',
      body: {
        name: 'Silver plan',
        condition: { type: 'field', field: 'traits.plan', operator: 'eq', value: 'silver' },
      },
    });
    expect(res.status).toBe(200);
    await ts.settle();
    expect(await members(gold)).toEqual([]);
    expect((await changes(gold)).at(-1)).toEqual({
      profile_id: u1,
      kind: 'exited',
      at: T0 + 2000,
      cause: 'definition v2',
    });
    await ts.send('/v1/identify', {
      userId: 'u1',
      messageId: 'id-u1-silver',
      traits: { plan: 'silver' },
      timestamp: new Date(T0 + 2000).toISOString(),
    });
    await ts.settle();
    expect(await members(gold)).toEqual([u1]);
    expect((await changes(gold)).at(-1)).toMatchObject({
      kind: 'entered',
      cause: 'message id-u1-silver',
    });
  });

  it('a merge moves memberships to the survivor with no exit', async () => {
    clock.set(T0 + 3000);
    await viewed({ anonymousId: 'a9' }, 'p1', 'a9-1');
    await viewed({ anonymousId: 'a9' }, 'p2', 'a9-2');
    await ts.settle();
    const anon = await profileOf({ anonymousId: 'a9' });
    expect(await members(browsers)).toContain(anon);
    clock.set(T0 + 4000);
    await ts.send('/v1/identify', {
      userId: 'u9',
      messageId: 'id-u9',
      traits: { plan: 'silver' },
      timestamp: new Date(T0 + 4000).toISOString(),
    });
    await ts.settle();
    const known = await profileOf({ userId: 'u9' });
    expect(await members(gold)).toContain(known);
    clock.set(T0 + 5000);
    await ts.send('/v1/identify', {
      userId: 'u9',
      anonymousId: 'a9',
      messageId: 'link-u9-a9',
      timestamp: new Date(T0 + 5000).toISOString(),
    });
    await ts.settle();
    const survivor = await profileOf({ userId: 'u9' });
    expect(await profileOf({ anonymousId: 'a9' })).toBe(survivor);
    const loser = survivor === anon ? known : anon;
    expect(await members(browsers)).toContain(survivor);
    expect(await members(gold)).toContain(survivor);
    for (const segment of [browsers, gold]) {
      expect(await members(segment)).not.toContain(loser);
      expect(
        (await changes(segment)).filter((c) => c.kind === 'exited' && c.profile_id === loser),
      ).toEqual([]);
    }
  });

  it('a deleted segment leaves no memberships', async () => {
    const res = await ts.api(`/api/v1/segments/${browsers}`, { method: 'DELETE' });
    expect([200, 204]).toContain(res.status);
    await ts.settle();
    expect(await members(browsers)).toEqual([]);
    const state = await db()
      .selectFrom('segment_states')
      .select('segment_id')
      .where('segment_id', '=', browsers)
      .execute();
    expect(state).toEqual([]);
  });

  it('a window sliding is re-checked at its exact instant, by a timer, not a sweep', async () => {
    const start = T0 + 10 * DAY;
    clock.set(start);
    const recent = await createSegment('Viewed this week', {
      type: 'event',
      event: 'Product Viewed',
      window: { kind: 'last', amount: 7, unit: 'days' },
    });
    const monthly = await createSegment('Viewed in the last month', {
      type: 'event',
      event: 'Product Viewed',
      window: { kind: 'last', amount: 1, unit: 'months' },
    });
    await ts.settle();
    await viewed({ userId: 'w1' }, 'p1', 'w1-1');
    await ts.settle();
    const w1 = await profileOf({ userId: 'w1' });
    expect(await members(recent)).toContain(w1);
    // One timer per profile: the earliest instant any of its segments can change.
    const timerOf = async (profileId: string) => {
      const row = await db()
        .selectFrom('segment_profile_timers')
        .select('due_at')
        .where('profile_id', '=', profileId)
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.due_at);
    };
    expect(await timerOf(w1)).toBe(start + 7 * DAY);

    // w2 views again three days later: its timer stays at the first view's edge (early is
    // harmless, late is not); the re-check there finds it still in and moves on to the second.
    await viewed({ userId: 'w2' }, 'p1', 'w2-1');
    await ts.settle();
    const w2 = await profileOf({ userId: 'w2' });
    clock.set(start + 3 * DAY);
    await viewed({ userId: 'w2' }, 'p2', 'w2-2');
    await ts.settle();
    expect(await timerOf(w2)).toBe(start + 7 * DAY);

    clock.set(start + 7 * DAY - 1);
    await ts.settle();
    expect(await members(recent)).toContain(w1);
    clock.set(start + 7 * DAY);
    await ts.settle();
    expect(await members(recent)).not.toContain(w1);
    expect((await changes(recent)).filter((c) => c.profile_id === w1)).toEqual([
      { profile_id: w1, kind: 'entered', at: start, cause: 'message w1-1' },
      { profile_id: w1, kind: 'exited', at: start + 7 * DAY, cause: 'time: a window moved' },
    ]);
    // The week is over for w1; its next instant is the month's edge: 2026-03-11 12:00 plus one
    // calendar month, 2026-04-11 12:00.
    expect(await timerOf(w1)).toBe(Date.parse('2026-04-11T12:00:00Z'));
    expect(await members(recent)).toContain(w2);
    expect(await timerOf(w2)).toBe(start + 10 * DAY);
    clock.set(start + 10 * DAY);
    await ts.settle();
    expect(await members(recent)).not.toContain(w2);
    expect((await changes(recent)).filter((c) => c.profile_id === w2).map((c) => c.at)).toEqual([
      start,
      start + 10 * DAY,
    ]);
    expect(await members(monthly)).toContain(w1);
    const mine = await json<{ data: { segmentId: string; since: string; cause: string }[] }>(
      await ts.api(`/api/v1/profiles/${w1}/segments`),
    );
    expect(mine.data).toEqual([
      {
        segmentId: monthly,
        name: 'Viewed in the last month',
        since: new Date(start).toISOString(),
        cause: 'message w1-1',
      },
    ]);
    const history = await json<{
      size: number;
      days: { date: string; size: number; entered: number; exited: number }[];
      recent: { kind: string; cause: string }[];
    }>(await ts.api(`/api/v1/segments/${recent}/history?days=11`));
    expect(history.size).toBe(0);
    expect(history.days).toHaveLength(11);
    expect(history.days[0]).toEqual({ date: '2026-03-11', size: 2, entered: 2, exited: 0 });
    expect(history.days[7]).toEqual({ date: '2026-03-18', size: 1, entered: 0, exited: 1 });
    expect(history.days[10]).toEqual({ date: '2026-03-21', size: 0, entered: 0, exited: 1 });
    expect(history.recent.map((c) => c.kind)).toEqual(['exited', 'exited', 'entered', 'entered']);
    clock.set(Date.parse('2026-04-11T12:00:00Z'));
    await ts.settle();
    expect(await members(monthly)).not.toContain(w1);
    // Nothing left to wait for: both windows are empty, so no timer remains.
    expect(await timerOf(w1)).toBeUndefined();
  });

  it('re-evaluates segments on predictions when a model fit lands, with no event', async () => {
    clock.set(Date.parse('2026-05-01T00:00:00Z'));
    const atRisk = await createSegment('At risk', {
      type: 'field',
      field: 'predictions.churn_risk',
      operator: 'eq',
      value: 'high',
    });
    await ts.settle();
    expect(await members(atRisk)).toEqual([]);
    const u1 = await profileOf({ userId: 'u1' });
    // What the daily fit writes: a run, then one prediction per profile.
    await db()
      .insertInto('insights_model_runs')
      .values({
        workspace_id: 'default',
        model: 'customer_value',
        method: 'rules',
        reason: null,
        fitted_at: clock.now(),
        customers: 1,
        repeat_customers: 0,
        scored_profiles: 1,
        parameters: '{}',
        log_likelihood: null,
        details: '{}',
        duration_ms: 1,
      })
      .execute();
    await db()
      .insertInto('customer_value_predictions')
      .values({
        workspace_id: 'default',
        profile_id: u1,
        run_id: 1,
        method: 'rules',
        p_alive: 0.1,
        expected_orders_90d: 0,
        expected_orders_365d: 0.1,
        predicted_clv_365d: 3,
        expected_spend: 30,
        churn_risk: 'high',
        churn_basis: 'test',
        churn_score: 0.9,
        expected_next_order_at: null,
        x: 0,
        t_x: 0,
        t_cal: 10,
        monetary: null,
        average_order_value: 30,
        computed_at: clock.now(),
      })
      .execute();
    // Rows written, the fit not yet marked complete: nothing is re-evaluated on half a fit.
    await ts.settle();
    expect(await members(atRisk)).toEqual([]);
    await markFitCompleted(db(), 'customer_value', 'default', 1);
    await ts.settle();
    expect(await members(atRisk)).toEqual([u1]);
    expect(await changes(atRisk)).toEqual([
      { profile_id: u1, kind: 'entered', at: clock.now(), cause: 'model fit' },
    ]);
  });

  it('stored membership equals the compiled answer at the same instant', async () => {
    await ts.settle();
    const ids = (await db().selectFrom('segments').select('id').execute()).map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const id of ids) {
      const page = await json<{ data: { id: string }[] }>(
        await ts.api(`/api/v1/segments/${id}/members?limit=1000`),
      );
      expect(await members(id), id).toEqual(page.data.map((m) => m.id).sort());
    }
  });
});
