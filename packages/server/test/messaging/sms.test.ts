/**
 * SMS through Twilio: the channel against a local peer playing Twilio's Messages API, the
 * signature against Twilio's documented example, and the webhook routes over real HTTP on a
 * real Fastify app with the real ConsentService and Outbox on both engines.
 */
import { createHmac } from 'node:crypto';
import type { ChannelKind } from '@comeback/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { twilioRoutes } from '../../src/http/routes/twilio-routes.js';
import type { Channel } from '../../src/modules/messaging/channel.js';
import { ConsentService } from '../../src/modules/messaging/consent-service.js';
import { MessageSender } from '../../src/modules/messaging/message-sender.js';
import { Outbox } from '../../src/modules/messaging/outbox.js';
import {
  TwilioSmsChannel,
  type TwilioSmsChannelOptions,
} from '../../src/modules/messaging/sms-channel.js';
import type { TimelineEvent } from '../../src/modules/messaging/timeline.js';
import { keywordOf, verifyTwilioSignature } from '../../src/modules/messaging/twilio-webhooks.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import { channelContract, outgoing } from './channel-contract.js';
import { startTwilioPeer, type TwilioPeer } from './peers/twilio-peer.js';

const FROM = '+972531234567';
const TO = '+972501234567';
const HOOKS = 'https://hooks.shop.example';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const callbackOf = (m: { workspaceId: string; id: string }) =>
  `${HOOKS}/webhooks/twilio/${m.workspaceId}/status/${m.id}`;

/** Twilio's algorithm written out again here, so the code under test is not its own oracle. */
function sign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

const channelFor = (peer: TwilioPeer, over: Partial<TwilioSmsChannelOptions> = {}) =>
  new TwilioSmsChannel({
    accountSid: peer.accountSid,
    authToken: peer.authToken,
    from: FROM,
    apiUrl: peer.url,
    statusCallbackUrl: callbackOf,
    ...over,
  });

channelContract('twilio sms', async () => {
  const peer = await startTwilioPeer();
  return {
    channel: channelFor(peer),
    message: { to: TO, subject: null },
    received: async () =>
      peer.accepted.map(({ fields }) => ({
        key: fields.StatusCallback ?? '',
        to: fields.To ?? '',
        subject: null,
        text: fields.Body ?? '',
      })),
    close: () => peer.close(),
  };
});

