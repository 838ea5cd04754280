/**
 * Web push against a local HTTPS push service that checks VAPID and decrypts like a browser;
 * the in-app inbox; client tokens; and the storefront routes over real HTTP on both engines.
 */
import https from 'node:https';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { clientOperations } from '../../src/http/openapi/client-operations.js';
import {
  PROBLEMS as DOCUMENTATION_PROBLEMS,
  withCatalogue,
} from '../../src/http/openapi/document.js';
import { clientRoutes, clientTokenRoutes } from '../../src/http/routes/client-routes.js';
import { ClientTokens, CLIENT_TOKEN_TTL_MS } from '../../src/modules/messaging/client-tokens.js';
import { Inbox, InboxChannel } from '../../src/modules/messaging/inbox.js';
import {
  MAX_SUBSCRIPTIONS_PER_PROFILE,
  PushSubscriptions,
  VapidKeys,
  pushTopic,
  WebPushChannel,
} from '../../src/modules/messaging/push.js';
import { LinkSigner } from '../../src/modules/messaging/signed-links.js';
import { KeyResolver, generateKey, insertKey } from '../../src/modules/workspaces/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { SecretBox } from '../../src/platform/secret-box.js';
import { engines, freshDatabase, type Engine } from '../support/engines.js';
import { json } from '../support/test-server.js';
import { channelContract, outgoing, type ReceivedMessage } from './channel-contract.js';
import { PushServicePeer } from './peers/push-service.js';

const SECRET = 'an-instance-secret-of-enough-length';
const T0 = Date.UTC(2026, 4, 4, 9, 30);
const SUBJECT = 'mailto:ops@shop.test';
const URL_EXTRA = { url: 'https://shop.test/p/1' };

/** One migrated database per engine for the whole file, with workspace `w1`. */
const opened = new Map<Engine, Promise<{ database: Database; drop: () => Promise<void> }>>();
function databaseOn(engine: Engine) {
  let found = opened.get(engine);
  if (!found) {
    found = (async () => {
      const test = await freshDatabase(engine);
      const database = openDatabase(test.url);
      await migrateToLatest(database);
      await addWorkspace(database, 'w1');
      return { database, drop: test.drop };
    })();
    opened.set(engine, found);
  }
  return found;
}
const addWorkspace = (database: Database, id: string) =>
  database.db
    .insertInto('workspaces')
    .values({ id, name: 'Shop', currency: 'USD', created_at: 0 })
    .execute();
afterAll(async () => {
  for (const found of opened.values()) {
    const { database, drop } = await found;
    await database.close();
    await drop();
  }
});

let profileSeq = 0;
const newProfile = () => `p-${++profileSeq}`;
const localService = () => true;

async function pushKit(engine: Engine) {
  const { database } = await databaseOn(engine);
  const clock = new ManualClock(T0);
  const peer = await PushServicePeer.start();
  const agent = new https.Agent({ ca: peer.ca });
  const subscriptions = new PushSubscriptions(database, clock, { isPushService: localService });
  const vapidKeys = new VapidKeys(database, new SecretBox(SECRET));
  const channel = new WebPushChannel({ subscriptions, vapidKeys, subject: SUBJECT, clock, agent });
  const subscribe = async (profileId: string) => {
    const browser = peer.subscribe(await vapidKeys.publicKey());
    const added = await subscriptions.add('w1', profileId, browser);
    if (!added.ok) throw new Error(added.error.message);
    return browser;
  };
  const close = async () => {
    await channel.close();
    agent.destroy();
    await peer.close();
  };
  return { database, clock, peer, subscriptions, vapidKeys, channel, subscribe, close };
}

