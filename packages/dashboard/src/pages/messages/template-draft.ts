import type { ChannelKind, Template, TemplateInput } from '@comeback/contracts';

/** One language's content as the API accepts it (WhatsApp parameters may be left out). */
export type VariantInput = TemplateInput['variants'][string];

/**
 * The editor's model of a template: every text field a string (empty = absent), so inputs stay
 * controlled. `toInput` turns it into what POST/PUT /api/v1/templates accept.
 */
export interface TemplateDraft {
  name: string;
  description: string;
  channel: ChannelKind;
  kind: 'marketing' | 'transactional';
  defaultLanguage: string;
  webhookUrl: string;
  variants: Record<string, VariantInput>;
}

export const CHANNELS: readonly ChannelKind[] = [
  'email',
  'sms',
  'whatsapp',
  'push',
  'inbox',
  'webhook',
];

const BLANK_BODY: Record<ChannelKind, string> = {
  email: `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi {{ profile.first_name | default: "there" }},</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`,
  sms: 'Hi {{ profile.first_name | default: "there" }}!',
  whatsapp: 'Hi {{ profile.first_name | default: "there" }}!',
  push: 'Hi {{ profile.first_name | default: "there" }}!',
  inbox: 'Hi {{ profile.first_name | default: "there" }}!',
  webhook: '{ "profile": "{{ profile.id }}" }',
};

export function blankDraft(channel: ChannelKind): TemplateDraft {
  const needsTitle = channel === 'email' || channel === 'push' || channel === 'inbox';
  return {
    name: '',
    description: '',
    channel,
    kind: 'marketing',
    defaultLanguage: 'en',
    webhookUrl: '',
    variants: { en: { body: BLANK_BODY[channel], ...(needsTitle ? { subject: '' } : {}) } },
  };
}

export function draftOf(template: Template | TemplateInput): TemplateDraft {
  return {
    name: template.name,
    description: template.description ?? '',
    channel: template.channel,
    kind: template.kind ?? 'marketing',
    defaultLanguage: template.defaultLanguage ?? 'en',
    webhookUrl: template.webhookUrl ?? '',
    variants: template.variants,
  };
}

const OPTIONAL_PARTS = ['subject', 'preheader', 'text', 'url'] as const;

/** Empty optional parts are left out rather than sent as "" (an empty subject is an error). */
function cleanVariant(variant: VariantInput, channel: ChannelKind): VariantInput {
  const clean: VariantInput = { ...variant };
  for (const part of OPTIONAL_PARTS) {
    // An email's subject is required: sent even when empty, so the error names it.
    if (part === 'subject' && channel === 'email') continue;
    if (clean[part] === '') delete clean[part];
  }
  return clean;
}

export function toInput(draft: TemplateDraft): TemplateInput {
  return {
    name: draft.name.trim(),
    channel: draft.channel,
    kind: draft.kind,
    defaultLanguage: draft.defaultLanguage,
    variants: Object.fromEntries(
      Object.entries(draft.variants).map(([lang, v]) => [lang, cleanVariant(v, draft.channel)]),
    ),
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    ...(draft.channel === 'webhook' ? { webhookUrl: draft.webhookUrl.trim() } : {}),
  };
}

/** Right-to-left languages (as the server's rightToLeftLanguages). */
const RTL = ['he', 'ar', 'fa', 'ur', 'yi'];
export const directionOfLanguage = (tag: string): 'rtl' | 'ltr' =>
  RTL.includes(tag.split('-')[0] ?? '') ? 'rtl' : 'ltr';
