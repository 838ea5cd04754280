import { expect } from 'vitest';
import { journeyMessageId } from '../../src/modules/journeys/steps/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db/database.js';
import type { Engine } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { startSmtpSink, type SmtpSink } from '../messaging/smtp-sink.js';

/**
 * A whole server on a manual clock that starts at a chosen instant (journey-world.ts starts at
 * the wall clock), with email pointed at a local SMTP sink. The journey tests drive it over
 * HTTP only and read the engine's tables directly to check what it wrote.
 */
export interface JourneyHarness {
  t: TestServer;
  sink: SmtpSink;
  clock: ManualClock;
  db(): Db;
  /** POST /clock/advance: runs every timer that falls due on the way. */
  advance(by: string): Promise<void>;
  /** Advances to `instant` (epoch ms), which must not be in the past. */
  advanceTo(instant: number): Promise<void>;
  /** Any admin API call, expecting `status`; answers the JSON body. */
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    status?: number,
  ): Promise<T>;
  /** An identify call with the write key (no timestamp: it happens now). */
  identify(userId: string, traits: Record<string, unknown>): Promise<void>;
  track(
    userId: string,
    event: string,
    properties?: Record<string, unknown>,
    messageId?: string,
  ): Promise<void>;
  profileIdOf(userId: string): Promise<string>;
  /** A marketing email template whose subject is its name. */
  emailTemplate(name: string, kind?: 'marketing' | 'transactional'): Promise<void>;
  /** Creates and activates a journey; answers its id. */
  journey(definition: Record<string, unknown>): Promise<string>;
  enrollmentsOf(profileId: string): Promise<EnrollmentView[]>;
  /** The user's one enrollment (failing when there are none or several). */
  onlyEnrollment(userId: string): Promise<EnrollmentView>;
  trace(enrollmentId: string): Promise<TraceView>;
  close(): Promise<void>;
}

export interface EnrollmentView {
  id: string;
  journeyName: string;
  version: number;
  status: string;
  step: string | null;
  enteredAt: string;
  endReason: string | null;
  convertedAt: string | null;
}

export interface TraceStep {
  visit: number;
  step: string;
  outcome: string;
  at: string;
  next: string | null;
  reason: string | null;
  messageId: string | null;
  detail: Record<string, unknown>;
}

export interface TraceView {
  enrollment: EnrollmentView;
  steps: TraceStep[];
}

export const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

export const iso = (ms: number) => new Date(ms).toISOString();

/** Step builders: definitions read as the graph they are. */
export const send = (id: string, template: string, next: string) => ({
  id,
  type: 'send',
  template,
  next,
});
export const exit = (id: string) => ({ id, type: 'exit' });
export const wait = (id: string, amount: number, unit: string, next: string) => ({
  id,
  type: 'wait',
  duration: { amount, unit },
  next,
});
/** A journey on an event trigger: `steps[0]` is where it starts. */
export const onEvent = (
  name: string,
  event: string,
  steps: readonly { id: string; [field: string]: unknown }[],
  extra: Record<string, unknown> = {},
) => ({ name, trigger: { type: 'event', event }, start: steps[0]?.id, steps, ...extra });

/** Whole seconds as an ISO duration the test clock accepts (PT0S is a no-op). */
export const seconds = (ms: number) => `PT${Math.max(0, Math.round(ms / 1000))}S`;