for (const engine of engines) {
  channelContract(`WebPushChannel on ${engine}`, async () => {
    const kit = await pushKit(engine);
    const profileId = newProfile();
    const browser = await kit.subscribe(profileId);
    return {
      channel: kit.channel,
      message: { to: profileId, extra: URL_EXTRA },
      received: async () =>
        kit.peer.received
          .filter((r) => r.endpoint === browser.endpoint)
          .map((r): ReceivedMessage => ({
            key: String(r.payload.id),
            to: profileId,
            subject: r.payload.title as string | null,
            text: String(r.payload.body),
          })),
      close: kit.close,
    };
  });

  /** The inbox's receiving end is the row each accepted send names. */
  channelContract(`InboxChannel on ${engine}`, async () => {
    const { database } = await databaseOn(engine);
    const channel = new InboxChannel(database, new ManualClock(T0));
    const profileId = newProfile();
    const inbox = new Inbox(database, new ManualClock(T0));
    const accepted: string[] = [];
    return {
      channel: {
        kind: channel.kind,
        provider: channel.provider,
        send: async (m) => {
          const outcome = await channel.send(m);
          if (outcome.ok) accepted.push(outcome.providerMessageId);
          return outcome;
        },
        close: () => channel.close(),
      },
      message: { to: profileId, extra: URL_EXTRA },
      received: async () => {
        const page = await inbox.list('w1', profileId, { limit: 100 });
        if (!page.ok) throw new Error(page.error.message);
        return accepted.map((id): ReceivedMessage => {
          const row = page.value.data.find((item) => item.id === id);
          return {
            key: id,
            to: row ? profileId : '',
            subject: row?.title ?? null,
            text: row?.body ?? '',
          };
        });
      },
      close: () => channel.close(),
    };
  });
}

