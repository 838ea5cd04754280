/**
 * The `consent` condition through real HTTP on both engines: count and preview answer from the
 * consent records, a bad channel or status is refused with its JSON path, and stored membership
 * follows every path that writes consent (the admin API, a one-click unsubscribe link, identify
 * traits read by the consent follower, a spam complaint), each change entered or exited once
 * with its cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { slotOfWorkspace } from '../../src/platform/db/processor-slots.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-04-01T09:00:00Z');
const EMAILABLE = { type: 'consent', channel: 'email', status: 'subscribed' } as const;

describe.each(engines)('consent conditions on %s', (engine) => {
  let ts: TestServer;
  const clock = new ManualClock(T0);
  const ids = new Map<string, string>();
  let workspaceId = '';
  let emailable = '';
  let emailableBuyers = '';

  const db = () => ts.server.services.database.db;
  const id = (user: string) => ids.get(user) ?? `unknown ${user}`;
  const setConsent = async (user: string, channel: string, status: string, source = 'api') => {
    const res = await ts.api(`/api/v1/profiles/${id(user)}/consent`, {
      method: 'PUT',
      body: { channel, status, source },
    });
    expect(res.status).toBe(200);
  };
  const count = async (segmentId: string) =>
    (await json<{ count: number }>(await ts.api(`/api/v1/segments/${segmentId}/count`))).count;
  const preview = async (condition: unknown) => {
    const res = await ts.api('/api/v1/segments/preview', { method: 'POST', body: { condition } });
    expect(res.status).toBe(200);
    const body = await json<{ count: number; sample: { id: string }[] }>(res);
    return { count: body.count, ids: body.sample.map((m) => m.id).sort() };
  };
  const createSegment = async (name: string, condition: unknown) => {
    const res = await ts.api('/api/v1/segments', { method: 'POST', body: { name, condition } });
    expect(res.status).toBe(201);
    return (await json<{ id: string }>(res)).id;
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
  const sorted = (...users: string[]) => users.map(id).sort();

  beforeAll(async () => {
    ts = await startTestServer(engine, { clock, background: false });
    for (const user of ['ana', 'bo', 'cy']) {
      const res = await ts.send('/v1/identify', {
        userId: user,
        messageId: `id-${user}`,
        traits: { email: `${user}@example.com` },
        timestamp: new Date(T0).toISOString(),
      });
      expect(res.status).toBe(200);
    }
    // Bo has bought: a segment combining consent with purchases.
    await ts.send('/v1/track', {
      userId: 'bo',
      messageId: 'order-bo',
      event: 'Order Completed',
      properties: { order_id: 'o-bo', total: 40 },
      timestamp: new Date(T0).toISOString(),
    });
    await ts.settle();
    const rows = await db()
      .selectFrom('profiles')
      .select(['id', 'workspace_id', 'traits'])
      .execute();
    for (const r of rows) {
      const traits = (typeof r.traits === 'string' ? JSON.parse(r.traits) : r.traits) as {
        email?: string;
      };
      const user = traits.email?.split('@')[0];
      if (user !== undefined) ids.set(user, r.id);
      workspaceId = r.workspace_id;
    }
    expect(ids.size).toBe(3);
  });
  afterAll(async () => {
    await ts?.stop();
  });

  it('counts and previews from the consent records: status per channel, none matches none', async () => {
    await setConsent('ana', 'email', 'subscribed');
    await setConsent('bo', 'email', 'pending', 'double-opt-in');
    await setConsent('cy', 'sms', 'subscribed');
    await setConsent('cy', 'email', 'unsubscribed');

    emailable = await createSegment('Can be emailed', EMAILABLE);
    expect(await count(emailable)).toBe(1);
    expect(await preview(EMAILABLE)).toEqual({ count: 1, ids: sorted('ana') });
    expect(await preview({ ...EMAILABLE, status: 'pending' })).toEqual({
      count: 1,
      ids: sorted('bo'),
    });
    expect(await preview({ type: 'consent', channel: 'sms', status: 'subscribed' })).toEqual({
      count: 1,
      ids: sorted('cy'),
    });
    // "Never asked on SMS": no status at all on the channel.
    const anySmsStatus = ['subscribed', 'unsubscribed', 'pending'].map((status) => ({
      type: 'consent',
      channel: 'sms',
      status,
    }));
    expect(
      await preview({ type: 'not', condition: { type: 'or', conditions: anySmsStatus } }),
    ).toEqual({ count: 2, ids: sorted('ana', 'bo') });
    expect(await preview({ type: 'consent', channel: 'push', status: 'subscribed' })).toEqual({
      count: 0,
      ids: [],
    });
  });

  it('refuses a channel or status that does not exist, naming the JSON path', async () => {
    const refusal = async (condition: unknown) => {
      const res = await ts.api('/api/v1/segments', {
        method: 'POST',
        body: { name: 'Bad', condition },
      });
      expect(res.status).toBe(400);
      const body = await json<{ error: { details: { field: string }[] } }>(res);
      return body.error.details.map((d) => d.field);
    };
    expect(
      await refusal({ type: 'and', conditions: [{ ...EMAILABLE, channel: 'fax' }] }),
    ).toContain('condition.conditions.0.channel');
    expect(await refusal({ ...EMAILABLE, status: 'maybe' })).toContain('condition.status');
    // A missing key, as for every condition, is told at the condition itself.
    expect(await refusal({ type: 'consent', channel: 'email' })).toEqual(['condition']);
  });

  it('keeps stored membership exact as consent changes through each path, once each', async () => {
    emailableBuyers = await createSegment('Emailable buyers', {
      type: 'and',
      conditions: [
        { type: 'segment', segment: emailable },
        { type: 'purchased', window: { kind: 'ever' } },
      ],
    });
    await ts.settle();
    expect(await members(emailable)).toEqual(sorted('ana'));
    expect(await changes(emailable)).toEqual([
      { profile_id: id('ana'), kind: 'entered', at: T0, cause: 'segment created' },
    ]);
    expect(await members(emailableBuyers)).toEqual([]);

    // The admin API (a double opt-in confirmed is `subscribed` the same way).
    clock.set(T0 + 1000);
    await setConsent('bo', 'email', 'subscribed');
    await ts.settle();
    expect(await members(emailable)).toEqual(sorted('ana', 'bo'));
    expect(await members(emailableBuyers)).toEqual(sorted('bo'));
    const viaApi = { kind: 'entered', at: T0 + 1000, cause: 'consent: email subscribed (api)' };
    expect((await changes(emailable)).slice(1)).toEqual([{ profile_id: id('bo'), ...viaApi }]);
    expect(await changes(emailableBuyers)).toEqual([{ profile_id: id('bo'), ...viaApi }]);

    // The one-click unsubscribe link in a marketing email.
    clock.set(T0 + 2000);
    const token = ts.server.services.links.sign('unsubscribe', {
      w: workspaceId,
      p: id('ana'),
      c: 'email',
      m: 'msg_1',
    });
    const unsubscribed = await fetch(`${ts.url}/unsubscribe/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    await ts.settle();
    expect(await members(emailable)).toEqual(sorted('bo'));
    expect((await changes(emailable)).slice(2)).toEqual([
      {
        profile_id: id('ana'),
        kind: 'exited',
        at: T0 + 2000,
        cause: 'consent: email unsubscribed (one-click)',
      },
    ]);

    // A storefront's identify carrying consent, read by the consent follower after the processor.
    clock.set(T0 + 3000);
    await ts.send('/v1/identify', {
      userId: 'cy',
      messageId: 'consent-cy',
      traits: { accepts_marketing: true },
      timestamp: new Date(T0 + 3000).toISOString(),
    });
    await ts.settle();
    expect(await ts.server.services.consentFollower.drain()).toBe(1);
    await ts.settle();
    expect(await members(emailable)).toEqual(sorted('bo', 'cy'));
    expect((await changes(emailable)).slice(3)).toEqual([
      {
        profile_id: id('cy'),
        kind: 'entered',
        at: T0 + 3000,
        cause: 'consent: email subscribed (tracking: accepts_marketing)',
      },
    ]);

    // A spam complaint (a provider's feedback) withdraws email consent of the address's holders.
    clock.set(T0 + 4000);
    await ts.server.services.consent.suppress(
      workspaceId,
      'email',
      'bo@example.com',
      'complaint',
      'feedback loop',
      clock.now(),
    );
    await ts.settle();
    expect(await members(emailable)).toEqual(sorted('cy'));
    expect(await members(emailableBuyers)).toEqual([]);
    const complaint = {
      kind: 'exited',
      at: T0 + 4000,
      cause: 'consent: email unsubscribed (complaint)',
    };
    expect((await changes(emailable)).slice(4)).toEqual([{ profile_id: id('bo'), ...complaint }]);
    expect((await changes(emailableBuyers)).slice(1)).toEqual([
      { profile_id: id('bo'), ...complaint },
    ]);

    // Nothing is taken in twice: the cursor over the changes is stored with the memberships.
    const before = [await changes(emailable), await changes(emailableBuyers)];
    clock.set(T0 + 5000);
    await ts.settle();
    await ts.settle();
    expect([await changes(emailable), await changes(emailableBuyers)]).toEqual(before);
    const last = await db()
      .selectFrom('consent_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirstOrThrow();
    const cursor = await db()
      .selectFrom('processor_cursors')
      .select('position')
      // PostgreSQL keeps one per processor slot of workspaces (ADR 0027).
      .where(
        'name',
        '=',
        engine === 'postgres'
          ? `segments:consent:${slotOfWorkspace('default')}`
          : 'segments:consent',
      )
      .executeTakeFirstOrThrow();
    expect(Number(cursor.position)).toBe(Number(last.seq));
    // A change on another channel leaves them as they are.
    await setConsent('ana', 'sms', 'subscribed');
    await ts.settle();
    expect([await changes(emailable), await changes(emailableBuyers)]).toEqual(before);
  });
  it('after a merge, the survivor is a member as its own consent says (consent does not move)', async () => {
    clock.set(T0 + 10_000);
    const res = await ts.send('/v1/track', {
      anonymousId: 'anon-dee',
      messageId: 'dee-1',
      event: 'Page Viewed',
      timestamp: new Date(clock.now()).toISOString(),
    });
    expect(res.status).toBe(200);
    await ts.settle();
    const rows = await json<{ data: { id: string }[] }>(
      await ts.api('/api/v1/profiles?anonymousId=anon-dee'),
    );
    ids.set('dee', rows.data[0]?.id ?? '');
    await setConsent('dee', 'email', 'subscribed');
    await ts.settle();
    expect(await members(emailable)).toEqual(sorted('cy', 'dee'));

    // Ana (unsubscribed) signs in on Dee's browser: the two profiles become one.
    clock.set(T0 + 11_000);
    await ts.send('/v1/identify', {
      userId: 'ana',
      anonymousId: 'anon-dee',
      messageId: 'ana-signs-in',
      timestamp: new Date(clock.now()).toISOString(),
    });
    await ts.settle();
    const merged = await json<{ data: { id: string }[] }>(
      await ts.api('/api/v1/profiles?anonymousId=anon-dee'),
    );
    expect(merged.data).toHaveLength(1);
    const page = await json<{ data: { id: string }[] }>(
      await ts.api(`/api/v1/segments/${emailable}/members?limit=1000`),
    );
    expect(await members(emailable)).toEqual(page.data.map((m) => m.id).sort());
    expect(await members(emailableBuyers)).toEqual([]);
  });
});
