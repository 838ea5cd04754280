import type { Template, TemplateDefinition } from '@comeback/contracts';

/**
 * The confirmation email of double opt-in: built in (English and Hebrew), transactional (the
 * person asked for it), and rendered like any template. `data.confirm_url` is the signed link
 * whose visit records the consent.
 */
const mjml = (dir: 'ltr' | 'rtl', lines: string[]) =>
  `<mjml><mj-body><mj-section><mj-column>${lines
    .map((l) => `<mj-text align="${dir === 'rtl' ? 'right' : 'left'}">${l}</mj-text>`)
    .join(
      '',
    )}<mj-button href="{{ confirm_url }}">{{ button }}</mj-button></mj-column></mj-section></mj-body></mjml>`;

const definition: TemplateDefinition = {
  name: 'Double opt-in confirmation',
  channel: 'email',
  kind: 'transactional',
  defaultLanguage: 'en',
  variants: {
    en: {
      subject: 'Please confirm your subscription to {{ store.name }}',
      body: mjml('ltr', [
        'Hello {{ profile.first_name | default: "there" }},',
        'Please confirm that you want news and offers from {{ store.name }} by email. If you did not ask for this, ignore this message: nothing will be sent.',
      ]).replace('{{ button }}', 'Confirm my subscription'),
    },
    he: {
      subject: 'נא לאשר את ההרשמה לדיוור של {{ store.name }}',
      body: mjml('rtl', [
        'שלום {{ profile.first_name | default: "" }},',
        'נא לאשר שברצונך לקבל עדכונים ומבצעים מ-{{ store.name }} בדוא"ל. אם לא ביקשת זאת, אפשר להתעלם מההודעה: לא יישלח דבר.',
      ]).replace('{{ button }}', 'אישור ההרשמה'),
    },
  },
};

/** As a saved template (a fixed id and version, so its compiled form is cached like any). */
export const doubleOptInTemplate: Template = {
  id: 'tpl_system_double_opt_in',
  name: definition.name,
  description: 'Built in: sent by POST /api/v1/profiles/{id}/consent/double-opt-in',
  channel: definition.channel,
  kind: definition.kind,
  defaultLanguage: definition.defaultLanguage,
  variants: definition.variants,
  version: 1,
  warnings: [],
  createdAt: '2026-12-06T00:00:00.000Z',
  updatedAt: '2026-12-06T00:00:00.000Z',
};