describe.each(engines)('web push on %s', (engine) => {
  it('sends the JSON a service worker reads, with VAPID, TTL of a day and the topic', async () => {
    const kit = await pushKit(engine);
    try {
      const profileId = newProfile();
      const [a, b] = [await kit.subscribe(profileId), await kit.subscribe(profileId)];
      const m = outgoing(kit.channel, { to: profileId, extra: URL_EXTRA });
      const outcome = await kit.channel.send(m);
      expect(outcome).toEqual({
        ok: true,
        providerMessageId: expect.stringMatching(/^2 accepted https:\/\/127\.0\.0\.1:\d+\/m\//),
      });
      expect(kit.peer.refused).toEqual([]);
      expect(kit.peer.received.map((r) => r.endpoint).sort()).toEqual(
        [a.endpoint, b.endpoint].sort(),
      );
      const publicKey = await kit.vapidKeys.publicKey();
      for (const r of kit.peer.received) {
        expect(r.payload).toEqual({
          id: m.id,
          title: 'Your order has shipped',
          body: 'Your order has shipped.',
          url: 'https://shop.test/p/1',
        });
        expect([r.ttl, r.topic, r.urgency, r.vapidKey]).toEqual([86400, m.id, 'normal', publicKey]);
        expect([r.claims.aud, r.claims.sub]).toEqual([kit.peer.origin, SUBJECT]);
      }
      const sent = await kit.subscriptions.list('w1', profileId);
      expect(sent).toHaveLength(2);
    } finally {
      await kit.close();
    }
  });

  it('cuts a long body to what a push service takes, and hashes a long id into the topic', async () => {
    const kit = await pushKit(engine);
    try {
      const profileId = newProfile();
      await kit.subscribe(profileId);
      const text = 'שלום 👓 '.repeat(1500);
      const id = `msg_${'0'.repeat(40)}`;
      const m = outgoing(kit.channel, { id, to: profileId, text, extra: { url: 'javascript:x' } });
      expect((await kit.channel.send(m)).ok).toBe(true);
      expect(kit.peer.refused).toEqual([]);
      const [got] = kit.peer.received;
      const body = String(got?.payload.body);
      expect(Buffer.byteLength(JSON.stringify(got?.payload))).toBeLessThanOrEqual(3900);
      expect(body.endsWith('…')).toBe(true);
      expect(text.startsWith(body.slice(0, -1))).toBe(true);
      expect(body.length).toBeGreaterThan(1000);
      expect(got?.payload.url).toBeNull();
      expect(got?.topic).toBe(pushTopic(id));
      expect(got?.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    } finally {
      await kit.close();
    }
  });

  it('forgets a subscription the push service says is gone (410, 404)', async () => {
    const kit = await pushKit(engine);
    try {
      const profileId = newProfile();
      const gone = await kit.subscribe(profileId);
      const missing = await kit.subscribe(profileId);
      const live = await kit.subscribe(profileId);
      kit.peer.expire(gone.endpoint);
      kit.peer.answerNext(missing.endpoint, 404);
      const first = await kit.channel.send(outgoing(kit.channel, { to: profileId }));
      expect(first).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^1 accepted /) });
      expect((await kit.subscriptions.list('w1', profileId)).map((s) => s.endpoint)).toEqual([
        live.endpoint,
      ]);
      kit.peer.expire(live.endpoint);
      expect(await kit.channel.send(outgoing(kit.channel, { to: profileId }))).toEqual({
        ok: false,
        permanent: true,
        reason: 'no push subscription',
      });
      expect(await kit.subscriptions.list('w1', profileId)).toEqual([]);
      expect(await kit.channel.send(outgoing(kit.channel, { to: profileId }))).toEqual({
        ok: false,
        permanent: true,
        reason: 'no push subscription',
      });
    } finally {
      await kit.close();
    }
  });

  it('retries on 429 (after Retry-After) and 5xx; refuses on 403 and keeps the subscription', async () => {
    const kit = await pushKit(engine);
    try {
      const profileId = newProfile();
      const browser = await kit.subscribe(profileId);
      kit.peer.answerNext(browser.endpoint, 429, 503);
      expect(await kit.channel.send(outgoing(kit.channel, { to: profileId }))).toEqual({
        ok: false,
        permanent: false,
        reason: expect.stringMatching(/^push service answered 429/),
        retryAfterMs: 120_000,
      });
      expect(await kit.channel.send(outgoing(kit.channel, { to: profileId }))).toEqual({
        ok: false,
        permanent: false,
        reason: expect.stringMatching(/^push service answered 503/),
      });
      // Subscribed with another application server key: the push service refuses ours.
      const other = newProfile();
      const foreign = kit.peer.subscribe('B'.padEnd(87, 'A'));
      expect((await kit.subscriptions.add('w1', other, foreign)).ok).toBe(true);
      const refused = await kit.channel.send(outgoing(kit.channel, { to: other }));
      expect(refused).toEqual({
        ok: false,
        permanent: true,
        reason: expect.stringMatching(/^push service answered 403/),
      });
      expect(await kit.subscriptions.list('w1', other)).toHaveLength(1);
    } finally {
      await kit.close();
    }
  });

  it('keeps one VAPID key pair, sealed, however many processes start at once', async () => {
    const { database } = await databaseOn(engine);
    await database.db.deleteFrom('settings').where('key', '=', 'vapid-keys').execute();
    const starts = Array.from({ length: 5 }, () => new VapidKeys(database, new SecretBox(SECRET)));
    const pairs = await Promise.all(starts.map((k) => k.get()));
    expect(new Set(pairs.map((p) => p.publicKey)).size).toBe(1);
    expect(pairs[0]?.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    const stored = await database.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'vapid-keys')
      .executeTakeFirstOrThrow();
    expect(stored.value).toMatch(/^v1\./);
    expect(stored.value).not.toContain(pairs[0]?.privateKey ?? '-');
    const later = new VapidKeys(database, new SecretBox(SECRET));
    expect(await later.get()).toEqual(pairs[0]);
    await expect(new VapidKeys(database, new SecretBox(`${SECRET}-2`)).get()).rejects.toThrow();
  });

  it('validates subscriptions and moves a re-subscribed endpoint to the new profile', async () => {
    const { database } = await databaseOn(engine);
    const clock = new ManualClock(T0);
    const strict = new PushSubscriptions(database, clock);
    const subs = new PushSubscriptions(database, clock, { isPushService: localService });
    const peer = await PushServicePeer.start();
    try {
      const browser = peer.subscribe();
      const fields = async (s: PushSubscriptions, input: typeof browser) => {
        const r = await s.add('w1', 'p-v', input);
        return r.ok ? 'ok' : r.error.details.map((d) => d.field).join();
      };
      const keys = browser.keys;
      expect(await fields(strict, browser)).toBe('endpoint');
      expect(
        await fields(strict, { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys }),
      ).toBe('ok');
      expect(
        await fields(subs, { ...browser, endpoint: browser.endpoint.replace('https', 'http') }),
      ).toBe('endpoint');
      expect(
        await fields(subs, { ...browser, endpoint: `${browser.endpoint}${'a'.repeat(2000)}` }),
      ).toBe('endpoint');
      expect(await fields(subs, { ...browser, endpoint: 'not a url' })).toBe('endpoint');
      expect(
        await fields(subs, { ...browser, keys: { ...keys, p256dh: keys.p256dh.slice(1) } }),
      ).toBe('keys.p256dh');
      // 65 bytes starting 0x04 but not a point on the curve.
      const offCurve = Buffer.alloc(65, 1);
      offCurve[0] = 4;
      expect(
        await fields(subs, {
          ...browser,
          keys: { ...keys, p256dh: offCurve.toString('base64url') },
        }),
      ).toBe('keys.p256dh');
      expect(await fields(subs, { ...browser, keys: { ...keys, auth: `${keys.auth}AA` } })).toBe(
        'keys.auth',
      );
      expect(
        await fields(subs, { ...browser, keys: { ...keys, auth: keys.auth.replace(/./, '+') } }),
      ).toBe('keys.auth');

      const a = newProfile();
      const b = newProfile();
      expect((await subs.add('w1', a, browser)).ok).toBe(true);
      expect((await subs.add('w1', b, browser)).ok).toBe(true);
      expect(await subs.list('w1', a)).toEqual([]);
      expect((await subs.list('w1', b)).map((s) => s.endpoint)).toEqual([browser.endpoint]);
      expect(await subs.remove('w1', a, browser.endpoint)).toBe(false);
      expect(await subs.remove('w1', b, browser.endpoint)).toBe(true);

      // Beyond the cap, the oldest subscriptions go.
      const c = newProfile();
      const made = [];
      for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_PROFILE + 2; i++) {
        clock.advance(1000);
        made.push(peer.subscribe());
        expect((await subs.add('w1', c, made[i]!)).ok).toBe(true);
      }
      const kept = (await subs.list('w1', c)).map((s) => s.endpoint);
      expect(kept).toEqual(
        made
          .slice(2)
          .map((m) => m.endpoint)
          .reverse(),
      );
    } finally {
      await peer.close();
    }
  });
});

