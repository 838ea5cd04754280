import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { maskTail } from './provider-credentials.js';
import { SIGNATURE_HEADER } from './webhook-signing.js';

/**
 * What each channel sends through and how, as configured in the server's environment (or the
 * workspace's own accounts, saved through /api/v1/provider-credentials, in their place), for
 * Settings › Sender and for scripts: never a secret. Credentials (the SMTP password, Twilio's
 * auth token, Meta's access token and app secret, the DKIM private key) are write-only by
 * design: this says whether they are set, never what they are. The answer's schema below is
 * also what serializes it, so a field added by mistake is not sent.
 */

const dkimStatusSchema = z.object({
  /** Always true here: without all three COMEBACK_DKIM_* variables `dkim` is null. */
  configured: z.literal(true),
  domain: z.string(),
  selector: z.string(),
  /** The key parses (node:crypto), is RSA (what the signer supports) and is 1024 bits or more. */
  keyValid: z.boolean(),
  keyBits: z.number().int().nullable(),
  /** Why the key is not valid; null when it is. */
  keyProblem: z.string().nullable(),
  /** Outgoing email is signed: SMTP is configured and the key is valid. */
  signing: z.boolean(),
  /** The From domain is the DKIM domain or a subdomain of it (or the reverse): DMARC aligns. */
  alignedWithFrom: z.boolean(),
  /** The TXT record to publish: `<selector>._domainkey.<domain>`. */
  dnsRecordName: z.string(),
  /** Its value, derived from the public half of the key; null when the key is not valid. */
  dnsRecordValue: z.string().nullable(),
});

const credentialSourceSchema = z.enum(['workspace', 'instance', 'none']);
type CredentialSource = z.infer<typeof credentialSourceSchema>;

export const sendingStatusSchema = z.object({
  /** COMEBACK_PUBLIC_URL: where stores and providers reach this server; null when unset. */
  publicUrl: z.string().nullable(),
  /** The base of the URLs below: the public URL, else the one this request came to. */
  baseUrl: z.string(),
  /**
   * Whose account each provider channel sends through: the workspace's own (saved through
   * /api/v1/provider-credentials), the instance's (environment), or none (local outbox).
   */
  sources: z.object({
    email: credentialSourceSchema,
    sms: credentialSourceSchema,
    whatsapp: credentialSourceSchema,
  }),
  email: z.object({
    mode: z.enum(['smtp', 'local-outbox']),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    /** Implicit TLS from the first byte (smtps:// or ?secure=true); else STARTTLS if offered. */
    secure: z.boolean().nullable(),
    /** The SMTP URL carries a user name (and so a password, never shown). */
    authenticated: z.boolean(),
    /** Why the SMTP URL could not be read; null when it could (or is unset). */
    problem: z.string().nullable(),
    from: z.string(),
    dkim: dkimStatusSchema.nullable(),
    /** Marketing email carries RFC 8058 List-Unsubscribe and List-Unsubscribe-Post. */
    listUnsubscribeOneClick: z.literal(true),
    /** Where a provider posts bounces, complaints and deliveries as JSON (admin key). */
    feedbackUrl: z.string(),
    /** Where an MTA pipes raw bounce and complaint mails (admin key). */
    bounceMailUrl: z.string(),
  }),
  sms: z.object({
    mode: z.enum(['twilio', 'local-outbox']),
    /** The sender: a phone number or a Messaging Service SID (people see it: not a secret). */
    from: z.string().nullable(),
    /** The account SID with all but its last 4 characters hidden. */
    account: z.string().nullable(),
    /** Twilio's "A message comes in" webhook of the store's number (STOP, START, HELP). */
    inboundUrl: z.string(),
    /**
     * Sent with each text as its StatusCallback (`{messageId}` is filled in per message); null
     * without COMEBACK_PUBLIC_URL, when Twilio could not reach us and no reports arrive.
     */
    statusCallbackUrl: z.string().nullable(),
  }),
  whatsapp: z.object({
    mode: z.enum(['meta', 'local-outbox']),
    phoneNumberId: z.string().nullable(),
    /** The callback URL to save in Meta's app dashboard (GET handshake, signed POSTs). */
    webhookUrl: z.string(),
    /** WHATSAPP_VERIFY_TOKEN is set: Meta's handshake can succeed. */
    verifyTokenSet: z.boolean(),
    /** WHATSAPP_APP_SECRET is set: Meta's signed POSTs can be verified (else all refused). */
    appSecretSet: z.boolean(),
  }),
  push: z.object({
    configured: z.boolean(),
    /** COMEBACK_VAPID_SUBJECT: the contact push services may write to. */
    subject: z.string().nullable(),
    /** The browser's applicationServerKey (public by nature); null when push is off. */
    vapidPublicKey: z.string().nullable(),
  }),
  inbox: z.object({ enabled: z.literal(true) }),
  webhooks: z.object({
    enabled: z.literal(true),
    /** The header every outgoing webhook is signed in. */
    signatureHeader: z.string(),
    /** Where receivers' signing secret is read (admin key). */
    secretUrl: z.string(),
  }),
});
export type SendingStatus = z.infer<typeof sendingStatusSchema>;
export type DkimStatus = z.infer<typeof dkimStatusSchema>;

