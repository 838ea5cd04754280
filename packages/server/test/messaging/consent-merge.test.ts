/**
 * Consent when two profiles merge, on both engines: the merged-away profile's records move to
 * the survivor (the more recent choice stands, an opt-out wins a tie), with their history, in one
 * transaction per step that a failure leaves wholly undone; the send-time gate honours the merge
 * before the move; writes and reads under the old id reach the survivor; the segments' consent
 * feed sees every record a merge changed. Merges are written by the processor's own
 * `ProfileStore.mergeProfiles`, in a transaction of their own, as a batch commits them.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConsentFollower } from '../../src/modules/messaging/consent-follower.js';
import { preferredConsent } from '../../src/modules/messaging/consent-merges.js';
import {
  ConsentService,
  type ConsentChangeInput,
} from '../../src/modules/messaging/consent-service.js';
import { ProfileStore } from '../../src/modules/profiles/profile-store.js';
import {
  moveConsentCursor,
  readSlotsConsentChanges,
} from '../../src/modules/segments/consent-feed.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('which record stands when two profiles merge', () => {
  const rec = (status: string, updated_at: number) => ({ status, updated_at });

  it('the more recent choice, in either direction; on a tie the more restrictive', () => {
    const sub = rec('subscribed', T0);
    const unsubLater = rec('unsubscribed', T0 + 1);
    const subLater = rec('subscribed', T0 + 1);
    const unsub = rec('unsubscribed', T0);
    const pending = rec('pending', T0);
    expect(preferredConsent(sub, unsubLater)).toBe(unsubLater);
    expect(preferredConsent(unsubLater, sub)).toBe(unsubLater);
    expect(preferredConsent(unsub, subLater)).toBe(subLater);
    expect(preferredConsent(subLater, unsub)).toBe(subLater);
    expect(preferredConsent(sub, unsub)).toBe(unsub);
    expect(preferredConsent(unsub, sub)).toBe(unsub);
    expect(preferredConsent(sub, pending)).toBe(pending);
    expect(preferredConsent(pending, unsub)).toBe(unsub);
    // A status this version does not know never wins a tie against an opt-out's restrictiveness.
    expect(preferredConsent(sub, rec('revoked-by-law', T0)).status).toBe('revoked-by-law');
    // Same status, same time: the survivor's own record stands (nothing to write).
    const same = rec('subscribed', T0);
    expect(preferredConsent(sub, same)).toBe(sub);
  });

  it('yields the same status whatever order the records are merged in', () => {
    const record = fc.record({
      status: fc.constantFrom('subscribed', 'unsubscribed', 'pending'),
      updated_at: fc.integer({ min: 0, max: 3 }),
    });
    const records = fc.array(record, { minLength: 1, maxLength: 6 });
    const twoOrders = records.chain((list) =>
      fc.tuple(
        fc.constant(list),
        fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
      ),
    );
    fc.assert(
      fc.property(twoOrders, ([inOrder, shuffled]) => {
        const reduce = (list: typeof inOrder) =>
          list.reduce((kept, r) => preferredConsent(kept, r)).status;
        const newest = Math.max(...inOrder.map((r) => r.updated_at));
        const atNewest = new Set(
          inOrder.filter((r) => r.updated_at === newest).map((r) => r.status),
        );
        const expected = atNewest.has('unsubscribed')
          ? 'unsubscribed'
          : atNewest.has('pending')
            ? 'pending'
            : 'subscribed';
        expect(reduce(inOrder)).toBe(expected);
        expect(reduce(shuffled)).toBe(expected);
      }),
      { seed: 6019, numRuns: 200 },
    );
  });
});

describe.each(engines)('consent follows merges on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let consent: ConsentService;
  let follower: ConsentFollower;
  let store: ProfileStore;
  let run = 0;
  /** Each test has its own workspace and profiles (profile ids are unique across workspaces). */
  let w: string;
  let survivor: string;
  let loser: string;
  let third: string;

  const set = (profileId: string, change: ConsentChangeInput, at: number) =>
    consent.update(w, profileId, change, at, { announce: false });
  const email = (status: ConsentChangeInput['status'], source = 'api'): ConsentChangeInput => ({
    channel: 'email',
    status,
    source,
  });
  /** What the processor writes when a batch merges `from` into `into`. */
  const merge = (from: string, into: string, now: number) =>
    database.db.transaction().execute((trx) =>
      store.mergeProfiles(trx, {
        workspaceId: w,
        from,
        into,
        reason: 'seen together: anonymous_id:a1',
        seq: 1,
        now,
      }),
    );
  const rowsOf = (profileId: string) =>
    database.db
      .selectFrom('consents')
      .select(['channel', 'status', 'source', 'updated_at'])
      .where('profile_id', '=', profileId)
      .orderBy('channel')
      .execute();
  const statuses = async (profileId: string) =>
    Object.fromEntries((await rowsOf(profileId)).map((r) => [r.channel, r.status]));
  const gate = (profileId: string) =>
    consent.mayReceive({
      workspaceId: w,
      profileId,
      channel: 'email',
      kind: 'marketing',
      to: 'dee@example.com',
    });
  /** What live segments would read next from the consent feed, and then take in. */
  const feed = async () => {
    const read = await database.db.transaction().execute(async (trx) => {
      const r = (await readSlotsConsentChanges(trx, undefined)).get(undefined);
      if (!r) throw new Error('no read for the one cursor');
      await moveConsentCursor(trx, r.position, 0);
      return r;
    });
    return Object.fromEntries(read.byWorkspace.get(w) ?? new Map<string, string>());
  };

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    store = new ProfileStore(database, 'test-secret-000000000000');
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });
  beforeEach(async () => {
    run += 1;
    w = `w${run}`;
    survivor = `survivor-${run}`;
    loser = `loser-${run}`;
    third = `third-${run}`;
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: 'Shop', currency: 'USD', created_at: 0 })
      .execute();
    consent = new ConsentService(database);
    follower = new ConsentFollower(database, createLogger('silent'));
    // Each test starts with the feed and the follower caught up with the tests before it.
    await follower.drain();
    await feed();
  });

  it('only the merged-away profile has a record: it moves, with its time, source, proof and history', async () => {
    await set(
      loser,
      { ...email('unsubscribed', 'one-click'), proof: { ip: '203.0.113.7' } },
      T0 + 1000,
    );
    await merge(loser, survivor, T0 + 5000);
    expect(await follower.drain()).toBe(1);

    expect(await consent.get(w, survivor)).toEqual([
      {
        channel: 'email',
        status: 'unsubscribed',
        source: 'one-click',
        updatedAt: iso(T0 + 1000),
        proof: { ip: '203.0.113.7' },
      },
    ]);
    expect(await rowsOf(loser)).toEqual([]);
    // The choice itself, then the survivor taking it over at the merge.
    expect(await consent.history(w, survivor)).toEqual([
      expect.objectContaining({ status: 'unsubscribed', source: 'one-click', at: iso(T0 + 1000) }),
      expect.objectContaining({
        status: 'unsubscribed',
        source: 'merge: one-click',
        at: iso(T0 + 5000),
        proof: { text: `from profile ${loser}, merged into this one` },
      }),
    ]);
    expect(await feed()).toEqual({ [survivor]: 'consent: email unsubscribed (merge: one-click)' });
    // Done again (a restarted follower), nothing moves twice.
    expect(await follower.drain()).toBe(0);
    expect(await consent.history(w, survivor)).toHaveLength(2);
  });

  it('the newer opt-out of the merged-away profile wins over an older subscription', async () => {
    await set(survivor, email('subscribed', 'checkout'), T0);
    await set(loser, email('unsubscribed', 'preference-page'), T0 + 1000);
    await merge(loser, survivor, T0 + 2000);
    // Before the follower moved anything, the gate already reads through the merge, under
    // either id (a message queued to the merged-away profile is addressed to the survivor).
    expect(await gate(survivor)).toEqual({
      ok: false,
      reason: `no email marketing consent (unsubscribed since ${iso(T0 + 1000)})`,
    });
    expect(await gate(loser)).toEqual(await gate(survivor));

    expect(await follower.drain()).toBe(1);
    expect(await rowsOf(survivor)).toEqual([
      {
        channel: 'email',
        status: 'unsubscribed',
        source: 'preference-page',
        updated_at: T0 + 1000,
      },
    ]);
    expect(await gate(survivor)).toEqual({
      ok: false,
      reason: `no email marketing consent (unsubscribed since ${iso(T0 + 1000)})`,
    });
    expect(await feed()).toEqual({
      [survivor]: 'consent: email unsubscribed (merge: preference-page)',
    });
  });

  it("the survivor's newer subscription stands over an older opt-out; the history still moves", async () => {
    await set(loser, email('unsubscribed'), T0);
    await set(survivor, email('subscribed', 'checkout'), T0 + 1000);
    await feed(); // segments took both in
    await merge(loser, survivor, T0 + 2000);
    expect(await gate(survivor)).toEqual({ ok: true });
    expect(await follower.drain()).toBe(0);
    expect(await rowsOf(survivor)).toEqual([
      { channel: 'email', status: 'subscribed', source: 'checkout', updated_at: T0 + 1000 },
    ]);
    expect(await rowsOf(loser)).toEqual([]);
    expect((await consent.history(w, survivor)).map((h) => h.status)).toEqual([
      'unsubscribed',
      'subscribed',
    ]);
    // The survivor's consent did not change: nothing new for segments.
    expect(await feed()).toEqual({});
  });

  it("a newer subscription of the merged-away profile replaces the survivor's older opt-out", async () => {
    await set(survivor, email('unsubscribed'), T0);
    await set(loser, email('subscribed', 'signup-form'), T0 + 1000);
    await merge(loser, survivor, T0 + 2000);
    expect(await gate(survivor)).toEqual({ ok: true });
    expect(await follower.drain()).toBe(1);
    expect(await statuses(survivor)).toEqual({ email: 'subscribed' });
    expect(await gate(survivor)).toEqual({ ok: true });
  });

  it('on a tie the opt-out wins, whichever profile holds it', async () => {
    await set(survivor, email('subscribed'), T0);
    await set(loser, email('unsubscribed'), T0);
    await set(third, email('unsubscribed'), T0);
    const other = `other-${run}`;
    await set(other, email('subscribed'), T0);
    await merge(loser, survivor, T0 + 1000);
    await merge(other, third, T0 + 1000);
    expect((await gate(survivor)).ok).toBe(false);
    expect((await gate(third)).ok).toBe(false);
    await follower.drain();
    expect(await statuses(survivor)).toEqual({ email: 'unsubscribed' });
    expect(await statuses(third)).toEqual({ email: 'unsubscribed' });
    expect(await statuses(loser)).toEqual({});
    expect(await statuses(other)).toEqual({});
  });

  it('decides each channel on its own', async () => {
    await set(survivor, email('subscribed'), T0 + 3000); // newer: stands
    await set(loser, email('unsubscribed'), T0 + 1000);
    await set(survivor, { channel: 'sms', status: 'subscribed', source: 'api' }, T0);
    await set(loser, { channel: 'sms', status: 'unsubscribed', source: 'STOP' }, T0 + 2000);
    await set(loser, { channel: 'whatsapp', status: 'subscribed', source: 'api' }, T0); // only there
    await set(survivor, { channel: 'push', status: 'pending', source: 'api' }, T0); // only here
    await merge(loser, survivor, T0 + 5000);
    expect(await follower.drain()).toBe(2);
    expect(await statuses(survivor)).toEqual({
      email: 'subscribed',
      push: 'pending',
      sms: 'unsubscribed',
      whatsapp: 'subscribed',
    });
    expect(await statuses(loser)).toEqual({});
    expect(await feed()).toEqual({ [survivor]: 'consent: whatsapp subscribed (merge: api)' });
  });

  it('follows a chain of merges to the last survivor', async () => {
    await set(loser, email('unsubscribed'), T0 + 2000);
    await set(survivor, { channel: 'sms', status: 'subscribed', source: 'api' }, T0);
    await set(third, email('subscribed'), T0);
    await merge(loser, survivor, T0 + 3000);
    await merge(survivor, third, T0 + 4000);
    expect((await gate(third)).ok).toBe(false);
    await follower.drain();
    expect(await statuses(third)).toEqual({ email: 'unsubscribed', sms: 'subscribed' });
    expect(await statuses(survivor)).toEqual({});
    expect(await statuses(loser)).toEqual({});
  });

  it('a change written under a merged-away id lands on the survivor; reads by it answer the survivor', async () => {
    await set(survivor, email('subscribed'), T0);
    await merge(loser, survivor, T0 + 1000);
    await follower.drain();
    // An unsubscribe link signed for the old profile, clicked after the merge.
    await consent.update(w, loser, email('unsubscribed', 'one-click'), T0 + 2000);
    expect(await statuses(survivor)).toEqual({ email: 'unsubscribed' });
    expect(await rowsOf(loser)).toEqual([]);
    expect(await consent.get(w, loser)).toEqual(await consent.get(w, survivor));
    expect(await consent.history(w, loser)).toEqual(await consent.history(w, survivor));
  });

  it('a step that fails half-way leaves nothing moved; the next run moves it whole', async () => {
    await set(survivor, email('subscribed'), T0);
    await set(loser, email('unsubscribed'), T0 + 1000);
    await set(loser, { channel: 'sms', status: 'unsubscribed', source: 'STOP' }, T0 + 1000);
    await merge(loser, survivor, T0 + 2000);
    // Fails the step at its last history row (sms), after email was already written in it.
    const failing = sql.raw(`merge_fails_${run}`);
    if (engine === 'sqlite') {
      await sql`create trigger ${failing} before insert on consent_changes
        when new.source like 'merge:%' and new.channel = 'sms'
        begin select raise(abort, 'simulated crash'); end`.execute(database.db);
    } else {
      await sql`create function ${failing}() returns trigger language plpgsql as $$
        begin raise exception 'simulated crash'; end $$`.execute(database.db);
      await sql`create trigger ${failing} before insert on consent_changes for each row
        when (new.source like 'merge:%' and new.channel = 'sms')
        execute function ${failing}()`.execute(database.db);
    }
    const history = () =>
      database.db.selectFrom('consent_changes').selectAll().orderBy('seq').execute();
    const before = await history();
    await expect(follower.drain()).rejects.toThrow(/simulated crash/);
    expect(await statuses(survivor)).toEqual({ email: 'subscribed' });
    expect(await statuses(loser)).toEqual({ email: 'unsubscribed', sms: 'unsubscribed' });
    expect(await history()).toEqual(before);
    // Still refused meanwhile: the gate reads through the merge.
    expect((await gate(survivor)).ok).toBe(false);

    if (engine === 'sqlite') await sql`drop trigger ${failing}`.execute(database.db);
    else {
      await sql`drop trigger ${failing} on consent_changes`.execute(database.db);
      await sql`drop function ${failing}()`.execute(database.db);
    }
    expect(await follower.drain()).toBe(2);
    expect(await statuses(survivor)).toEqual({ email: 'unsubscribed', sms: 'unsubscribed' });
    expect(await statuses(loser)).toEqual({});
    expect(
      (await consent.history(w, survivor)).filter((h) => h.source.startsWith('merge:')),
    ).toHaveLength(2);
  });
});