describe('client tokens', () => {
  const clock = new ManualClock(T0);
  const signer = new LinkSigner(SECRET, 'https://cb.example');
  const tokens = new ClientTokens(signer, clock);

  it('name their workspace and profile for 30 days, and nothing else passes as one', () => {
    const issued = tokens.issue('w1', 'p-1');
    expect(issued.expiresAt).toBe(T0 + CLIENT_TOKEN_TTL_MS);
    expect(tokens.verify(issued.token)).toEqual({ workspaceId: 'w1', profileId: 'p-1' });
    const unsubscribe = signer.sign('unsubscribe', { w: 'w1', p: 'p-1', e: String(T0 + 1e9) });
    expect(tokens.verify(unsubscribe)).toBeNull();
    expect(tokens.verify(`${issued.token}x`)).toBeNull();
    expect(
      new ClientTokens(new LinkSigner(`${SECRET}-2`, 'x'), clock).verify(issued.token),
    ).toBeNull();
    clock.set(issued.expiresAt - 1);
    expect(tokens.verify(issued.token)).not.toBeNull();
    clock.set(issued.expiresAt);
    expect(tokens.verify(issued.token)).toBeNull();
  });
});

/** Every field any of the routes answers with. */
interface Answer {
  data?: { id: string }[];
  nextCursor?: string | null;
  count?: number;
  token?: string;
  expiresAt?: string;
  readAt?: string | null;
  archivedAt?: string | null;
  publicKey?: string;
  error?: { code: string; message: string; details: { field: string; message: string }[] };
}

