/**
 * The sending status: the pure function from configuration to what Settings › Sender shows
 * (modes, identities, DKIM health and its DNS record, webhook URLs), and the admin route on
 * both engines. Credentials are write-only: no answer may carry one, however it is looked at.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import {
  sendingStatus,
  sendingStatusSchema,
  smtpEndpoint,
  type SendingStatusInput,
} from '../../src/modules/messaging/sending-status.js';
import { engines } from '../support/engines.js';
import { WRITE_KEY, json, startTestServer, type TestServer } from '../support/test-server.js';
import { addUser, signIn } from '../users/session-client.js';

const SMTP_PASSWORD = 'smtp-Pa55word-never-shown';
const TWILIO_TOKEN = 'twilio-auth-token-never-shown-0001';
const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
const WA_TOKEN = 'EAAG-whatsapp-access-token-never-shown';
const WA_SECRET = 'meta-app-secret-never-shown';
const WA_VERIFY = 'meta-verify-token-never-shown';

const rsa = (bits: number) => {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    published: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
};
const KEY = rsa(2048);
/** Lines of the private key's body: long enough that none appears by chance. */
const keyLines = KEY.pem.split('\n').filter((line) => line.length > 40);

/** Everything configured, as readConfig would give it. */
const fullConfig: SendingStatusInput['config'] = {
  smtpUrl: `smtp://mailer%40shop.example:${SMTP_PASSWORD}@smtp.mail.example:2525`,
  emailFrom: 'Lens Shop <news@mail.shop.example>',
  dkim: { domainName: 'shop.example', keySelector: 'cb1', privateKey: KEY.pem },
  twilio: {
    accountSid: TWILIO_SID,
    authToken: TWILIO_TOKEN,
    from: '+972531234567',
    apiUrl: 'https://api.twilio.com',
  },
  whatsapp: {
    accessToken: WA_TOKEN,
    phoneNumberId: '106540352242922',
    appSecret: WA_SECRET,
    verifyToken: WA_VERIFY,
    apiUrl: 'https://graph.facebook.com/v21.0',
  },
  vapidSubject: 'mailto:ops@shop.example',
  publicUrl: 'https://hooks.shop.example',
};
const nothingConfigured: SendingStatusInput['config'] = {
  smtpUrl: undefined,
  emailFrom: 'Comeback <no-reply@localhost>',
  dkim: undefined,
  twilio: undefined,
  whatsapp: undefined,
  vapidSubject: undefined,
  publicUrl: undefined,
};
const statusOf = (config: SendingStatusInput['config'], workspaceId = 'default') =>
  sendingStatus({
    config,
    workspaceId,
    requestBaseUrl: 'http://127.0.0.1:8080',
    vapidPublicKey: 'BPublicVapidKey',
  });

/** No secret, nor any recognisable part of one, anywhere in the answer. */
function expectNoSecrets(text: string): void {
  for (const secret of [SMTP_PASSWORD, TWILIO_TOKEN, TWILIO_SID, WA_TOKEN, WA_SECRET, WA_VERIFY])
    expect(text).not.toContain(secret);
  expect(text).not.toContain('PRIVATE KEY');
  for (const line of keyLines) expect(text).not.toContain(line);
  expect(text).not.toContain('mailer');
}

