/**
 * A workspace's own provider accounts over HTTP on both engines: saved write-only (validated,
 * sealed at rest, never answered back), used to send that workspace's messages (a local Twilio
 * peer checking each account's Basic auth and path, a second SMTP sink, a Meta peer checking
 * each number's token) while another workspace keeps the instance's, and used to verify that
 * workspace's Twilio and Meta webhooks. Deleting them reverts to the instance's account.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace, insertKey } from '../../src/modules/workspaces/index.js';
import { engines } from '../support/engines.js';
import {
  ADMIN_KEY,
  OWNER_EMAIL,
  OWNER_PASSWORD,
  json,
  startTestServer,
  type TestServer,
} from '../support/test-server.js';
import { addUser, errorOf, signIn } from '../users/session-client.js';
import { startMetaPeer, type MetaPeer } from './peers/meta-peer.js';
import { startTwilioPeer, type TwilioPeer } from './peers/twilio-peer.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const HOOKS = 'https://hooks.shop.example';
const STORE = 'store-a';
const STORE_KEY = 'cba_store_a_admin_key_0001';
const TO = '+972501234567';
/** Store A's own Twilio account (the peer serves it beside the instance's). */
const SID_A = 'AC0123456789abcdef0123456789abcd11';
const TOKEN_A = 'store-a-twilio-auth-token-0001';
const FROM_A = '+972539999999';
const INSTANCE_FROM = '+972531234567';
const INSTANCE_VERIFY = 'instance-verify-token-0001';
const INSTANCE_SECRET = 'instance-app-secret-0001';
const WA_A = {
  accessToken: 'store-a-meta-access-token-0001',
  phoneNumberId: '222333444555',
  appSecret: 'store-a-app-secret-0001',
  verifyToken: 'store-a-verify-token-0001',
};
const SMTP_PASSWORD_A = 'store-a-smtp-Pa55word';

/** Twilio's algorithm written out again, so the code under test is not its own oracle. */
const twilioSign = (token: string, url: string, params: Record<string, string>) =>
  createHmac('sha1', token)
    .update(
      Object.keys(params)
        .sort()
        .reduce((acc, key) => acc + key + params[key], url),
    )
    .digest('base64');
