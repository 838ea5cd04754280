/**
 * ConsentService on both engines: consent per channel with its history, the send-time gate's
 * decision for every case, the suppression list, address normalisation, and erasure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConsentService,
  type ConsentChangeHook,
} from '../../src/modules/messaging/consent-service.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
type Change = Parameters<ConsentChangeHook>[0];

describe.each(engines)('consent on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let changes: Change[];
  let consent: ConsentService;
  let run = 0;
  /** Each test gets its own workspaces, so no test sees another's rows. */
  let w: string;
  let other: string;
  /** Profile ids are unique across workspaces (the consents key), so each test has its own. */
  let p1: string;
  let p2: string;
  let gone: string;
  let stays: string;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });
  beforeEach(async () => {
    run += 1;
    w = `w${run}`;
    other = `other${run}`;
    p1 = `p1-${run}`;
    p2 = `p2-${run}`;
    gone = `gone-${run}`;
    stays = `stays-${run}`;
    await database.db
      .insertInto('workspaces')
      .values([
        { id: w, name: 'Shop', currency: 'USD', created_at: 0 },
        { id: other, name: 'Other', currency: 'USD', created_at: 0 },
      ])
      .execute();
    changes = [];
    consent = new ConsentService(database, {
      onChange: async (change) => {
        changes.push(change);
      },
    });
  });

  it('records updates, answers the current state per channel and the history oldest first', async () => {
    const proof = { ip: '203.0.113.9', text: 'Send me offers' };
    const first = await consent.update(
      w,
      p1,
      { channel: 'email', status: 'subscribed', source: 'signup-form', proof },
      T0,
    );
    expect(first).toEqual({
      channel: 'email',
      status: 'subscribed',
      source: 'signup-form',
      updatedAt: iso(T0),
      proof,
    });
    await consent.update(w, p1, { channel: 'sms', status: 'pending', source: 'api' }, T0 + 1000);
    await consent.update(
      w,
      p1,
      { channel: 'email', status: 'unsubscribed', source: 'one-click' },
      T0 + 2000,
    );

    expect(await consent.get(w, p1)).toEqual([
      {
        channel: 'email',
        status: 'unsubscribed',
        source: 'one-click',
        updatedAt: iso(T0 + 2000),
        proof: null,
      },
      { channel: 'sms', status: 'pending', source: 'api', updatedAt: iso(T0 + 1000), proof: null },
    ]);
    expect(await consent.history(w, p1)).toEqual([
      { ...first, at: iso(T0) },
      {
        channel: 'sms',
        status: 'pending',
        source: 'api',
        updatedAt: iso(T0 + 1000),
        at: iso(T0 + 1000),
        proof: null,
      },
      {
        channel: 'email',
        status: 'unsubscribed',
        source: 'one-click',
        updatedAt: iso(T0 + 2000),
        at: iso(T0 + 2000),
        proof: null,
      },
    ]);
    expect(changes).toEqual([
      {
        workspaceId: w,
        profileId: p1,
        channel: 'email',
        status: 'subscribed',
        source: 'signup-form',
        at: T0,
      },
      {
        workspaceId: w,
        profileId: p1,
        channel: 'sms',
        status: 'pending',
        source: 'api',
        at: T0 + 1000,
      },
      {
        workspaceId: w,
        profileId: p1,
        channel: 'email',
        status: 'unsubscribed',
        source: 'one-click',
        at: T0 + 2000,
      },
    ]);
    // Another workspace sees nothing of it.
    expect(await consent.get(other, p1)).toEqual([]);
    expect(await consent.history(other, p1)).toEqual([]);
  });

  it('records a repeated status too (new source and proof are evidence)', async () => {
    await consent.update(w, p1, { channel: 'push', status: 'subscribed', source: 'app' }, T0);
    await consent.update(w, p1, { channel: 'push', status: 'subscribed', source: 'api' }, T0 + 5);
    expect((await consent.history(w, p1)).map((h) => h.source)).toEqual(['app', 'api']);
    expect((await consent.get(w, p1))[0]?.source).toBe('api');
    expect(changes).toHaveLength(2);
  });

  it("refuses to overwrite another workspace's record for the same profile id, recording nothing", async () => {
    await consent.update(w, p1, { channel: 'email', status: 'subscribed', source: 'api' }, T0);
    await expect(
      consent.update(
        other,
        p1,
        { channel: 'email', status: 'unsubscribed', source: 'api' },
        T0 + 1,
      ),
    ).rejects.toThrow('has consent records in another workspace');
    expect((await consent.get(w, p1))[0]?.status).toBe('subscribed');
    expect(await consent.history(other, p1)).toEqual([]);
    expect(changes).toHaveLength(1);
  });

  describe('the send-time gate', () => {
    const marketing = (over: Partial<Parameters<ConsentService['mayReceive']>[0]> = {}) => ({
      workspaceId: w,
      profileId: p1 as string | null,
      channel: 'email' as const,
      kind: 'marketing' as const,
      to: 'ann@example.com',
      ...over,
    });

    it('refuses marketing without consent, naming why', async () => {
      expect(await consent.mayReceive(marketing())).toEqual({
        ok: false,
        reason: 'no email marketing consent (never given)',
      });
      expect(await consent.mayReceive(marketing({ profileId: null }))).toEqual({
        ok: false,
        reason: 'no email marketing consent (no profile)',
      });
      await consent.update(w, p1, { channel: 'email', status: 'pending', source: 'form' }, T0);
      expect(await consent.mayReceive(marketing())).toEqual({
        ok: false,
        reason: `no email marketing consent (awaiting confirmation since ${iso(T0)})`,
      });
      await consent.update(w, p1, { channel: 'email', status: 'subscribed', source: 'x' }, T0 + 1);
      expect(await consent.mayReceive(marketing())).toEqual({ ok: true });
      await consent.update(
        w,
        p1,
        { channel: 'email', status: 'unsubscribed', source: 'x' },
        T0 + 2,
      );
      expect(await consent.mayReceive(marketing())).toEqual({
        ok: false,
        reason: `no email marketing consent (unsubscribed since ${iso(T0 + 2)})`,
      });
    });

    it('asks consent per channel and per workspace', async () => {
      await consent.update(w, p1, { channel: 'email', status: 'subscribed', source: 'x' }, T0);
      expect(await consent.mayReceive(marketing({ channel: 'sms', to: '+15550100199' }))).toEqual({
        ok: false,
        reason: 'no sms marketing consent (never given)',
      });
      expect(
        await consent.mayReceive(marketing({ channel: 'whatsapp', to: '+15550100199' })),
      ).toEqual({
        ok: false,
        reason: 'no whatsapp marketing consent (never given)',
      });
      expect(
        await consent.mayReceive(marketing({ channel: 'push', to: 'device-token-1' })),
      ).toEqual({
        ok: false,
        reason: 'no push marketing consent (never given)',
      });
      expect(await consent.mayReceive(marketing({ workspaceId: other }))).toEqual({
        ok: false,
        reason: 'no email marketing consent (never given)',
      });
    });

    it('lets transactional messages, the inbox and webhooks through without consent', async () => {
      expect(await consent.mayReceive(marketing({ kind: 'transactional' }))).toEqual({ ok: true });
      expect(
        await consent.mayReceive(marketing({ kind: 'transactional', profileId: null })),
      ).toEqual({ ok: true });
      expect(await consent.mayReceive(marketing({ channel: 'inbox', to: p1 }))).toEqual({
        ok: true,
      });
      expect(
        await consent.mayReceive(marketing({ channel: 'webhook', to: 'https://hooks.example/x' })),
      ).toEqual({ ok: true });
    });

    it('refuses a suppressed address whatever the kind and consent, in its workspace only', async () => {
      await consent.update(w, p1, { channel: 'email', status: 'subscribed', source: 'x' }, T0);
      await consent.suppress(w, 'email', 'Ann@Example.com', 'hard_bounce', '550 no such user', T0);
      const refused = { ok: false, reason: 'suppressed: hard_bounce' };
      expect(await consent.mayReceive(marketing({ to: '  ANN@example.COM ' }))).toEqual(refused);
      expect(await consent.mayReceive(marketing({ kind: 'transactional' }))).toEqual(refused);
      expect(
        await consent.mayReceive(marketing({ workspaceId: other, kind: 'transactional' })),
      ).toEqual({
        ok: true,
      });
      await consent.suppress(w, 'sms', '+1 (555) 010-0199', 'manual', null, T0);
      expect(
        await consent.mayReceive(
          marketing({ channel: 'sms', kind: 'transactional', to: '+15550100199' }),
        ),
      ).toEqual({ ok: false, reason: 'suppressed: manual' });
      await consent.suppress(w, 'webhook', 'https://hooks.example/x', 'invalid_address', null, T0);
      expect(
        await consent.mayReceive(marketing({ channel: 'webhook', to: 'https://hooks.example/x' })),
      ).toEqual({ ok: false, reason: 'suppressed: invalid_address' });
    });
  });

  describe('the suppression list', () => {
    it('keeps the first entry for an address, lists newest first in pages, and removes', async () => {
      await consent.suppress(w, 'email', 'a@example.com', 'hard_bounce', '550 5.1.1 unknown', T0);
      await consent.suppress(w, 'email', ' A@EXAMPLE.com', 'manual', 'again', T0 + 50);
      await consent.suppress(w, 'email', 'b@example.com', 'manual', null, T0 + 10);
      await consent.suppress(w, 'sms', '+972 50-123-4567', 'complaint', null, T0 + 10);
      await consent.suppress(other, 'email', 'c@example.com', 'manual', null, T0 + 20);

      const first = await consent.suppressions(w, { limit: 2 });
      if (!first.ok) throw new Error(first.error.message);
      expect(first.value.data).toEqual([
        {
          channel: 'sms',
          address: '+972501234567',
          reason: 'complaint',
          detail: null,
          createdAt: iso(T0 + 10),
        },
        {
          channel: 'email',
          address: 'b@example.com',
          reason: 'manual',
          detail: null,
          createdAt: iso(T0 + 10),
        },
      ]);
      expect(first.value.nextCursor).not.toBeNull();
      const second = await consent.suppressions(w, {
        limit: 2,
        cursor: first.value.nextCursor ?? '',
      });
      if (!second.ok) throw new Error(second.error.message);
      expect(second.value).toEqual({
        data: [
          {
            channel: 'email',
            address: 'a@example.com',
            reason: 'hard_bounce',
            detail: '550 5.1.1 unknown',
            createdAt: iso(T0),
          },
        ],
        nextCursor: null,
      });
      const sms = await consent.suppressions(w, { channel: 'sms', limit: 10 });
      expect(sms.ok && sms.value.data.map((s) => s.address)).toEqual(['+972501234567']);

      const bad = await consent.suppressions(w, { limit: 2, cursor: 'not-a-cursor' });
      expect(bad.ok ? null : bad.error.code).toBe('validation_failed');

      expect(await consent.unsuppress(w, 'email', 'A@example.com ')).toBe(true);
      expect(await consent.unsuppress(w, 'email', 'a@example.com')).toBe(false);
      expect(await consent.unsuppress(w, 'email', 'c@example.com')).toBe(false);
      expect(
        await consent.mayReceive({
          workspaceId: w,
          profileId: null,
          channel: 'email',
          kind: 'transactional',
          to: 'a@example.com',
        }),
      ).toEqual({ ok: true });
    });

    it('stores a provider text with characters PostgreSQL cannot hold', async () => {
      await consent.suppress(w, 'email', 'n@example.com', 'hard_bounce', 'bad\u0000byte', T0);
      const page = await consent.suppressions(w, { limit: 5 });
      expect(page.ok && page.value.data[0]?.detail).toBe('bad\ufffdbyte');
    });

    it('a complaint also withdraws the email consent of the profiles holding the address, once', async () => {
      await database.db
        .insertInto('identifiers')
        .values({
          workspace_id: w,
          kind: 'email',
          value: 'ann@example.com',
          profile_id: p1,
          created_at: 0,
        })
        .execute();
      await consent.update(w, p1, { channel: 'email', status: 'subscribed', source: 'form' }, T0);
      await consent.suppress(w, 'email', 'Ann@Example.com', 'complaint', 'feedback loop', T0 + 100);
      expect((await consent.get(w, p1))[0]).toMatchObject({
        channel: 'email',
        status: 'unsubscribed',
        source: 'complaint',
        updatedAt: iso(T0 + 100),
      });
      await consent.suppress(w, 'email', 'ann@example.com', 'complaint', 'again', T0 + 200);
      expect(changes.map((c) => `${c.status}:${c.source}`)).toEqual([
        'subscribed:form',
        'unsubscribed:complaint',
      ]);
      // A hard bounce is not a withdrawal.
      await database.db
        .insertInto('identifiers')
        .values({
          workspace_id: w,
          kind: 'email',
          value: 'bo@example.com',
          profile_id: p2,
          created_at: 0,
        })
        .execute();
      await consent.update(w, p2, { channel: 'email', status: 'subscribed', source: 'form' }, T0);
      await consent.suppress(w, 'email', 'bo@example.com', 'hard_bounce', null, T0 + 300);
      expect((await consent.get(w, p2))[0]?.status).toBe('subscribed');
    });
  });

  it('normalises addresses per channel', () => {
    const cases: [Parameters<ConsentService['normaliseAddress']>[0], string, string][] = [
      ['email', '  Ann.Lee@Example.COM ', 'ann.lee@example.com'],
      ['sms', '+1 (555) 010-0199', '+15550100199'],
      ['sms', '15550100199', '+15550100199'],
      ['whatsapp', '00972-50-123-4567', '+972501234567'],
      ['whatsapp', '+972 50 123 4567', '+972501234567'],
      ['sms', 'no digits', ''],
      ['push', ' Token-ABC ', 'Token-ABC'],
      ['webhook', 'https://Hooks.example/X', 'https://Hooks.example/X'],
    ];
    for (const [channel, raw, expected] of cases)
      expect([channel, raw, consent.normaliseAddress(channel, raw)]).toEqual([
        channel,
        raw,
        expected,
      ]);
  });

  it('erasure removes the consents and their history of the erased person only', async () => {
    await consent.update(w, gone, { channel: 'email', status: 'subscribed', source: 'x' }, T0);
    await consent.update(w, gone, { channel: 'sms', status: 'unsubscribed', source: 'x' }, T0);
    await consent.update(w, stays, { channel: 'email', status: 'subscribed', source: 'x' }, T0);
    await database.db.transaction().execute(async (trx) => {
      await consent.eraseProfile(trx, { workspaceId: w, profileId: gone });
      // Erasing orders alone calls participants without a profile: nothing to remove.
      await consent.eraseProfile(trx, { workspaceId: w, profileId: '' });
    });
    expect(await consent.get(w, gone)).toEqual([]);
    expect(await consent.history(w, gone)).toEqual([]);
    const left = await database.db
      .selectFrom('consent_changes')
      .select('profile_id')
      .where('workspace_id', '=', w)
      .execute();
    expect(left.map((r) => r.profile_id)).toEqual([stays]);
    expect((await consent.get(w, stays)).map((s) => s.status)).toEqual(['subscribed']);
  });
});
