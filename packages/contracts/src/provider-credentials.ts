import { z } from 'zod';

/**
 * A workspace's own provider accounts (an agency with one Twilio account per store): written by
 * an owner, sealed at rest with the instance secret, and never read back. Without them a
 * workspace sends through the instance's accounts from the environment (SMTP_URL, TWILIO_*,
 * WHATSAPP_*), and without those its messages stay in the local outbox.
 */
export const credentialProviders = ['smtp', 'twilio', 'whatsapp'] as const;
export const credentialProviderSchema = z.enum(credentialProviders);
export type CredentialProvider = z.infer<typeof credentialProviderSchema>;

/** Printable ASCII without spaces: what every provider's tokens and secrets are made of. */
const token = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const smtpCredentialsSchema = z.strictObject({
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://... (TLS from the start). */
  url: z
    .string()
    .max(2048)
    .regex(/^smtps?:\/\/[^\s]+$/, 'must start with smtp:// or smtps://')
    .refine((v) => URL.canParse(v), 'must be a URL such as smtp://user:password@host:587'),
  /** The From of this store's email: "Store <shop@example.com>". */
  from: z
    .string()
    .max(320)
    .regex(
      /@[A-Za-z0-9.-]+\.?[A-Za-z0-9-]*>?$/,
      'must be an address such as "Store <shop@example.com>"',
    ),
});
export type SmtpCredentials = z.infer<typeof smtpCredentialsSchema>;

export const twilioCredentialsSchema = z.strictObject({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits'),
  /** Signs every webhook Twilio sends for this account, and authenticates the sends. */
  authToken: token(16, 128),
  /** The sender: a phone number in E.164 or a Messaging Service SID. */
  from: z
    .string()
    .regex(/^(\+[1-9][0-9]{6,14}|MG[0-9a-fA-F]{32})$/, 'must be +E.164 or a Messaging Service SID'),
});
export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;

export const whatsappCredentialsSchema = z.strictObject({
  accessToken: token(10, 1024),
  phoneNumberId: z.string().regex(/^[0-9]{1,30}$/, 'must be the number id Meta shows (digits)'),
  /** Verifies Meta's signed webhook POSTs (X-Hub-Signature-256). */
  appSecret: token(8, 256),
  /** What Meta's webhook handshake must echo (hub.verify_token). */
  verifyToken: token(8, 256),
});
export type WhatsAppCredentials = z.infer<typeof whatsappCredentialsSchema>;

/** The body of PUT /api/v1/provider-credentials/{provider}, per provider. */
export const providerCredentialInputSchemas = {
  smtp: smtpCredentialsSchema,
  twilio: twilioCredentialsSchema,
  whatsapp: whatsappCredentialsSchema,
} as const;
export type ProviderCredentialInput = {
  smtp: SmtpCredentials;
  twilio: TwilioCredentials;
  whatsapp: WhatsAppCredentials;
};

/**
 * What may be shown of saved credentials: who people see as the sender, and hints that let an
 * owner tell two accounts apart. Never a password, token or secret.
 */
export const providerCredentialSummarySchema = z.object({
  provider: credentialProviderSchema,
  /**
   * `workspace`: this workspace's own account (saved here); `instance`: the server's account
   * from the environment; `none`: neither, messages of this channel stay in the local outbox.
   */
  source: z.enum(['workspace', 'instance', 'none']),
  /** When this workspace's own account was saved; null unless `source` is `workspace`. */
  updatedAt: z.iso.datetime().nullable(),
  /** The sender people see: the email From, the SMS number or service, the WhatsApp number id. */
  sender: z.string().nullable(),
  /** A hint of the account: the SMTP host, Twilio's SID with all but 4 characters hidden. */
  account: z.string().nullable(),
});
export type ProviderCredentialSummary = z.infer<typeof providerCredentialSummarySchema>;

export const providerCredentialListSchema = z.object({
  data: z.array(providerCredentialSummarySchema),
});
export type ProviderCredentialList = z.infer<typeof providerCredentialListSchema>;