describe('TwilioSmsChannel', () => {
  let peer: TwilioPeer;
  let channel: TwilioSmsChannel;
  beforeEach(async () => {
    peer = await startTwilioPeer();
    channel = channelFor(peer);
  });
  afterEach(() => peer.close());
  const sms = (over = {}) => outgoing(channel, { to: TO, subject: null, html: null, ...over });

  it('posts exactly the documented form, with Basic auth, and answers the SID', async () => {
    const m = sms({ text: 'שלום! Your order #1001 has shipped & is on its way.' });
    const outcome = await channel.send(m);
    expect(peer.refused).toEqual([]);
    expect(peer.accepted).toHaveLength(1);
    const [got] = peer.accepted;
    expect(outcome).toEqual({ ok: true, providerMessageId: got?.sid });
    expect(got?.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(got?.fields).toEqual({
      To: TO,
      From: FROM,
      Body: 'שלום! Your order #1001 has shipped & is on its way.',
      StatusCallback: `${HOOKS}/webhooks/twilio/w1/status/${m.id}`,
    });
  });

  it('sends through a Messaging Service when the sender is MG..., and without a callback when none', async () => {
    const service = `MG${'ab'.repeat(16)}`;
    const viaService = channelFor(peer, { from: service, statusCallbackUrl: () => null });
    expect((await viaService.send(sms())).ok).toBe(true);
    expect(peer.accepted[0]?.fields).toEqual({
      To: TO,
      MessagingServiceSid: service,
      Body: 'Your order has shipped.',
    });
  });

  it('refuses before calling: not E.164, empty, over 1,600 characters', async () => {
    expect(await channel.send(sms({ to: '0501234567' }))).toEqual({
      ok: false,
      permanent: true,
      reason: 'not an E.164 phone number: "0501234567"',
    });
    expect(await channel.send(sms({ text: '  ' }))).toEqual({
      ok: false,
      permanent: true,
      reason: 'the SMS body is empty',
    });
    expect(await channel.send(sms({ text: 'x'.repeat(1601) }))).toEqual({
      ok: false,
      permanent: true,
      reason: 'the SMS body has 1601 characters; Twilio takes at most 1600',
    });
    // 1,600 emoji are 3,200 UTF-16 units but 1,600 characters: allowed.
    expect((await channel.send(sms({ text: '😀'.repeat(1600) }))).ok).toBe(true);
    expect(peer.accepted).toHaveLength(1);
    expect(peer.refused).toEqual([]);
  });

  it.each([
    [21211, true, "Invalid 'To' Phone Number"],
    [21614, true, "'To' number is not a valid mobile number"],
    [21610, true, 'Attempt to send to unsubscribed recipient'],
    [21408, false, 'Permission to send an SMS has not been enabled for the region'],
    [21606, false, "The 'From' phone number provided is not a valid message-capable number"],
    [21612, false, "The 'To' phone number is not currently reachable"],
  ])('maps error %i to a permanent failure (suppress: %s)', async (code, suppress, message) => {
    peer.script({ status: 400, code, message });
    expect(await channel.send(sms())).toEqual({
      ok: false,
      permanent: true,
      reason: `twilio 400 ${code}: ${message}`,
      ...(suppress ? { suppress: true } : {}),
    });
  });

  it('retries on 429 (Retry-After in seconds or a date), 20429, 5xx, refused credentials and network faults', async () => {
    peer.script(
      { status: 429, code: 20429, message: 'Too Many Requests', retryAfter: '7' },
      {
        status: 429,
        code: 20429,
        message: 'Too Many Requests',
        retryAfter: 'Wed, 21 Oct 2099 07:28:00 GMT',
      },
      { status: 503, code: 20503, message: 'Service Unavailable' },
    );
    const clock = new ManualClock(Date.UTC(2099, 9, 21, 7, 27, 30));
    const timed = channelFor(peer, { clock });
    expect(await timed.send(sms())).toEqual({
      ok: false,
      permanent: false,
      reason: 'twilio 429 20429: Too Many Requests',
      retryAfterMs: 7000,
    });
    expect(await timed.send(sms())).toEqual({
      ok: false,
      permanent: false,
      reason: 'twilio 429 20429: Too Many Requests',
      retryAfterMs: 30_000,
    });
    expect(await timed.send(sms())).toEqual({
      ok: false,
      permanent: false,
      reason: 'twilio 503 20503: Service Unavailable',
    });
    const wrongToken = channelFor(peer, { authToken: 'not-the-token' });
    expect(await wrongToken.send(sms())).toEqual({
      ok: false,
      permanent: false,
      reason: 'twilio 401 20003: Authenticate',
    });
    peer.script({ drop: true });
    const dropped = await channel.send(sms());
    expect(dropped).toMatchObject({ ok: false, permanent: false });
    expect(dropped.ok ? '' : dropped.reason).toMatch(/^twilio request failed: /);
    expect(peer.accepted).toHaveLength(0);
  });

  it('another 4xx is permanent; an unreachable API is transient', async () => {
    peer.script({ status: 400, code: 21620, message: 'Invalid media URL(s)' });
    expect(await channel.send(sms())).toEqual({
      ok: false,
      permanent: true,
      reason: 'twilio 400 21620: Invalid media URL(s)',
    });
    const url = peer.url;
    await peer.close();
    const gone = await channelFor({ ...peer, url }).send(sms());
    expect(gone).toMatchObject({ ok: false, permanent: false });
  });

  it('refuses a bad configuration at construction', () => {
    const ok = {
      accountSid: `AC${'0'.repeat(32)}`,
      authToken: 't',
      from: FROM,
      apiUrl: 'https://api.twilio.com',
    };
    expect(() => new TwilioSmsChannel({ ...ok, accountSid: 'AC1' })).toThrow('AC + 32 hex');
    expect(() => new TwilioSmsChannel({ ...ok, from: '0501234567' })).toThrow('Messaging Service');
    expect(() => new TwilioSmsChannel({ ...ok, apiUrl: 'ftp://x' })).toThrow('http(s)');
  });
});

describe('X-Twilio-Signature', () => {
  // The worked example of Twilio's "Validating requests" documentation.
  const token = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  };

  it("verifies Twilio's documented example, from an object or a parsed form", () => {
    expect(sign(token, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(verifyTwilioSignature(token, url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
    const form = new URLSearchParams(
      'To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B12349013030&Caller=%2B12349013030',
    );
    expect(verifyTwilioSignature(token, url, form, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it('refuses another token, URL, value, a missing or truncated signature', () => {
    const good = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
    expect(verifyTwilioSignature('12346', url, params, good)).toBe(false);
    expect(verifyTwilioSignature(token, url.replace('bar=2', 'bar=3'), params, good)).toBe(false);
    expect(verifyTwilioSignature(token, url, { ...params, Digits: '9999' }, good)).toBe(false);
    expect(verifyTwilioSignature(token, url, { ...params, Extra: '' }, good)).toBe(false);
    expect(verifyTwilioSignature(token, url, params, undefined)).toBe(false);
    expect(verifyTwilioSignature(token, url, params, '')).toBe(false);
    expect(verifyTwilioSignature(token, url, params, good.slice(0, -1))).toBe(false);
  });

  it('reads keywords as Twilio does: the whole message, any case, spaces around', () => {
    expect(
      ['stop', ' Stop\n', 'STOPALL', 'unsubscribe', 'Cancel', 'end', 'quit', 'הסר', ' הסרה '].map(
        keywordOf,
      ),
    ).toEqual(Array(9).fill('stop'));
    expect(['start', 'Yes', 'UNSTOP'].map(keywordOf)).toEqual(['start', 'start', 'start']);
    expect(['help', 'Info'].map(keywordOf)).toEqual(['help', 'help']);
    expect(['stop please', 'STOP!', 'stopp', '', 'hello'].map(keywordOf)).toEqual(
      Array(5).fill(null),
    );
  });
});

describe.each(engines)('Twilio webhooks on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let consent: ConsentService;
  let outbox: Outbox;
  let peer: TwilioPeer;
  let timeline: TimelineEvent[];
  const clock = new ManualClock(T0);
  let run = 0;
  let w: string;
  let p: string;
  const token = 'twilio-auth-token-0123456789abcdef';
  const sid = (n: number) => `SM${n.toString(16).padStart(32, '0')}`;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    consent = new ConsentService(database);
    outbox = new Outbox(database);
    peer = await startTwilioPeer(undefined, token);
    app = Fastify();
    installErrorHandler(app);
    twilioRoutes(app, {
      consent,
      outbox,
      timeline: async (event) => void timeline.push(event),
      authToken: async () => token,
      // As behind a proxy: Twilio calls (and signs) the public URL, not the loopback one.
      publicUrl: `${HOOKS}/`,
      storeName: async (ws) => `Lens <Shop> ${ws}`,
      clock,
      database,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await peer.close();
    await database.close();
    await test.drop();
  });
  beforeEach(async () => {
    run += 1;
    w = `w${run}`;
    p = `p-${run}`;
    timeline = [];
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: 'Shop', currency: 'USD', created_at: 0 })
      .execute();
    await database.db
      .insertInto('identifiers')
      .values({ workspace_id: w, kind: 'phone', value: TO, profile_id: p, created_at: 0 })
      .execute();
    await consent.update(w, p, { channel: 'sms', status: 'subscribed', source: 'form' }, T0);
  });

  const post = (path: string, params: Record<string, string>, signature?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature ?? sign(token, `${HOOKS}${path}`, params),
      },
      body: new URLSearchParams(params).toString(),
    });
  const inbound = (body: string, n: number, from = TO) =>
    post(`/webhooks/twilio/${w}/inbound`, {
      MessageSid: sid(n),
      SmsSid: sid(n),
      AccountSid: peer.accountSid,
      From: from,
      To: FROM,
      Body: body,
      NumMedia: '0',
    });
  const smsConsent = async () => (await consent.get(w, p)).find((s) => s.channel === 'sms')?.status;
  const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

  it('STOP unsubscribes the profile holding the number, once however often Twilio repeats it', async () => {
    clock.advance(1000);
    const first = await inbound(' stop ', 1);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await first.text()).toBe(TWIML_EMPTY);
    expect((await inbound(' stop ', 1)).status).toBe(200);
    expect(await smsConsent()).toBe('unsubscribed');
    const history = await consent.history(w, p);
    expect(history.map((h) => `${h.status}:${h.source}`)).toEqual([
      'subscribed:form',
      'unsubscribed:sms-keyword',
    ]);
    expect(history[1]?.proof).toEqual({
      text: ' stop ',
      form: `SMS ${sid(1)} from ${TO} to ${FROM}`,
    });
    expect(timeline).toEqual([
      {
        workspaceId: w,
        profileId: p,
        event: 'SMS Received',
        properties: { body: ' stop ', from: TO },
        messageId: `twilio-sms:${sid(1)}`,
        at: clock.now(),
      },
      expect.objectContaining({ messageId: `twilio-sms:${sid(1)}` }),
    ]);
  });

  it('Hebrew הסר unsubscribes; START lifts a bounce suppression and subscribes again', async () => {
    await inbound('הסר', 2);
    expect(await smsConsent()).toBe('unsubscribed');
    await consent.suppress(w, 'sms', TO, 'hard_bounce', 'twilio 400 21610', T0);
    await consent.suppress(w, 'sms', '+972509999999', 'manual', null, T0);
    await inbound('Start', 3);
    expect(await smsConsent()).toBe('subscribed');
    const gate = (to: string) =>
      consent.mayReceive({ workspaceId: w, profileId: p, channel: 'sms', kind: 'marketing', to });
    expect(await gate(TO)).toEqual({ ok: true });
    // A manual suppression is the operator's; a START of another number does not touch it.
    expect(await gate('+972509999999')).toEqual({ ok: false, reason: 'suppressed: manual' });
  });

  it('HELP answers TwiML naming the store, escaped; other texts are only recorded', async () => {
    const help = await inbound('HELP', 4);
    expect(await help.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Lens &lt;Shop&gt; ' +
        `${w}: reply STOP (or הסר) to stop receiving our texts, START to receive them again.` +
        '</Message></Response>',
    );
    expect(await (await inbound('Do you have size 42?', 5, '+972 52-000 0000')).text()).toBe(
      TWIML_EMPTY,
    );
    expect(await smsConsent()).toBe('subscribed');
    // A number no profile holds is recorded by identity.
    expect(timeline.map((e) => [e.profileId, e.identity, e.properties])).toEqual([
      [p, undefined, { body: 'HELP', from: TO }],
      [
        undefined,
        { phone: '+972520000000' },
        { body: 'Do you have size 42?', from: '+972520000000' },
      ],
    ]);
  });

  it('a wrong or missing signature is refused with 401 and records nothing', async () => {
    const params = { MessageSid: sid(6), From: TO, To: FROM, Body: 'STOP' };
    const path = `/webhooks/twilio/${w}/inbound`;
    const wrongUrl = sign(token, `${base}${path}`, params);
    const wrongToken = sign('another-token', `${HOOKS}${path}`, params);
    const tampered = sign(token, `${HOOKS}${path}`, { ...params, Body: 'HELLO' });
    for (const signature of [wrongUrl, wrongToken, tampered, '']) {
      const res = await post(path, params, signature);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: {
          code: 'unauthorized',
          message: 'Twilio signature missing or wrong',
          details: [
            {
              field: 'x-twilio-signature',
              message: 'does not match the URL, the form and the auth token',
            },
          ],
        },
      });
    }
    expect(await smsConsent()).toBe('subscribed');
    expect(timeline).toEqual([]);
  });

  it('an unknown workspace is 404 and a signed form without MessageSid is 400', async () => {
    const params = { MessageSid: sid(7), From: TO, To: FROM, Body: 'STOP' };
    const res = await post('/webhooks/twilio/nope/inbound', params);
    expect(res.status).toBe(404);
    const bad = await post(`/webhooks/twilio/${w}/inbound`, { From: TO, Body: 'STOP' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'MessageSid: must be SM or MM + 32 hex',
        details: [{ field: 'body.MessageSid', message: 'must be SM or MM + 32 hex' }],
      },
    });
    expect(await smsConsent()).toBe('subscribed');
  });

  it('a text sent through the channel gets its delivery report through the StatusCallback it carried', async () => {
    const channels = new Map<ChannelKind, Channel>([['sms', channelFor(peer)]]);
    const sender = new MessageSender(outbox, channels, clock, createLogger('silent'), {
      gate: (m) => consent.mayReceive(m),
      unsubscribeUrl: () => null,
      suppress: (ws, channel, address, reason, now) =>
        consent.suppress(ws, channel, address, 'hard_bounce', reason, now),
    });
    const enqueue = async (n: number, to = TO) =>
      (
        await outbox.enqueue(
          {
            workspaceId: w,
            profileId: p,
            channel: 'sms',
            kind: 'transactional',
            templateId: null,
            templateVersion: null,
            language: null,
            dedupeKey: `sms-${run}-${n}`,
            to,
            subject: null,
            html: null,
            text: `Order ${n} shipped`,
          },
          clock.now(),
        )
      ).id;
    const delivered = await enqueue(1);
    const landline = await enqueue(2, '+97221234567');
    await sender.drain();
    // The sender sends concurrently: each text is found by the callback it carries.
    const sidFor = (id: string) =>
      peer.accepted.find(
        (a) => a.fields.StatusCallback === `${HOOKS}/webhooks/twilio/${w}/status/${id}`,
      )?.sid;
    const [one, two] = [sidFor(delivered), sidFor(landline)];
    expect([one, two]).toEqual([expect.stringMatching(/^SM/), expect.stringMatching(/^SM/)]);
    const report = (id: string, sidOf: string, status: string, errorCode?: string) =>
      post(`/webhooks/twilio/${w}/status/${id}`, {
        MessageSid: sidOf,
        SmsSid: sidOf,
        MessageStatus: status,
        AccountSid: peer.accountSid,
        From: FROM,
        ...(errorCode !== undefined ? { ErrorCode: errorCode } : {}),
      });
    clock.advance(5000);
    for (const [id, sidOf, status, code] of [
      [delivered, one, 'sent', undefined],
      [delivered, one, 'delivered', undefined],
      [delivered, one, 'delivered', undefined],
      [landline, two, 'undelivered', '30006'],
      [landline, two, 'undelivered', '30006'],
    ] as const) {
      const res = await report(id, sidOf ?? '', status, code);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(TWIML_EMPTY);
    }
    const first = await outbox.get(w, delivered);
    expect(first?.status).toBe('delivered');
    expect(first?.providerMessageId).toBe(one);
    expect(first?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent', 'delivered']);
    const second = await outbox.get(w, landline);
    expect(second?.status).toBe('bounced');
    expect(second?.lastError).toBe('twilio undelivered 30006');
    expect(second?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent', 'bounced']);
    expect(
      await consent.mayReceive({
        workspaceId: w,
        profileId: p,
        channel: 'sms',
        kind: 'transactional',
        to: '+97221234567',
      }),
    ).toEqual({ ok: false, reason: 'suppressed: invalid_address' });
    expect(timeline.map((e) => [e.event, e.messageId, e.properties])).toEqual([
      [
        'SMS Delivered',
        `twilio-status:${one}:delivered`,
        { messageId: delivered, providerMessageId: one },
      ],
      [
        'SMS Delivered',
        `twilio-status:${one}:delivered`,
        { messageId: delivered, providerMessageId: one },
      ],
      [
        'SMS Failed',
        `twilio-status:${two}:undelivered`,
        { messageId: landline, providerMessageId: two, status: 'undelivered', errorCode: '30006' },
      ],
      [
        'SMS Failed',
        `twilio-status:${two}:undelivered`,
        { messageId: landline, providerMessageId: two, status: 'undelivered', errorCode: '30006' },
      ],
    ]);
    expect(timeline[0]).toMatchObject({ workspaceId: w, profileId: p, at: clock.now() });
    // A report for a message of another workspace, or none, changes nothing.
    expect(
      (
        await post(`/webhooks/twilio/${w}/status/msg_${'0'.repeat(24)}`, {
          MessageSid: one ?? '',
          MessageStatus: 'failed',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post(`/webhooks/twilio/${w}/status/not-a-message`, {
          MessageSid: one ?? '',
          MessageStatus: 'failed',
        })
      ).status,
    ).toBe(404);
    expect(timeline).toHaveLength(4);
  });

  it('without a public URL the signature covers the host and protocol the request came to', async () => {
    const local = Fastify();
    installErrorHandler(local);
    const events: TimelineEvent[] = [];
    twilioRoutes(local, {
      consent,
      outbox,
      timeline: async (e) => void events.push(e),
      authToken: async () => token,
      publicUrl: undefined,
      storeName: async () => 'Shop',
      clock,
      database,
    });
    const url = await local.listen({ port: 0, host: '127.0.0.1' });
    try {
      const path = `/webhooks/twilio/${w}/inbound?x=1`;
      const params = { MessageSid: sid(9), From: TO, To: FROM, Body: 'END' };
      const send = (signature: string) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': signature,
          },
          body: new URLSearchParams(params).toString(),
        });
      expect((await send(sign(token, `${HOOKS}${path}`, params))).status).toBe(401);
      expect((await send(sign(token, `${url}${path}`, params))).status).toBe(200);
      expect(await smsConsent()).toBe('unsubscribed');
      expect(events).toHaveLength(1);
    } finally {
      await local.close();
    }
  });
});
