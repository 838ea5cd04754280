/**
 * WhatsApp through Meta's Cloud API: the channel against a local peer playing the API, the
 * 24-hour window on a manual clock, error mapping, and the webhook routes over real HTTP on a
 * real Fastify app with the real ConsentService, Outbox and ConversationWindows, on both engines.
 */
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { whatsappRoutes } from '../../src/http/routes/whatsapp-routes.js';
import { ConsentService } from '../../src/modules/messaging/consent-service.js';
import { ConversationWindows } from '../../src/modules/messaging/conversation-windows.js';
import { Outbox } from '../../src/modules/messaging/outbox.js';
import type { TimelineEvent } from '../../src/modules/messaging/timeline.js';
import {
  OUTSIDE_WINDOW_REASON,
  WhatsAppChannel,
} from '../../src/modules/messaging/whatsapp-channel.js';
import { verifyMetaSignature } from '../../src/modules/messaging/whatsapp-webhooks.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type Engine, type TestDatabase } from '../support/engines.js';
import { channelContract, outgoing } from './channel-contract.js';
import { startMetaPeer, type MetaPeer } from './peers/meta-peer.js';

const TOKEN = 'EAAG-test-access-token';
const PHONE_ID = '106540352242922';
const APP_SECRET = 'meta-app-secret-for-tests';
const VERIFY_TOKEN = 'verify-token-for-tests';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const HOUR = 3_600_000;
const TO = '+972501234567';
const WA_ID = '972501234567';
const approved = { 'order_shipped/en_US': 2, 'hello_world/he': 0 };

/** One database per engine, shared by this file's suites (each uses its own workspaces). */
const databases = new Map<Engine, Promise<{ test: TestDatabase; database: Database }>>();
function databaseOn(engine: Engine) {
  let d = databases.get(engine);
  if (!d) {
    d = (async () => {
      const test = await freshDatabase(engine);
      const database = openDatabase(test.url);
      await migrateToLatest(database);
      return { test, database };
    })();
    databases.set(engine, d);
  }
  return d;
}
afterAll(async () => {
  for (const d of databases.values()) {
    const { test, database } = await d;
    await database.close();
    await test.drop();
  }
});
let wsSeq = 0;
async function newWorkspace(database: Database, id = `ws${++wsSeq}-${Date.now() % 100000}`) {
  await database.db
    .insertInto('workspaces')
    .values({ id, name: 'Shop', currency: 'USD', created_at: 0 })
    .execute();
  return id;
}

function channelOn(peer: MetaPeer, windows: ConversationWindows, clock: ManualClock) {
  return new WhatsAppChannel({
    accessToken: TOKEN,
    phoneNumberId: PHONE_ID,
    apiUrl: peer.apiUrl,
    windows,
    clock,
  });
}

