import { sql } from 'kysely';
import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

/**
 * An event the processor cannot apply must not hold up the ones behind it. The failure is real:
 * a database trigger refuses to attribute events named "Poison" to a profile.
 */
describe.each(engines)('an event that cannot be applied on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { background: false });
    const db = t.server.services.database.db;
    if (engine === 'sqlite') {
      // A TEMP trigger may look into the log's file from the derived file's table (the
      // processor runs on this same connection in this test).
      await sql`create temp trigger poison before insert on event_profiles
        when (select event from events where seq = new.seq) = 'Poison'
        begin select raise(abort, 'poisoned event'); end`.execute(db);
    } else {
      await sql`create function poison() returns trigger language plpgsql as $$
        begin
          if (select event from events where seq = new.seq) = 'Poison' then
            raise exception 'poisoned event';
          end if;
          return new;
        end $$`.execute(db);
      await sql`create trigger poison before insert on event_profiles for each row
        execute function poison()`.execute(db);
    }
  });
  afterAll(async () => t?.stop());

  it('is recorded and skipped after retries; the events around it are applied', async () => {
    const batch = ['Before', 'Poison', 'After'].map((event, i) => ({
      type: 'track',
      userId: 'u-poison',
      event,
      messageId: `poison-${i}`,
      properties: { product_id: event },
    }));
    expect((await t.send('/v1/batch', { batch })).status).toBe(200);
    await t.send('/v1/identify', { userId: 'u-poison', traits: { email: 'poison@example.com' } });
    const processor = t.server.services.processor;
    // The batch fails, is retried event by event; the poisoned one fails alone three times.
    let errors = 0;
    for (let i = 0; i < 10; i++) {
      try {
        if ((await processor.runOnce()) === 0) break;
      } catch {
        errors++;
      }
    }
    expect(errors).toBe(2);
    const failures = await t.server.services.database.db
      .selectFrom('processor_failures')
      .selectAll()
      .execute();
    expect(failures.map((f) => [f.message_id, f.error.includes('poisoned event')])).toEqual([
      ['poison-1', true],
    ]);
    const [p] = (await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?userId=u-poison')))
      .data;
    const events = await json<{ data: { event: string | null }[] }>(
      await t.api(`/api/v1/profiles/${p?.id}/events`),
    );
    expect(events.data.map((e) => e.event)).toEqual([null, 'After', 'Before']);
    const health = await json<{ processor: { failedEvents: number; behindEvents: number } }>(
      await fetch(`${t.url}/health`),
    );
    expect(health.processor).toMatchObject({ failedEvents: 1, behindEvents: 0 });

    // The unapplied event is still this person's data: exported with them, erased with them.
    const exported = await json<{ unappliedEvents: { messageId: string }[] }>(
      await t.api(`/api/v1/profiles/${p?.id}/export`),
    );
    expect(exported.unappliedEvents.map((e) => e.messageId)).toEqual(['poison-1']);
    expect((await t.api(`/api/v1/profiles/${p?.id}`, { method: 'DELETE' })).status).toBe(200);
    const left = await t.server.services.database.db
      .selectFrom('events')
      .select('message_id')
      .where('message_id', 'like', 'poison-%')
      .execute();
    expect(left).toEqual([]);
    const after = await json<{ processor: { failedEvents: number } }>(
      await fetch(`${t.url}/health`),
    );
    expect(after.processor.failedEvents).toBe(0);
  });
});
