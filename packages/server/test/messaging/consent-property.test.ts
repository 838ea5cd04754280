/**
 * Property: whatever the order of scheduling, opt-outs, re-opt-ins, bounces, complaints,
 * unsuppressions and sends, the real MessageSender with the real consent gate hands the channel
 * exactly the messages that were allowed at the instant they were sent: never marketing to a
 * person without consent, never anything to a suppressed address. A model of consent and
 * suppression over time predicts, at each drain, which pending messages go out.
 */
import fc from 'fast-check';
import type { ChannelKind } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, OutgoingMessage } from '../../src/modules/messaging/channel.js';
import { ConsentService } from '../../src/modules/messaging/consent-service.js';
import { MessageSender } from '../../src/modules/messaging/message-sender.js';
import { Outbox, type MessageKind } from '../../src/modules/messaging/outbox.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
const PEOPLE = 3;
const address = (i: number) => `person${i}@example.com`;

type Step =
  | { op: 'schedule'; profile: number; to: number; kind: MessageKind; shout: boolean }
  | { op: 'optOut' | 'optIn' | 'bounce' | 'complaint' | 'unsuppress'; profile: number }
  | { op: 'send' }
  | { op: 'wait'; ms: number };

const who = fc.integer({ min: 0, max: PEOPLE - 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('schedule' as const),
      profile: who,
      // Mostly the person's own address; sometimes another's (a shared or changed address).
      to: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: who }),
      kind: fc.constantFrom<MessageKind>('marketing', 'transactional'),
      // The same address in capitals: the gate must compare addresses normalised.
      shout: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('optIn' as const), profile: who }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('optOut' as const), profile: who }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bounce' as const), profile: who }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('complaint' as const), profile: who }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unsuppress' as const), profile: who }) },
  { weight: 3, arbitrary: fc.constant({ op: 'send' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('wait' as const),
      ms: fc.integer({ min: 1, max: 5000 }),
    }),
  },
);

/** A Channel that records what it is handed and always succeeds. */
class RecordingChannel implements Channel {
  readonly kind = 'email' as const;
  readonly provider = 'record';
  readonly sent: OutgoingMessage[] = [];
  send(message: OutgoingMessage) {
    this.sent.push(message);
    return Promise.resolve({ ok: true as const, providerMessageId: `rec-${message.id}` });
  }
  close() {
    return Promise.resolve();
  }
}

/** What the model knows of each queued message. */
interface Scheduled {
  id: string;
  profile: number;
  address: number;
  kind: MessageKind;
}

