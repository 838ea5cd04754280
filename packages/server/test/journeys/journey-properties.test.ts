import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import {
  address,
  checkBudget,
  checkGoals,
  checkOnce,
  checkOptOuts,
  exit,
  send,
  startJourneyHarness,
  storedOf,
  type JourneyHarness,
  type Played,
  wait,
} from './journey-harness.js';

/**
 * Issue 13's property tests, over HTTP on the manual clock, on both engines: random sequences of
 * checkouts, orders, product views, opt-outs (an identify or the one-click unsubscribe link) and
 * clock jumps through small journeys. After each sequence: no step ran twice for an enrollment,
 * no message was queued or delivered twice, a goal stopped every later send, an opt-out stopped
 * every later delivery, and (second property) the frequency budget held in every window. Each
 * run uses fresh profiles on a shared server, so runs never see each other's history.
 */
const START = Date.parse('2026-06-01T08:00:00Z');
/** Once a run has failed, shrinking stops after this long: a report beats a perfect one. */
const SHRINK_BUDGET_MS = 20_000;

type Op =
  | { op: 'checkout' | 'order' | 'view'; user: number }
  | { op: 'optOut'; user: number; via: 'identify' | 'link' }
  | { op: 'advance'; minutes: number };

const userArb = fc.nat(2);
const opArb = (optOuts: boolean): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constantFrom('checkout', 'order', 'view'), user: userArb }),
    },
    {
      weight: optOuts ? 1 : 0,
      arbitrary: fc.record({
        op: fc.constant('optOut'),
        user: userArb,
        via: fc.constantFrom('identify', 'link'),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('advance'),
        minutes: fc.oneof(
          fc.constantFrom(1, 119, 120, 121, 180, 600, 1440),
          fc.integer({ min: 1, max: 2880 }),
        ),
      }),
    },
  );
const opsArb = (optOuts: boolean) => fc.array(opArb(optOuts), { minLength: 1, maxLength: 14 });

/** Abandoned cart with a goal, thanks with a split on action, a daily 10:00 nudge. */
const journeys = (prefix: string, sending: Record<string, unknown> = {}) => [
  {
    name: `${prefix} cart`,
    trigger: { type: 'event', event: 'Checkout Started' },
    entry: { rule: 'every_time' },
    goal: { event: 'Order Completed' },
    sending,
    start: 'wait_order',
    steps: [
      {
        id: 'wait_order',
        type: 'wait_for_event',
        event: 'Order Completed',
        timeout: { amount: 2, unit: 'hours' },
        next: 'bought',
        timeoutNext: 'cart',
      },
      send('cart', 'Cart', 'day'),
      wait('day', 1, 'days', 'nudge'),
      send('nudge', 'Nudge', 'done'),
      exit('bought'),
      exit('done'),
    ],
  },
  {
    name: `${prefix} thanks`,
    trigger: { type: 'event', event: 'Order Completed' },
    entry: { rule: 'every_time', whileInside: true },
    sending: { ...sending, overBudget: 'drop' },
    start: 'thanks',
    steps: [
      send('thanks', 'Thanks', 'later'),
      wait('later', 3, 'hours', 'again'),
      { id: 'again', type: 'split_action', event: 'Checkout Started', yes: 'back', no: 'done' },
      send('back', 'Come back', 'done'),
      exit('done'),
    ],
  },
  {
    name: `${prefix} daily`,
    trigger: { type: 'event', event: 'Product Viewed' },
    entry: { rule: 'once_per', period: { amount: 1, unit: 'days' } },
    sending,
    start: 'ten',
    steps: [
      { id: 'ten', type: 'wait_until', at: '10:00', next: 'mail' },
      send('mail', 'Daily', 'done'),
      exit('done'),
    ],
  },
];

let runs = 0;
/** One-click unsubscribes done, so the property is known to have tried that path. */
let linkOptOuts = 0;

