import { z } from 'zod';
import { storableText } from './errors.js';

/**
 * Messaging: templates per channel (Liquid over the profile, the triggering event and what
 * later areas fill in; MJML for email bodies), the outbox and its send log, and consent per
 * channel. This file fixes the shapes clients send and receive; docs/guides/messaging.md gives
 * the meaning of each field with examples.
 */

/** Every channel a message can go out on. */
export const channels = ['email', 'sms', 'whatsapp', 'push', 'inbox', 'webhook'] as const;
export type ChannelKind = (typeof channels)[number];

/** The channels a person gives or withdraws marketing consent for. */
export const consentChannels = ['email', 'sms', 'whatsapp', 'push'] as const;
export type ConsentChannel = (typeof consentChannels)[number];

/** A BCP 47 language tag such as `en`, `he` or `pt-BR`. */
export const languageTagSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en, he or pt-BR');

/** Languages written right to left: their emails get dir="rtl" throughout. */
export const rightToLeftLanguages = ['he', 'ar', 'fa', 'ur', 'yi'] as const;

const templateText = (max: number) => storableText().max(max);

/**
 * One language's content. Email: `subject` and an MJML `body` (`<mjml>...</mjml>`), optional
 * `preheader` and `text` (the plain-text part; generated from the HTML when absent). SMS,
 * WhatsApp free-form, push and inbox: `body` is Liquid text; push and inbox also use `subject`
 * as their title. Webhook: `body` renders to the JSON sent.
 */
/**
 * A WhatsApp template approved in Meta's WhatsApp Manager: its name, its language code as Meta
 * spells it (`en_US`, `he`) and the body's `{{1}}`, `{{2}}`... parameters, each Liquid.
 */
export const whatsappTemplateSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9_]{1,512}$/, 'must be the approved template name: a-z, 0-9 and _'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a code such as en_US or he'),
  parameters: z.array(templateText(1000)).max(20).default([]),
});
export type WhatsappTemplate = z.input<typeof whatsappTemplateSchema>;

export const templateVariantSchema = z.strictObject({
  subject: templateText(1000).optional(),
  preheader: templateText(1000).optional(),
  body: templateText(200_000).min(1),
  text: templateText(100_000).optional(),
  /** Push and inbox: where a tap leads (Liquid). */
  url: templateText(2000).optional(),
  /** WhatsApp outside the 24-hour window: the approved template sent instead of `body`. */
  whatsapp: whatsappTemplateSchema.optional(),
});
export type TemplateVariant = z.infer<typeof templateVariantSchema>;

export const templateNameSchema = storableText().min(1).max(200).regex(/\S/, 'must not be blank');

/** What a client sends to create a template or save a new version of it. */
export const templateInputSchema = z
  .strictObject({
    name: templateNameSchema,
    description: templateText(2000).optional(),
    channel: z.enum(channels),
    /** Marketing messages need consent; transactional ones (an order confirmation) do not. */
    kind: z.enum(['marketing', 'transactional']).default('marketing'),
    /** The language used when a profile's language has no variant. */
    defaultLanguage: languageTagSchema.default('en'),
    /** Content per language tag; must include `defaultLanguage`. */
    variants: z
      .record(languageTagSchema, templateVariantSchema)
      .refine((v) => Object.keys(v).length >= 1 && Object.keys(v).length <= 20, {
        message: 'must have between 1 and 20 language variants',
      }),
    /** Webhook channel: where the rendered JSON body is POSTed (signed). */
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
  })
  .superRefine((t, ctx) => {
    if (!Object.hasOwn(t.variants, t.defaultLanguage))
      ctx.addIssue({
        code: 'custom',
        path: ['variants'],
        message: `must include the default language ${t.defaultLanguage}`,
      });
    if (t.channel === 'webhook' && t.webhookUrl === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['webhookUrl'],
        message: 'a webhook template needs the URL it posts to',
      });
    if (t.channel === 'email')
      for (const [lang, v] of Object.entries(t.variants))
        if (v.subject === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['variants', lang, 'subject'],
            message: 'an email needs a subject',
          });
  });
export type TemplateInput = z.input<typeof templateInputSchema>;
export type TemplateDefinition = z.output<typeof templateInputSchema>;

