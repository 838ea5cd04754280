/**
 * End to end over HTTP on both engines: a shopper opts out of email while anonymous (a
 * storefront's identify carrying `email_consent: false`), then logs in, and identity resolution
 * merges that anonymous profile into the customer's older, subscribed profile. A marketing
 * message to the survivor is refused at send time - right after the merge, before the consent
 * follower has moved anything, and after - the survivor's consent shows the opt-out with its
 * history, and a segment of emailable customers loses the survivor, naming the merge as cause.
 */
import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-05-04T10:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

const offer = {
  name: 'Weekend offer',
  channel: 'email',
  kind: 'marketing',
  variants: {
    en: {
      subject: 'A weekend offer',
      body: '<mjml><mj-body><mj-section><mj-column><mj-text>10% off.</mj-text></mj-column></mj-section></mj-body></mjml>',
    },
  },
};

describe.each(engines)('an anonymous opt-out survives the merge on %s', (engine) => {
  let t: TestServer;
  const clock = new ManualClock(T0);
  let dee = '';
  let segment = '';

  const sendOffer = async (profileId: string, key: string) => {
    const res = await t.api('/api/v1/messages', {
      method: 'POST',
      body: { template: offer.name, profileId, idempotencyKey: key },
    });
    expect(res.status).toBe(202);
    const { id } = await json<{ id: string }>(res);
    await t.server.services.sender.drain();
    return json<{ status: string; lastError: string | null }>(
      await t.api(`/api/v1/messages/${id}`),
    );
  };
  const consentOf = async (profileId: string) =>
    json<{
      profileId: string;
      data: { channel: string; status: string; source: string; updatedAt: string }[];
      history: { status: string; source: string; at: string }[];
    }>(await t.api(`/api/v1/profiles/${profileId}/consent`));
  const segmentChanges = () =>
    t.server.services.database.db
      .selectFrom('segment_changes')
      .select(['profile_id', 'kind', 'cause'])
      .where('segment_id', '=', segment)
      .orderBy('seq')
      .execute();
  const identify = async (body: Record<string, unknown>) => {
    const res = await t.send('/v1/identify', { ...body, timestamp: at(clock.now()) });
    expect(res.status).toBe(200);
    await t.settle();
  };

  beforeAll(async () => {
    t = await startTestServer(engine, { clock, background: false });
    expect((await t.api('/api/v1/templates', { method: 'POST', body: offer })).status).toBe(201);
    await identify({ userId: 'u-dee', traits: { email: 'dee@example.com' } });
    dee = (await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?email=dee@example.com')))
      .data[0]!.id;
  }, 60_000);
  afterAll(async () => t?.stop());

  it('refuses marketing to the survivor once the anonymous opt-out is merged into it', async () => {
    // Dee subscribes at checkout; an offer goes out (the check below can fail).
    clock.set(T0 + 1000);
    const subscribed = await t.api(`/api/v1/profiles/${dee}/consent`, {
      method: 'PUT',
      body: { channel: 'email', status: 'subscribed', source: 'checkout' },
    });
    expect(subscribed.status).toBe(200);
    expect((await sendOffer(dee, 'before')).status).toBe('sent');
    const created = await t.api('/api/v1/segments', {
      method: 'POST',
      body: {
        name: 'Emailable',
        condition: { type: 'consent', channel: 'email', status: 'subscribed' },
      },
    });
    segment = (await json<{ id: string }>(created)).id;
    await t.settle();
    expect(await segmentChanges()).toEqual([
      { profile_id: dee, kind: 'entered', cause: 'segment created' },
    ]);

    // Later, on another device, not logged in: the storefront's banner records an opt-out.
    clock.set(T0 + 2000);
    await identify({ anonymousId: 'anon-dee', traits: { email_consent: false } });
    expect(await t.server.services.consentFollower.drain()).toBe(1);
    const anonymous = (
      await t.server.services.database.db
        .selectFrom('identifiers')
        .select('profile_id')
        .where('kind', '=', 'anonymous_id')
        .where('value', '=', 'anon-dee')
        .executeTakeFirstOrThrow()
    ).profile_id;
    expect(anonymous).not.toBe(dee);
    expect((await consentOf(anonymous)).data).toEqual([
      expect.objectContaining({ status: 'unsubscribed', source: 'tracking: email_consent' }),
    ]);

    // Dee logs in there: the anonymous profile merges into Dee's older one.
    clock.set(T0 + 3000);
    await identify({ userId: 'u-dee', anonymousId: 'anon-dee' });
    const merged = await json<Profile>(await t.api(`/api/v1/profiles/${anonymous}`));
    expect(merged.id).toBe(dee);
    expect(merged.mergedFrom).toEqual([anonymous]);

    // At once, before the consent follower has run: the send-time gate sees the opt-out.
    const refusedAtOnce = await sendOffer(dee, 'right-after-merge');
    expect(refusedAtOnce.status).toBe('suppressed');
    expect(refusedAtOnce.lastError).toBe(
      `no email marketing consent (unsubscribed since ${at(T0 + 2000)})`,
    );

    // The follower moves the opt-out to Dee, with its history; segments follow.
    expect(await t.server.services.consentFollower.drain()).toBe(1);
    const state = await consentOf(dee);
    expect(state.data).toEqual([
      {
        channel: 'email',
        status: 'unsubscribed',
        source: 'tracking: email_consent',
        updatedAt: at(T0 + 2000),
        proof: expect.objectContaining({ form: 'identify trait email_consent' }) as unknown,
      },
    ]);
    expect(state.history.map((h) => [h.status, h.source, h.at])).toEqual([
      ['subscribed', 'checkout', at(T0 + 1000)],
      ['unsubscribed', 'tracking: email_consent', at(T0 + 2000)],
      ['unsubscribed', 'merge: tracking: email_consent', at(T0 + 3000)],
    ]);
    // The old id answers with the survivor.
    expect(await consentOf(anonymous)).toEqual(state);
    await t.settle();
    expect((await segmentChanges()).slice(1)).toEqual([
      {
        profile_id: dee,
        kind: 'exited',
        cause: 'consent: email unsubscribed (merge: tracking: email_consent)',
      },
    ]);

    const refusedAfter = await sendOffer(dee, 'after-move');
    expect(refusedAfter.status).toBe('suppressed');
    expect(refusedAfter.lastError).toMatch(/unsubscribed since/);
  });
});