export interface SendingStatusInput {
  config: Pick<
    Config,
    'smtpUrl' | 'emailFrom' | 'dkim' | 'twilio' | 'whatsapp' | 'vapidSubject' | 'publicUrl'
  >;
  workspaceId: string;
  /** `<protocol>://<host>` of the request, for URLs when COMEBACK_PUBLIC_URL is unset. */
  requestBaseUrl: string;
  /** The instance's VAPID public key; only read when push is configured. */
  vapidPublicKey: string | null;
  /**
   * Whose accounts `config` holds per provider (the workspace's own in place of the
   * instance's); by default the instance's where configured.
   */
  sources?: { smtp: CredentialSource; twilio: CredentialSource; whatsapp: CredentialSource };
}

/** Receivers must not accept signatures by shorter keys (RFC 8301). */
const MIN_DKIM_BITS = 1024;

/** The status of every channel: config in, status out (no I/O). */
export function sendingStatus(input: SendingStatusInput): SendingStatus {
  const { config } = input;
  const publicUrl = config.publicUrl?.replace(/\/+$/, '') ?? null;
  const baseUrl = publicUrl ?? input.requestBaseUrl.replace(/\/+$/, '');
  const ws = encodeURIComponent(input.workspaceId);
  const smtp = config.smtpUrl === undefined ? null : smtpEndpoint(config.smtpUrl);
  const instanceOr = (configured: boolean): CredentialSource => (configured ? 'instance' : 'none');
  const sources = input.sources ?? {
    smtp: instanceOr(config.smtpUrl !== undefined),
    twilio: instanceOr(config.twilio !== undefined),
    whatsapp: instanceOr(config.whatsapp !== undefined),
  };
  return {
    publicUrl,
    baseUrl,
    sources: { email: sources.smtp, sms: sources.twilio, whatsapp: sources.whatsapp },
    email: {
      mode: smtp === null ? 'local-outbox' : 'smtp',
      host: smtp?.host ?? null,
      port: smtp?.port ?? null,
      secure: smtp?.secure ?? null,
      authenticated: smtp?.authenticated ?? false,
      problem: smtp?.problem ?? null,
      from: config.emailFrom,
      dkim:
        config.dkim === undefined
          ? null
          : dkimStatus(config.dkim, config.emailFrom, smtp !== null && smtp.problem === null),
      listUnsubscribeOneClick: true,
      feedbackUrl: `${baseUrl}/api/v1/messaging/feedback`,
      bounceMailUrl: `${baseUrl}/api/v1/messaging/bounces`,
    },
    sms: {
      mode: config.twilio === undefined ? 'local-outbox' : 'twilio',
      from: config.twilio?.from ?? null,
      account: config.twilio === undefined ? null : maskTail(config.twilio.accountSid, 4),
      inboundUrl: `${baseUrl}/webhooks/twilio/${ws}/inbound`,
      statusCallbackUrl:
        config.twilio !== undefined && publicUrl !== null
          ? `${publicUrl}/webhooks/twilio/${ws}/status/{messageId}`
          : null,
    },
    whatsapp: {
      mode: config.whatsapp === undefined ? 'local-outbox' : 'meta',
      phoneNumberId: config.whatsapp?.phoneNumberId ?? null,
      webhookUrl: `${baseUrl}/webhooks/whatsapp/${ws}`,
      verifyTokenSet: (config.whatsapp?.verifyToken ?? '') !== '',
      appSecretSet: (config.whatsapp?.appSecret ?? '') !== '',
    },
    push: {
      configured: config.vapidSubject !== undefined,
      subject: config.vapidSubject ?? null,
      vapidPublicKey: config.vapidSubject === undefined ? null : input.vapidPublicKey,
    },
    inbox: { enabled: true },
    webhooks: {
      enabled: true,
      signatureHeader: SIGNATURE_HEADER,
      secretUrl: `${baseUrl}/api/v1/webhook-channel/secret`,
    },
  };
}

