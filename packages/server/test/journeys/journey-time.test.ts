import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import {
  iso,
  journeyMessagesOf,
  startJourneyHarness,
  stepRowsOf,
  type JourneyHarness,
} from './journey-harness.js';

/**
 * "Send at 10:00 local" across the 2026 spring-forward and fall-back nights of Asia/Jerusalem
 * and Europe/Belgrade, and quiet hours (21:00-09:00) in each profile's zone: its own, else its
 * country's, else the workspace's. The expected instants are written out in UTC by hand (and
 * checked against Luxon below), so the test does not lean on the engine's own time functions.
 */

const JERUSALEM = 'Asia/Jerusalem';
const BELGRADE = 'Europe/Belgrade';

/** Offsets (minutes) an hour either side of each transition, as the 2026 tz rules give them. */
const transitions: [string, string, number, number][] = [
  [JERUSALEM, '2026-03-27T00:00:00Z', 120, 180], // Friday 02:00 -> 03:00
  [JERUSALEM, '2026-10-24T23:00:00Z', 180, 120], // Sunday 02:00 -> 01:00
  [BELGRADE, '2026-03-29T01:00:00Z', 60, 120], // Sunday 02:00 -> 03:00
  [BELGRADE, '2026-10-25T01:00:00Z', 120, 60], // Sunday 03:00 -> 02:00
];