describe.each(engines)('storefront client routes on %s', (engine) => {
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let adminKey: string;
  let peer: PushServicePeer;
  const clock = new ManualClock(T0);
  const tokens = new ClientTokens(new LinkSigner(SECRET, 'https://cb.example'), clock);
  const profiles = new Set<string>();
  let run = 0;
  let w: string;

  beforeAll(async () => {
    ({ database } = await databaseOn(engine));
    peer = await PushServicePeer.start();
    await addWorkspace(database, 'w-routes');
    adminKey = generateKey('admin');
    await insertKey(database.db, {
      workspaceId: 'w-routes',
      scope: 'admin',
      key: adminKey,
      now: T0,
    });
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(app);
    const vapidKeys = new VapidKeys(database, new SecretBox(SECRET));
    clientRoutes(app, {
      tokens,
      inbox: new Inbox(database, clock),
      pushSubscriptions: new PushSubscriptions(database, clock, { isPushService: localService }),
      vapidPublicKey: () => vapidKeys.publicKey(),
    });
    clientTokenRoutes(app, {
      keys: new KeyResolver(database.db, () => Date.now()),
      tokens,
      profileExists: async (workspaceId, id) => workspaceId === 'w-routes' && profiles.has(id),
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await peer?.close();
  });
  beforeEach(() => {
    w = 'w-routes';
    run += 1;
  });

  const call = async (
    path: string,
    token: string | null,
    init: { method?: string; body?: unknown } = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const body = response.status === 204 ? null : await json<Answer>(response);
    return { status: response.status, body };
  };
  const createdAt = new Map<string, string>();
  const deliver = async (profileId: string, n: number) => {
    const channel = new InboxChannel(database, clock);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      clock.advance(1000);
      const m = outgoing(channel, {
        workspaceId: w,
        to: profileId,
        subject: `Title ${i}`,
        text: `Body ${i}`,
        extra: i === 0 ? { url: 'javascript:alert(1)' } : URL_EXTRA,
      });
      expect(await channel.send(m)).toEqual({ ok: true, providerMessageId: m.id });
      ids.push(m.id);
      createdAt.set(m.id, new Date(clock.now()).toISOString());
    }
    return ids;
  };
  const tokenFor = async (profileId: string) => {
    profiles.add(profileId);
    const r = await call(`/api/v1/profiles/${profileId}/client-token`, adminKey, {
      method: 'POST',
    });
    expect(r.status).toBe(201);
    expect(r.body?.expiresAt).toBe(new Date(clock.now() + CLIENT_TOKEN_TTL_MS).toISOString());
    return r.body?.token ?? '';
  };

  it('issues tokens with the admin key only, for profiles that exist', async () => {
    profiles.add(`adm-${run}`);
    expect(
      (await call(`/api/v1/profiles/adm-${run}/client-token`, null, { method: 'POST' })).status,
    ).toBe(401);
    const token = await tokenFor(`adm-${run}`);
    expect(tokens.verify(token)).toEqual({ workspaceId: w, profileId: `adm-${run}` });
    // A client token is not an admin key.
    expect(
      (await call(`/api/v1/profiles/adm-${run}/client-token`, token, { method: 'POST' })).status,
    ).toBe(401);
    const none = await call('/api/v1/profiles/nobody/client-token', adminKey, { method: 'POST' });
    expect(none).toEqual({
      status: 404,
      body: {
        error: {
          code: 'not_found',
          message: 'no profile nobody',
          details: [{ field: 'id', message: 'not found' }],
        },
      },
    });
  });

  it('pages the inbox, counts unread, marks read and archives, for the token holder only', async () => {
    const ada = `ada-${run}`;
    const bob = `bob-${run}`;
    const ids = await deliver(ada, 3);
    await deliver(bob, 1);
    const adaToken = await tokenFor(ada);
    const bobToken = await tokenFor(bob);

    const first = await call('/v1/inbox?limit=2', adaToken);
    expect(first.status).toBe(200);
    expect(first.body?.data?.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    expect(first.body?.data?.[0]).toEqual({
      id: ids[2],
      title: 'Title 2',
      body: 'Body 2',
      url: 'https://shop.test/p/1',
      createdAt: createdAt.get(ids[2] ?? ''),
      readAt: null,
      archivedAt: null,
    });
    const second = await call(`/v1/inbox?limit=2&cursor=${first.body?.nextCursor}`, adaToken);
    expect(second.body).toEqual({
      data: [expect.objectContaining({ id: ids[0], url: null })],
      nextCursor: null,
    });
    expect((await call('/v1/inbox?cursor=bad!', adaToken)).status).toBe(400);
    expect((await call('/v1/inbox?cursor=WzEsMl0', adaToken)).status).toBe(400);
    expect((await call('/v1/inbox/unread-count', adaToken)).body).toEqual({ count: 3 });

    // Bob sees only his own, and cannot touch Ada's.
    expect((await call('/v1/inbox', bobToken)).body?.data).toHaveLength(1);
    const foreign = await call(`/v1/inbox/${ids[0]}/read`, bobToken, { method: 'POST' });
    expect(foreign.status).toBe(404);
    expect((await call(`/v1/inbox/${ids[0]}/archive`, bobToken, { method: 'POST' })).status).toBe(
      404,
    );
    expect((await call('/v1/inbox/unread-count', adaToken)).body).toEqual({ count: 3 });

    clock.advance(5000);
    const readAt = new Date(clock.now()).toISOString();
    const read = await call(`/v1/inbox/${ids[0]}/read`, adaToken, { method: 'POST' });
    expect(read).toEqual({
      status: 200,
      body: expect.objectContaining({ id: ids[0], readAt, archivedAt: null }),
    });
    clock.advance(5000);
    // Reading again keeps the first time.
    expect(
      (await call(`/v1/inbox/${ids[0]}/read`, adaToken, { method: 'POST' })).body?.readAt,
    ).toBe(readAt);
    expect((await call('/v1/inbox/unread-count', adaToken)).body).toEqual({ count: 2 });
    const archived = await call(`/v1/inbox/${ids[2]}/archive`, adaToken, { method: 'POST' });
    expect(archived.body?.archivedAt).toBe(new Date(clock.now()).toISOString());
    expect((await call('/v1/inbox/unread-count', adaToken)).body).toEqual({ count: 1 });
    expect(
      (await call('/v1/inbox', adaToken)).body?.data?.map((m: { id: string }) => m.id),
    ).toEqual([ids[1], ids[0]]);
    expect((await call('/v1/inbox?includeArchived=true', adaToken)).body?.data).toHaveLength(3);
  });

  it('refuses a missing, forged or expired token with 401', async () => {
    const p = `exp-${run}`;
    await deliver(p, 1);
    const token = await tokenFor(p);
    const refusal = {
      status: 401,
      body: {
        error: {
          code: 'unauthorized',
          message: 'missing, invalid or expired client token: send Authorization: Bearer <token>',
          details: [
            { field: 'authorization', message: 'missing, invalid or expired client token' },
          ],
        },
      },
    };
    expect(await call('/v1/inbox', null)).toEqual(refusal);
    expect(await call('/v1/inbox', `${token}x`)).toEqual(refusal);
    expect(await call('/v1/inbox', adminKey)).toEqual(refusal);
    expect((await call('/v1/inbox/unread-count', token)).body).toEqual({ count: 1 });
    clock.advance(CLIENT_TOKEN_TTL_MS);
    expect(await call('/v1/inbox/unread-count', token)).toEqual(refusal);
    expect(
      await call('/v1/push/subscriptions', token, { method: 'POST', body: peer.subscribe() }),
    ).toEqual(refusal);
  });

  it('registers and removes push subscriptions; serves the VAPID key without a token', async () => {
    const key = await call('/v1/push/vapid-public-key', null);
    expect(key.status).toBe(200);
    expect(key.body?.publicKey).toBe(
      await new VapidKeys(database, new SecretBox(SECRET)).publicKey(),
    );
    const p = `push-${run}`;
    const token = await tokenFor(p);
    const browser = { ...peer.subscribe(), expirationTime: null };
    const added = await call('/v1/push/subscriptions', token, { method: 'POST', body: browser });
    expect(added).toEqual({
      status: 201,
      body: {
        id: expect.stringMatching(/^psub_[0-9a-f]{24}$/),
        endpoint: browser.endpoint,
        createdAt: new Date(clock.now()).toISOString(),
      },
    });
    const bad = await call('/v1/push/subscriptions', token, {
      method: 'POST',
      body: { ...browser, endpoint: 'http://127.0.0.1/x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body?.error?.details).toEqual([
      { field: 'endpoint', message: 'must be an https URL without credentials' },
    ]);
    const subs = new PushSubscriptions(database, clock);
    expect((await subs.list(w, p)).map((s) => s.endpoint)).toEqual([browser.endpoint]);
    // Another profile's token cannot remove it.
    const other = await tokenFor(`other-${run}`);
    expect(
      (
        await call('/v1/push/subscriptions', other, {
          method: 'DELETE',
          body: { endpoint: browser.endpoint },
        })
      ).status,
    ).toBe(204);
    expect(await subs.list(w, p)).toHaveLength(1);
    expect(
      (
        await call('/v1/push/subscriptions', token, {
          method: 'DELETE',
          body: { endpoint: browser.endpoint },
        })
      ).status,
    ).toBe(204);
    expect(await subs.list(w, p)).toEqual([]);
  });
});

describe('the storefront operations in the OpenAPI document', () => {
  it('documents every client route, each answer with an example', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(fastifySwagger, {
      openapi: {
        info: { title: 't', version: '0' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
      transform: jsonSchemaTransform,
    });
    const { database } = await databaseOn('sqlite');
    const clock = new ManualClock(T0);
    const tokens = new ClientTokens(new LinkSigner(SECRET, 'https://cb.example'), clock);
    clientRoutes(app, {
      tokens,
      inbox: new Inbox(database, clock),
      pushSubscriptions: new PushSubscriptions(database, clock),
      vapidPublicKey: async () => 'k',
    });
    clientTokenRoutes(app, {
      keys: new KeyResolver(database.db, () => Date.now()),
      tokens,
      profileExists: async () => true,
    });
    await app.ready();
    const doc = app.swagger() as Parameters<typeof withCatalogue>[0];
    withCatalogue(doc, clientOperations);
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Record<string, unknown>>).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        problems: op[DOCUMENTATION_PROBLEMS],
        description: op.description,
      })),
    );
    expect(operations.map((o) => o.key).sort()).toEqual(Object.keys(clientOperations).sort());
    expect(operations.filter((o) => o.problems !== undefined || !o.description)).toEqual([]);
    await app.close();
  });
});