describe.each(engines)('consent and suppression at send time, %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let run = 0;
  let deliveredTotal = 0;
  let refusedTotal = 0;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });

  /** Runs one interleaving in a workspace of its own, checking every drain against the model. */
  async function play(steps: Step[]): Promise<void> {
    // The sender claims across workspaces: what an earlier (failed, shrinking) run left queued
    // must not reach this run's channel.
    await database.db.deleteFrom('messages').where('status', 'in', ['queued', 'sending']).execute();
    const w = `w${++run}`;
    const profileId = (i: number) => `${w}-p${i}`;
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: w, currency: 'USD', created_at: 0 })
      .execute();
    // Each person holds their address, so a complaint withdraws that person's email consent.
    await database.db
      .insertInto('identifiers')
      .values(
        Array.from({ length: PEOPLE }, (_, i) => ({
          workspace_id: w,
          kind: 'email',
          value: address(i),
          profile_id: profileId(i),
          created_at: 0,
        })),
      )
      .execute();
    const clock = new ManualClock(T0);
    const outbox = new Outbox(database);
    const consent = new ConsentService(database);
    const channel = new RecordingChannel();
    const sender = new MessageSender(
      outbox,
      new Map<ChannelKind, Channel>([['email', channel]]),
      clock,
      createLogger('silent'),
      {
        gate: (m) => consent.mayReceive(m),
        unsubscribeUrl: (m) => `https://shop.test/u/${m.id}`,
        suppress: async () => {},
      },
    );

    // The model: consent per person, suppression per address, and messages not yet decided.
    const subscribed = new Array<boolean>(PEOPLE).fill(false);
    const suppressed = new Array<boolean>(PEOPLE).fill(false);
    let pending: Scheduled[] = [];
    const byId = new Map<string, Scheduled>();
    let seq = 0;

    // A last drain decides whatever the interleaving left queued.
    for (const step of [...steps, { op: 'send' as const }]) {
      const now = clock.now();
      switch (step.op) {
        case 'schedule': {
          const to = step.to < 0 ? step.profile : step.to;
          const given = step.shout ? address(to).toUpperCase() : address(to);
          const { id } = await outbox.enqueue(
            {
              workspaceId: w,
              profileId: profileId(step.profile),
              channel: 'email',
              kind: step.kind,
              templateId: null,
              templateVersion: null,
              language: 'en',
              dedupeKey: `prop:${++seq}`,
              to: given,
              subject: 'Hello',
              html: '<p>Hello</p>',
              text: 'Hello',
            },
            now,
          );
          const s = { id, profile: step.profile, address: to, kind: step.kind };
          pending.push(s);
          byId.set(id, s);
          break;
        }
        case 'optIn':
        case 'optOut':
          await consent.update(
            w,
            profileId(step.profile),
            {
              channel: 'email',
              status: step.op === 'optIn' ? 'subscribed' : 'unsubscribed',
              source: 'api',
            },
            now,
          );
          subscribed[step.profile] = step.op === 'optIn';
          break;
        case 'bounce':
        case 'complaint':
          await consent.suppress(
            w,
            'email',
            address(step.profile),
            step.op === 'bounce' ? 'hard_bounce' : 'complaint',
            null,
            now,
          );
          suppressed[step.profile] = true;
          // A complaint also withdraws the consent of whoever holds the address.
          if (step.op === 'complaint') subscribed[step.profile] = false;
          break;
        case 'unsuppress':
          await consent.unsuppress(w, 'email', address(step.profile));
          suppressed[step.profile] = false;
          break;
        case 'wait':
          clock.advance(step.ms);
          break;
        case 'send': {
          const before = channel.sent.length;
          const allowed = (s: Scheduled) =>
            !suppressed[s.address] && (s.kind === 'transactional' || subscribed[s.profile]);
          const expected = pending.filter(allowed).map((s) => s.id);
          await sender.drain();
          const handed = channel.sent.slice(before);
          // Safety, message by message, against the model at this instant.
          for (const m of handed) {
            const s = byId.get(m.id);
            expect(s, `an unknown message ${m.id} was sent`).toBeDefined();
            if (!s) continue;
            expect(suppressed[s.address], `${m.id} went to a suppressed address`).toBe(false);
            if (s.kind === 'marketing')
              expect(subscribed[s.profile], `${m.id}: marketing without consent`).toBe(true);
          }
          // And exactly those: every pending message is decided by this drain, once.
          expect(handed.map((m) => m.id).sort()).toEqual([...expected].sort());
          const refused = pending.filter((s) => !allowed(s));
          for (const s of refused)
            expect((await outbox.get(w, s.id))?.status, `${s.id} should be refused`).toBe(
              'suppressed',
            );
          deliveredTotal += handed.length;
          refusedTotal += refused.length;
          pending = [];
          break;
        }
      }
    }
    await sender.stop();
    // No message was ever handed over twice.
    const ids = channel.sent.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  }

  it('never hands the channel a message the person may not receive at that instant', async () => {
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30 }), play), {
      numRuns: engine === 'sqlite' ? 50 : 30,
    });
    // The runs exercised both outcomes (a gate refusing everything would fail the exact check,
    // but the property must not be vacuous either).
    expect(deliveredTotal).toBeGreaterThan(0);
    expect(refusedTotal).toBeGreaterThan(0);
  });

  it('checks a known interleaving: opt-out after scheduling, bounce, unsuppress, re-opt-in', async () => {
    const before = deliveredTotal;
    await play([
      { op: 'optIn', profile: 0 },
      { op: 'schedule', profile: 0, to: -1, kind: 'marketing', shout: false },
      { op: 'optOut', profile: 0 },
      { op: 'send' },
      { op: 'bounce', profile: 0 },
      { op: 'optIn', profile: 0 },
      { op: 'schedule', profile: 0, to: -1, kind: 'transactional', shout: true },
      { op: 'send' },
      { op: 'unsuppress', profile: 0 },
      { op: 'schedule', profile: 0, to: -1, kind: 'marketing', shout: false },
      { op: 'send' },
    ]);
    // Only the last one goes: refused for the opt-out, then for the bounce, then delivered.
    expect(deliveredTotal - before).toBe(1);
  });
});
