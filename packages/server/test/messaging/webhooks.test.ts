/**
 * Outgoing webhooks over real HTTP: a local receiver that checks every signature with
 * `verifyWebhook`, the webhook channel (shared channel contract), and subscriptions with their
 * dispatcher on both engines, fed by rows written as the processor writes them.
 */
import { eventProfileRow } from '../support/event-profile-row.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { webhookSubscriptionRoutes } from '../../src/http/routes/webhook-subscription-routes.js';
import { WebhookChannel } from '../../src/modules/messaging/webhook-channel.js';
import { WebhookDispatcher } from '../../src/modules/messaging/webhook-dispatcher.js';
import { signWebhook, verifyWebhook } from '../../src/modules/messaging/webhook-signing.js';
import {
  WebhookSecrets,
  WebhookSubscriptions,
} from '../../src/modules/messaging/webhook-subscriptions.js';
import { insertKey } from '../../src/modules/workspaces/api-keys.js';
import { KeyResolver } from '../../src/modules/workspaces/key-resolver.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { SecretBox } from '../../src/platform/secret-box.js';
import { channelContract, outgoing } from './channel-contract.js';
import { engines, freshDatabase, type Engine, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const box = new SecretBox('an-instance-secret-of-enough-length');

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** A subscriber: answers each path from its queue of statuses (then 200), checks signatures. */
async function startReceiver(secretOf: (path: string) => Promise<string>, now: () => number) {
  const got: Received[] = [];
  const answers = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      void secretOf(path).then((secret) => {
        const check = verifyWebhook(
          secret,
          req.headers['comeback-signature'] as string,
          body,
          now(),
        );
        got.push({ path, headers: req.headers, body, verified: check.ok });
        const status = answers.get(path)?.shift() ?? 200;
        res.writeHead(status, status === 429 ? { 'retry-after': '120' } : {}).end('{}');
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    got,
    answer: (path: string, ...statuses: number[]) => answers.set(path, statuses),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function openFresh(engine: Engine) {
  const test = await freshDatabase(engine);
  const database = openDatabase(test.url);
  await migrateToLatest(database);
  return { test, database };
}

describe('webhook signatures', () => {
  const body = '{"a":1}';
  const header = signWebhook('whsec_x', body, T0 + 999);
  it('signs t.body with HMAC-SHA256 and verifies within five minutes only', () => {
    expect(header).toMatch(new RegExp(`^t=${T0 / 1000},v1=[0-9a-f]{64}$`));
    expect(verifyWebhook('whsec_x', header, body, T0 + 300_000)).toEqual({
      ok: true,
      timestamp: T0,
    });
    expect(verifyWebhook('whsec_x', header, body, T0 + 301_000)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyWebhook('whsec_x', header, '{"a":2}', T0)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook('whsec_y', header, body, T0)).toEqual({ ok: false, reason: 'mismatch' });
    for (const bad of [undefined, '', 't=1', `v1=${'0'.repeat(64)}`, 't=x,v1=00', `${header},t=5`])
      expect(verifyWebhook('whsec_x', bad, body, T0)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhook('whsec_x', `${header},v2=zz`, body, T0).ok).toBe(true);
  });
});

describe.each(engines)('webhook channel on %s', (engine) => {
  let db: { test: TestDatabase; database: Database };
  let secrets: WebhookSecrets;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    db = await openFresh(engine);
    secrets = new WebhookSecrets(db.database, box);
    receiver = await startReceiver(
      () => secrets.secretFor('w1'),
      () => clock.now(),
    );
  });
  afterAll(async () => {
    await receiver.close();
    await db.database.close();
    await db.test.drop();
  });

  channelContract(`webhook (${engine})`, async () => {
    const from = receiver.got.length;
    const path = `/hook-${Math.random().toString(36).slice(2)}`;
    return {
      channel: new WebhookChannel(secrets, clock),
      // A JSON string body, so the contract's text arrives as itself.
      message: {
        to: 'profile-1',
        subject: null,
        html: null,
        text: JSON.stringify('Your order has shipped.'),
        extra: { webhookUrl: `${receiver.url}${path}` },
      },
      received: async () =>
        receiver.got
          .slice(from)
          .filter((r) => r.path === path && r.verified)
          .map((r) => ({
            key: String(r.headers['idempotency-key']),
            to: decodeURIComponent(String(r.headers['comeback-profile-id'])),
            subject: null,
            text: JSON.parse(r.body) as string,
          })),
      close: async () => undefined,
    };
  });

  it('posts JSON with its headers, and sorts failures into permanent and transient', async () => {
    const channel = new WebhookChannel(secrets, clock);
    const to = (path: string, text = '{"hello":"x"}') =>
      channel.send(
        outgoing(channel, { to: 'p-1', text, extra: { webhookUrl: `${receiver.url}${path}` } }),
      );
    const m = outgoing(channel, {
      to: 'p-1',
      text: '{"hello":"x"}',
      extra: { webhookUrl: `${receiver.url}/ok` },
    });
    expect(await channel.send(m)).toEqual({ ok: true, providerMessageId: m.id });
    const last = receiver.got[receiver.got.length - 1];
    expect(last?.body).toBe('{"hello":"x"}');
    expect(last?.verified).toBe(true);
    expect(last?.headers['content-type']).toBe('application/json');
    expect(last?.headers['comeback-message-id']).toBe(m.id);
    expect(last?.headers['idempotency-key']).toBe(m.id);
    const before = receiver.got.length;
    expect(await to('/x', 'Your order has shipped.')).toEqual({
      ok: false,
      permanent: true,
      reason: 'the rendered body is not JSON',
    });
    expect(receiver.got.length).toBe(before);
    receiver.answer('/gone', 410);
    receiver.answer('/bad', 400);
    receiver.answer('/busy', 429);
    receiver.answer('/down', 503);
    receiver.answer('/slow', 408);
    expect(await to('/gone')).toEqual({
      ok: false,
      permanent: true,
      reason: 'webhook answered 410 (gone)',
    });
    expect(await to('/bad')).toEqual({
      ok: false,
      permanent: true,
      reason: 'webhook answered 400',
    });
    expect(await to('/busy')).toEqual({
      ok: false,
      permanent: false,
      reason: 'webhook answered 429',
      retryAfterMs: 120_000,
    });
    expect(await to('/down')).toEqual({
      ok: false,
      permanent: false,
      reason: 'webhook answered 503',
    });
    expect(await to('/slow')).toEqual({
      ok: false,
      permanent: false,
      reason: 'webhook answered 408',
    });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await channel.send(
      outgoing(channel, { text: '{}', extra: { webhookUrl: `http://127.0.0.1:${port}/h` } }),
    );
    expect(unreachable).toMatchObject({ ok: false, permanent: false });
    expect(await channel.send(outgoing(channel, { text: '{}' }))).toEqual({
      ok: false,
      permanent: true,
      reason: 'no webhook URL (extra.webhookUrl)',
    });
  });

  it('keeps one channel secret per workspace, sealed, the same for racing processes', async () => {
    const others = [new WebhookSecrets(db.database, box), new WebhookSecrets(db.database, box)];
    const [a, b] = await Promise.all(others.map((s) => s.secretFor('w-race')));
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(b).toBe(a);
    const row = await db.database.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'webhook-secret:w-race')
      .executeTakeFirstOrThrow();
    expect(row.value.startsWith('v1.')).toBe(true);
    expect(box.open(row.value)).toBe(a);
    expect(await secrets.secretFor('w-other')).not.toBe(a);
  });
});

describe.each(engines)('webhook subscriptions on %s', (engine) => {
  let db: { test: TestDatabase; database: Database };
  let database: Database;
  let subs: WebhookSubscriptions;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clock: ManualClock;
  let dispatcher: WebhookDispatcher;
  let w: string;
  let run = 0;
  const secretOfPath = new Map<string, string>();

  beforeAll(async () => {
    db = await openFresh(engine);
    database = db.database;
    subs = new WebhookSubscriptions(database, box);
    receiver = await startReceiver(
      async (p) => secretOfPath.get(p.split('?')[0] ?? '') ?? 'none',
      () => clock.now(),
    );
  });
  afterAll(async () => {
    await receiver.close();
    await database.close();
    await db.test.drop();
  });
  beforeEach(async () => {
    run += 1;
    w = `w${run}`;
    clock = new ManualClock(T0 + run * 86_400_000);
    dispatcher = new WebhookDispatcher(database, box, clock, createLogger('silent'), {
      maxAttempts: 3,
    });
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: 'Shop', currency: 'USD', created_at: 0 })
      .execute();
  });

  const subscribe = async (path: string, eventTypes: string[]) => {
    const r = await subs.create(w, { url: `${receiver.url}/${w}${path}`, eventTypes }, clock.now());
    if (!r.ok) throw new Error(r.error.message);
    secretOfPath.set(`/${w}${path}`, r.value.secret);
    return r.value;
  };
  let msg = 0;
  /** Appends an event as ingestion does and applies it as the processor does (unless told not to). */
  const append = async (
    e: { type: string; event?: string; profileId: string; body?: object },
    applied = true,
  ) => {
    msg += 1;
    const messageId = `m-${msg}`;
    const { seq } = await database.db
      .insertInto('events')
      .values({
        workspace_id: w,
        message_id: messageId,
        type: e.type,
        event: e.event ?? null,
        user_id: 'u1',
        anonymous_id: null,
        timestamp: clock.now() - 1000,
        received_at: clock.now(),
        payload: JSON.stringify({ type: e.type, messageId, event: e.event, ...e.body }),
        time_adjusted: null,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('event_profiles')
      .values(
        eventProfileRow({
          seq: Number(seq),
          profileId: e.profileId,
          type: e.type,
          event: e.event,
          at: clock.now() - 1000,
        }),
      )
      .execute();
    if (applied) await applyThrough(Number(seq));
    return { messageId, seq: Number(seq) };
  };
  const applyThrough = (position: number) =>
    database.db
      .insertInto('processor_cursors')
      .values({ name: 'profiles', position, updated_at: clock.now() })
      .onConflict((oc) => oc.column('name').doUpdateSet({ position }))
      .execute();
  const bodiesAt = (path: string) =>
    receiver.got
      .filter((r) => r.path === `/${w}${path}`)
      .map((r) => {
        expect(r.verified).toBe(true);
        return JSON.parse(r.body) as unknown;
      });
  const log = async (id: string) => {
    const r = await dispatcher.deliveries(w, id, { limit: 50 });
    if (!r.ok || !r.value) throw new Error('no log');
    return r.value.data;
  };

  it('validates, shows the secret once and keeps it sealed', async () => {
    const bad = async (url: string, eventTypes: unknown[]) =>
      subs.create(w, { url, eventTypes: eventTypes as string[] }, clock.now());
    expect(await bad('ftp://x.example/h', ['*'])).toMatchObject({
      ok: false,
      error: { details: [{ field: 'url' }] },
    });
    expect(await bad('https://u:p@x.example/h', ['*'])).toMatchObject({
      ok: false,
      error: { details: [{ field: 'url' }] },
    });
    expect(await bad('https://x.example/h', [])).toMatchObject({
      ok: false,
      error: { details: [{ field: 'eventTypes' }] },
    });
    expect(
      await bad(
        'https://x.example/h',
        Array.from({ length: 51 }, (_, i) => `E${i}`),
      ),
    ).toMatchObject({ ok: false });
    expect(await bad('https://x.example/h', ['a\u0000b'])).toMatchObject({ ok: false });
    const created = await subscribe('/v', ['Order Completed', ' Order Completed ', 'identify']);
    expect(created).toEqual({
      id: expect.stringMatching(/^whs_[0-9a-f]{24}$/),
      url: `${receiver.url}/${w}/v`,
      description: null,
      eventTypes: ['Order Completed', 'identify'],
      createdAt: iso(clock.now()),
      disabledAt: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    const { secret, ...view } = created;
    expect(await subs.get(w, created.id)).toEqual(view);
    expect(await subs.list(w)).toEqual([view]);
    const row = await database.db
      .selectFrom('webhook_subscriptions')
      .select('secret')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(secret);
    expect(box.open(row.secret)).toBe(secret);
    expect(await subs.get('w-else', created.id)).toBeNull();
  });

  it('delivers each event to the subscriptions whose types match, signed with their own secret', async () => {
    const orders = await subscribe('/orders', ['Order Completed']);
    await subscribe('/people', ['identify']);
    await subscribe('/all', ['*']);
    const order = await append({
      type: 'track',
      event: 'Order Completed',
      profileId: 'p-1',
      body: { properties: { total: 59.9 } },
    });
    const viewed = await append({
      type: 'track',
      event: 'Product Viewed',
      profileId: 'p-1',
      body: { properties: { sku: 'A' } },
    });
    const who = await append({
      type: 'identify',
      profileId: 'p-2',
      body: { traits: { email: 'ana@example.com' } },
    });
    await dispatcher.drain();
    const ts = iso(clock.now() - 1000);
    const orderBody = {
      id: order.messageId,
      type: 'track',
      event: 'Order Completed',
      profileId: 'p-1',
      timestamp: ts,
      properties: { total: 59.9 },
    };
    const identifyBody = {
      id: who.messageId,
      type: 'identify',
      event: null,
      profileId: 'p-2',
      timestamp: ts,
      traits: { email: 'ana@example.com' },
    };
    expect(bodiesAt('/orders')).toEqual([orderBody]);
    expect(bodiesAt('/people')).toEqual([identifyBody]);
    expect(bodiesAt('/all')).toEqual(
      expect.arrayContaining([
        orderBody,
        identifyBody,
        expect.objectContaining({ id: viewed.messageId, event: 'Product Viewed' }),
      ]),
    );
    expect(bodiesAt('/all')).toHaveLength(3);
    const [line] = await log(orders.id);
    expect(line).toEqual({
      id: expect.stringMatching(/^whd_/),
      subscriptionId: orders.id,
      eventType: 'Order Completed',
      url: orders.url,
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 200,
      lastError: null,
      createdAt: iso(clock.now()),
      deliveredAt: iso(clock.now()),
      payload: orderBody,
    });
    const got = receiver.got.find((r) => r.path === `/${w}/orders`);
    expect(got?.headers['idempotency-key']).toBe(line?.id);
    expect(got?.headers['comeback-subscription-id']).toBe(orders.id);
  });

  it('collecting twice delivers once; events beyond the processor cursor wait', async () => {
    await subscribe('/once', ['*']);
    const cursors = await database.db
      .selectFrom('settings')
      .selectAll()
      .where('key', 'like', 'webhook-cursor:%')
      .execute();
    await append({ type: 'track', event: 'A', profileId: 'p-1' });
    const waiting = await append({ type: 'track', event: 'B', profileId: 'p-1' }, false);
    expect(await dispatcher.collect()).toBe(1);
    // As if a second collector had read the same range: the unique event key absorbs it.
    for (const c of cursors)
      await database.db
        .updateTable('settings')
        .set({ value: c.value })
        .where('key', '=', c.key)
        .execute();
    expect(await dispatcher.collect()).toBe(0);
    await dispatcher.drain();
    expect(bodiesAt('/once').map((b) => (b as { event: string }).event)).toEqual(['A']);
    await applyThrough(waiting.seq);
    await dispatcher.drain();
    expect(bodiesAt('/once').map((b) => (b as { event: string }).event)).toEqual(['A', 'B']);
  });

  it('sends only what happens after a subscription is created', async () => {
    await append({ type: 'track', event: 'Before', profileId: 'p-1' });
    clock.advance(1000);
    await subscribe('/late', ['*']);
    await append({ type: 'track', event: 'After', profileId: 'p-1' });
    await dispatcher.drain();
    expect(bodiesAt('/late').map((b) => (b as { event: string }).event)).toEqual(['After']);
  });

  it('without any subscription moves its cursors past what is applied; a later one hears what follows', async () => {
    const skipped = await append({ type: 'track', event: 'Unheard', profileId: 'p-1' });
    expect(await dispatcher.collect()).toBe(0);
    const cursors = await database.db
      .selectFrom('settings')
      .select(['key', 'value'])
      .where('key', 'like', 'webhook-cursor:%')
      .execute();
    expect(cursors.map((c) => Number(c.value))).toContain(skipped.seq);
    clock.advance(1000);
    await subscribe('/first', ['*']);
    await append({ type: 'track', event: 'Heard', profileId: 'p-1' });
    await dispatcher.drain();
    expect(bodiesAt('/first').map((b) => (b as { event: string }).event)).toEqual(['Heard']);
  });

  it('retries a failure at the backoff instant, and gives up after maxAttempts', async () => {
    const flaky = await subscribe('/flaky', ['Order Completed']);
    const dead = await subscribe('/dead', ['Order Completed']);
    receiver.answer(`/${w}/flaky`, 500);
    receiver.answer(`/${w}/dead`, 503, 503, 503, 503);
    await append({ type: 'track', event: 'Order Completed', profileId: 'p-1' });
    const start = clock.now();
    await dispatcher.drain();
    expect(await log(flaky.id)).toMatchObject([
      {
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
        lastError: 'subscriber answered 500',
        nextAttemptAt: iso(start + 60_000),
      },
    ]);
    clock.set(start + 59_999);
    await dispatcher.drain();
    expect(bodiesAt('/flaky')).toHaveLength(1);
    clock.set(start + 60_000);
    await dispatcher.drain();
    expect(bodiesAt('/flaky')).toHaveLength(2);
    expect(await log(flaky.id)).toMatchObject([
      { status: 'delivered', attempts: 2, lastStatusCode: 200, deliveredAt: iso(start + 60_000) },
    ]);
    expect(await log(dead.id)).toMatchObject([
      { status: 'pending', attempts: 2, nextAttemptAt: iso(start + 60_000 + 120_000) },
    ]);
    clock.set(start + 180_000);
    await dispatcher.drain();
    expect(await log(dead.id)).toMatchObject([
      {
        status: 'failed',
        attempts: 3,
        lastStatusCode: 503,
        lastError: 'subscriber answered 503; gave up after 3 attempts',
        nextAttemptAt: null,
      },
    ]);
    expect(bodiesAt('/dead')).toHaveLength(3);
  });

  it('disables a subscription whose subscriber answers 410 Gone', async () => {
    const gone = await subscribe('/gone', ['*']);
    receiver.answer(`/${w}/gone`, 410);
    await append({ type: 'track', event: 'A', profileId: 'p-1' });
    await dispatcher.drain();
    expect(await subs.get(w, gone.id)).toMatchObject({ disabledAt: iso(clock.now()) });
    expect(await log(gone.id)).toMatchObject([{ status: 'failed', lastStatusCode: 410 }]);
    await append({ type: 'track', event: 'B', profileId: 'p-1' });
    await dispatcher.drain();
    expect(bodiesAt('/gone')).toHaveLength(1);
    expect(await log(gone.id)).toHaveLength(1);
  });

  it('cancels what is pending when a subscription is disabled', async () => {
    const paused = await subscribe('/paused', ['*']);
    receiver.answer(`/${w}/paused`, 500);
    await append({ type: 'track', event: 'A', profileId: 'p-1' });
    await dispatcher.drain();
    expect(await subs.disable(w, paused.id, clock.now())).toBe(true);
    expect(await subs.disable(w, 'whs_000000000000000000000000', clock.now())).toBe(false);
    clock.advance(3_600_000);
    await append({ type: 'track', event: 'B', profileId: 'p-1' });
    await dispatcher.drain();
    expect(bodiesAt('/paused')).toHaveLength(1);
    expect(await log(paused.id)).toMatchObject([
      { status: 'cancelled', attempts: 1, lastStatusCode: 500, nextAttemptAt: null },
    ]);
  });

  it('two dispatchers sharing the work post each delivery once', async () => {
    await subscribe('/shared', ['*']);
    for (let i = 0; i < 30; i += 1)
      await append({ type: 'track', event: `E${i}`, profileId: 'p-1' });
    const logger = createLogger('silent');
    const other = new WebhookDispatcher(database, box, clock, logger, { batch: 4 });
    const mine = new WebhookDispatcher(database, box, clock, logger, { batch: 4 });
    await mine.collect();
    const [a, b] = await Promise.all([mine.deliver(), other.deliver()]);
    expect(a + b).toBe(30);
    const events = bodiesAt('/shared').map((x) => (x as { event: string }).event);
    expect(new Set(events).size).toBe(30);
    expect(events).toHaveLength(30);
  });

  it('start() polls, notify() wakes it, stop() ends it', async () => {
    await subscribe('/loop', ['*']);
    dispatcher.start(60_000);
    await append({ type: 'track', event: 'Woken', profileId: 'p-1' });
    dispatcher.notify();
    for (let i = 0; i < 100 && bodiesAt('/loop').length === 0; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    await dispatcher.stop();
    expect(bodiesAt('/loop')).toMatchObject([{ event: 'Woken' }]);
  });

  it('delivers segment entries and exits with the segment name', async () => {
    const seg = await subscribe('/seg', ['Segment Entered']);
    await database.db
      .insertInto('segments')
      .values({
        id: `vip-${w}`,
        workspace_id: w,
        name: 'VIP customers',
        description: null,
        definition: '{}',
        version: 1,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    const change = (kind: 'entered' | 'exited') =>
      database.db
        .insertInto('segment_changes')
        .values({
          workspace_id: w,
          segment_id: `vip-${w}`,
          profile_id: 'p-9',
          kind,
          at: clock.now(),
          cause: 'event',
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
    const entered = await change('entered');
    await change('exited');
    await dispatcher.drain();
    expect(bodiesAt('/seg')).toEqual([
      {
        id: `seg:${entered.seq}`,
        type: 'Segment Entered',
        segment: { id: `vip-${w}`, name: 'VIP customers' },
        profileId: 'p-9',
        at: iso(clock.now()),
        cause: 'event',
      },
    ]);
    expect(await log(seg.id)).toHaveLength(1);
  });

  it('serves the admin routes', async () => {
    const app: FastifyInstance = Fastify();
    app.decorateRequest('principal', null);
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(app);
    const key = `cba_routes_key_${w}_0000000000`;
    await insertKey(database.db, { workspaceId: w, scope: 'admin', key, now: 0 });
    webhookSubscriptionRoutes(app, {
      subscriptions: subs,
      dispatcher,
      keys: new KeyResolver(database.db, () => 0),
      clock,
      channelSecrets: new WebhookSecrets(database, box),
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const call = (path: string, init: { method?: string; body?: unknown; auth?: boolean } = {}) =>
        fetch(`${base}${path}`, {
          method: init.method ?? 'GET',
          headers: {
            ...(init.auth === false ? {} : { authorization: `Bearer ${key}` }),
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
      expect((await call('/api/v1/webhook-subscriptions', { auth: false })).status).toBe(401);
      const made = await call('/api/v1/webhook-subscriptions', {
        method: 'POST',
        body: { url: `${receiver.url}/${w}/api`, eventTypes: ['*'], description: 'n8n' },
      });
      expect(made.status).toBe(201);
      const created = (await made.json()) as { id: string; secret: string };
      secretOfPath.set(`/${w}/api`, created.secret);
      expect(created.secret).toMatch(/^whsec_/);
      const listed = (await (await call('/api/v1/webhook-subscriptions')).json()) as {
        data: object[];
      };
      expect(listed.data).toEqual([
        {
          id: created.id,
          url: `${receiver.url}/${w}/api`,
          description: 'n8n',
          eventTypes: ['*'],
          createdAt: iso(clock.now()),
          disabledAt: null,
        },
      ]);
      expect(
        (
          await call('/api/v1/webhook-subscriptions', {
            method: 'POST',
            body: { url: 'x', eventTypes: ['*'] },
          })
        ).status,
      ).toBe(400);
      await append({ type: 'track', event: 'A', profileId: 'p-1' });
      await dispatcher.drain(); // deliveries collected together share their created_at
      clock.advance(1000);
      await append({ type: 'track', event: 'B', profileId: 'p-1' });
      await dispatcher.drain();
      const page1 = (await (
        await call(`/api/v1/webhook-subscriptions/${created.id}/deliveries?limit=1`)
      ).json()) as { data: { payload: { event: string } }[]; nextCursor: string };
      expect(page1.data.map((d) => d.payload.event)).toEqual(['B']);
      const page2 = (await (
        await call(
          `/api/v1/webhook-subscriptions/${created.id}/deliveries?limit=1&cursor=${page1.nextCursor}`,
        )
      ).json()) as { data: { payload: { event: string } }[]; nextCursor: null };
      expect(page2).toMatchObject({ data: [{ payload: { event: 'A' } }], nextCursor: null });
      expect(
        (await call(`/api/v1/webhook-subscriptions/${created.id}/deliveries?cursor=abc`)).status,
      ).toBe(400);
      const secret = (await (await call('/api/v1/webhook-channel/secret')).json()) as {
        secret: string;
      };
      expect(secret.secret).toMatch(/^whsec_/);
      expect(
        (await call(`/api/v1/webhook-subscriptions/${created.id}`, { method: 'DELETE' })).status,
      ).toBe(204);
      expect((await call(`/api/v1/webhook-subscriptions/${created.id}`)).status).toBe(404);
      expect((await call(`/api/v1/webhook-subscriptions/${created.id}/deliveries`)).status).toBe(
        404,
      );
    } finally {
      await app.close();
    }
  });
});