interface SmtpEndpoint {
  host: string | null;
  port: number | null;
  secure: boolean | null;
  authenticated: boolean;
  problem: string | null;
}

/**
 * Host, port and TLS of an SMTP URL as nodemailer reads it (smtps:// or `?secure=true` is
 * implicit TLS; the port defaults to 465 with it, else 587). The URL itself is never
 * returned, nor any part of its user-info: it holds the password.
 */
export function smtpEndpoint(smtpUrl: string): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    // The parser's message could quote the URL, password and all: say it in our own words.
    return {
      host: null,
      port: null,
      secure: null,
      authenticated: false,
      problem: 'SMTP_URL is not a valid URL',
    };
  }
  const secureParam = url.searchParams.get('secure');
  const secure =
    secureParam === 'true' ? true : secureParam === 'false' ? false : url.protocol === 'smtps:';
  const explicitPort = url.port === '' ? null : Number(url.port);
  return {
    host: url.hostname === '' ? null : url.hostname.replace(/^\[|\]$/g, ''),
    port: explicitPort ?? (secure ? 465 : 587),
    secure,
    authenticated: url.username !== '',
    problem: url.hostname === '' ? 'SMTP_URL names no host' : null,
  };
}

/** The DKIM key's health and the DNS record that publishes its public half. */
export function dkimStatus(
  dkim: NonNullable<Config['dkim']>,
  emailFrom: string,
  smtpConfigured: boolean,
): DkimStatus {
  const key = readDkimKey(dkim.privateKey);
  const domain = dkim.domainName.toLowerCase().replace(/\.$/, '');
  const fromDomain = domainOf(emailFrom);
  return {
    configured: true,
    domain: dkim.domainName,
    selector: dkim.keySelector,
    keyValid: key.ok,
    keyBits: key.bits,
    keyProblem: key.ok ? null : key.problem,
    signing: smtpConfigured && key.ok,
    alignedWithFrom:
      fromDomain !== null &&
      (fromDomain === domain ||
        fromDomain.endsWith(`.${domain}`) ||
        domain.endsWith(`.${fromDomain}`)),
    dnsRecordName: `${dkim.keySelector}._domainkey.${dkim.domainName}`,
    dnsRecordValue: key.ok ? `v=DKIM1; k=rsa; p=${key.publicKeyBase64}` : null,
  };
}

type DkimKey =
  | { ok: true; bits: number; publicKeyBase64: string }
  | { ok: false; bits: number | null; problem: string };

function readDkimKey(pem: string): DkimKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    // node's message is generic, but nothing of the key itself may reach the answer.
    return {
      ok: false,
      bits: null,
      problem:
        'COMEBACK_DKIM_PRIVATE_KEY does not parse as an unencrypted PEM key (PKCS#8 or PKCS#1)',
    };
  }
  if (privateKey.asymmetricKeyType !== 'rsa')
    return {
      ok: false,
      bits: null,
      problem: `COMEBACK_DKIM_PRIVATE_KEY is a ${privateKey.asymmetricKeyType ?? 'non-asymmetric'} key; DKIM signing here needs an RSA key`,
    };
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? null;
  if (bits === null || bits < MIN_DKIM_BITS)
    return {
      ok: false,
      bits,
      problem: `the RSA key has ${bits ?? 'an unknown number of'} bits; receivers ignore DKIM signatures by keys under ${MIN_DKIM_BITS} bits (use 2048)`,
    };
  // The record's p= is the SubjectPublicKeyInfo, DER, base64 (RFC 6376 §3.6.1).
  const publicKeyBase64 = createPublicKey(privateKey)
    .export({ type: 'spki', format: 'der' })
    .toString('base64');
  return { ok: true, bits, publicKeyBase64 };
}

/** The domain of `Name <local@domain>` or `local@domain`, lowercased; null when there is none. */
function domainOf(address: string): string | null {
  const match = /@([A-Za-z0-9.-]+?)\.?>?\s*$/.exec(address);
  return match?.[1]?.toLowerCase() ?? null;
}
