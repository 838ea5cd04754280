import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import {
  exit,
  iso,
  journeyMessagesOf,
  onEvent,
  send,
  startJourneyHarness,
  wait,
  type JourneyHarness,
  type TraceView,
} from './journey-harness.js';

/**
 * The rules of issue 13 over HTTP on the manual clock, on both engines: entry rules, the entry
 * segment, pause and archive, versions, a holdout arm, splits with the values that decided them,
 * update_profile, the frequency budget's drop and maximum delay, and consent. Each case uses its
 * own trigger event and profiles, so the cases share one server without seeing each other.
 */
const T0 = Date.parse('2026-05-04T09:00:00Z');
const HOUR = 3_600_000;

const consenting = (h: JourneyHarness, user: string, extra: Record<string, unknown> = {}) =>
  h.identify(user, { email: `${user}@example.com`, email_consent: 'subscribed', ...extra });

/** trigger -> (wait) -> send -> exit, the shape most cases need. */
const waitThenSend = (name: string, event: string, template: string) => {
  const steps = [wait('hold', 1, 'hours', 'mail'), send('mail', template, 'done'), exit('done')];
  return onEvent(name, event, steps, { entry: { rule: 'every_time' } });
};

const outcomes = (trace: TraceView) => trace.steps.map((s) => [s.step, s.outcome, s.at]);

