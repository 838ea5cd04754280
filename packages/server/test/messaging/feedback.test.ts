/**
 * Bounce, complaint and delivery feedback: the DSN/ARF parser on RFC 3464 and RFC 5965 style
 * fixtures, and Feedback with its admin routes over real HTTP, with the real ConsentService
 * and Outbox on both engines.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { PROBLEMS, withCatalogue } from '../../src/http/openapi/document.js';
import { feedbackOperations } from '../../src/http/openapi/feedback-operations.js';
import { errorEnvelopeSchema } from '@comeback/contracts';
import { feedbackAnswerSchema, feedbackRoutes } from '../../src/http/routes/feedback-routes.js';
import { ConsentService } from '../../src/modules/messaging/consent-service.js';
import { feedbackOf, outboxIdOf, parseDsn } from '../../src/modules/messaging/dsn-parser.js';
import { Feedback } from '../../src/modules/messaging/feedback.js';
import { Outbox } from '../../src/modules/messaging/outbox.js';
import type { TimelineEvent } from '../../src/modules/messaging/timeline.js';
import { generateKey, insertKey, KeyResolver } from '../../src/modules/workspaces/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const FIXTURE_ID = 'msg_0123456789abcdef01234567';
const fixture = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
/** A fixture about the message `id` (the fixtures name FIXTURE_ID). */
const about = (name: string, id: string) => fixture(name).replaceAll(FIXTURE_ID, id);
/** Answers read through their schemas: a shape the routes do not promise fails here. */
const answerOf = async (res: Response) => feedbackAnswerSchema.parse(await res.json());
const errorOf = async (res: Response) => errorEnvelopeSchema.parse(await res.json());

