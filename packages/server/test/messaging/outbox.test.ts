import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelKind } from '@comeback/contracts';
import { openDatabase, migrateToLatest, type Database } from '../../src/platform/db/database.js';
import { ManualClock } from '../../src/platform/clock.js';
import { AppError } from '../../src/platform/errors.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Channel } from '../../src/modules/messaging/channel.js';
import { EmailChannel } from '../../src/modules/messaging/email-channel.js';
import { LocalChannel } from '../../src/modules/messaging/local-channel.js';
import { MessageSender, type SenderOptions } from '../../src/modules/messaging/message-sender.js';
import { Outbox, type NewMessage } from '../../src/modules/messaging/outbox.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const MINUTE = 60_000;
const iso = (t: number) => new Date(t).toISOString();

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
  html: '<p>Spring sale</p>',
  text: 'Spring sale',
  ...over,
});

describe.each(engines)('outbox and sender on %s', (engine) => {
  let tdb: TestDatabase;
  let database: Database;
  let outbox: Outbox;
  let sink: SmtpSink;
  let clock: ManualClock;
  let email: EmailChannel;
  let suppressed: unknown[][];
  const senders: MessageSender[] = [];

  const sender = (over: Partial<SenderOptions> = {}, channels?: Map<ChannelKind, Channel>) => {
    const s = new MessageSender(
      outbox,
      channels ?? new Map<ChannelKind, Channel>([['email', email]]),
      clock,
      createLogger('silent'),
      {
        gate: async () => ({ ok: true }),
        unsubscribeUrl: (m) => `https://shop.test/u/${m.id}`,
        suppress: async (...args) => void suppressed.push(args),
        ...over,
      },
    );
    senders.push(s);
    return s;
  };
  const statusOf = async (id: string) => (await outbox.get('w1', id))?.status;
  /** Transactions begun while `work` runs (counted on the instance; the method is unchanged). */
  const countCommits = async (work: () => Promise<unknown>): Promise<number> => {
    const db = database.db;
    const begin = db.transaction.bind(db);
    let begun = 0;
    Object.defineProperty(db, 'transaction', {
      configurable: true,
      value: () => {
        begun += 1;
        return begin();
      },
    });
    try {
      await work();
    } finally {
      Reflect.deleteProperty(db, 'transaction');
    }
    return begun;
  };

  beforeEach(async () => {
    tdb = await freshDatabase(engine);
    database = openDatabase(tdb.url);
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values([
        { id: 'w1', name: 'one', currency: 'USD', created_at: 0 },
        { id: 'w2', name: 'two', currency: 'USD', created_at: 0 },
      ])
      .execute();
    outbox = new Outbox(database);
    sink = await startSmtpSink();
    clock = new ManualClock(T0);
    email = new EmailChannel({
      smtpUrl: sink.url,
      from: 'Shop <news@shop.test>',
      messageIdDomain: 'shop.test',
      clock,
    });
    suppressed = [];
  });
  afterEach(async () => {
    for (const s of senders.splice(0)) await s.stop();
    await email.close();
    await sink.close();
    await database.close();
    await tdb.drop();
  });

  it('enqueues once per dedupe key, with one queued status change', async () => {
    const first = await outbox.enqueue(message({ dedupeKey: 'order:1001:confirmation' }), T0);
    const again = await outbox.enqueue(
      message({ dedupeKey: 'order:1001:confirmation', subject: 'other' }),
      T0 + 5,
    );
    expect(first).toEqual({ id: expect.stringMatching(/^msg_[0-9a-f]{24}$/), created: true });
    expect(again).toEqual({ id: first.id, created: false });
    // The same key in another workspace is another message.
    const other = await outbox.enqueue(
      message({ workspaceId: 'w2', dedupeKey: 'order:1001:confirmation' }),
      T0,
    );
    expect(other.created).toBe(true);
    const rows = await database.db.selectFrom('messages').select(['id', 'subject']).execute();
    expect(rows).toHaveLength(2);
    expect((await outbox.get('w1', first.id))?.history).toEqual([
      { status: 'queued', at: iso(T0), detail: null },
    ]);
  });

  it('enqueues many at once as enqueue does each: once per key, body and history with it', async () => {
    const kept = await outbox.enqueue(
      message({ dedupeKey: 'journey:e1:one', subject: 'kept' }),
      T0,
    );
    const batch = [
      message({ id: 'msg_000000000000000000000001', dedupeKey: 'journey:e1:one', subject: 'x' }),
      message({ id: 'msg_000000000000000000000002', dedupeKey: 'journey:e2:one', subject: 'two' }),
      message({ dedupeKey: 'journey:e3:one', subject: 'three', html: null, text: 'three' }),
      message({ workspaceId: 'w2', dedupeKey: 'journey:e1:one', subject: 'other shop' }),
    ];
    const queued = await database.db
      .transaction()
      .execute((trx) => outbox.enqueueMany(batch, T0 + 5, trx));
    // The key already queued in w1 keeps its first message; the rest are queued now.
    expect(queued).toBe(3);
    const rows = await database.db
      .selectFrom('messages as m')
      .innerJoin('message_contents as c', 'c.message_id', 'm.id')
      .select(['m.id', 'm.workspace_id', 'm.subject', 'm.status', 'm.created_at', 'c.html'])
      .orderBy('m.subject')
      .execute();
    expect(rows.map((r) => [r.workspace_id, r.subject, r.status])).toEqual([
      ['w1', 'kept', 'queued'],
      ['w2', 'other shop', 'queued'],
      ['w1', 'three', 'queued'],
      ['w1', 'two', 'queued'],
    ]);
    expect(rows.find((r) => r.subject === 'kept')?.id).toBe(kept.id);
    expect(rows.find((r) => r.subject === 'two')?.id).toBe('msg_000000000000000000000002');
    expect(rows.find((r) => r.subject === 'three')?.html).toBeNull();
    for (const r of rows)
      expect((await outbox.get(r.workspace_id, r.id))?.history).toEqual([
        { status: 'queued', at: iso(r.subject === 'kept' ? T0 : T0 + 5), detail: null },
      ]);
    await expect(
      database.db
        .transaction()
        .execute((trx) => outbox.enqueueMany([message({ dedupeKey: '' })], T0, trx)),
    ).rejects.toThrow('dedupe key');
  });

  it('enqueues inside the caller’s transaction: a rollback leaves nothing', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await outbox.enqueue(message(), T0, trx);
        throw new Error('the caller failed later');
      }),
    ).rejects.toThrow('the caller failed later');
    expect(await database.db.selectFrom('messages').selectAll().execute()).toEqual([]);
    expect(await database.db.selectFrom('message_status_changes').selectAll().execute()).toEqual(
      [],
    );
  });

  it('leases due messages to one worker at a time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await outbox.enqueue(message(), T0 + i)).id);
    const later = await outbox.enqueue(message({ sendAt: T0 + 2 * MINUTE }), T0);
    const a = await outbox.claimDue(T0 + 10, 'a', 2, MINUTE);
    const b = await outbox.claimDue(T0 + 10, 'b', 10, MINUTE);
    expect(a.map((m) => m.id)).toEqual(ids.slice(0, 2));
    expect(b.map((m) => m.id)).toEqual([ids[2]]);
    expect(a[0]).toMatchObject({ lockedBy: 'a', attempts: 0, resumed: false, kind: 'marketing' });
    expect(await outbox.claimDue(T0 + 10, 'c', 10, MINUTE)).toEqual([]);
    // Only the holder may move it on.
    expect(await outbox.markSending(ids[0] ?? '', 'b', T0 + 20)).toBe(false);
    expect(await outbox.markSending(ids[0] ?? '', 'a', T0 + 20)).toBe(true);
    // A lease that ran out is claimable again; the scheduled one becomes due at its instant.
    const after = await outbox.claimDue(T0 + 10 + MINUTE + 1, 'c', 10, MINUTE);
    expect(after.map((m) => [m.id, m.resumed, m.attempts])).toEqual([
      [ids[0], true, 1],
      [ids[1], false, 0],
      [ids[2], false, 0],
    ]);
    expect((await outbox.claimDue(T0 + 2 * MINUTE, 'd', 10, MINUTE)).map((m) => m.id)).toEqual([
      later.id,
    ]);
  });

  it('sends each message once, marketing ones with their unsubscribe link', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await outbox.enqueue(message({ to: `p${i}@example.test` }), T0)).id);
    const tx = await outbox.enqueue(message({ kind: 'transactional', to: 't@example.test' }), T0);
    const s = sender({ concurrency: 3, batch: 2 });
    expect(await s.drain()).toBe(6);
    expect(await s.drain()).toBe(0);
    expect(sink.messages).toHaveLength(6);
    for (const id of [...ids, tx.id]) expect(sink.countByMessageId(`<${id}@shop.test>`)).toBe(1);
    const unsubscribe = (id: string) =>
      /^List-Unsubscribe: (.*)$/m.exec(
        sink.messages.find((m) => m.messageId === `<${id}@shop.test>`)?.raw ?? '',
      )?.[1];
    expect(unsubscribe(ids[0] ?? '')).toBe(`<https://shop.test/u/${ids[0]}>`);
    expect(unsubscribe(tx.id)).toBeUndefined();
    const sent = await outbox.get('w1', ids[0] ?? '');
    expect(sent).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerMessageId: expect.stringMatching(/^Q\d{6}$/),
      sentAt: iso(T0),
      lastError: null,
      html: '<p>Spring sale</p>',
      text: 'Spring sale',
    });
    expect(sent?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent']);
  });

  it('asks the gate at send time: a refusal is suppressed and nothing is sent', async () => {
    const asked: unknown[] = [];
    const { id } = await outbox.enqueue(message(), T0);
    const s = sender({
      gate: async (m) => {
        asked.push(m);
        return { ok: false, reason: 'no email consent' };
      },
    });
    expect(await s.drain()).toBe(1);
    expect(asked).toEqual([
      {
        workspaceId: 'w1',
        profileId: 'p1',
        channel: 'email',
        kind: 'marketing',
        to: 'ada@example.test',
      },
    ]);
    expect(sink.messages).toHaveLength(0);
    const m = await outbox.get('w1', id);
    expect(m).toMatchObject({ status: 'suppressed', attempts: 0, lastError: 'no email consent' });
    expect(m?.history.map((h) => [h.status, h.detail])).toEqual([
      ['queued', null],
      ['suppressed', 'no email consent'],
    ]);
  });

  it('retries a transient failure at the backoff instant (1 min, then 2)', async () => {
    sink.failTemporarily(2);
    const { id } = await outbox.enqueue(message(), T0);
    const s = sender();
    await s.drain();
    const reason = 'smtp RCPT TO 451 4.7.1 Greylisted, try again later';
    expect(await outbox.get('w1', id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: reason,
    });
    clock.set(T0 + MINUTE - 1);
    expect(await s.drain()).toBe(0);
    clock.set(T0 + MINUTE);
    expect(await s.drain()).toBe(1);
    expect(await statusOf(id)).toBe('queued');
    clock.set(T0 + 3 * MINUTE - 1);
    expect(await s.drain()).toBe(0);
    clock.set(T0 + 3 * MINUTE);
    expect(await s.drain()).toBe(1);
    const m = await outbox.get('w1', id);
    expect(m).toMatchObject({ status: 'sent', attempts: 3, sentAt: iso(T0 + 3 * MINUTE) });
    expect(m?.history).toEqual([
      { status: 'queued', at: iso(T0), detail: null },
      { status: 'sending', at: iso(T0), detail: null },
      { status: 'queued', at: iso(T0), detail: `retry at ${iso(T0 + MINUTE)}: ${reason}` },
      { status: 'sending', at: iso(T0 + MINUTE), detail: null },
      {
        status: 'queued',
        at: iso(T0 + MINUTE),
        detail: `retry at ${iso(T0 + 3 * MINUTE)}: ${reason}`,
      },
      { status: 'sending', at: iso(T0 + 3 * MINUTE), detail: null },
      { status: 'sent', at: iso(T0 + 3 * MINUTE), detail: null },
    ]);
    expect(sink.messages).toHaveLength(1);
  });

  it('gives up after maxAttempts; a hard bounce fails at once and suppresses', async () => {
    sink.failTemporarily(10);
    const flaky = await outbox.enqueue(message(), T0);
    const s = sender({ maxAttempts: 2 });
    await s.drain();
    clock.set(T0 + MINUTE);
    await s.drain();
    expect(await outbox.get('w1', flaky.id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'gave up after 2 attempts: smtp RCPT TO 451 4.7.1 Greylisted, try again later',
    });
    sink.failTemporarily(0);
    sink.rejectRecipients.add('gone@example.test');
    const gone = await outbox.enqueue(message({ to: 'gone@example.test' }), clock.now());
    await s.drain();
    const reason = 'smtp RCPT TO 550 5.1.1 No such user here';
    expect(await outbox.get('w1', gone.id)).toMatchObject({ status: 'failed', lastError: reason });
    expect(suppressed).toEqual([['w1', 'email', 'gone@example.test', reason, T0 + MINUTE]]);
  });

  it('a started sender polls, and notify() wakes it at once', async () => {
    const s = sender();
    s.start(3_600_000);
    await new Promise((r) => setTimeout(r, 50));
    const { id } = await outbox.enqueue(message(), T0);
    s.notify();
    await sink.waitFor(1, 3000);
    await s.stop();
    expect(await statusOf(id)).toBe('sent');
  });

  it('fails a message whose channel has no provider', async () => {
    const { id } = await outbox.enqueue(message({ channel: 'sms', to: '+15550100' }), T0);
    await sender().drain();
    expect(await outbox.get('w1', id)).toMatchObject({
      status: 'failed',
      attempts: 0,
      lastError: 'no sms provider configured',
    });
  });

  it('records a message in the local outbox in one step, with the same history as a send', async () => {
    const { id } = await outbox.enqueue(message({ channel: 'sms', to: '+15550100' }), T0);
    const others = [
      await outbox.enqueue(message({ channel: 'sms', to: '+15550101' }), T0),
      await outbox.enqueue(message({ channel: 'sms', to: '+15550102' }), T0),
    ];
    const local = new Map<ChannelKind, Channel>([['sms', new LocalChannel('sms')]]);
    const commits = await countCommits(() => sender({}, local).drain());
    expect(await outbox.get('w1', id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerMessageId: `local:${id}`,
      sentAt: iso(T0),
      lastError: null,
    });
    expect((await outbox.get('w1', id))?.history.map((h) => h.status)).toEqual([
      'queued',
      'sending',
      'sent',
    ]);
    for (const o of others) expect(await statusOf(o.id)).toBe('sent');
    // One transaction for the round's three messages (a provider send commits 'sending' first,
    // then its outcome: two per message).
    expect(commits).toBe(1);
    // Another sender finds nothing left: the lease went with the message.
    expect(await sender({}, local).drain()).toBe(0);
  });

  it('a sender that died mid-send: after its lease another resends with the same Message-ID', async () => {
    const { id } = await outbox.enqueue(message(), T0);
    const [claimed] = await outbox.claimDue(T0, 'dead-sender', 10, MINUTE);
    expect(await outbox.markSending(id, 'dead-sender', T0)).toBe(true);
    // The provider got it, then the process died before recording 'sent'.
    expect(claimed?.id).toBe(id);
    if (claimed) await email.send({ ...claimed, unsubscribeUrl: null, attempt: 1 });
    const s = sender();
    expect(await s.drain()).toBe(0);
    clock.set(T0 + MINUTE + 1);
    expect(await s.drain()).toBe(1);
    expect(sink.countByMessageId(`<${id}@shop.test>`)).toBe(2);
    const m = await outbox.get('w1', id);
    expect(m).toMatchObject({ status: 'sent', attempts: 2 });
    expect(m?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sending', 'sent']);
    // The dead sender's late word no longer counts.
    expect(await outbox.markSent(id, 'dead-sender', 'late', T0 + 2 * MINUTE)).toBe(false);
  });

  it('gives up on a message whose senders keep dying mid-send', async () => {
    const { id } = await outbox.enqueue(message(), T0);
    await outbox.claimDue(T0, 'dead-sender', 10, MINUTE);
    await outbox.markSending(id, 'dead-sender', T0);
    clock.set(T0 + MINUTE + 1);
    await sender({ maxAttempts: 1 }).drain();
    expect(sink.messages).toHaveLength(0);
    expect(await outbox.get('w1', id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'its sender stopped mid-send on every attempt',
    });
  });

  it('lists newest first with filters and cursor paging; get is per workspace', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await outbox.enqueue(message(), T0 + i)).id);
    // Two at the same instant: the id breaks the tie, pages neither skip nor repeat.
    ids.push((await outbox.enqueue(message(), T0 + 4)).id);
    const sms = await outbox.enqueue(message({ channel: 'sms', profileId: 'p2' }), T0 + 9);
    await outbox.enqueue(message({ workspaceId: 'w2' }), T0 + 9);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await outbox.list('w1', { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...r.data.map((m) => m.id));
      if (r.nextCursor === null) break;
      cursor = r.nextCursor;
    }
    const tied = [ids[4] ?? '', ids[5] ?? ''].sort().reverse();
    expect(seen).toEqual([sms.id, ...tied, ids[3], ids[2], ids[1], ids[0]]);
    const onlyP2 = await outbox.list('w1', { limit: 50, profileId: 'p2' });
    expect(onlyP2).toEqual({ data: [expect.objectContaining({ id: sms.id })], nextCursor: null });
    expect((await outbox.list('w1', { limit: 50, channel: 'sms' })).data.map((m) => m.id)).toEqual([
      sms.id,
    ]);
    expect((await outbox.list('w1', { limit: 50, status: 'sent' })).data).toEqual([]);
    const refused = await outbox
      .list('w1', { limit: 2, cursor: 'bm90LWEtY3Vyc29y' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused instanceof AppError && refused.failure.code).toBe('validation_failed');
    expect(await outbox.get('w2', ids[0] ?? '')).toBeNull();
    expect(await outbox.get('w1', sms.id)).toEqual({
      id: sms.id,
      profileId: 'p2',
      channel: 'sms',
      kind: 'marketing',
      templateId: 'tpl_1',
      templateVersion: 3,
      language: 'en',
      to: 'ada@example.test',
      subject: 'Spring sale',
      status: 'queued',
      attempts: 0,
      providerMessageId: null,
      lastError: null,
      createdAt: iso(T0 + 9),
      sentAt: null,
      html: '<p>Spring sale</p>',
      text: 'Spring sale',
      history: [{ status: 'queued', at: iso(T0 + 9), detail: null }],
    });
  });

  it('records provider feedback after sending, and erases a person’s messages', async () => {
    const { id } = await outbox.enqueue(message(), T0);
    const queuedOnly = await outbox.enqueue(message({ profileId: 'p2' }), T0);
    expect(await outbox.recordStatus('w1', queuedOnly.id, 'delivered', null, T0)).toBe(false);
    await sender().drain();
    expect(await outbox.recordStatus('w2', id, 'bounced', 'x', T0)).toBe(false);
    expect(await outbox.recordStatus('w1', id, 'bounced', '5.1.1 gone', T0 + 1)).toBe(true);
    expect(await outbox.get('w1', id)).toMatchObject({
      status: 'bounced',
      lastError: '5.1.1 gone',
    });
    await database.db
      .transaction()
      .execute((trx) => outbox.eraseProfile(trx, { workspaceId: 'w1', profileId: 'p1' }));
    expect(await outbox.get('w1', id)).toBeNull();
    const left = await database.db
      .selectFrom('message_status_changes')
      .select('message_id')
      .execute();
    expect(new Set(left.map((r) => r.message_id))).toEqual(new Set([queuedOnly.id]));
  });
});
