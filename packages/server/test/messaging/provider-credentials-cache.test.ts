/**
 * ProviderCredentials as two server processes see one database: this process's writes are
 * seen at once, another's once the 15-second cache lifetime (wall clock) is over; credentials
 * sealed under another instance secret are the workspace's still, but unreadable (never the
 * instance's account instead).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderCredentials } from '../../src/modules/messaging/provider-credentials.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { SecretBox } from '../../src/platform/secret-box.js';
import { ensureWorkspace } from '../../src/modules/workspaces/index.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const W = 'store-a';
const twilioOf = (n: number) => ({
  accountSid: `AC${String(n).repeat(32).slice(0, 32)}`,
  authToken: `auth-token-number-${n}-0001`,
  from: '+972531234567',
});
const instance = {
  smtpUrl: undefined,
  emailFrom: 'Agency <news@agency.example>',
  twilio: { ...twilioOf(9), apiUrl: 'https://api.twilio.com' },
  whatsapp: undefined,
  twilioApiUrl: 'https://api.twilio.com',
  whatsappApiUrl: 'https://graph.facebook.com/v21.0',
};

describe.each(engines)('ProviderCredentials across processes on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  const clock = new ManualClock(T0);
  const wall = new ManualClock(T0);
  const box = new SecretBox('instance-secret-0001');
  let here: ProviderCredentials;
  let there: ProviderCredentials;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    await ensureWorkspace(database.db, { id: W, name: 'Store A', now: T0 });
    here = new ProviderCredentials(database, box, clock, wall);
    there = new ProviderCredentials(database, box, clock, wall);
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it("sees its own writes at once and another process's within 15 seconds", async () => {
    expect(await there.read(W, 'twilio')).toBeNull();
    await here.save(W, { provider: 'twilio', credentials: twilioOf(1) });
    expect(await here.read(W, 'twilio')).toEqual({
      ok: true,
      account: { provider: 'twilio', credentials: twilioOf(1) },
      updatedAt: T0,
    });
    // The other process answered from its cache a moment ago: still nothing, for a while.
    wall.advance(14_000);
    expect(await there.read(W, 'twilio')).toBeNull();
    wall.advance(1_001);
    expect((await there.read(W, 'twilio'))?.ok).toBe(true);
    expect((await there.effective(W, instance)).twilio?.authToken).toBe(twilioOf(1).authToken);

    expect(await here.remove(W, 'twilio')).toBe(true);
    expect(await here.remove(W, 'twilio')).toBe(false);
    expect((await here.effective(W, instance)).twilio?.authToken).toBe(twilioOf(9).authToken);
    wall.advance(15_001);
    expect(await there.read(W, 'twilio')).toBeNull();
  });

  it("keeps credentials sealed under another secret as the workspace's, unreadable", async () => {
    const elsewhere = new ProviderCredentials(
      database,
      new SecretBox('another-secret'),
      clock,
      wall,
    );
    await elsewhere.save(W, { provider: 'twilio', credentials: twilioOf(2) });
    wall.advance(15_001);
    const read = await here.read(W, 'twilio');
    expect(read).toMatchObject({ ok: false, problem: expect.stringMatching(/save them again/) });
    const effective = await here.effective(W, instance);
    // Neither the store's account (unreadable) nor the instance's: nothing verifies or sends.
    expect(effective.twilio).toBeUndefined();
    expect(effective.sources.twilio).toBe('workspace');
    expect(await here.summary(W, 'twilio', instance)).toMatchObject({
      source: 'workspace',
      sender: null,
      account: null,
    });
    await here.remove(W, 'twilio');
  });
});