describe('parseDsn', () => {
  it('reads a Postfix hard bounce with the original message attached', async () => {
    const parsed = await parseDsn(Buffer.from(fixture('dsn-hard-bounce.eml')));
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'delivery-status',
        originalMessageId: `${FIXTURE_ID}@mail.shop.example`,
        outboxId: FIXTURE_ID,
        recipients: [
          {
            recipient: 'dana.levi@example.com',
            action: 'failed',
            status: '5.1.1',
            permanent: true,
            diagnostic:
              '550 5.1.1 <dana.levi@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
          },
        ],
      },
    });
    expect(parsed.ok && feedbackOf(parsed.value)).toEqual([
      {
        type: 'bounce',
        recipient: 'dana.levi@example.com',
        messageId: FIXTURE_ID,
        permanent: true,
        reason:
          '5.1.1 550 5.1.1 <dana.levi@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
      },
    ]);
  });

  it('reads a delay warning with only the original headers', async () => {
    const parsed = await parseDsn(fixture('dsn-delayed.eml'));
    expect(parsed.ok && parsed.value).toMatchObject({
      kind: 'delivery-status',
      outboxId: FIXTURE_ID,
      recipients: [
        {
          recipient: 'dana.levi@example.com',
          action: 'delayed',
          status: '4.4.7',
          permanent: false,
          diagnostic: '451 4.4.7 timeout waiting for input',
        },
      ],
    });
    expect(parsed.ok && feedbackOf(parsed.value)[0]).toMatchObject({
      type: 'bounce',
      permanent: false,
    });
  });

  it('reads every recipient of a report, as in RFC 3464 appendix', async () => {
    const parsed = await parseDsn(fixture('dsn-multi.eml'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.kind).toBe('delivery-status');
    // The attached "message" has no headers: no original id.
    expect(parsed.value.outboxId).toBeNull();
    expect(parsed.value.originalMessageId).toBeNull();
    expect(
      parsed.value.kind === 'delivery-status' &&
        parsed.value.recipients.map((r) => [
          r.recipient,
          r.action,
          r.status,
          r.permanent,
          r.diagnostic,
        ]),
    ).toEqual([
      [
        'arathib@vnet.ibm.com',
        'failed',
        '5.0.0',
        true,
        "550 'arathib@vnet.IBM.COM' is not a registered gateway user",
      ],
      ['johnh@hpnjld.njd.hp.com', 'delayed', '4.0.0', false, null],
      ['wsnell@sdcc13.ucsd.edu', 'failed', '5.0.0', true, '550 user unknown'],
      ['ana@example.net', 'delivered', '2.0.0', false, null],
    ]);
    expect(
      feedbackOf(parsed.value).map((f) => `${f.type}:${f.permanent ?? '-'}:${f.recipient}`),
    ).toEqual([
      'bounce:true:arathib@vnet.ibm.com',
      'bounce:false:johnh@hpnjld.njd.hp.com',
      'bounce:true:wsnell@sdcc13.ucsd.edu',
      'delivery:-:ana@example.net',
    ]);
  });

  it('reads an ARF abuse report as a complaint', async () => {
    const parsed = await parseDsn(fixture('arf-abuse.eml'));
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'feedback-report',
        feedbackType: 'abuse',
        recipients: ['dana.levi@example.com'],
        originalMessageId: `${FIXTURE_ID}@mail.shop.example`,
        outboxId: FIXTURE_ID,
      },
    });
    expect(parsed.ok && feedbackOf(parsed.value)).toEqual([
      {
        type: 'complaint',
        recipient: 'dana.levi@example.com',
        messageId: FIXTURE_ID,
        reason: 'feedback-type abuse',
      },
    ]);
    // Without Original-Rcpt-To the reported message's To names the recipient.
    const noRcpt = await parseDsn(fixture('arf-abuse.eml').replace(/^Original-Rcpt-To:.*\n/m, ''));
    expect(noRcpt.ok && noRcpt.value.kind === 'feedback-report' && noRcpt.value.recipients).toEqual(
      ['dana.levi@example.com'],
    );
    // Other feedback types are parsed but record nothing.
    const notSpam = await parseDsn(
      fixture('arf-abuse.eml').replace('Feedback-Type: abuse', 'Feedback-Type: not-spam'),
    );
    expect(notSpam.ok && feedbackOf(notSpam.value)).toEqual([]);
  });

  it('answers a typed failure for anything else', async () => {
    const plain = 'From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nHello\r\n';
    const notDsn = (why: string) => ({
      ok: false,
      error: {
        code: 'validation_failed',
        message: `not a delivery status notification or complaint report: ${why}`,
        details: [{ field: 'body', message: why }],
      },
    });
    expect(await parseDsn(plain)).toEqual(notDsn('not multipart/report'));
    expect(await parseDsn('')).toEqual(notDsn('empty'));
    expect(
      await parseDsn(
        fixture('dsn-hard-bounce.eml').replace(
          'report-type=delivery-status',
          'report-type=disposition-notification',
        ),
      ),
    ).toEqual(notDsn('report-type disposition-notification'));
    expect(
      await parseDsn(
        fixture('dsn-hard-bounce.eml').replace(
          'Content-Type: message/delivery-status',
          'Content-Type: text/plain',
        ),
      ),
    ).toEqual(notDsn('no message/delivery-status part'));
    expect(await parseDsn(Buffer.alloc(10 * 1024 * 1024 + 1, 0x61))).toEqual(notDsn('over 10 MB'));
    expect(outboxIdOf('<msg_0123456789abcdef01234567@mail.shop.example>')).toBe(FIXTURE_ID);
    expect(outboxIdOf('<CAF=abc@mail.gmail.com>')).toBeNull();
  });
});