describe('sendingStatus', () => {
  it('describes SMTP with a valid DKIM key, and the TXT record that publishes it', () => {
    const status = statusOf(fullConfig);
    expect(sendingStatusSchema.parse(status)).toEqual(status);
    expect(status.email).toMatchObject({
      mode: 'smtp',
      host: 'smtp.mail.example',
      port: 2525,
      secure: false,
      authenticated: true,
      problem: null,
      from: 'Lens Shop <news@mail.shop.example>',
      listUnsubscribeOneClick: true,
      feedbackUrl: 'https://hooks.shop.example/api/v1/messaging/feedback',
    });
    expect(status.email.dkim).toEqual({
      configured: true,
      domain: 'shop.example',
      selector: 'cb1',
      keyValid: true,
      keyBits: 2048,
      keyProblem: null,
      signing: true,
      alignedWithFrom: true,
      dnsRecordName: 'cb1._domainkey.shop.example',
      dnsRecordValue: `v=DKIM1; k=rsa; p=${KEY.published}`,
    });
    // What a receiver does with the record: the key it names is the signing key's public half.
    const p = /p=([A-Za-z0-9+/=]+)$/.exec(status.email.dkim?.dnsRecordValue ?? '')?.[1] ?? '';
    const published = createPublicKey({
      key: Buffer.from(p, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(published.export({ type: 'spki', format: 'pem' })).toBe(
      createPublicKey(KEY.pem).export({ type: 'spki', format: 'pem' }),
    );
    expectNoSecrets(JSON.stringify(status));
  });

  it('names the providers and the webhook URLs to paste into Twilio and Meta', () => {
    const status = statusOf(fullConfig, 'shop 1');
    expect(status.publicUrl).toBe('https://hooks.shop.example');
    expect(status.baseUrl).toBe('https://hooks.shop.example');
    expect(status.sms).toEqual({
      mode: 'twilio',
      from: '+972531234567',
      account: 'AC…cdef',
      inboundUrl: 'https://hooks.shop.example/webhooks/twilio/shop%201/inbound',
      statusCallbackUrl: 'https://hooks.shop.example/webhooks/twilio/shop%201/status/{messageId}',
    });
    expect(status.whatsapp).toEqual({
      mode: 'meta',
      phoneNumberId: '106540352242922',
      webhookUrl: 'https://hooks.shop.example/webhooks/whatsapp/shop%201',
      verifyTokenSet: true,
      appSecretSet: true,
    });
    expect(status.push).toEqual({
      configured: true,
      subject: 'mailto:ops@shop.example',
      vapidPublicKey: 'BPublicVapidKey',
    });
    expect(status.inbox).toEqual({ enabled: true });
    expect(status.webhooks).toEqual({
      enabled: true,
      signatureHeader: 'comeback-signature',
      secretUrl: 'https://hooks.shop.example/api/v1/webhook-channel/secret',
    });
    expectNoSecrets(JSON.stringify(status));
  });

  it('without configuration: the local outbox, no DKIM, URLs on the request address', () => {
    const status = statusOf(nothingConfigured);
    expect(sendingStatusSchema.parse(status)).toEqual(status);
    expect(status.publicUrl).toBeNull();
    expect(status.baseUrl).toBe('http://127.0.0.1:8080');
    expect(status.email).toMatchObject({
      mode: 'local-outbox',
      host: null,
      port: null,
      secure: null,
      authenticated: false,
      dkim: null,
      listUnsubscribeOneClick: true,
    });
    expect(status.sms).toMatchObject({
      mode: 'local-outbox',
      from: null,
      account: null,
      inboundUrl: 'http://127.0.0.1:8080/webhooks/twilio/default/inbound',
      statusCallbackUrl: null,
    });
    expect(status.whatsapp).toMatchObject({
      mode: 'local-outbox',
      phoneNumberId: null,
      verifyTokenSet: false,
      appSecretSet: false,
    });
    // The VAPID key is only shown (and only read) when push is on.
    expect(status.push).toEqual({ configured: false, subject: null, vapidPublicKey: null });
  });

  it('Twilio without a public URL sends no status callback (Twilio could not reach it)', () => {
    const status = statusOf({ ...fullConfig, publicUrl: undefined });
    expect(status.sms.statusCallbackUrl).toBeNull();
    expect(status.sms.inboundUrl).toBe('http://127.0.0.1:8080/webhooks/twilio/default/inbound');
  });

  it('reads the SMTP URL as nodemailer does, and never returns any of it whole', () => {
    expect(smtpEndpoint('smtps://smtp.mail.example')).toMatchObject({
      host: 'smtp.mail.example',
      port: 465,
      secure: true,
      authenticated: false,
    });
    expect(smtpEndpoint('smtp://localhost')).toMatchObject({ port: 587, secure: false });
    expect(smtpEndpoint('smtp://u:p@mx.example:25?secure=true')).toMatchObject({
      port: 25,
      secure: true,
      authenticated: true,
    });
    expect(smtpEndpoint('smtp://[::1]:2525')).toMatchObject({ host: '::1', port: 2525 });
    const broken = smtpEndpoint(`smtp://user:${SMTP_PASSWORD}@bad host:x`);
    expect(broken).toMatchObject({ host: null, problem: 'SMTP_URL is not a valid URL' });
    expectNoSecrets(JSON.stringify(broken));
    const unreadable = statusOf({ ...fullConfig, smtpUrl: `smtp://u:${SMTP_PASSWORD}@bad host` });
    expect(unreadable.email.mode).toBe('smtp');
    expect(unreadable.email.dkim?.signing).toBe(false);
    expectNoSecrets(JSON.stringify(unreadable));
  });

  it('says why a DKIM key is unusable, without quoting it', () => {
    const dkimWith = (privateKey: string) =>
      statusOf({
        ...fullConfig,
        dkim: { domainName: 'shop.example', keySelector: 'cb1', privateKey },
      }).email.dkim;

    const garbled = dkimWith(KEY.pem.replace(/[A-Za-z]/g, (c, i: number) => (i % 7 ? c : '*')));
    expect(garbled).toMatchObject({ keyValid: false, signing: false, dnsRecordValue: null });
    expect(garbled?.keyProblem).toMatch(/does not parse/);
    expect(garbled?.dnsRecordName).toBe('cb1._domainkey.shop.example');
    expectNoSecrets(JSON.stringify(garbled));

    const ed25519 = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(dkimWith(ed25519)).toMatchObject({ keyValid: false, keyBits: null });
    expect(dkimWith(ed25519)?.keyProblem).toMatch(/ed25519 key; DKIM signing here needs an RSA/);

    const short = dkimWith(rsa(512).pem);
    expect(short).toMatchObject({ keyValid: false, keyBits: 512, dnsRecordValue: null });
    expect(short?.keyProblem).toMatch(/under 1024 bits/);
  });

  it('a valid key without SMTP is configured but signs nothing; alignment follows the From', () => {
    const noSmtp = statusOf({ ...fullConfig, smtpUrl: undefined }).email.dkim;
    expect(noSmtp).toMatchObject({ keyValid: true, signing: false });
    const other = statusOf({ ...fullConfig, emailFrom: 'Shop <hi@another.example>' }).email.dkim;
    expect(other?.alignedWithFrom).toBe(false);
    const parent = statusOf({
      ...fullConfig,
      emailFrom: 'news@shop.example',
      dkim: { domainName: 'mail.shop.example', keySelector: 's', privateKey: KEY.pem },
    }).email.dkim;
    expect(parent?.alignedWithFrom).toBe(true);
  });
});

/** The route on a running server: admin key or any dashboard role, never a secret. */
describe.each(engines)('GET /api/v1/messaging/status on %s', (engine) => {
  let t: TestServer;
  const overrides: Partial<Config> = {
    ...fullConfig,
    // Nothing listens there: the pooled transport only connects to send, and nothing is sent.
    smtpUrl: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:9`,
  };
  beforeAll(async () => {
    t = await startTestServer(engine, { config: overrides, background: false });
  });
  afterAll(async () => t?.stop());

  it('answers the configured status to the admin key, without a secret', async () => {
    const res = await t.api('/api/v1/messaging/status');
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const status = sendingStatusSchema.parse(JSON.parse(text));
    expect(status.email).toMatchObject({ mode: 'smtp', host: '127.0.0.1', port: 9 });
    expect(status.email.dkim).toMatchObject({ keyValid: true, signing: true });
    expect(status.sms.inboundUrl).toBe(
      'https://hooks.shop.example/webhooks/twilio/default/inbound',
    );
    // The key the storefront's push subscription needs: the one the client API serves.
    const served = await json<{ publicKey: string }>(
      await fetch(`${t.url}/v1/push/vapid-public-key`),
    );
    expect(status.push.vapidPublicKey).toBe(served.publicKey);
    expectNoSecrets(text);
  });

  it('every role may read it; no key or a write key may not', async () => {
    await addUser(t, 'viewer@example.com', 'viewer');
    const viewer = await signIn(t, 'viewer@example.com', 'viewer-password-0001');
    const res = await viewer.call('/api/v1/messaging/status');
    expect(res.status).toBe(200);
    expectNoSecrets(await res.text());
    expect((await fetch(`${t.url}/api/v1/messaging/status`)).status).toBe(401);
    expect((await t.api('/api/v1/messaging/status', { key: WRITE_KEY })).status).toBe(403);
  });
});

describe.each(engines)('GET /api/v1/messaging/status unconfigured, on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { background: false });
  });
  afterAll(async () => t?.stop());

  it('says every channel goes to the local outbox, with URLs on the request address', async () => {
    const status = sendingStatusSchema.parse(
      await json(await t.api('/api/v1/messaging/status?consistent=true')),
    );
    expect(status.publicUrl).toBeNull();
    expect(status.baseUrl).toBe(t.url);
    expect([status.email.mode, status.sms.mode, status.whatsapp.mode]).toEqual([
      'local-outbox',
      'local-outbox',
      'local-outbox',
    ]);
    expect(status.email.dkim).toBeNull();
    expect(status.push.configured).toBe(false);
  });
});
