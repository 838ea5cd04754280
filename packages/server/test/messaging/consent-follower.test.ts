import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentFollower, consentStatusOf } from '../../src/modules/messaging/index.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Consent that arrives with the store's data (identify traits from the storefront, an import, a
 * connector) reaches the consent the sender checks, in log order, never undoing a newer change.
 */
describe('consent statuses stores send', () => {
  it('reads booleans, words and Shopify-shaped objects; ignores the rest', () => {
    expect(consentStatusOf(true)).toBe('subscribed');
    expect(consentStatusOf('opted_out')).toBe('unsubscribed');
    expect(consentStatusOf({ state: 'subscribed' })).toBe('subscribed');
    expect(consentStatusOf({ state: 'not_subscribed' })).toBe('unsubscribed');
    expect(consentStatusOf('PENDING')).toBe('pending');
    expect(consentStatusOf('maybe')).toBeNull();
    expect(consentStatusOf(1)).toBeNull();
    expect(consentStatusOf(null)).toBeNull();
  });
});

for (const engine of engines) {
  describe(`consent from identify traits (${engine})`, () => {
    let t: TestServer;
    let profileId: string;
    type ConsentView = {
      data: { channel: string; status: string; source: string }[];
      history: { status: string }[];
    };
    const consent = async () =>
      json<ConsentView>(await t.api(`/api/v1/profiles/${profileId}/consent`));
    const identify = async (traits: Record<string, unknown>, timestamp?: string) => {
      const res = await t.send('/v1/identify', {
        userId: 'u-bo',
        traits: { email: 'bo@example.com', ...traits },
        ...(timestamp !== undefined ? { timestamp } : {}),
      });
      expect(res.status).toBe(200);
      await t.settle();
      await t.server.services.consentFollower.drain();
    };

    beforeAll(async () => {
      t = await startTestServer(engine, { background: false });
      await identify({ email_consent: true, sms_consent: 'subscribed' });
      const found = await json<{ data: Profile[] }>(
        await t.api('/api/v1/profiles?email=bo@example.com'),
      );
      profileId = found.data[0]!.id;
    });
    afterAll(async () => t?.stop());

    it('applies consent traits with their source', async () => {
      expect((await consent()).data).toEqual([
        expect.objectContaining({
          channel: 'email',
          status: 'subscribed',
          source: 'tracking: email_consent',
        }),
        expect.objectContaining({
          channel: 'sms',
          status: 'subscribed',
          source: 'tracking: sms_consent',
        }),
      ]);
    });

    it('records a change only when the status changes', async () => {
      await identify({ email_consent: true, first_name: 'Bo' });
      expect((await consent()).history).toHaveLength(2);
      await identify({ accepts_marketing: false });
      const after = await consent();
      expect(after.data[0]).toEqual(
        expect.objectContaining({ status: 'unsubscribed', source: 'tracking: accepts_marketing' }),
      );
      expect(after.history).toHaveLength(3);
      // The follower's own Consent Updated / Unsubscribed events are not followed again.
      await t.settle();
      expect(await t.server.services.consentFollower.drain()).toBe(0);
    });

    it('an older store sync never undoes a newer unsubscribe', async () => {
      await identify({ email_consent: true }, '2020-01-01T00:00:00.000Z');
      expect((await consent()).data[0]?.status).toBe('unsubscribed');
    });

    it('two followers draining at once record each change once, across batches', async () => {
      const people = 1_200; // more than two of the follower's batches
      for (let i = 0; i < people; i += 100) {
        const batch = Array.from({ length: 100 }, (_, k) => ({
          type: 'identify',
          userId: `u-many-${i + k}`,
          traits: { email: `many-${i + k}@example.com`, accepts_marketing: (i + k) % 3 !== 0 },
        }));
        expect((await t.send('/v1/batch', { batch })).status).toBe(200);
      }
      await t.settle();
      const second = openDatabase(t.databaseUrl);
      try {
        const other = new ConsentFollower(second, createLogger('silent'));
        const mine = () => t.server.services.consentFollower.drain();
        // Two SQLite connections in one process would block each other's thread: there the
        // second process follows the first (PostgreSQL runs them at once).
        const [a, b] =
          engine === 'postgres'
            ? await Promise.all([mine(), other.drain()])
            : [await mine(), await other.drain()];
        expect(a + b).toBe(people);
        const rows = await t.server.services.database.db
          .selectFrom('consent_changes')
          .select(['profile_id', 'status'])
          .where('source', '=', 'tracking: accepts_marketing')
          .execute();
        // Bo's two from the tests above, and one per person here.
        expect(rows).toHaveLength(people + 1);
        expect(new Set(rows.map((r) => r.profile_id)).size).toBe(people + 1);
        expect(rows.filter((r) => r.status === 'unsubscribed')).toHaveLength(people / 3 + 1);
      } finally {
        await second.close();
      }
    });
  });
}
