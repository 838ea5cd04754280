import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { Outbox, type NewMessage } from '../../src/modules/messaging/outbox.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import { migrateTo } from '../support/migrate-to.js';

/** Message bodies in `message_contents` (migration 031): written once, read on claim and detail. */

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const HTML = `<p>${'Spring sale '.repeat(2000)}</p>`;

let n = 0;
const message = (over: Partial<NewMessage> = {}): NewMessage => ({
  workspaceId: 'w1',
  profileId: 'p1',
  channel: 'email',
  kind: 'marketing',
  templateId: 'tpl_1',
  templateVersion: 3,
  language: 'en',
  dedupeKey: `journey:j1:p1:${++n}`,
  to: 'ada@example.test',
  subject: 'Spring sale',
  html: HTML,
  text: 'Spring sale',
  ...over,
});

describe.each(engines)('message contents on %s', (engine) => {
  let tdb: TestDatabase;
  let database: Database;

  const contentRows = async () =>
    database.db
      .selectFrom('message_contents')
      .select(['message_id', 'html', 'body_text'])
      .orderBy('message_id')
      .execute();

  beforeEach(async () => {
    tdb = await freshDatabase(engine);
    database = openDatabase(tdb.url);
  });
  afterEach(async () => {
    await database.close();
    await tdb.drop();
  });

  describe('on a migrated database', () => {
    let outbox: Outbox;
    beforeEach(async () => {
      await migrateToLatest(database);
      await database.db
        .insertInto('workspaces')
        .values({ id: 'w1', name: 'one', currency: 'USD', created_at: 0 })
        .execute();
      outbox = new Outbox(database);
    });

    it('hands the body to the claim and to the detail, and keeps it off the message row', async () => {
      const { id } = await outbox.enqueue(message(), T0);
      const plain = await outbox.enqueue(message({ html: null, text: 'SMS body' }), T0 + 1);
      expect(await contentRows()).toEqual(
        [
          { message_id: id, html: HTML, body_text: 'Spring sale' },
          { message_id: plain.id, html: null, body_text: 'SMS body' },
        ].sort((a, b) => (a.message_id < b.message_id ? -1 : 1)),
      );
      await expect(sql`select html from messages`.execute(database.db)).rejects.toThrow();
      await expect(sql`select body_text from messages`.execute(database.db)).rejects.toThrow();

      const claimed = await outbox.claimDue(T0 + 5, 'worker-a', 10, 60_000);
      expect(claimed.map((c) => [c.id, c.subject, c.html, c.text, c.resumed])).toEqual([
        [id, 'Spring sale', HTML, 'Spring sale', false],
        [plain.id, 'Spring sale', null, 'SMS body', false],
      ]);
      expect(await outbox.get('w1', id)).toMatchObject({ id, html: HTML, text: 'Spring sale' });
      expect(await outbox.get('w1', plain.id)).toMatchObject({ html: null, text: 'SMS body' });
      const page = await outbox.list('w1', { limit: 10 });
      expect(page.data.map((m) => m.id).sort()).toEqual([id, plain.id].sort());
      expect(page.data[0]).not.toHaveProperty('html');
    });

    it('writes no second body for a deduplicated enqueue', async () => {
      const first = await outbox.enqueue(message({ dedupeKey: 'order:1:confirmation' }), T0);
      const again = await outbox.enqueue(
        message({ dedupeKey: 'order:1:confirmation', html: '<p>other</p>', text: 'other' }),
        T0 + 1,
      );
      expect(again).toEqual({ id: first.id, created: false });
      expect(await contentRows()).toEqual([
        { message_id: first.id, html: HTML, body_text: 'Spring sale' },
      ]);
    });

    it('claims more messages than one body query reads (ids are read 500 at a time)', async () => {
      const ids = await database.db.transaction().execute(async (trx) => {
        const out: string[] = [];
        for (let i = 0; i < 503; i++)
          out.push((await outbox.enqueue(message({ html: null, text: `body ${i}` }), T0, trx)).id);
        return out;
      });
      const claimed = await outbox.claimDue(T0, 'worker-a', 600, 60_000);
      expect(claimed).toHaveLength(503);
      const texts = new Map(claimed.map((c) => [c.id, c.text]));
      expect(ids.map((id) => texts.get(id))).toEqual(ids.map((_, i) => `body ${i}`));
    });

    it('erasing a person’s messages removes their bodies (foreign keys cascade)', async () => {
      const gone = await outbox.enqueue(message(), T0);
      const gone2 = await outbox.enqueue(message({ text: 'second' }), T0);
      const kept = await outbox.enqueue(message({ profileId: 'p2' }), T0);
      expect(await contentRows()).toHaveLength(3);
      await database.db
        .transaction()
        .execute((trx) => outbox.eraseProfile(trx, { workspaceId: 'w1', profileId: 'p1' }));
      expect((await contentRows()).map((r) => r.message_id)).toEqual([kept.id]);
      expect(await outbox.get('w1', gone.id)).toBeNull();
      expect(await outbox.get('w1', gone2.id)).toBeNull();
      expect(await outbox.get('w1', kept.id)).toMatchObject({ html: HTML, text: 'Spring sale' });
    });
  });

  it('moves the bodies of messages written before migration 031', async () => {
    await migrateTo(database, '030-product-non-product');
    const run = (q: ReturnType<typeof sql>) => q.execute(database.db);
    await run(sql`insert into workspaces (id, name, currency, created_at)
      values ('w1', 'one', 'USD', 0)`);
    const old = (id: string, html: string | null, text: string, status: string) =>
      run(sql`insert into messages (id, workspace_id, profile_id, channel, kind, dedupe_key,
          to_address, subject, html, body_text, status, attempts, next_attempt_at,
          created_at, updated_at)
        values (${id}, 'w1', 'p1', 'email', 'marketing', ${id}, 'ada@example.test',
          'Old sale', ${html}, ${text}, ${status}, 0, ${T0}, ${T0}, ${T0})`);
    await old('msg_000000000000000000000001', HTML, 'Old sale', 'queued');
    await old('msg_000000000000000000000002', null, 'Sent text', 'sent');
    await run(sql`insert into message_status_changes (message_id, status, at)
      values ('msg_000000000000000000000001', 'queued', ${T0})`);

    expect((await migrateToLatest(database))[0]).toBe('031-message-contents');

    expect(await contentRows()).toEqual([
      { message_id: 'msg_000000000000000000000001', html: HTML, body_text: 'Old sale' },
      { message_id: 'msg_000000000000000000000002', html: null, body_text: 'Sent text' },
    ]);
    await expect(sql`select html from messages`.execute(database.db)).rejects.toThrow();
    const outbox = new Outbox(database);
    expect(await outbox.get('w1', 'msg_000000000000000000000002')).toMatchObject({
      status: 'sent',
      subject: 'Old sale',
      html: null,
      text: 'Sent text',
    });
    const [claimed, ...more] = await outbox.claimDue(T0 + 1, 'worker-a', 10, 60_000);
    expect(more).toEqual([]);
    expect(claimed).toMatchObject({
      id: 'msg_000000000000000000000001',
      subject: 'Old sale',
      html: HTML,
      text: 'Old sale',
    });
    // The copied rows keep the cascade: erasure takes the old bodies too.
    await database.db
      .transaction()
      .execute((trx) => outbox.eraseProfile(trx, { workspaceId: 'w1', profileId: 'p1' }));
    expect(await contentRows()).toEqual([]);
  });
});