describe.each(engines)('feedback on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let consent: ConsentService;
  let outbox: Outbox;
  let keys: KeyResolver;
  let events: TimelineEvent[];
  const clock = new ManualClock(T0);
  let run = 0;
  let w: string;
  let key: string;
  let profile: string;
  const dana = 'dana.levi@example.com';

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    consent = new ConsentService(database);
    outbox = new Outbox(database);
    keys = new KeyResolver(database.db, () => clock.now());
    const feedback = new Feedback(consent, outbox, async (event) => {
      events.push(event);
    });
    app = Fastify({ routerOptions: { maxParamLength: 512 } });
    // The document as the server makes it, laid over with this catalogue only.
    await app.register(fastifySwagger, {
      openapi: {
        info: { title: 't', version: '0' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
      transform: jsonSchemaTransform,
      transformObject: (generated) => {
        const doc =
          'openapiObject' in generated ? generated.openapiObject : generated.swaggerObject;
        withCatalogue(doc, feedbackOperations);
        return doc;
      },
    });
    app.decorateRequest('principal', null);
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(app);
    feedbackRoutes(app, { feedback, keys, clock });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await keys.close();
    await database.close();
    await test.drop();
  });
  beforeEach(async () => {
    run += 1;
    w = `w${run}`;
    profile = `p-dana-${run}`;
    events = [];
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: 'Shop', currency: 'ILS', created_at: 0 })
      .execute();
    key = (
      await insertKey(database.db, {
        workspaceId: w,
        scope: 'admin',
        key: generateKey('admin'),
        now: 0,
      })
    ).key;
    await database.db
      .insertInto('identifiers')
      .values({ workspace_id: w, kind: 'email', value: dana, profile_id: profile, created_at: 0 })
      .execute();
    await consent.update(
      w,
      profile,
      { channel: 'email', status: 'subscribed', source: 'form' },
      T0,
    );
  });

  /** A message to Dana, sent. */
  const sent = async () => {
    const id = `msg_${randomBytes(12).toString('hex')}`;
    await outbox.enqueue(
      {
        id,
        workspaceId: w,
        profileId: profile,
        channel: 'email',
        kind: 'marketing',
        templateId: null,
        templateVersion: null,
        language: 'he',
        dedupeKey: `test:${id}`,
        to: dana,
        subject: 'ברוכים הבאים',
        html: null,
        text: 'שלום',
      },
      T0,
    );
    const [claimed] = await outbox.claimDue(T0, 'worker', 1, 60_000);
    expect(claimed?.id).toBe(id);
    expect(await outbox.markSending(id, 'worker', T0)).toBe(true);
    expect(await outbox.markSent(id, 'worker', `<${id}@mail.shop.example>`, T0)).toBe(true);
    return id;
  };
  const post = (url: string, body: string, type: string, auth = `Bearer ${key}`) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: auth },
      body,
    });
  const postJson = (body: unknown) =>
    post('/api/v1/messaging/feedback', JSON.stringify(body), 'application/json');
  const postMail = (mail: string) => post('/api/v1/messaging/bounces', mail, 'message/rfc822');
  const statusOf = async (id: string) => (await outbox.get(w, id))?.status;
  const historyOf = async (id: string) => (await outbox.get(w, id))?.history.map((h) => h.status);
  const gate = () =>
    consent.mayReceive({
      workspaceId: w,
      profileId: profile,
      channel: 'email',
      kind: 'transactional',
      to: dana,
    });

  it('a DSN hard bounce suppresses the address, marks the message bounced, once', async () => {
    const id = await sent();
    const res = await postMail(about('dsn-hard-bounce.eml', id));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      recorded: [
        {
          type: 'bounce',
          recipient: dana,
          messageId: id,
          suppressed: true,
          statusRecorded: true,
          event: 'Message Bounced',
        },
      ],
      skipped: [],
    });
    expect(await statusOf(id)).toBe('bounced');
    expect(await gate()).toEqual({ ok: false, reason: 'suppressed: hard_bounce' });
    const reason =
      '5.1.1 550 5.1.1 <dana.levi@example.com>: Recipient address rejected: User unknown in virtual mailbox table';
    expect(events).toEqual([
      {
        workspaceId: w,
        profileId: profile,
        event: 'Message Bounced',
        properties: { channel: 'email', messageId: id, permanent: true, reason },
        messageId: `feedback:bounce:hard:${id}`,
        at: T0,
      },
    ]);
    // The MTA delivering the same report twice: no second status change, the same event id.
    const again = await postMail(about('dsn-hard-bounce.eml', id));
    expect((await answerOf(again)).recorded[0]?.statusRecorded).toBe(false);
    expect(await historyOf(id)).toEqual(['queued', 'sending', 'sent', 'bounced']);
    expect(events[1]?.messageId).toBe(events[0]?.messageId);
    // A hard bounce is not a withdrawal of consent.
    expect((await consent.get(w, profile))[0]?.status).toBe('subscribed');
  });

  it('a delay warning is a soft bounce: timeline only', async () => {
    const id = await sent();
    const res = await postMail(about('dsn-delayed.eml', id));
    expect(res.status).toBe(202);
    expect((await answerOf(res)).recorded).toEqual([
      {
        type: 'bounce',
        recipient: dana,
        messageId: id,
        suppressed: false,
        statusRecorded: false,
        event: 'Message Bounced',
      },
    ]);
    expect(await statusOf(id)).toBe('sent');
    expect(await gate()).toEqual({ ok: true });
    expect(events.map((e) => [e.event, e.properties.permanent, e.messageId])).toEqual([
      ['Message Bounced', false, `feedback:bounce:soft:${id}`],
    ]);
  });

  it('an ARF complaint suppresses, unsubscribes and marks the message complained', async () => {
    const id = await sent();
    const res = await postMail(about('arf-abuse.eml', id));
    expect(res.status).toBe(202);
    expect((await answerOf(res)).recorded).toEqual([
      {
        type: 'complaint',
        recipient: dana,
        messageId: id,
        suppressed: true,
        statusRecorded: true,
        event: 'Message Complained',
      },
    ]);
    expect(await statusOf(id)).toBe('complained');
    expect(await gate()).toEqual({ ok: false, reason: 'suppressed: complaint' });
    expect(await consent.get(w, profile)).toMatchObject([
      { channel: 'email', status: 'unsubscribed', source: 'complaint' },
    ]);
    expect(events).toMatchObject([
      {
        profileId: profile,
        event: 'Message Complained',
        properties: { channel: 'email', messageId: id, reason: 'feedback-type abuse' },
        messageId: `feedback:complaint:${id}`,
      },
    ]);
  });

  it('the JSON webhook records deliveries, bounces and complaints', async () => {
    const id = await sent();
    const res = await postJson([
      {
        type: 'delivery',
        recipient: 'Dana.Levi@example.com',
        messageId: `<${id}@mail.shop.example>`,
      },
      { type: 'delivery', recipient: dana, messageId: '<not-ours@elsewhere.example>' },
      {
        type: 'bounce',
        recipient: 'someone@example.org',
        permanent: true,
        reason: '550 no such user',
      },
    ]);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      recorded: [
        {
          type: 'delivery',
          recipient: dana,
          messageId: id,
          suppressed: false,
          statusRecorded: true,
          event: 'Message Delivered',
        },
        {
          type: 'bounce',
          recipient: 'someone@example.org',
          messageId: null,
          suppressed: true,
          statusRecorded: false,
          event: 'Message Bounced',
        },
      ],
      skipped: [
        {
          type: 'delivery',
          recipient: dana,
          reason: 'messageId: a delivery needs a message of ours',
        },
      ],
    });
    expect(await statusOf(id)).toBe('delivered');
    const day = Math.floor(T0 / 86_400_000);
    expect(
      events.map((e) => [e.event, e.profileId ?? null, e.identity ?? null, e.messageId]),
    ).toEqual([
      ['Message Delivered', profile, null, `feedback:delivered:${id}`],
      [
        'Message Bounced',
        null,
        { email: 'someone@example.org' },
        `feedback:bounce:hard:someone@example.org:${day}`,
      ],
    ]);
    const page = await consent.suppressions(w, { limit: 10 });
    expect(page.ok && page.value.data.map((s) => [s.address, s.reason, s.detail])).toEqual([
      ['someone@example.org', 'hard_bounce', '550 no such user'],
    ]);
    // A later complaint on the delivered message.
    const complaint = await postJson({ type: 'complaint', recipient: dana, messageId: id });
    expect((await answerOf(complaint)).recorded[0]).toMatchObject({
      statusRecorded: true,
      suppressed: true,
    });
    expect(await historyOf(id)).toEqual(['queued', 'sending', 'sent', 'delivered', 'complained']);
  });

  it('refuses bad bodies, non-reports and missing keys, recording nothing', async () => {
    const id = await sent();
    const bad = await postJson({ type: 'bounce', recipient: 'not an address' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).error.details[0]?.field).toMatch(/recipient/);
    expect((await postJson({ type: 'bounced', recipient: dana })).status).toBe(400);
    expect((await postJson({ type: 'bounce', recipient: dana, extra: 1 })).status).toBe(400);
    expect((await postJson([])).status).toBe(400);
    const plain = await postMail(
      'From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nHello\r\n',
    );
    expect(plain.status).toBe(400);
    expect((await errorOf(plain)).error).toEqual({
      code: 'validation_failed',
      message: 'not a delivery status notification or complaint report: not multipart/report',
      details: [{ field: 'body', message: 'not multipart/report' }],
    });
    const json = await post('/api/v1/messaging/bounces', '{"a":1}', 'application/json');
    expect(json.status).toBe(400);
    expect((await errorOf(json)).error.details).toEqual([
      { field: 'content-type', message: 'must be message/rfc822' },
    ]);
    const noKey = await post(
      '/api/v1/messaging/bounces',
      about('dsn-hard-bounce.eml', id),
      'message/rfc822',
      '',
    );
    expect(noKey.status).toBe(401);
    const writeKey = (
      await insertKey(database.db, {
        workspaceId: w,
        scope: 'write',
        key: generateKey('write'),
        now: 0,
      })
    ).key;
    expect(
      (await post('/api/v1/messaging/feedback', '{}', 'application/json', `Bearer ${writeKey}`))
        .status,
    ).toBe(403);
    expect(events).toEqual([]);
    expect(await statusOf(id)).toBe('sent');
    expect(await gate()).toEqual({ ok: true });
  });

  it('keeps workspaces apart: another workspace cannot move this message', async () => {
    const id = await sent();
    const mine = w;
    run += 1;
    w = `w${run}`;
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: 'Other', currency: 'USD', created_at: 0 })
      .execute();
    key = (
      await insertKey(database.db, {
        workspaceId: w,
        scope: 'admin',
        key: generateKey('admin'),
        now: 0,
      })
    ).key;
    const res = await postMail(about('dsn-hard-bounce.eml', id));
    expect((await answerOf(res)).recorded[0]).toMatchObject({
      messageId: null,
      statusRecorded: false,
    });
    expect((await outbox.get(mine, id))?.status).toBe('sent');
    expect(events[0]).toMatchObject({ workspaceId: w, identity: { email: dana } });
  });
  it('documents both operations, and their request examples are accepted', async () => {
    const doc: unknown = JSON.parse(JSON.stringify(app.swagger()));
    const operations = Object.entries(feedbackOperations).map(([key]) => {
      const [method = '', path = ''] = key.split(' ');
      const op: unknown = Reflect.get(
        Reflect.get(Reflect.get(Object(doc), 'paths'), path) ?? {},
        method.toLowerCase(),
      );
      return { key, op: Object(op) as Record<string, unknown> };
    });
    for (const { key, op } of operations) {
      expect(op[PROBLEMS], key).toBeUndefined();
      expect(Object.keys(Object(op.responses)), key).toEqual(
        key.endsWith('bounces')
          ? ['202', '400', '401', '403', '413']
          : ['202', '400', '401', '403'],
      );
    }
    for (const [key, entry] of Object.entries(feedbackOperations)) {
      const example = entry.request?.example;
      const res = await post(
        key.split(' ')[1] ?? '',
        typeof example === 'string' ? example : JSON.stringify(example),
        entry.request?.contentType ?? 'application/json',
      );
      expect(res.status, key).toBe(202);
      for (const answer of entry.responses[202]?.examples ?? [])
        expect(feedbackAnswerSchema.safeParse(answer.value).success, key).toBe(true);
    }
  });
});
