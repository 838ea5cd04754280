/**
 * A journey pass reads its batch's consent in a few queries (`consentStandings`): for every
 * profile and channel it must answer what the send-time gate's own read (`consentStanding`)
 * answers, merges included - a merged-away id asked for itself, a survivor with records still
 * kept under the ids merged into it, ties on time, a profile with no record - on both engines,
 * over random stores. And the gate given the pass's reads decides as it decides alone.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consentStanding, consentStandings } from '../../src/modules/messaging/consent-merges.js';
import { ConsentService } from '../../src/modules/messaging/consent-service.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { withReadScope } from '../../src/platform/read-scope.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);
const W = 'w_standings';
const PROFILES = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const CHANNELS = ['email', 'sms', 'whatsapp'] as const;
const STATUSES = ['subscribed', 'unsubscribed', 'pending'] as const;

/** A store: consent records (a few instants, so ties happen) and merges (from -> into). */
const storeArb = fc.record({
  consents: fc.uniqueArray(
    fc.record({
      profile: fc.constantFrom(...PROFILES),
      channel: fc.constantFrom(...CHANNELS),
      status: fc.constantFrom(...STATUSES),
      at: fc.integer({ min: 0, max: 2 }),
    }),
    { selector: (c) => `${c.profile}:${c.channel}`, maxLength: 14 },
  ),
  merges: fc.uniqueArray(
    fc.record({ from: fc.constantFrom(...PROFILES), into: fc.constantFrom(...PROFILES) }),
    { selector: (m) => m.from, maxLength: 3 },
  ),
});

describe.each(engines)('consent standings of a batch (%s)', (engine) => {
  let test: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values({ id: W, name: 'Standings', currency: 'EUR', created_at: 0 })
      .execute();
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });
  beforeEach(async () => {
    await database.db.deleteFrom('consents').execute();
    await database.db.deleteFrom('profile_merges').execute();
  });

  async function store(s: StoreInput) {
    await database.db.deleteFrom('consents').execute();
    await database.db.deleteFrom('profile_merges').execute();
    for (const c of s.consents)
      await database.db
        .insertInto('consents')
        .values({
          workspace_id: W,
          profile_id: c.profile,
          channel: c.channel,
          status: c.status,
          source: 'test',
          proof: null,
          updated_at: T0 + c.at,
        })
        .execute();
    for (const m of s.merges.filter((x) => x.from !== x.into))
      await database.db
        .insertInto('profile_merges')
        .values({
          workspace_id: W,
          from_profile_id: m.from,
          into_profile_id: m.into,
          reason: 'test',
          event_seq: null,
          merged_at: T0,
        })
        .execute();
  }

  it('answers what consentStanding answers, per profile and channel', async () => {
    await fc.assert(
      fc.asyncProperty(storeArb, async (s) => {
        await store(s);
        const batch = await consentStandings(database.db, W, [...PROFILES, 'p_unknown']);
        for (const profile of [...PROFILES, 'p_unknown'])
          for (const channel of CHANNELS)
            expect(batch.get(profile)?.get(channel)).toEqual(
              await consentStanding(database.db, W, profile, channel),
            );
      }),
      { numRuns: 40 },
    );
  });

  it('the gate decides the same with a pass’s batch reads as alone', async () => {
    await store({
      consents: [
        { profile: 'p0', channel: 'email', status: 'subscribed', at: 0 },
        { profile: 'p1', channel: 'email', status: 'unsubscribed', at: 1 },
        { profile: 'p2', channel: 'email', status: 'subscribed', at: 0 },
      ],
      merges: [{ from: 'p1', into: 'p2' }],
    });
    const consent = new ConsentService(database);
    await consent.suppress(W, 'email', 'Gone@Example.com', 'manual', null, T0);
    const list = await consent.suppressionList(W, 'email', 10);
    expect([...(list ?? new Map())]).toEqual([['gone@example.com', 'manual']]);
    expect(await consent.suppressionList(W, 'email', 0)).toBeNull();
    const standings = await consent.standings(W, PROFILES);
    const reads = {
      standing: (_w: string, p: string, c: string) => Promise.resolve(standings.get(p)?.get(c)),
      suppression: (_w: string, _c: string, address: string) => {
        const reason = list?.get(address);
        return Promise.resolve(reason === undefined ? undefined : { reason });
      },
    };
    const asks = [
      { profileId: 'p0', to: 'a@example.com' },
      { profileId: 'p0', to: ' GONE@example.com' },
      { profileId: 'p1', to: 'b@example.com' },
      { profileId: 'p2', to: 'c@example.com' },
      { profileId: 'p3', to: 'd@example.com' },
    ];
    const alone = [];
    const batched = [];
    for (const a of asks) {
      const m = { workspaceId: W, channel: 'email' as const, kind: 'marketing' as const, ...a };
      alone.push(await consent.mayReceive(m));
      batched.push(await withReadScope(() => consent.mayReceive(m, reads)));
    }
    expect(batched).toEqual(alone);
    // The merge's opt-out is more recent: p2 (and p1 through it) may not be sent to.
    expect(alone.map((d) => d.ok)).toEqual([true, false, false, false, false]);
  });
});

type StoreInput = {
  consents: { profile: string; channel: string; status: string; at: number }[];
  merges: { from: string; into: string }[];
};