for (const engine of engines) {
  describe(`journey rules (${engine})`, () => {
    let h: JourneyHarness;
    const to = (user: string) =>
      h.sink.messages.filter((m) => m.envelopeTo[0] === `${user}@example.com`);
    const subjectsTo = (user: string) => to(user).map((m) => m.parsed.subject);
    const only = (user: string) => h.onlyEnrollment(user);

    beforeAll(async () => {
      h = await startJourneyHarness(engine, T0);
      const mails = ['VIP', 'Pause', 'Archive', 'V1', 'V2', 'Big', 'Loyal', 'Plain', 'Budget'];
      for (const name of [...mails.map((m) => `${m} mail`), 'Holdout offer', 'Consent mail'])
        await h.emailTemplate(name);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it('entry rules: once, every_time, once_per 7 days, with and without whileInside', async () => {
      const hold = [wait('hold', 2, 'days', 'done'), exit('done')];
      const week = { amount: 7, unit: 'days' };
      const rules: [string, Record<string, unknown>][] = [
        ['Rule once', { rule: 'once' }],
        ['Rule every time', { rule: 'every_time' }],
        ['Rule every time inside', { rule: 'every_time', whileInside: true }],
        ['Rule weekly', { rule: 'once_per', period: week }],
        ['Rule weekly inside', { rule: 'once_per', period: week, whileInside: true }],
      ];
      for (const [name, entry] of rules)
        await h.journey(onEvent(name, 'Rule Ping', hold, { entry }));
      await consenting(h, 'rules-ann');
      const start = h.clock.now();
      // Pings at +0, +1 h (still inside), +3 d 1 h (left at +2 d) and +8 d 1 h (a week on).
      for (const gap of ['PT1H', 'P3D', 'P5D', 'PT1M']) {
        await h.track('rules-ann', 'Rule Ping');
        await h.advance(gap);
      }
      const enrollments = await h.enrollmentsOf(await h.profileIdOf('rules-ann'));
      const entries = (name: string) =>
        enrollments
          .filter((e) => e.journeyName === name)
          .map((e) => (Date.parse(e.enteredAt) - start) / HOUR)
          .sort((a, b) => a - b);
      expect(entries('Rule once')).toEqual([0]);
      expect(entries('Rule every time')).toEqual([0, 73, 193]);
      expect(entries('Rule every time inside')).toEqual([0, 1, 73, 193]);
      expect(entries('Rule weekly')).toEqual([0, 193]);
      expect(entries('Rule weekly inside')).toEqual([0, 193]);
    }, 60_000);

    it('lets in only members of the entry segment', async () => {
      await h.call(
        'POST',
        '/api/v1/segments',
        {
          name: 'VIP members',
          condition: { type: 'field', field: 'traits.vip', operator: 'eq', value: true },
        },
        201,
      );
      const steps = [send('mail', 'VIP mail', 'done'), exit('done')];
      const entry = { rule: 'every_time', segment: 'VIP members' };
      await h.journey(onEvent('VIP only', 'Seg Ping', steps, { entry }));
      await consenting(h, 'seg-vip', { vip: true });
      await consenting(h, 'seg-plain', { vip: false });
      await h.advance('PT1M');
      for (const user of ['seg-vip', 'seg-plain']) await h.track(user, 'Seg Ping');
      await h.advance('PT1M');
      expect(subjectsTo('seg-vip')).toEqual(['VIP mail']);
      expect(subjectsTo('seg-plain')).toEqual([]);
      expect(await h.enrollmentsOf(await h.profileIdOf('seg-plain'))).toEqual([]);
    }, 60_000);

    it('a paused journey holds its enrollments; activate resumes them where they were', async () => {
      const id = await h.journey(waitThenSend('Pausable', 'Pause Ping', 'Pause mail'));
      await consenting(h, 'pause-ann');
      await h.track('pause-ann', 'Pause Ping');
      await h.advance('PT10M');
      await h.call('POST', `/api/v1/journeys/${id}/pause`, {});
      await h.advance('PT3H');
      expect(subjectsTo('pause-ann')).toEqual([]);
      const held = await only('pause-ann');
      expect(held).toMatchObject({ status: 'active', step: 'hold' });
      const resumedAt = h.clock.now();
      await h.call('POST', `/api/v1/journeys/${id}/activate`, {});
      await h.advance('PT1M');
      expect(subjectsTo('pause-ann')).toEqual(['Pause mail']);
      const trace = await h.trace(held.id);
      expect(trace.enrollment.status).toBe('completed');
      expect(trace.enrollment.version).toBe(1);
      expect(outcomes(trace).slice(1)).toEqual([
        ['hold', 'waited', iso(resumedAt)],
        ['mail', 'sent', iso(resumedAt)],
        ['done', 'completed', iso(resumedAt)],
      ]);
    }, 60_000);

    it('archiving exits the running enrollments with the reason, and nothing more is sent', async () => {
      const id = await h.journey(waitThenSend('Archivable', 'Archive Ping', 'Archive mail'));
      await consenting(h, 'archive-ann');
      await h.track('archive-ann', 'Archive Ping');
      await h.advance('PT10M');
      await h.call('POST', `/api/v1/journeys/${id}/archive`, {});
      await h.advance('PT3H');
      expect(subjectsTo('archive-ann')).toEqual([]);
      expect(await only('archive-ann')).toMatchObject({
        status: 'exited',
        step: null,
        endReason: 'the journey was archived',
      });
    }, 60_000);

    it('an edit makes a new version: running enrollments finish on theirs, new ones take it', async () => {
      const v1 = waitThenSend('Versioned', 'Version Ping', 'V1 mail');
      const id = await h.journey(v1);
      await consenting(h, 'ver-a');
      await consenting(h, 'ver-b');
      await h.track('ver-a', 'Version Ping');
      await h.advance('PT10M');
      await h.call(
        'PUT',
        `/api/v1/journeys/${id}`,
        waitThenSend('Versioned', 'Version Ping', 'V2 mail'),
      );
      const live = await h.call<{ activeVersion: number }>(
        'POST',
        `/api/v1/journeys/${id}/activate`,
        {},
      );
      expect(live.activeVersion).toBe(2);
      await h.track('ver-b', 'Version Ping');
      await h.advance('PT2H');
      expect(subjectsTo('ver-a')).toEqual(['V1 mail']);
      expect(subjectsTo('ver-b')).toEqual(['V2 mail']);
      expect(await only('ver-a')).toMatchObject({ version: 1, status: 'completed' });
      expect(await only('ver-b')).toMatchObject({ version: 2, status: 'completed' });
    }, 60_000);

    it('a holdout arm gets no messages and is counted apart in the stats', async () => {
      const arms = [
        { label: 'holdout', percent: 50, holdout: true, next: 'offer' },
        { label: 'treated', percent: 50, next: 'offer' },
      ];
      const steps = [
        { id: 'arms', type: 'random_split', arms },
        send('offer', 'Holdout offer', 'later'),
        wait('later', 1, 'days', 'done'),
        exit('done'),
      ];
      const goal = { event: 'Holdout Order' };
      const id = await h.journey(onEvent('Holdout test', 'Holdout Ping', steps, { goal }));
      const users = Array.from({ length: 20 }, (_, i) => `hold-${i}`);
      for (const user of users) await consenting(h, user);
      for (const user of users) await h.track(user, 'Holdout Ping');
      await h.advance('PT1M');
      const buyers = users.filter((_, i) => i % 3 === 0);
      for (const user of buyers) await h.track(user, 'Holdout Order', { total: 10 });
      await h.advance('PT1M');
      const held: string[] = [];
      for (const user of users) {
        const e = await only(user);
        const trace = await h.trace(e.id);
        const arm = trace.steps.find((s) => s.step === 'arms');
        const offer = trace.steps.find((s) => s.step === 'offer');
        const isHoldout = arm?.outcome === 'holdout';
        if (isHoldout) held.push(user);
        expect(arm?.outcome).toBe(isHoldout ? 'holdout' : 'branch');
        expect(arm?.detail.branch).toBe(isHoldout ? 'holdout' : 'treated');
        expect(offer?.outcome).toBe(isHoldout ? 'skipped' : 'sent');
        if (isHoldout) expect(offer?.reason).toMatch(/^holdout/);
        expect(subjectsTo(user)).toEqual(isHoldout ? [] : ['Holdout offer']);
        expect((await journeyMessagesOf(h.db(), [e.id])).length).toBe(isHoldout ? 0 : 1);
        expect(e.status).toBe(buyers.includes(user) ? 'converted' : 'active');
      }
      // 20 fair coins all landing in one arm: about twice in a million runs.
      expect(held.length).toBeGreaterThan(0);
      expect(held.length).toBeLessThan(20);
      const heldBuyers = held.filter((u) => buyers.includes(u)).length;
      const stats = await h.call<{ entered: number; converted: number; holdout: unknown }>(
        'GET',
        `/api/v1/journeys/${id}/stats`,
      );
      expect(stats.entered).toBe(20);
      expect(stats.converted).toBe(buyers.length);
      expect(stats.holdout).toEqual({
        entered: held.length,
        converted: heldBuyers,
        rate: heldBuyers / held.length,
        treatedRate: (buyers.length - heldBuyers) / (20 - held.length),
      });
    }, 60_000);

    const bigQuote = [{ property: 'total', operator: 'gte', value: 100 }];
    const spent = { type: 'field', field: 'computed.total_spent', operator: 'gte', value: 500 };
    const quoteSplit = onEvent('Quote split', 'Quote Requested', [
      {
        id: 'route',
        type: 'split',
        branches: [
          { label: 'big quote', triggerWhere: bigQuote, next: 'big' },
          { label: 'loyal buyer', condition: spent, next: 'loyal' },
        ],
        otherwise: 'plain',
      },
      send('big', 'Big mail', 'done'),
      send('loyal', 'Loyal mail', 'done'),
      send('plain', 'Plain mail', 'done'),
      exit('done'),
    ]);
    const routeOf = async (user: string) =>
      (await h.trace((await only(user)).id)).steps.find((s) => s.step === 'route');

    it('splits on the trigger event and on a computed field, and shows the branch and values', async () => {
      await h.journey(quoteSplit);
      for (const user of ['q-big', 'q-loyal', 'q-plain']) await consenting(h, user);
      await h.track('q-loyal', 'Order Completed', { order_id: 'q-loyal-1', total: 300 });
      await h.track('q-loyal', 'Order Completed', { order_id: 'q-loyal-2', total: 250 });
      await h.advance('PT1M');
      await h.track('q-big', 'Quote Requested', { total: 150 });
      await h.track('q-loyal', 'Quote Requested', { total: 20 });
      await h.track('q-plain', 'Quote Requested', { total: 20 });
      await h.advance('PT1M');
      expect(subjectsTo('q-big')).toEqual(['Big mail']);
      expect(subjectsTo('q-loyal')).toEqual(['Loyal mail']);
      expect(subjectsTo('q-plain')).toEqual(['Plain mail']);
      expect(await routeOf('q-big')).toMatchObject({
        outcome: 'branch',
        next: 'big',
        detail: { branch: 'big quote', values: { 'trigger.total': 150 } },
      });
      expect(await routeOf('q-loyal')).toMatchObject({
        outcome: 'branch',
        next: 'loyal',
        detail: { branch: 'loyal buyer', values: { condition: true } },
      });
      expect((await routeOf('q-plain'))?.detail.branch).toBe('otherwise');
    }, 60_000);

    // Issue 13: the trace shows "branch taken and the values that decided it". For a condition
    // on a computed field that value is the field's (550 here), not just `true`.
    it('the trace of a profile-condition branch shows the value of the field that decided it', async () => {
      const route = await routeOf('q-loyal');
      expect(JSON.stringify(route?.detail.values)).toContain('550');
    });

    const update = { set: { loyalty_tier: 'gold' }, addTags: ['vip-journey'] };
    const tagger = onEvent('Tagger', 'Tag Ping', [
      { id: 'tag', type: 'update_profile', ...update, next: 'done' },
      exit('done'),
    ]);
    const traitsOf = async (user: string) =>
      (
        await h.call<{ traits: Record<string, unknown> }>(
          'GET',
          `/api/v1/profiles/${await h.profileIdOf(user)}`,
        )
      ).traits;

    it('update_profile sets a trait and adds a tag, visible on the profile once applied', async () => {
      await h.journey(tagger);
      await consenting(h, 'tag-ann', { tags: ['early'] });
      await h.advance('PT1M');
      await h.track('tag-ann', 'Tag Ping');
      await h.advance('PT1M');
      expect(await traitsOf('tag-ann')).toMatchObject({
        loyalty_tier: 'gold',
        tags: ['early', 'vip-journey'],
      });
      const trace = await h.trace((await only('tag-ann')).id);
      expect(trace.steps.find((s) => s.step === 'tag')).toMatchObject({
        outcome: 'updated',
        detail: update,
      });
    }, 60_000);

    // The journey's identify is stamped `now`; a customer identify received earlier in the same
    // millisecond wins the tie on message id ('srv-...' > 'journey:...'), so the tag is lost.
    it('update_profile in the same instant as the identify before it still adds the tag', async () => {
      await consenting(h, 'tag-bob', { tags: ['early'] });
      await h.track('tag-bob', 'Tag Ping');
      await h.advance('PT1M');
      expect(await traitsOf('tag-bob')).toMatchObject({
        loyalty_tier: 'gold',
        tags: ['early', 'vip-journey'],
      });
    }, 60_000);

    it('over the budget: drop at once, drop past the maximum delay, or delay to the slot', async () => {
      await h.call('PUT', '/api/v1/journey-settings', {
        budget: { email: [{ max: 1, within: { amount: 16, unit: 'hours' } }] },
      });
      const steps = [
        send('first', 'Budget mail', 'gap'),
        wait('gap', 1, 'hours', 'second'),
        send('second', 'Budget mail', 'done'),
        exit('done'),
      ];
      const twice = (name: string, event: string, sending: Record<string, unknown>) =>
        onEvent(name, event, steps, { sending });
      await h.journey(twice('Budget drop', 'Drop Ping', { overBudget: 'drop' }));
      await h.journey(
        twice('Budget late', 'Late Ping', { maxDelay: { amount: 1, unit: 'hours' } }),
      );
      await h.journey(
        twice('Budget delay', 'Delay Ping', { maxDelay: { amount: 1, unit: 'days' } }),
      );
      for (const user of ['b-drop', 'b-late', 'b-delay']) await consenting(h, user);
      await h.advance('PT1M');
      const start = h.clock.now();
      await h.track('b-drop', 'Drop Ping');
      await h.track('b-late', 'Late Ping');
      await h.track('b-delay', 'Delay Ping');
      await h.advance('P1D');
      await h.call('PUT', '/api/v1/journey-settings', {});
      const second = async (user: string) =>
        (await h.trace((await only(user)).id)).steps.filter((s) => s.step === 'second');
      expect(await second('b-drop')).toMatchObject([
        { outcome: 'skipped', reason: 'dropped: over the frequency budget', at: iso(start + HOUR) },
      ]);
      const [late] = await second('b-late');
      expect(late?.outcome).toBe('skipped');
      expect(late?.reason).toMatch(/^dropped: /);
      expect(await second('b-delay')).toMatchObject([
        { outcome: 'delayed', reason: 'frequency budget', at: iso(start + HOUR) },
        { outcome: 'sent', at: iso(start + 16 * HOUR) },
      ]);
      expect(subjectsTo('b-drop')).toEqual(['Budget mail']);
      expect(subjectsTo('b-late')).toEqual(['Budget mail']);
      expect(subjectsTo('b-delay')).toEqual(['Budget mail', 'Budget mail']);
    }, 60_000);

    it('without email marketing consent the send is skipped with the reason', async () => {
      const steps = [send('mail', 'Consent mail', 'done'), exit('done')];
      await h.journey(onEvent('Consent check', 'Consent Ping', steps));
      await h.identify('nc-never', { email: 'nc-never@example.com' });
      await consenting(h, 'nc-gone');
      await h.advance('PT1M');
      await h.identify('nc-gone', { email_consent: 'unsubscribed' });
      const goneAt = h.clock.now();
      await h.advance('PT1M');
      for (const user of ['nc-never', 'nc-gone']) await h.track(user, 'Consent Ping');
      await h.advance('PT1M');
      const mail = async (user: string) =>
        (await h.trace((await only(user)).id)).steps.find((s) => s.step === 'mail');
      expect(await mail('nc-never')).toMatchObject({
        outcome: 'skipped',
        reason: 'no email marketing consent (never given)',
      });
      expect(await mail('nc-gone')).toMatchObject({
        outcome: 'skipped',
        reason: `no email marketing consent (unsubscribed since ${iso(goneAt)})`,
      });
      expect([...subjectsTo('nc-never'), ...subjectsTo('nc-gone')]).toEqual([]);
    }, 60_000);
  });
}