export async function startJourneyHarness(engine: Engine, start: number): Promise<JourneyHarness> {
  const sink = await startSmtpSink();
  const clock = new ManualClock(start);
  const t = await startTestServer(engine, {
    clock,
    background: false,
    config: { clock: 'manual', smtpUrl: sink.url, emailFrom: 'Lens Shop <shop@lens.example>' },
  });
  const call = async <T>(method: string, path: string, body?: unknown, status = 200) => {
    const res = await t.api(path, { method, ...(body !== undefined ? { body } : {}) });
    const answer = await json<T>(res);
    expect(res.status, `${method} ${path}: ${JSON.stringify(answer)}`).toBe(status);
    return answer;
  };
  const sent = async (res: Response) => {
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const advance = async (by: string) => {
    await call('POST', '/clock/advance', { by });
  };
  const profileIdOf = async (userId: string) => {
    await t.settle();
    const found = await call<{ data: { id: string }[] }>(
      'GET',
      `/api/v1/profiles?userId=${encodeURIComponent(userId)}`,
    );
    const id = found.data[0]?.id;
    if (id === undefined) throw new Error(`no profile for ${userId}`);
    return id;
  };
  return {
    t,
    sink,
    clock,
    db: () => t.server.services.database.db,
    advance,
    advanceTo: async (instant) => {
      if (instant < clock.now()) throw new Error(`${iso(instant)} is in the past`);
      // Whole seconds through the route, then the rest is below what a test needs.
      await advance(seconds(instant - clock.now()));
      expect(iso(clock.now())).toBe(iso(instant));
    },
    call,
    identify: async (userId, traits) => sent(await t.send('/v1/identify', { userId, traits })),
    track: async (userId, event, properties = {}, messageId) =>
      sent(
        await t.send('/v1/track', {
          userId,
          event,
          properties,
          ...(messageId !== undefined ? { messageId } : {}),
        }),
      ),
    profileIdOf,
    emailTemplate: async (name, kind = 'marketing') => {
      await call(
        'POST',
        '/api/v1/templates',
        { name, channel: 'email', kind, variants: { en: { subject: name, body: mjml(name) } } },
        201,
      );
    },
    journey: async (definition) => {
      const { id } = await call<{ id: string }>('POST', '/api/v1/journeys', definition, 201);
      await call('POST', `/api/v1/journeys/${id}/activate`, {});
      return id;
    },
    enrollmentsOf: async (profileId) =>
      (await call<{ data: EnrollmentView[] }>('GET', `/api/v1/profiles/${profileId}/journeys`))
        .data,
    onlyEnrollment: async (userId) => {
      const profileId = await profileIdOf(userId);
      const [e, ...more] = (
        await call<{ data: EnrollmentView[] }>('GET', `/api/v1/profiles/${profileId}/journeys`)
      ).data;
      expect(more, `${userId} has more than one enrollment`).toEqual([]);
      if (!e) throw new Error(`${userId} has no enrollment`);
      return e;
    },
    trace: (enrollmentId) => call<TraceView>('GET', `/api/v1/enrollments/${enrollmentId}/trace`),
    close: async () => {
      await t.stop();
      await sink.close();
    },
  };
}

/** The journey_steps rows (the trace) of some enrollments, in visit order. */
export async function stepRowsOf(db: Db, enrollmentIds: readonly string[]) {
  if (enrollmentIds.length === 0) return [];
  const rows = await db
    .selectFrom('journey_steps')
    .select(['enrollment_id', 'visit', 'node', 'outcome', 'reason', 'message_id', 'at'])
    .where('enrollment_id', 'in', [...enrollmentIds])
    .orderBy('enrollment_id')
    .orderBy('visit')
    .execute();
  return rows.map((r) => ({ ...r, visit: Number(r.visit), at: Number(r.at) }));
}

/** The outbox messages a journey queued for the given enrollments (by their dedupe keys). */
export async function journeyMessagesOf(db: Db, enrollmentIds: readonly string[]) {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'dedupe_key', 'to_address', 'status', 'created_at', 'sent_at', 'profile_id'])
    .where('dedupe_key', 'like', 'journey:%')
    .execute();
  const wanted = new Set(enrollmentIds);
  return rows
    .map((r) => ({
      ...r,
      enrollmentId: r.dedupe_key.split(':')[1] ?? '',
      step: r.dedupe_key.split(':')[2] ?? '',
      created_at: Number(r.created_at),
      sent_at: r.sent_at === null ? null : Number(r.sent_at),
    }))
    .filter((r) => wanted.has(r.enrollmentId));
}

// --- what a property run did, and the invariants checked over what the engine stored ---

const HOUR_MS = 3_600_000;
export const address = (user: string) => `${user}@example.com`;

/** A property run: its profiles, what it tracked, and its opt-outs. */
export interface Played {
  users: string[];
  /** Each tracked event, in order: its message id, user, kind and instant. */
  events: { messageId: string; user: string; op: string; at: number }[];
  /** The first opt-out per user: its instant and how many mails the sink held then. */
  optOuts: Map<string, { at: number; sinkIndex: number }>;
}

export type Stored = Awaited<ReturnType<typeof storedOf>>;

/** Everything the engine stored for a run's profiles. */
export async function storedOf(h: JourneyHarness, played: Played) {
  const db = h.db();
  const profiles = new Map<string, string>();
  for (const user of played.users) profiles.set(await h.profileIdOf(user), user);
  const enrollments = (
    await db
      .selectFrom('journey_enrollments as e')
      .innerJoin('journeys as j', 'j.id', 'e.journey_id')
      .select([
        'e.id',
        'e.profile_id',
        'e.entry_key',
        'e.status',
        'e.converted_at',
        'e.ended_at',
        'j.name',
      ])
      .where('e.profile_id', 'in', [...profiles.keys()])
      .execute()
  ).map((e) => ({
    ...e,
    user: profiles.get(e.profile_id) ?? '',
    ended_at: e.ended_at === null ? null : Number(e.ended_at),
    converted_at: e.converted_at === null ? null : Number(e.converted_at),
  }));
  const ids = enrollments.map((e) => e.id);
  return {
    enrollments,
    rows: await stepRowsOf(db, ids),
    messages: await journeyMessagesOf(db, ids),
  };
}