async function play(h: JourneyHarness, ops: Op[]): Promise<Played> {
  runs += 1;
  const users = [0, 1, 2].map((i) => `r${runs}-u${i}`);
  for (const user of users)
    await h.identify(user, { email: address(user), email_consent: 'subscribed' });
  const played: Played = { users, events: [], optOuts: new Map() };
  for (const [i, op] of ops.entries()) {
    const now = h.clock.now();
    if (op.op === 'advance') {
      await h.advance(`PT${op.minutes}M`);
      continue;
    }
    const user = users[op.user] ?? '';
    if (op.op === 'optOut') {
      if (played.optOuts.has(user)) continue;
      played.optOuts.set(user, { at: now, sinkIndex: h.sink.messages.length });
      const last = h.sink.messages.filter((m) => m.envelopeTo[0] === address(user)).at(-1);
      // The one-click URL from the raw List-Unsubscribe header (folded lines joined).
      const header = /^List-Unsubscribe:\s*<([^>]+)>/im.exec(
        last?.raw.replace(/\r?\n[ \t]+/g, ' ') ?? '',
      );
      const url = header?.[1] ?? null;
      if (op.via === 'link' && url !== null) {
        const res = await fetch(`${h.t.url}${new URL(url).pathname}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        expect(res.status).toBe(200);
        linkOptOuts += 1;
      } else await h.identify(user, { email_consent: 'unsubscribed' });
      continue;
    }
    const messageId = `r${runs}-e${i}`;
    const event = {
      checkout: 'Checkout Started',
      order: 'Order Completed',
      view: 'Product Viewed',
    }[op.op];
    await h.track(
      user,
      event,
      op.op === 'order' ? { order_id: messageId, total: 20 } : {},
      messageId,
    );
    played.events.push({ messageId, user, op: op.op, at: now });
  }
  // Past every wait, quiet night and maximum delay.
  await h.advance('P4D');
  return played;
}

/** Every event followed on its own: a minute passes after each one. */
const spaced = (ops: Op[]): Op[] =>
  ops.flatMap((op): Op[] => (op.op === 'advance' ? [op] : [op, { op: 'advance', minutes: 1 }]));

/**
 * fast-check with known sequences first and a bound on shrinking: once a run has failed, later
 * candidates pass untried, so the smallest failure found so far is the one reported.
 */
async function check(
  arb: fc.Arbitrary<Op[]>,
  numRuns: number,
  examples: Op[][],
  body: (ops: Op[]) => Promise<void>,
) {
  let failedAt: number | null = null;
  await fc.assert(
    fc.asyncProperty(arb, async (sequence) => {
      if (failedAt !== null && Date.now() - failedAt > SHRINK_BUDGET_MS) return;
      try {
        await body(sequence);
      } catch (error) {
        failedAt ??= Date.now();
        throw error;
      }
    }),
    { numRuns, examples: examples.map((e) => [e]) },
  );
}

const u0 = { user: 0 };
const advance = (minutes: number): Op => ({ op: 'advance', minutes });

for (const engine of engines) {
  const numRuns = engine === 'sqlite' ? 8 : 6;

  describe(`journey properties: steps, goals, opt-outs (${engine})`, () => {
    let h: JourneyHarness;
    beforeAll(async () => {
      h = await startJourneyHarness(engine, START);
      for (const t of ['Cart', 'Nudge', 'Thanks', 'Come back', 'Daily']) await h.emailTemplate(t);
      // Quiet nights delay sends: a goal or an opt-out may come while one is held.
      await h.call('PUT', '/api/v1/journey-settings', {
        quietHours: { start: '21:00', end: '09:00' },
      });
      for (const j of journeys('Props')) await h.journey(j);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it('never runs a step twice or sends twice; an opt-out stops every later delivery', async () => {
      const examples: Op[][] = [
        // The cart mail, then the one-click link from it: the nudge a day later must not go.
        [
          { op: 'checkout', ...u0 },
          advance(121),
          { op: 'optOut', ...u0, via: 'link' },
          advance(1440),
        ],
        // An opt-out in the same instant as the order that would send thanks.
        [{ op: 'order', ...u0 }, { op: 'optOut', ...u0, via: 'identify' }, advance(200)],
      ];
      await check(opsArb(true), numRuns, examples, async (ops) => {
        const played = await play(h, ops);
        const stored = await storedOf(h, played);
        checkOnce(h, played, stored);
        await checkOptOuts(h, played, stored);
      });
      expect(linkOptOuts).toBeGreaterThan(0);
    }, 120_000);

    it('a goal stops every later send (events followed one at a time)', async () => {
      const examples: Op[][] = [[{ op: 'checkout', ...u0 }, advance(60), { op: 'order', ...u0 }]];
      await check(opsArb(true).map(spaced), numRuns, examples, async (ops) => {
        const played = await play(h, ops);
        checkGoals(played, await storedOf(h, played));
      });
    }, 120_000);

    // A checkout and the order after it, followed in one batch: the order must still convert.
    it('a goal stops every later send (events followed in batches)', async () => {
      const examples: Op[][] = [[{ op: 'checkout', ...u0 }, { op: 'order', ...u0 }, advance(180)]];
      await check(opsArb(true), numRuns, examples, async (ops) => {
        const played = await play(h, ops);
        checkGoals(played, await storedOf(h, played));
      });
    }, 120_000);
  });

  describe(`journey properties: the frequency budget (${engine})`, () => {
    let h: JourneyHarness;
    beforeAll(async () => {
      h = await startJourneyHarness(engine, START);
      for (const t of ['Cart', 'Nudge', 'Thanks', 'Come back', 'Daily']) await h.emailTemplate(t);
      await h.call('PUT', '/api/v1/journey-settings', {
        budget: {
          email: [
            { max: 1, within: { amount: 16, unit: 'hours' } },
            { max: 3, within: { amount: 7, unit: 'days' } },
          ],
        },
      });
      for (const j of journeys('Budget')) await h.journey(j);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it('several journeys sending to the same profiles never exceed any limit', async () => {
      // Two orders in one instant: two thanks enrollments due in the same pass.
      const examples: Op[][] = [[{ op: 'order', ...u0 }, { op: 'order', ...u0 }, advance(60)]];
      await check(opsArb(false), numRuns, examples, async (ops) => {
        const played = await play(h, ops);
        const stored = await storedOf(h, played);
        checkOnce(h, played, stored);
        checkBudget(stored, played.users);
      });
    }, 120_000);
  });
}