for (const engine of engines) {
  channelContract(`WhatsAppChannel against the Meta peer on ${engine}`, async () => {
    const { database } = await databaseOn(engine);
    // outgoing() sends for workspace w1; the person wrote an hour ago.
    await database.db
      .insertInto('workspaces')
      .values({ id: 'w1', name: 'Shop', currency: 'USD', created_at: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const windows = new ConversationWindows(database);
    await windows.recordInbound('w1', 'whatsapp', TO, T0);
    const peer = await startMetaPeer({ accessToken: TOKEN, phoneNumberId: PHONE_ID });
    return {
      channel: channelOn(peer, windows, new ManualClock(T0 + HOUR)),
      message: { to: TO, subject: null },
      received: async () =>
        peer.received.map((r) => ({
          key: r.opaque ?? '',
          to: `+${r.to}`,
          subject: null,
          text: r.text ?? '',
        })),
      close: () => peer.close(),
    };
  });
}

describe.each(engines)('WhatsAppChannel on %s', (engine) => {
  let database: Database;
  let peer: MetaPeer;
  let windows: ConversationWindows;
  let clock: ManualClock;
  let channel: WhatsAppChannel;
  let w: string;

  beforeAll(async () => {
    ({ database } = await databaseOn(engine));
    windows = new ConversationWindows(database);
    peer = await startMetaPeer({
      accessToken: TOKEN,
      phoneNumberId: PHONE_ID,
      templates: approved,
    });
  });
  afterAll(() => peer.close());
  beforeEach(async () => {
    w = await newWorkspace(database);
    clock = new ManualClock(T0);
    channel = channelOn(peer, windows, clock);
    peer.received.length = 0;
    peer.requests.length = 0;
  });
  const message = (over: Parameters<typeof outgoing>[1] = {}) =>
    outgoing(channel, { workspaceId: w, to: TO, subject: null, html: null, ...over });
  const template = { name: 'order_shipped', language: 'en_US', parameters: ['Dana', '#1001'] };

  it('sends free-form text 23h59m after the person wrote, the template at 24h', async () => {
    await windows.recordInbound(w, 'whatsapp', TO, T0);
    clock.set(T0 + 24 * HOUR - 60_000);
    const inside = message({ extra: { whatsapp: template } });
    const first = await channel.send(inside);
    expect(first).toEqual({ ok: true, providerMessageId: peer.received[0]?.wamid });
    expect(peer.received[0]).toEqual({
      wamid: expect.stringMatching(/^wamid\./),
      to: WA_ID,
      type: 'text',
      text: 'Your order has shipped.',
      template: null,
      opaque: inside.id,
    });
    clock.set(T0 + 24 * HOUR);
    const outside = message({ extra: { whatsapp: template } });
    const second = await channel.send(outside);
    expect(second).toEqual({ ok: true, providerMessageId: peer.received[1]?.wamid });
    expect(peer.received[1]).toEqual({
      wamid: expect.stringMatching(/^wamid\./),
      to: WA_ID,
      type: 'template',
      text: null,
      template: { name: 'order_shipped', language: 'en_US', parameters: ['Dana', '#1001'] },
      opaque: outside.id,
    });
  });

  it('sends a template without parameters with no components', async () => {
    const outcome = await channel.send(
      message({ extra: { whatsapp: { name: 'hello_world', language: 'he', parameters: [] } } }),
    );
    expect(outcome.ok).toBe(true);
    expect(peer.received[0]?.template).toEqual({
      name: 'hello_world',
      language: 'he',
      parameters: [],
    });
  });

  it('refuses outside the window without a template, and makes no request', async () => {
    await windows.recordInbound(w, 'whatsapp', TO, T0 - 25 * HOUR);
    expect(await channel.send(message())).toEqual({
      ok: false,
      permanent: true,
      reason: OUTSIDE_WINDOW_REASON,
    });
    expect(OUTSIDE_WINDOW_REASON).toBe(
      "outside WhatsApp's 24-hour customer-service window and the template has no approved WhatsApp template",
    );
    expect(peer.requests).toEqual([]);
  });

  it('refuses a bad number, an over-long text and a malformed template before calling', async () => {
    await windows.recordInbound(w, 'whatsapp', TO, T0);
    const results = [
      await channel.send(message({ to: 'ada@example.test' })),
      await channel.send(message({ text: 'x'.repeat(4097) })),
    ];
    clock.set(T0 + 48 * HOUR);
    results.push(
      await channel.send(message({ extra: { whatsapp: { name: 'Bad Name', language: 'en_US' } } })),
    );
    expect(results).toEqual([
      {
        ok: false,
        permanent: true,
        reason: 'not a phone number with a country code: "ada@example.test"',
      },
      { ok: false, permanent: true, reason: 'the WhatsApp text is 4097 characters; at most 4096' },
      {
        ok: false,
        permanent: true,
        reason: 'extra.whatsapp.name must be a template name (lower case, digits, underscores)',
      },
    ]);
    expect(peer.requests).toEqual([]);
  });

  it('keeps the window forward-only and per workspace, channel and address', async () => {
    await windows.recordInbound(w, 'whatsapp', TO, T0);
    await windows.recordInbound(w, 'whatsapp', WA_ID, T0 - 10 * HOUR);
    expect(await windows.lastInbound(w, 'whatsapp', TO)).toBe(T0);
    await windows.recordInbound(w, 'whatsapp', '+972 50-123-4567', T0 + HOUR);
    expect(await windows.lastInbound(w, 'whatsapp', TO)).toBe(T0 + HOUR);
    expect(await windows.isOpen(w, 'sms', TO, T0 + HOUR)).toBe(false);
    expect(await windows.isOpen(w, 'whatsapp', '+972509999999', T0 + HOUR)).toBe(false);
    const other = await newWorkspace(database);
    expect(await windows.isOpen(other, 'whatsapp', TO, T0 + HOUR)).toBe(false);
  });

  it("maps Meta's answers: templates and re-engagement permanent, limits transient", async () => {
    // Meta's own template checks: unknown in that language, wrong parameter count.
    const unknown = await channel.send(
      message({
        extra: { whatsapp: { name: 'no_such_template', language: 'en_US', parameters: [] } },
      }),
    );
    const count = await channel.send(
      message({ extra: { whatsapp: { ...template, parameters: ['only one'] } } }),
    );
    expect(unknown).toEqual({
      ok: false,
      permanent: true,
      reason:
        'whatsapp 132001: (#132001) Template name does not exist in the translation (template name (no_such_template) does not exist in en_US)',
    });
    expect(count).toMatchObject({
      ok: false,
      permanent: true,
      reason: expect.stringMatching(/^whatsapp 132000: /),
    });

    await windows.recordInbound(w, 'whatsapp', TO, T0);
    const cases: [Parameters<MetaPeer['failNext']>[0], object][] = [
      [{ code: 131047, message: '(#131047) Re-engagement message' }, { permanent: true }],
      [{ code: 100, message: '(#100) Invalid parameter' }, { permanent: true }],
      [{ code: 131026, message: '(#131026) Message undeliverable' }, { permanent: false }],
      [
        { code: 130429, status: 429, message: '(#130429) Rate limit hit', retryAfterSeconds: 7 },
        { permanent: false, retryAfterMs: 7000 },
      ],
      [{ code: 131056, message: '(#131056) Pair rate limit hit' }, { permanent: false }],
      [{ code: 131000, status: 500, message: 'Something went wrong' }, { permanent: false }],
      [{ code: 190, status: 401, message: 'Error validating access token' }, { permanent: false }],
    ];
    for (const [planned, expected] of cases) {
      peer.failNext(planned);
      const outcome = await channel.send(message());
      expect({ code: planned.code, outcome }).toEqual({
        code: planned.code,
        outcome: {
          ok: false,
          reason: expect.stringContaining(`whatsapp ${planned.code}: ${planned.message}`),
          ...expected,
        },
      });
      expect(outcome).not.toHaveProperty('suppress');
    }
    expect(peer.received).toEqual([]);
  });

  it('a wrong token and an unreachable API are transient', async () => {
    await windows.recordInbound(w, 'whatsapp', TO, T0);
    const wrong = new WhatsAppChannel({
      accessToken: 'another-token',
      phoneNumberId: PHONE_ID,
      apiUrl: peer.apiUrl,
      windows,
      clock,
    });
    expect(await wrong.send(message())).toEqual({
      ok: false,
      permanent: false,
      reason:
        'whatsapp 190: Invalid OAuth access token - Cannot parse access token (invalid token) (check the WhatsApp access token)',
    });
    const down = new WhatsAppChannel({
      accessToken: TOKEN,
      phoneNumberId: PHONE_ID,
      apiUrl: 'http://127.0.0.1:1/v21.0',
      windows,
      clock,
    });
    expect(await down.send(message())).toMatchObject({ ok: false, permanent: false });
  });
});

describe('verifyMetaSignature', () => {
  it('matches the published HMAC-SHA256("secret", "test") known answer', () => {
    const known = 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914';
    expect(verifyMetaSignature('secret', Buffer.from('test'), known)).toBe(true);
    expect(verifyMetaSignature('secret', Buffer.from('test '), known)).toBe(false);
    expect(verifyMetaSignature('secreT', Buffer.from('test'), known)).toBe(false);
    expect(verifyMetaSignature('', Buffer.from('test'), known)).toBe(false);
    expect(verifyMetaSignature('secret', Buffer.from('test'), known.slice(7))).toBe(false);
    expect(verifyMetaSignature('secret', Buffer.from('test'), undefined)).toBe(false);
  });
});

/** Meta's signature over the exact bytes, computed here independently of the module. */
const sign = (body: string, secret = APP_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
const notification = (value: Record<string, unknown>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_ID },
              ...value,
            },
          },
        ],
      },
    ],
  });