/** No step twice, no message twice (outbox and sink), nothing left running. */
export function checkOnce(h: JourneyHarness, played: Played, s: Stored) {
  expect(s.enrollments.filter((e) => e.status === 'active').map((e) => e.name)).toEqual([]);
  const byNode = new Map<string, typeof s.rows>();
  for (const r of s.rows)
    byNode.set(`${r.enrollment_id} ${r.node}`, [
      ...(byNode.get(`${r.enrollment_id} ${r.node}`) ?? []),
      r,
    ]);
  for (const [key, rows] of byNode) {
    const done = rows.filter((r) => r.outcome !== 'delayed');
    expect(done.length, `${key} ran ${done.length} times`).toBeLessThanOrEqual(1);
    const last = Math.max(...rows.map((r) => r.visit));
    expect(
      rows.filter((r) => r.outcome === 'delayed' && r.visit === last && done.length > 0),
    ).toEqual([]);
  }
  const perStep = new Map<string, number>();
  for (const m of s.messages) {
    const key = `${m.enrollmentId}:${m.step}`;
    perStep.set(key, (perStep.get(key) ?? 0) + 1);
    expect(m.id).toBe(journeyMessageId(m.enrollmentId, m.step));
  }
  expect([...perStep.values()].filter((n) => n > 1)).toEqual([]);
  const sentRows = s.rows
    .filter((r) => r.outcome === 'sent')
    .map((r) => r.message_id)
    .sort();
  expect(sentRows).toEqual(s.messages.map((m) => m.id).sort());
  const addresses = new Set(played.users.map(address));
  const sunk = h.sink.messages
    .filter((m) => addresses.has(m.envelopeTo[0] ?? ''))
    .map((m) => m.messageId ?? '');
  expect(sunk.length).toBe(new Set(sunk).size);
  const delivered = s.messages
    .filter((m) => m.status === 'sent')
    .map((m) => `<${m.id}@lens.example>`);
  expect(sunk.sort()).toEqual(delivered.sort());
}

/** A goal stops every later send: an order converts every cart enrollment still running. */
export function checkGoals(played: Played, s: Stored) {
  for (const e of s.enrollments) {
    const mine = s.messages.filter((m) => m.enrollmentId === e.id);
    if (e.converted_at !== null)
      expect(mine.filter((m) => m.created_at > (e.converted_at ?? 0))).toEqual([]);
    if (!e.name.endsWith(' cart')) continue;
    const entry = played.events.findIndex((ev) => `event:${ev.messageId}` === e.entry_key);
    const order = played.events
      .slice(entry + 1)
      .find((ev) => ev.user === e.user && ev.op === 'order');
    if (entry < 0 || order === undefined) continue;
    // Completed before the order came: nothing to stop.
    if (e.status === 'completed' && e.ended_at !== null && e.ended_at <= order.at) continue;
    expect(
      { enrollment: e.entry_key, status: e.status, convertedAt: e.converted_at },
      `the order ${order.messageId} came while the cart enrollment of ${e.entry_key} ran`,
    ).toEqual({
      enrollment: e.entry_key,
      status: 'converted',
      convertedAt: order.at,
    });
    expect(mine.filter((m) => m.created_at > order.at).map((m) => m.step)).toEqual([]);
  }
}

/** After an opt-out, nothing more reaches the address, by the outbox or at the sink. */
export async function checkOptOuts(h: JourneyHarness, played: Played, s: Stored) {
  for (const [user, { at, sinkIndex }] of played.optOuts) {
    const consent = await h
      .db()
      .selectFrom('consents')
      .select(['status', 'updated_at'])
      .where('profile_id', '=', await h.profileIdOf(user))
      .where('channel', '=', 'email')
      .executeTakeFirst();
    expect(consent && [consent.status, Number(consent.updated_at)]).toEqual(['unsubscribed', at]);
    const late = h.sink.messages.slice(sinkIndex).filter((m) => m.envelopeTo[0] === address(user));
    expect(late.map((m) => m.parsed.subject)).toEqual([]);
    const sentAfter = s.messages.filter(
      (m) => m.to_address === address(user) && m.status === 'sent' && (m.sent_at ?? 0) > at,
    );
    expect(sentAfter.map((m) => m.step)).toEqual([]);
  }
}

/** Every window of every limit, counted from each delivered message. */
export function checkBudget(s: Stored, users: string[]) {
  const limits = [
    { max: 1, within: 16 * HOUR_MS },
    { max: 3, within: 7 * 24 * HOUR_MS },
  ];
  for (const user of users) {
    const times = s.messages
      .filter((m) => m.to_address === address(user) && m.status === 'sent')
      .map((m) => m.sent_at ?? 0)
      .sort((a, b) => a - b);
    for (const { max, within } of limits)
      for (const from of times) {
        const inWindow = times.filter((t) => t >= from && t < from + within);
        expect(
          inWindow.length,
          `${user}: ${inWindow.map((t) => new Date(t).toISOString()).join(', ')} within ${within / HOUR_MS} h`,
        ).toBeLessThanOrEqual(max);
      }
  }
}