const tenOClock = {
  name: 'At ten',
  trigger: { type: 'event', event: 'Ten Ping' },
  entry: { rule: 'every_time', whileInside: true },
  start: 'ten',
  steps: [
    { id: 'ten', type: 'wait_until', at: '10:00', next: 'first' },
    { id: 'first', type: 'send', template: 'Ten A', next: 'day1' },
    { id: 'day1', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'second' },
    { id: 'second', type: 'send', template: 'Ten B', next: 'day2' },
    { id: 'day2', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'third' },
    { id: 'third', type: 'send', template: 'Ten C', next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};

const lateMail = {
  name: 'Late mail',
  trigger: { type: 'event', event: 'Late Ping' },
  entry: { rule: 'every_time' },
  start: 'mail',
  steps: [
    { id: 'mail', type: 'send', template: 'Late', next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};

interface TenCase {
  user: string;
  zone: string;
  /** The entry, in UTC. */
  enter: string;
  /** The three sends, in UTC: 10:00 local on three days. */
  sends: [string, string, string];
}

interface QuietCase {
  user: string;
  traits: Record<string, unknown>;
  ping: string;
  /** Null: sent at once; else the instant quiet hours end, and the zone named. */
  until: string | null;
  zone: string | null;
}

async function world(engine: (typeof engines)[number], start: string, timezone = 'UTC') {
  const h = await startJourneyHarness(engine, Date.parse(start));
  for (const name of ['Ten A', 'Ten B', 'Ten C', 'Late']) await h.emailTemplate(name);
  await h.call('PUT', '/api/v1/journey-settings', {
    quietHours: { start: '21:00', end: '09:00' },
    timezone,
  });
  await h.journey(tenOClock);
  await h.journey(lateMail);
  return h;
}

/** Each ping at its instant, in order, then on to `end`: every timer runs at its own instant. */
async function play(
  h: JourneyHarness,
  pings: { at: string; user: string; event: string }[],
  end: string,
) {
  for (const p of [...pings].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    await h.advanceTo(Date.parse(p.at));
    await h.track(p.user, p.event);
  }
  await h.advanceTo(Date.parse(end));
}

async function checkTen(h: JourneyHarness, c: TenCase) {
  for (const at of c.sends) {
    const local = DateTime.fromISO(at, { zone: c.zone });
    expect(local.toFormat('HH:mm'), `${c.user} ${at}`).toBe('10:00');
  }
  const e = await h.onlyEnrollment(c.user);
  const trace = await h.trace(e.id);
  const [a, b, third] = c.sends.map((at) => iso(Date.parse(at)));
  expect(trace.steps.map((s) => [s.step, s.outcome, s.at])).toEqual([
    ['$entry', 'entered', iso(Date.parse(c.enter))],
    ['ten', 'waited', a],
    ['first', 'sent', a],
    ['day1', 'waited', b],
    ['second', 'sent', b],
    ['day2', 'waited', third],
    ['third', 'sent', third],
    ['done', 'completed', third],
  ]);
  const messages = await journeyMessagesOf(h.db(), [e.id]);
  expect(
    messages.map((m) => [m.step, iso(m.created_at), m.status, iso(m.sent_at ?? 0)]).sort(),
  ).toEqual([
    ['first', a, 'sent', a],
    ['second', b, 'sent', b],
    ['third', third, 'sent', third],
  ]);
  const rows = await stepRowsOf(h.db(), [e.id]);
  for (const r of rows.filter((row) => row.node !== '$entry'))
    expect(DateTime.fromMillis(r.at, { zone: c.zone }).toFormat('HH:mm')).toBe('10:00');
  const inbox = h.sink.messages.filter((m) => m.envelopeTo[0] === `${c.user}@example.com`);
  expect(inbox.map((m) => m.parsed.subject)).toEqual(['Ten A', 'Ten B', 'Ten C']);
}

async function checkQuiet(h: JourneyHarness, c: QuietCase) {
  const e = await h.onlyEnrollment(c.user);
  const trace = await h.trace(e.id);
  const ping = iso(Date.parse(c.ping));
  if (c.until === null) {
    expect(trace.steps.map((s) => [s.step, s.outcome, s.at])).toEqual([
      ['$entry', 'entered', ping],
      ['mail', 'sent', ping],
      ['done', 'completed', ping],
    ]);
    return;
  }
  const until = iso(Date.parse(c.until));
  expect(DateTime.fromISO(until, { zone: c.zone ?? 'UTC' }).toFormat('HH:mm')).toBe('09:00');
  expect(trace.steps.map((s) => [s.step, s.outcome, s.at, s.reason])).toEqual([
    ['$entry', 'entered', ping, null],
    ['mail', 'delayed', ping, `quiet hours (${c.zone})`],
    ['mail', 'sent', until, null],
    ['done', 'completed', until, 'reached the end'],
  ]);
  expect(trace.steps[1]?.detail).toEqual({ channel: 'email', until: Date.parse(c.until) });
  const [message] = await journeyMessagesOf(h.db(), [e.id]);
  expect(message && [iso(message.created_at), message.status]).toEqual([until, 'sent']);
}

const person = (user: string, zone: string) => ({
  email: `${user}@example.com`,
  email_consent: 'subscribed',
  timezone: zone,
});

/** 2026 instants in UTC, written short: '03-25T18:00' is 2026-03-25T18:00:00Z. */
const utc = (short: string) => `2026-${short}:00Z`;
const ten = (user: string, zone: string, enter: string, sends: string[]): TenCase => {
  const [a = '', b = '', c = ''] = sends.map(utc);
  return { user, zone, enter: utc(enter), sends: [a, b, c] };
};
const late = (user: string, zone: string, ping: string, until: string): QuietCase => ({
  user,
  traits: person(user, zone),
  ping: utc(ping),
  until: utc(until),
  zone,
});

const spring: TenCase[] = [
  // Jerusalem jumps in the night of Thursday 26 to Friday 27 March: 10:00 is 08:00Z, then 07:00Z.
  ten('jer-wait', JERUSALEM, '03-25T18:00', ['03-26T08:00', '03-27T07:00', '03-28T07:00']),
  ten('jer-until', JERUSALEM, '03-26T18:00', ['03-27T07:00', '03-28T07:00', '03-29T07:00']),
  // Belgrade jumps in the night of Saturday 28 to Sunday 29 March: 09:00Z, then 08:00Z.
  ten('bel-wait', BELGRADE, '03-27T19:00', ['03-28T09:00', '03-29T08:00', '03-30T08:00']),
  ten('bel-until', BELGRADE, '03-28T19:00', ['03-29T08:00', '03-30T08:00', '03-31T08:00']),
  // Entering at 01:30 local, half an hour before the jump.
  ten('bel-night', BELGRADE, '03-29T00:30', ['03-29T08:00', '03-30T08:00', '03-31T08:00']),
];

const fall: TenCase[] = [
  // Jerusalem falls back in the night of Saturday 24 to Sunday 25 October: 07:00Z, then 08:00Z.
  ten('jer-wait', JERUSALEM, '10-23T17:00', ['10-24T07:00', '10-25T08:00', '10-26T08:00']),
  ten('jer-until', JERUSALEM, '10-24T17:00', ['10-25T08:00', '10-26T08:00', '10-27T08:00']),
  // Belgrade the same night: 08:00Z, then 09:00Z.
  ten('bel-wait', BELGRADE, '10-23T18:00', ['10-24T08:00', '10-25T09:00', '10-26T09:00']),
  ten('bel-until', BELGRADE, '10-24T18:00', ['10-25T09:00', '10-26T09:00', '10-27T09:00']),
  // Entering at the first 02:30 local of the hour that happens twice.
  ten('bel-night', BELGRADE, '10-25T00:30', ['10-25T09:00', '10-26T09:00', '10-27T09:00']),
];

/** A ping at 23:00 local the evening before each night: quiet until 09:00 local after it. */
const springQuiet: QuietCase[] = [
  late('jer-late', JERUSALEM, '03-26T21:00', '03-27T06:00'),
  late('bel-late', BELGRADE, '03-28T22:00', '03-29T07:00'),
];
const fallQuiet: QuietCase[] = [
  late('jer-late', JERUSALEM, '10-24T20:00', '10-25T07:00'),
  late('bel-late', BELGRADE, '10-24T21:00', '10-25T08:00'),
];

describe('the 2026 transitions the cases assume', () => {
  it.each(transitions)('%s around %s', (zone, at, before, after) => {
    const t = Date.parse(at);
    expect(DateTime.fromMillis(t - 3_600_000, { zone }).offset).toBe(before);
    expect(DateTime.fromMillis(t + 3_600_000, { zone }).offset).toBe(after);
  });
});

for (const engine of engines) {
  describe(`send at 10:00 local and quiet hours across DST (${engine})`, () => {
    for (const [night, cases, quiet, start, end] of [
      ['spring-forward', spring, springQuiet, '2026-03-25T12:00:00Z', '2026-04-01T12:00:00Z'],
      ['fall-back', fall, fallQuiet, '2026-10-23T12:00:00Z', '2026-10-28T12:00:00Z'],
    ] as const)
      it(`the ${night} nights: exactly 10:00 local, once a day; quiet until 09:00`, async () => {
        const h = await world(engine, start);
        try {
          for (const c of cases) await h.identify(c.user, person(c.user, c.zone));
          for (const c of quiet) await h.identify(c.user, c.traits);
          await play(
            h,
            [
              ...cases.map((c) => ({ at: c.enter, user: c.user, event: 'Ten Ping' })),
              ...quiet.map((c) => ({ at: c.ping, user: c.user, event: 'Late Ping' })),
            ],
            end,
          );
          for (const c of cases) await checkTen(h, c);
          for (const c of quiet) await checkQuiet(h, c);
          expect(h.sink.messages).toHaveLength(cases.length * 3 + quiet.length);
        } finally {
          await h.close();
        }
      }, 60_000);

    it("quiet hours in the profile's zone: its own, else its country's, else the workspace's", async () => {
      const h = await world(engine, '2026-01-14T12:00:00Z', 'America/New_York');
      const cases: QuietCase[] = [
        // Its own zone wins over its country (23:00 in Jerusalem, 16:00 in New York).
        {
          user: 'z-own',
          traits: { ...person('z-own', JERUSALEM), country: 'US' },
          ping: '2026-01-14T21:00:00Z',
          until: '2026-01-15T07:00:00Z',
          zone: JERUSALEM,
        },
        // No zone: Serbia's; 23:00 in Belgrade.
        {
          user: 'z-country',
          traits: { email: 'z-country@example.com', email_consent: 'subscribed', country: 'RS' },
          ping: '2026-01-14T22:00:00Z',
          until: '2026-01-15T08:00:00Z',
          zone: BELGRADE,
        },
        // Neither: the workspace's New York; 23:00 there.
        {
          user: 'z-workspace',
          traits: { email: 'z-workspace@example.com', email_consent: 'subscribed' },
          ping: '2026-01-15T04:00:00Z',
          until: '2026-01-15T14:00:00Z',
          zone: 'America/New_York',
        },
        // 16:00 in New York (the country's zone): not quiet, sent at once.
        {
          user: 'z-day',
          traits: {
            email: 'z-day@example.com',
            email_consent: 'subscribed',
            country: 'United States',
          },
          ping: '2026-01-14T21:00:00Z',
          until: null,
          zone: null,
        },
      ];
      try {
        for (const c of cases) await h.identify(c.user, c.traits);
        await play(
          h,
          cases.map((c) => ({ at: c.ping, user: c.user, event: 'Late Ping' })),
          '2026-01-15T15:00:00Z',
        );
        for (const c of cases) await checkQuiet(h, c);
        expect(h.sink.messages.map((m) => m.envelopeTo[0])).toEqual(
          ['z-day', 'z-own', 'z-country', 'z-workspace'].map((u) => `${u}@example.com`),
        );
      } finally {
        await h.close();
      }
    }, 60_000);
  });
}