const inbound = (wamid: string, body: string, seconds: number) =>
  notification({
    contacts: [{ profile: { name: 'Dana' }, wa_id: WA_ID }],
    messages: [
      { from: WA_ID, id: wamid, timestamp: String(seconds), type: 'text', text: { body } },
    ],
  });
const statusBody = (s: Record<string, unknown>) =>
  notification({
    statuses: [{ recipient_id: WA_ID, timestamp: String((T0 + HOUR) / 1000), ...s }],
  });

describe.each(engines)('WhatsApp webhook routes on %s', (engine) => {
  let database: Database;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let base: string;
  let bareBase: string;
  let consent: ConsentService;
  let outbox: Outbox;
  let windows: ConversationWindows;
  let events: TimelineEvent[];
  let w: string;
  const clock = new ManualClock(T0 + 2 * HOUR);

  beforeAll(async () => {
    ({ database } = await databaseOn(engine));
    consent = new ConsentService(database);
    outbox = new Outbox(database);
    windows = new ConversationWindows(database);
    const deps = {
      consent,
      outbox,
      windows,
      timeline: async (e: TimelineEvent) => {
        events.push(e);
      },
      clock,
      database,
    };
    app = Fastify();
    whatsappRoutes(app, {
      ...deps,
      appSecret: async () => APP_SECRET,
      verifyToken: async () => VERIFY_TOKEN,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    bare = Fastify();
    whatsappRoutes(bare, {
      ...deps,
      appSecret: async () => undefined,
      verifyToken: async () => undefined,
    });
    bareBase = await bare.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
  });
  beforeEach(async () => {
    w = await newWorkspace(database);
    events = [];
  });

  const post = (body: string, signature: string | null = sign(body), at = base, ws = w) =>
    fetch(`${at}/webhooks/whatsapp/${ws}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
      },
      body,
    });
  const verify = (query: string, at = base) => fetch(`${at}/webhooks/whatsapp/${w}?${query}`);

  it('answers the verification GET only with the configured token', async () => {
    const good = await verify(
      'hub.mode=subscribe&hub.verify_token=verify-token-for-tests&hub.challenge=1158201444',
    );
    expect([good.status, good.headers.get('content-type'), await good.text()]).toEqual([
      200,
      'text/plain; charset=utf-8',
      '1158201444',
    ]);
    const wrong = await verify('hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1');
    const mode = await verify(
      'hub.mode=unsubscribe&hub.verify_token=verify-token-for-tests&hub.challenge=1',
    );
    const none = await verify('hub.mode=subscribe&hub.verify_token=&hub.challenge=1', bareBase);
    expect([wrong.status, mode.status, none.status]).toEqual([403, 403, 403]);
    expect(await wrong.json()).toEqual({
      error: {
        code: 'forbidden',
        message: 'hub.mode must be subscribe and hub.verify_token the configured verify token',
        details: [{ field: 'hub.verify_token', message: 'does not match' }],
      },
    });
  });

  it('refuses a wrong or missing signature, and any POST without an app secret', async () => {
    const body = inbound('wamid.A1', 'hello', (T0 + HOUR) / 1000);
    const answers = [
      await post(body, sign(body, 'another-secret')),
      await post(body, null),
      await post(body, sign(`${body} `)),
      await post(body, sign(body), bareBase),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(await answers[0]?.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(events).toEqual([]);
    expect(await windows.lastInbound(w, 'whatsapp', TO)).toBeNull();
    const unknown = await post(body, sign(body), base, 'no-such-workspace');
    expect(unknown.status).toBe(404);
  });

  it('opens the window and records the message once, however often Meta delivers it', async () => {
    const body = inbound(
      'wamid.HBgMOTcyNTAxMjM0NTY3FQIAEhgUM0E=',
      'Does it come in blue?',
      (T0 + HOUR) / 1000,
    );
    const first = await post(body);
    expect([first.status, await first.json()]).toEqual([
      200,
      { ok: true, messages: 1, statuses: 0, unsubscribed: 0 },
    ]);
    expect((await post(body)).status).toBe(200);
    expect(await windows.lastInbound(w, 'whatsapp', TO)).toBe(T0 + HOUR);
    expect(await windows.isOpen(w, 'whatsapp', TO, clock.now())).toBe(true);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      workspaceId: w,
      identity: { phone: TO },
      event: 'WhatsApp Message Received',
      properties: {
        from: TO,
        type: 'text',
        body: 'Does it come in blue?',
        wamid: 'wamid.HBgMOTcyNTAxMjM0NTY3FQIAEhgUM0E=',
      },
      messageId: expect.stringMatching(/^whatsapp-in-[0-9a-f]{40}$/),
      at: T0 + HOUR,
    });
    expect(events[1]?.messageId).toBe(events[0]?.messageId);
  });

  it('STOP and הסר withdraw WhatsApp consent of the profile with that phone, once', async () => {
    await database.db
      .insertInto('identifiers')
      .values({ workspace_id: w, kind: 'phone', value: TO, profile_id: `p-${w}`, created_at: 0 })
      .execute();
    await consent.update(
      w,
      `p-${w}`,
      { channel: 'whatsapp', status: 'subscribed', source: 'form' },
      T0,
    );
    const stop = inbound('wamid.STOP1', '  Stop ', (T0 + HOUR) / 1000);
    expect(await (await post(stop)).json()).toEqual({
      ok: true,
      messages: 1,
      statuses: 0,
      unsubscribed: 1,
    });
    expect(await (await post(stop)).json()).toEqual({
      ok: true,
      messages: 1,
      statuses: 0,
      unsubscribed: 0,
    });
    const history = await consent.history(w, `p-${w}`);
    expect(history.map((h) => [h.channel, h.status, h.source])).toEqual([
      ['whatsapp', 'subscribed', 'form'],
      ['whatsapp', 'unsubscribed', 'whatsapp-keyword'],
    ]);
    await consent.update(
      w,
      `p-${w}`,
      { channel: 'whatsapp', status: 'subscribed', source: 'form' },
      T0 + HOUR,
    );
    const hebrew = inbound('wamid.STOP2', 'הסר', (T0 + HOUR) / 1000);
    expect(await (await post(hebrew)).json()).toMatchObject({ unsubscribed: 1 });
    const chatty = inbound('wamid.CHAT', 'please stop by tomorrow', (T0 + HOUR) / 1000);
    expect(await (await post(chatty)).json()).toMatchObject({ unsubscribed: 0 });
    expect((await consent.get(w, `p-${w}`)).find((s) => s.channel === 'whatsapp')?.status).toBe(
      'unsubscribed',
    );
  });

  async function sentMessage(wamid: string) {
    const { id } = await outbox.enqueue(
      {
        workspaceId: w,
        profileId: `p-${w}`,
        channel: 'whatsapp',
        kind: 'transactional',
        templateId: null,
        templateVersion: null,
        language: null,
        dedupeKey: `k-${wamid}`,
        to: TO,
        subject: null,
        html: null,
        text: 'Your order has shipped.',
      },
      T0,
    );
    const claimed = await outbox.claimDue(T0, 'worker', 10, 60_000);
    expect(claimed.map((c) => c.id)).toContain(id);
    for (const c of claimed)
      if (c.id !== id) await outbox.markRetry(c.id, 'worker', 'x', T0 + 10 * HOUR, T0);
    expect(await outbox.markSending(id, 'worker', T0)).toBe(true);
    expect(await outbox.markSent(id, 'worker', wamid, T0)).toBe(true);
    return id;
  }

  it('moves messages on from statuses, by outbox id or wamid, recording each once', async () => {
    const a = await sentMessage('wamid.AAA');
    const b = await sentMessage('wamid.BBB');
    await post(statusBody({ id: 'wamid.AAA', status: 'sent', biz_opaque_callback_data: a }));
    await post(statusBody({ id: 'wamid.AAA', status: 'delivered', biz_opaque_callback_data: a }));
    await post(statusBody({ id: 'wamid.AAA', status: 'delivered', biz_opaque_callback_data: a }));
    await post(statusBody({ id: 'wamid.AAA', status: 'read', biz_opaque_callback_data: a }));
    const failed = statusBody({
      id: 'wamid.BBB',
      status: 'failed',
      errors: [
        {
          code: 131026,
          title: 'Message undeliverable',
          message: 'Message undeliverable',
          error_data: { details: 'Message Undeliverable.' },
          href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
        },
      ],
    });
    expect(await (await post(failed)).json()).toEqual({
      ok: true,
      messages: 0,
      statuses: 1,
      unsubscribed: 0,
    });
    const detailA = await outbox.get(w, a);
    const detailB = await outbox.get(w, b);
    expect(detailA?.status).toBe('delivered');
    expect(detailA?.history.map((h) => [h.status, h.detail])).toEqual([
      ['queued', null],
      ['sending', null],
      ['sent', null],
      ['delivered', 'whatsapp delivered'],
    ]);
    expect(detailB?.status).toBe('bounced');
    expect(detailB?.lastError).toBe('Message undeliverable (131026)');
    expect(events.map((e) => [e.event, e.profileId, e.properties.messageId])).toEqual([
      ['WhatsApp Delivered', `p-${w}`, a],
      ['WhatsApp Delivered', `p-${w}`, a],
      ['WhatsApp Read', `p-${w}`, a],
      ['WhatsApp Failed', `p-${w}`, b],
    ]);
    expect(events[0]?.messageId).toBe(events[1]?.messageId);
    expect(events[2]?.messageId).not.toBe(events[0]?.messageId);
    expect(events[3]).toMatchObject({
      at: T0 + HOUR,
      properties: {
        wamid: 'wamid.BBB',
        recipient: TO,
        error: { code: 131026, title: 'Message undeliverable', details: 'Message Undeliverable.' },
      },
    });
  });

  it('a status for a message not in the outbox goes to the timeline by phone', async () => {
    await post(statusBody({ id: 'wamid.ZZZ', status: 'read' }));
    expect(events).toEqual([
      {
        workspaceId: w,
        identity: { phone: TO },
        event: 'WhatsApp Read',
        properties: { wamid: 'wamid.ZZZ', messageId: null, recipient: TO },
        messageId: expect.stringMatching(/^whatsapp-read-[0-9a-f]{40}$/),
        at: T0 + HOUR,
      },
    ]);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    const r = await post('not json');
    expect(r.status).toBe(400);
    expect(events).toEqual([]);
  });
});