/** A problem the template lint found that does not stop saving (a variable without fallback). */
export const templateWarningSchema = z.object({
  field: z.string().describe('where: variants.<lang>.<part>'),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
});
export type TemplateWarning = z.infer<typeof templateWarningSchema>;

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  channel: z.enum(channels),
  kind: z.enum(['marketing', 'transactional']),
  defaultLanguage: z.string(),
  variants: z.record(z.string(), templateVariantSchema),
  webhookUrl: z.string().optional(),
  /** Each save is a new version; messages record the version they were rendered from. */
  version: z.number().int(),
  warnings: z.array(templateWarningSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Template = z.infer<typeof templateSchema>;

/** Data a message is rendered with besides the profile: the triggering event, an order... */
export const renderDataSchema = z.record(z.string(), z.unknown());

export const previewRequestSchema = z.strictObject({
  /** Render for this profile; without it, for a sample profile. */
  profileId: z.string().min(1).max(200).optional(),
  language: languageTagSchema.optional(),
  data: renderDataSchema.optional(),
});

export const renderedMessageSchema = z.object({
  channel: z.enum(channels),
  language: z.string(),
  direction: z.enum(['ltr', 'rtl']),
  subject: z.string().nullable(),
  html: z.string().nullable(),
  text: z.string(),
  /** Push and inbox: where a tap leads. */
  url: z.string().nullable().optional(),
  /** WhatsApp: the approved template with its rendered parameters, when the variant has one. */
  whatsapp: z
    .object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) })
    .optional(),
});
export type RenderedMessage = z.infer<typeof renderedMessageSchema>;

export const messageStatuses = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'suppressed',
  'bounced',
  'complained',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** A transactional send (an order confirmation): exempt from marketing consent, not suppression. */
export const sendRequestSchema = z.strictObject({
  template: z.string().min(1).max(200).describe('template id or name'),
  profileId: z.string().min(1).max(200).optional(),
  /** The address to send to; defaults to the profile's (email, phone...). */
  to: storableText().min(3).max(320).optional(),
  language: languageTagSchema.optional(),
  data: renderDataSchema.optional(),
  /** The same key twice sends once (a retried order confirmation). */
  idempotencyKey: storableText().min(1).max(200).optional(),
});
export type SendRequest = z.infer<typeof sendRequestSchema>;

export const messageStatusChangeSchema = z.object({
  status: z.enum(messageStatuses),
  at: z.string(),
  detail: z.string().nullable(),
});

export const messageSchema = z.object({
  id: z.string(),
  profileId: z.string().nullable(),
  channel: z.enum(channels),
  kind: z.enum(['marketing', 'transactional']),
  templateId: z.string().nullable(),
  templateVersion: z.number().int().nullable(),
  language: z.string().nullable(),
  to: z.string(),
  subject: z.string().nullable(),
  status: z.enum(messageStatuses),
  attempts: z.number().int(),
  providerMessageId: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type MessageView = z.infer<typeof messageSchema>;

export const messageDetailSchema = messageSchema.extend({
  html: z.string().nullable(),
  text: z.string(),
  history: z.array(messageStatusChangeSchema),
});

export const consentStatuses = ['subscribed', 'unsubscribed', 'pending'] as const;
export type ConsentStatus = (typeof consentStatuses)[number];

/** Evidence of how consent was given or withdrawn (kept for audits and GDPR exports). */
export const consentProofSchema = z.strictObject({
  ip: z.string().max(100).optional(),
  userAgent: storableText().max(1000).optional(),
  form: storableText().max(500).optional(),
  text: storableText().max(5000).optional().describe('the wording the person saw'),
});

export const consentUpdateSchema = z.strictObject({
  channel: z.enum(consentChannels),
  status: z.enum(consentStatuses),
  source: storableText().min(1).max(200).default('api'),
  proof: consentProofSchema.optional(),
});
export type ConsentUpdate = z.input<typeof consentUpdateSchema>;

export const consentStateSchema = z.object({
  channel: z.enum(consentChannels),
  status: z.enum(consentStatuses),
  source: z.string(),
  updatedAt: z.string(),
  proof: consentProofSchema.nullable(),
});
export type ConsentState = z.infer<typeof consentStateSchema>;
