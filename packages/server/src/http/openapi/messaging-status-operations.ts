import type { SendingStatus } from '../../modules/messaging/sending-status.js';
import type { Catalogue } from './catalogue-types.js';
import { adminKeyProblems, answers } from './responses.js';

const BASE = 'https://comeback.shop.example';
/** The public half of an RSA-2048 key, as the TXT record carries it. */
const PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmuBWGIDthLyA44yF4GUBlF74u0zZoEBt4QkODx0Utei2Gs' +
  '3B+1t5Oqe7v4GnfKSAHKPgQtJESqyqYUCRjoLAy84YoaghWvrWQ74L3QT079hA9eLbPTFqOainZ/SSBD/DjtnJcxiB' +
  'tcH0r8FaYsVJUt3GRt834dwNXsI3sm+QI6dbesuUsIPINTpScncf+Tf8Uqrxxbh6Fjk3SrVc+bqXJcnkxRACh6Kawn' +
  'frK57VgwtaV2i+qSaqdV0TtvoRL/u+g1pteN4T95lAnWDOQa8nmPhuvDy0IjhKg5c8MFWnwlqnf/ezWCiimUavSDU8' +
  '9xzLtW6C0gb8dj15Uy//L2LhPQIDAQAB';

const configured: SendingStatus = {
  publicUrl: BASE,
  baseUrl: BASE,
  sources: { email: 'instance', sms: 'workspace', whatsapp: 'instance' },
  email: {
    mode: 'smtp',
    host: 'smtp.mail.example',
    port: 587,
    secure: false,
    authenticated: true,
    problem: null,
    from: 'Lens Shop <news@shop.example>',
    dkim: {
      configured: true,
      domain: 'shop.example',
      selector: 'cb1',
      keyValid: true,
      keyBits: 2048,
      keyProblem: null,
      signing: true,
      alignedWithFrom: true,
      dnsRecordName: 'cb1._domainkey.shop.example',
      dnsRecordValue: `v=DKIM1; k=rsa; p=${PUBLIC_KEY}`,
    },
    listUnsubscribeOneClick: true,
    feedbackUrl: `${BASE}/api/v1/messaging/feedback`,
    bounceMailUrl: `${BASE}/api/v1/messaging/bounces`,
  },
  sms: {
    mode: 'twilio',
    from: '+972531234567',
    account: 'AC…cdef',
    inboundUrl: `${BASE}/webhooks/twilio/default/inbound`,
    statusCallbackUrl: `${BASE}/webhooks/twilio/default/status/{messageId}`,
  },
  whatsapp: {
    mode: 'meta',
    phoneNumberId: '106540352242922',
    webhookUrl: `${BASE}/webhooks/whatsapp/default`,
    verifyTokenSet: true,
    appSecretSet: true,
  },
  push: {
    configured: true,
    subject: 'mailto:ops@shop.example',
    vapidPublicKey:
      'BBEccNPa1iZZCj53pn1SH6ZcJ936GjfTCF5sbjHVIFVUF6qi-Du6hGR4G5gq2cHVWs3B0XBVz8kSpEi2TOsHnoY',
  },
  inbox: { enabled: true },
  webhooks: {
    enabled: true,
    signatureHeader: 'comeback-signature',
    secretUrl: `${BASE}/api/v1/webhook-channel/secret`,
  },
};

const LOCAL = 'http://localhost:8080';
const fresh: SendingStatus = {
  publicUrl: null,
  baseUrl: LOCAL,
  sources: { email: 'none', sms: 'none', whatsapp: 'none' },
  email: {
    mode: 'local-outbox',
    host: null,
    port: null,
    secure: null,
    authenticated: false,
    problem: null,
    from: 'Comeback <no-reply@localhost>',
    dkim: null,
    listUnsubscribeOneClick: true,
    feedbackUrl: `${LOCAL}/api/v1/messaging/feedback`,
    bounceMailUrl: `${LOCAL}/api/v1/messaging/bounces`,
  },
  sms: {
    mode: 'local-outbox',
    from: null,
    account: null,
    inboundUrl: `${LOCAL}/webhooks/twilio/default/inbound`,
    statusCallbackUrl: null,
  },
  whatsapp: {
    mode: 'local-outbox',
    phoneNumberId: null,
    webhookUrl: `${LOCAL}/webhooks/whatsapp/default`,
    verifyTokenSet: false,
    appSecretSet: false,
  },
  push: { configured: false, subject: null, vapidPublicKey: null },
  inbox: { enabled: true },
  webhooks: {
    enabled: true,
    signatureHeader: 'comeback-signature',
    secretUrl: `${LOCAL}/api/v1/webhook-channel/secret`,
  },
};

/** The sending identities and providers as the server's environment configures them. */
export const messagingStatusOperations: Catalogue = {
  'GET /api/v1/messaging/status': {
    description:
      "How each channel sends, as the server's environment configures it; every role may read " +
      'it. **Credentials are write-only:** they are set in the environment and never shown ' +
      'back - this only says whether they are set. ' +
      '**email**: `smtp` with `SMTP_URL` (host, port, implicit TLS, whether it carries a user) ' +
      'and `COMEBACK_EMAIL_FROM`, else `local-outbox` (messages are recorded, not sent); ' +
      '`dkim` with `COMEBACK_DKIM_DOMAIN`, `COMEBACK_DKIM_SELECTOR` and ' +
      '`COMEBACK_DKIM_PRIVATE_KEY`: whether the key is a usable RSA key, whether mail is ' +
      'signed, and the TXT record to publish (`dnsRecordName`, `dnsRecordValue`). ' +
      '**sms**: `twilio` with `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN` and `TWILIO_FROM`; ' +
      '`inboundUrl` is the number\'s "A message comes in" webhook; `statusCallbackUrl` is sent ' +
      'with each text, only when `COMEBACK_PUBLIC_URL` is set. ' +
      '**whatsapp**: `meta` with `WHATSAPP_ACCESS_TOKEN` and `WHATSAPP_PHONE_NUMBER_ID`; ' +
      '`webhookUrl` goes into the Meta app, verified with `WHATSAPP_VERIFY_TOKEN` and ' +
      '`WHATSAPP_APP_SECRET`. **push**: on with `COMEBACK_VAPID_SUBJECT`. The inbox and the ' +
      'webhook channel need no configuration. URLs are built on `COMEBACK_PUBLIC_URL`, else on ' +
      'the address this request came to (`publicUrl` is then null). A workspace that saved ' +
      'its own account at a provider (`PUT /api/v1/provider-credentials/{provider}`) is shown ' +
      "with that account in place of the instance's; `sources` says whose account each " +
      'provider channel sends through (`workspace`, `instance` or `none`). DKIM stays per ' +
      'instance.',
    responses: {
      200: answers('The status of every channel.', [
        { summary: 'Every provider configured', value: configured },
        { summary: 'A fresh instance: everything goes to the local outbox', value: fresh },
      ]),
      ...adminKeyProblems,
    },
  },
};