const metaSign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe.each(engines)('provider credentials per workspace on %s', (engine) => {
  let t: TestServer;
  let twilio: TwilioPeer;
  let meta: MetaPeer;
  let instanceSink: SmtpSink;
  let storeSink: SmtpSink;

  /** The admin API as store A (its own admin key) or the default workspace. */
  const as =
    (key: string) =>
    (path: string, init: { method?: string; body?: unknown } = {}) =>
      t.api(path, { ...init, key });
  const store = as(STORE_KEY);
  const main = as(ADMIN_KEY);
  const put = (call: typeof store, provider: string, body: unknown) =>
    call(`/api/v1/provider-credentials/${provider}`, { method: 'PUT', body });
  const list = async (call: typeof store) => {
    const res = await call('/api/v1/provider-credentials');
    expect(res.status).toBe(200);
    return { text: await res.clone().text(), ...(await json<{ data: Summary[] }>(res)) };
  };
  type Summary = {
    provider: string;
    source: string;
    sender: string | null;
    account: string | null;
  };
  const rowOf = (rows: Summary[], provider: string) => rows.find((r) => r.provider === provider);

  /** A test send of the workspace's template `name` to `to`, drained; the message's status. */
  const testSend = async (call: typeof store, name: string, to: string) => {
    const res = await call(`/api/v1/templates/${name}/test-send`, { method: 'POST', body: { to } });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await json<{ id: string }>(res);
    await t.server.services.sender.drain();
    return json<{ status: string; lastError: string | null }>(await call(`/api/v1/messages/${id}`));
  };

  beforeAll(async () => {
    twilio = await startTwilioPeer();
    twilio.addAccount(SID_A, TOKEN_A);
    meta = await startMetaPeer({
      accessToken: 'instance-meta-token-0001',
      phoneNumberId: '1098765432',
    });
    meta.addNumber(WA_A.phoneNumberId, WA_A.accessToken);
    instanceSink = await startSmtpSink();
    storeSink = await startSmtpSink();
    t = await startTestServer(engine, {
      background: false,
      config: {
        publicUrl: HOOKS,
        smtpUrl: instanceSink.url,
        emailFrom: 'Agency <news@agency.example>',
        twilio: {
          accountSid: twilio.accountSid,
          authToken: twilio.authToken,
          from: INSTANCE_FROM,
          apiUrl: twilio.url,
        },
        whatsapp: {
          accessToken: 'instance-meta-token-0001',
          phoneNumberId: '1098765432',
          appSecret: INSTANCE_SECRET,
          verifyToken: INSTANCE_VERIFY,
          apiUrl: meta.apiUrl,
        },
      },
    });
    const db = t.server.services.database.db;
    await ensureWorkspace(db, { id: STORE, name: 'Store A', now: Date.now() });
    await insertKey(db, { workspaceId: STORE, scope: 'admin', key: STORE_KEY, now: Date.now() });
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
    for (const call of [store, main]) {
      const sms = {
        name: 'Ping',
        channel: 'sms',
        variants: { en: { body: 'Ping from the store' } },
      };
      const email = {
        name: 'Hello',
        channel: 'email',
        variants: { en: { subject: 'Hello', body: mjml } },
      };
      for (const body of [sms, email]) {
        const res = await call('/api/v1/templates', { method: 'POST', body });
        expect(res.status, await res.clone().text()).toBe(201);
      }
    }
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await twilio?.close();
    await meta?.close();
    await instanceSink?.close();
    await storeSink?.close();
  });

  it("lists the instance's accounts until a workspace saves its own, never a secret", async () => {
    const { data, text } = await list(store);
    expect(data).toEqual([
      {
        provider: 'smtp',
        source: 'instance',
        updatedAt: null,
        sender: 'Agency <news@agency.example>',
        account: instanceSink.url.replace('smtp://', ''),
      },
      {
        provider: 'twilio',
        source: 'instance',
        updatedAt: null,
        sender: INSTANCE_FROM,
        account: `AC…${twilio.accountSid.slice(-4)}`,
      },
      {
        provider: 'whatsapp',
        source: 'instance',
        updatedAt: null,
        sender: '1098765432',
        account: null,
      },
    ]);
    for (const secret of [twilio.authToken, twilio.accountSid, INSTANCE_SECRET, INSTANCE_VERIFY])
      expect(text).not.toContain(secret);
  });

  it('refuses bad input naming the field, unknown keys and unknown providers', async () => {
    const good = { accountSid: SID_A, authToken: TOKEN_A, from: FROM_A };
    const cases: [unknown, string][] = [
      [{ ...good, accountSid: 'AC123' }, 'accountSid'],
      [{ accountSid: SID_A, from: FROM_A }, 'authToken'],
      [{ ...good, authToken: 'has spaces in it, too many' }, 'authToken'],
      [{ ...good, from: '0501234567' }, 'from'],
      [{ ...good, region: 'ie1' }, 'region'],
    ];
    for (const [body, field] of cases) {
      const res = await put(store, 'twilio', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((d) => d.field)).toContain(field);
    }
    const smtp = await put(store, 'smtp', { url: 'http://mail.example', from: 'a@b.example' });
    expect((await errorOf(smtp)).details.map((d) => d.field)).toEqual(['url']);
    expect((await put(store, 'sendgrid', good)).status).toBe(404);
    expect((await store('/api/v1/provider-credentials/twilio', { method: 'DELETE' })).status).toBe(
      404,
    );
    expect(
      (await store('/api/v1/provider-credentials/sendgrid', { method: 'DELETE' })).status,
    ).toBe(404);
    expect(rowOf((await list(store)).data, 'twilio')?.source).toBe('instance');
  });

  it("sends a workspace's SMS through its own Twilio account, the other's through the instance's", async () => {
    const saved = await put(store, 'twilio', {
      accountSid: SID_A,
      authToken: TOKEN_A,
      from: FROM_A,
    });
    expect(saved.status).toBe(200);
    const summary = await json<Summary & { updatedAt: string }>(saved);
    expect(summary).toMatchObject({
      provider: 'twilio',
      source: 'workspace',
      sender: FROM_A,
      account: 'AC…cd11',
    });
    expect(Number.isNaN(Date.parse(summary.updatedAt))).toBe(false);
    const { text } = await list(store);
    expect(text).not.toContain(TOKEN_A);
    expect(text).not.toContain(SID_A);
    // At rest: sealed, neither the token nor the SID readable in the row.
    const rows = await t.server.services.database.db
      .selectFrom('provider_credentials')
      .selectAll()
      .where('workspace_id', '=', STORE)
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(TOKEN_A);
    expect(JSON.stringify(rows)).not.toContain(SID_A);

    expect((await testSend(store, 'Ping', TO)).status).toBe('sent');
    expect((await testSend(main, 'Ping', TO)).status).toBe('sent');
    expect(twilio.refused).toEqual([]);
    expect(twilio.accepted.map((a) => [a.accountSid, a.fields.From])).toEqual([
      [SID_A, FROM_A],
      [twilio.accountSid, INSTANCE_FROM],
    ]);
    // Delivery reports come back to the store's own webhook URL.
    expect(twilio.accepted[0]?.fields.StatusCallback).toMatch(
      new RegExp(`^${HOOKS}/webhooks/twilio/${STORE}/status/msg_`),
    );

    // Saved again with another sender: the channel is rebuilt with it at once.
    const NEW_FROM = '+972538888888';
    const again = { accountSid: SID_A, authToken: TOKEN_A, from: NEW_FROM };
    expect((await put(store, 'twilio', again)).status).toBe(200);
    expect((await testSend(store, 'Ping', TO)).status).toBe('sent');
    expect(twilio.accepted.at(-1)?.fields.From).toBe(NEW_FROM);
    expect((await put(store, 'twilio', { ...again, from: FROM_A })).status).toBe(200);

    const status = await json<{ sources: Record<string, string>; sms: Record<string, unknown> }>(
      await store('/api/v1/messaging/status'),
    );
    expect(status.sources).toEqual({ email: 'instance', sms: 'workspace', whatsapp: 'instance' });
    expect(status.sms).toMatchObject({ mode: 'twilio', from: FROM_A, account: 'AC…cd11' });
    const mainStatus = await json<{ sms: Record<string, unknown> }>(
      await main('/api/v1/messaging/status'),
    );
    expect(mainStatus.sms).toMatchObject({ from: INSTANCE_FROM });
  });

  it("verifies the workspace's Twilio webhooks with its own auth token", async () => {
    const params = { MessageSid: `SM${'a1'.repeat(16)}`, From: TO, To: FROM_A, Body: 'HELLO' };
    const hook = (workspace: string, token: string) => {
      const path = `/webhooks/twilio/${workspace}/inbound`;
      return fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSign(token, `${HOOKS}${path}`, params),
        },
        body: new URLSearchParams(params).toString(),
      });
    };
    expect((await hook(STORE, TOKEN_A)).status).toBe(200);
    expect((await hook(STORE, twilio.authToken)).status).toBe(401);
    expect((await hook('default', twilio.authToken)).status).toBe(200);
    expect((await hook('default', TOKEN_A)).status).toBe(401);
    // A malformed workspace id is refused before anything is looked up with it.
    expect((await hook('no%20such', twilio.authToken)).status).toBe(404);
  });

  it("sends the workspace's email through its own SMTP server, the other's through the instance's", async () => {
    const url = storeSink.url.replace('smtp://', `smtp://store-a:${SMTP_PASSWORD_A}@`);
    const saved = await put(store, 'smtp', { url, from: 'Store A <shop@store-a.example>' });
    expect(saved.status).toBe(200);
    const summary = await json<Summary>(saved);
    expect(summary).toMatchObject({
      source: 'workspace',
      sender: 'Store A <shop@store-a.example>',
      account: storeSink.url.replace('smtp://', ''),
    });
    const { text } = await list(store);
    expect(text).not.toContain(SMTP_PASSWORD_A);
    expect(text).not.toContain('store-a:');

    expect((await testSend(store, 'Hello', 'ana@example.com')).status).toBe('sent');
    expect((await testSend(main, 'Hello', 'ben@example.com')).status).toBe('sent');
    expect(storeSink.messages.map((m) => [m.envelopeTo, m.parsed.from?.text])).toEqual([
      [['ana@example.com'], '"Store A" <shop@store-a.example>'],
    ]);
    expect(instanceSink.messages.map((m) => m.envelopeTo)).toEqual([['ben@example.com']]);
    // Message-IDs name the store's own domain.
    expect(storeSink.messages[0]?.messageId).toMatch(/@store-a\.example>$/);
  });

  it("sends and verifies WhatsApp with the workspace's own number, app secret and verify token", async () => {
    expect((await put(store, 'whatsapp', WA_A)).status).toBe(200);
    const { text } = await list(store);
    for (const secret of [WA_A.accessToken, WA_A.appSecret, WA_A.verifyToken])
      expect(text).not.toContain(secret);

    const handshake = (workspace: string, token: string) =>
      fetch(
        `${t.url}/webhooks/whatsapp/${workspace}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=4242`,
      );
    const own = await handshake(STORE, WA_A.verifyToken);
    expect([own.status, await own.text()]).toEqual([200, '4242']);
    expect((await handshake(STORE, INSTANCE_VERIFY)).status).toBe(403);
    expect((await handshake('default', INSTANCE_VERIFY)).status).toBe(200);

    // A message the person sends the store's number: it opens the 24-hour window too.
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: '972539999999',
                  phone_number_id: WA_A.phoneNumberId,
                },
                contacts: [{ profile: { name: 'Dana' }, wa_id: TO.slice(1) }],
                messages: [
                  {
                    from: TO.slice(1),
                    id: 'wamid.store-a-1',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'Is it in stock?' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const post = (workspace: string, secret: string) =>
      fetch(`${t.url}/webhooks/whatsapp/${workspace}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': metaSign(secret, body),
        },
        body,
      });
    expect((await post(STORE, INSTANCE_SECRET)).status).toBe(401);
    expect((await post('default', WA_A.appSecret)).status).toBe(401);
    expect((await post(STORE, WA_A.appSecret)).status).toBe(200);

    // Inside the window the reply goes out as text from the store's own number and token (the
    // peer answers 401 to any other token for that number).
    const template = {
      name: 'Reply',
      channel: 'whatsapp',
      variants: { en: { body: 'Yes, it is' } },
    };
    const created = await store('/api/v1/templates', { method: 'POST', body: template });
    expect(created.status, await created.clone().text()).toBe(201);
    const before = meta.requests.length;
    const sent = await testSend(store, 'Reply', TO);
    expect(sent, JSON.stringify(sent)).toMatchObject({ status: 'sent' });
    expect(meta.requests.slice(before)).toEqual([
      { method: 'POST', path: `/v21.0/${WA_A.phoneNumberId}/messages`, status: 200 },
    ]);
    expect(meta.received.at(-1)).toMatchObject({ to: TO.slice(1), type: 'text' });
  });

  it("reverts to the instance's accounts once the workspace's are deleted", async () => {
    for (const provider of ['twilio', 'smtp', 'whatsapp'])
      expect(
        (await store(`/api/v1/provider-credentials/${provider}`, { method: 'DELETE' })).status,
      ).toBe(204);
    expect((await list(store)).data.map((r) => r.source)).toEqual([
      'instance',
      'instance',
      'instance',
    ]);
    const sent = twilio.accepted.length;
    expect((await testSend(store, 'Ping', TO)).status).toBe('sent');
    expect(twilio.accepted.slice(sent).map((a) => a.accountSid)).toEqual([twilio.accountSid]);
    expect((await testSend(store, 'Hello', 'cy@example.com')).status).toBe('sent');
    expect(instanceSink.messages.at(-1)?.envelopeTo).toEqual(['cy@example.com']);
    expect(storeSink.messages).toHaveLength(1);
  });

  it('lets owners change them and refuses editors (sessions)', async () => {
    await addUser(t, 'editor@example.com', 'editor');
    const editor = await signIn(t, 'editor@example.com', 'editor-password-0001');
    const owner = await signIn(t, OWNER_EMAIL, OWNER_PASSWORD);
    const body = { accountSid: SID_A, authToken: TOKEN_A, from: FROM_A };
    const refused = await editor.call('/api/v1/provider-credentials/twilio', {
      method: 'PUT',
      body,
    });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/provider credentials/);
    expect((await editor.call('/api/v1/provider-credentials')).status).toBe(200);
    const allowed = await owner.call('/api/v1/provider-credentials/twilio', {
      method: 'PUT',
      body,
    });
    expect(allowed.status).toBe(200);
    const removed = await owner.call('/api/v1/provider-credentials/twilio', { method: 'DELETE' });
    expect(removed.status).toBe(204);
  });
});
