import type { RecommendationStrategy, TemplateInput, WhatsappTemplate } from '@comeback/contracts';

/**
 * The library's messages are written as copy (subject, paragraphs, a button) per language and
 * laid out here, so every flow's emails share one tested layout: store header, greeting with a
 * fallback, paragraphs, an optional product block (recommendations, the order's lines or the
 * product of the event), an optional offer box, a button, and a footer with the address and,
 * for marketing, the one-click unsubscribe. Hebrew is aligned right (the renderer sets
 * dir="rtl" on right-to-left languages); Serbian is written in Latin script.
 */
export const flowLanguages = ['en', 'he', 'sr'] as const;
export type FlowLanguage = (typeof flowLanguages)[number];

/** Per language: what surrounds every message. */
const frame: Record<
  FlowLanguage,
  {
    hello: string;
    friend: string;
    unsubscribe: string;
    preferences: string;
    quantity: string;
    code: string;
    align: 'left' | 'right';
  }
> = {
  en: {
    hello: 'Hi',
    friend: 'there',
    unsubscribe: 'Unsubscribe',
    preferences: 'Email preferences',
    quantity: 'Qty',
    code: 'Your code',
    align: 'left',
  },
  he: {
    hello: 'שלום',
    friend: 'וברכה',
    unsubscribe: 'הסרה מרשימת התפוצה',
    preferences: 'העדפות דיוור',
    quantity: 'כמות',
    code: 'הקוד שלך',
    align: 'right',
  },
  sr: {
    hello: 'Zdravo',
    friend: 'i dobro došli',
    unsubscribe: 'Odjavite se',
    preferences: 'Podešavanja obaveštenja',
    quantity: 'Kol.',
    code: 'Vaš kod',
    align: 'left',
  },
};

/** The greeting line with a fallback ("Hi there," / "שלום וברכה," / "Zdravo i dobro došli,"). */
export function greeting(lang: FlowLanguage): string {
  const w = frame[lang];
  return `${w.hello} {{ profile.first_name | default: "${w.friend}" }},`;
}

export type ProductBlock =
  /** The recommendation model's picks for this customer (nothing shown when it has none). */
  | { from: 'recommendations'; strategy: RecommendationStrategy; title: string; limit?: number }
  /** The lines of the triggering order or cart (`event.products`, Segment spec). */
  | { from: 'order'; title: string }
  /** The one product of the triggering event (viewed, back in stock, price drop). */
  | { from: 'product'; title: string };

export interface EmailCopy {
  subject: string;
  preheader: string;
  heading: string;
  /** Each a paragraph; Liquid allowed (every variable with a `default`). */
  paragraphs: string[];
  button: { text: string; /** Liquid; the store's address when absent. */ url?: string };
  products?: ProductBlock;
  offer?: { code: string; text: string };
  /** A last line under the button (a signature, a note). */
  closing?: string;
}

const productCell = (w: (typeof frame)[FlowLanguage], item: string, withQuantity: boolean) => `
      <mj-column width="50%">
        <mj-raw>{% if ${item}.image_url %}</mj-raw>
        <mj-image src="{{ ${item}.image_url | default: '' }}" alt="{{ ${item}.name | default: ${item}.title | default: '' }}" href="{{ ${item}.url | default: store.url | default: '#' }}" width="220px" />
        <mj-raw>{% endif %}</mj-raw>
        <mj-text align="center" font-weight="bold"><a href="{{ ${item}.url | default: store.url | default: '#' }}" style="color:#222222;text-decoration:none">{{ ${item}.name | default: ${item}.title | default: "" }}</a></mj-text>
        <mj-text align="center">${withQuantity ? `${w.quantity} {{ ${item}.quantity | default: 1 }} · ` : ''}{{ ${item}.price | money: ${item}.currency | default: "" }}</mj-text>
      </mj-column>`;

function productSection(lang: FlowLanguage, block: ProductBlock): string {
  const w = frame[lang];
  const title = `
    <mj-section background-color="#ffffff" padding="8px 0 0">
      <mj-column><mj-text font-size="17px" font-weight="bold">${block.title}</mj-text></mj-column>
    </mj-section>`;
  if (block.from === 'product')
    return `${title}
    <mj-section background-color="#ffffff">${productCell(w, 'event', false)}
    </mj-section>`;
  const list =
    block.from === 'order'
      ? '{% assign items = event.products | default: empty %}'
      : `{% assign items = profile | recommendations: "${block.strategy}", ${block.limit ?? 4} %}`;
  // MJML drops what sits between sections, so the Liquid around them is in <mj-raw>.
  return `
    <mj-raw>${list}{% if items.size > 0 %}</mj-raw>${title}
    <mj-section background-color="#ffffff">
      <mj-raw>{% for item in items limit: 6 %}</mj-raw>${productCell(w, 'item', block.from === 'order')}
      <mj-raw>{% endfor %}</mj-raw>
    </mj-section>
    <mj-raw>{% endif %}</mj-raw>`;
}

function emailBody(lang: FlowLanguage, c: EmailCopy): string {
  const w = frame[lang];
  const paragraphs = c.paragraphs.map((p) => `        <mj-text>${p}</mj-text>`).join('\n');
  const offer = c.offer
    ? `
    <mj-section background-color="#ffffff">
      <mj-column border="2px dashed #222222" padding="12px">
        <mj-text align="center" font-size="16px">${c.offer.text}</mj-text>
        <mj-text align="center" font-size="13px" color="#555555">${w.code}</mj-text>
        <mj-text align="center" font-size="24px" font-weight="bold" letter-spacing="2px">${c.offer.code}</mj-text>
      </mj-column>
    </mj-section>`
    : '';
  return `<mjml>
  <mj-head>
    <mj-title>{{ store.name }}</mj-title>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text align="${w.align}" font-size="15px" line-height="1.55" color="#222222" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f3f3f3">
    <mj-section background-color="#ffffff" padding="24px 0 8px">
      <mj-column>
        <mj-text align="center" font-size="22px" font-weight="bold">{{ store.name }}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">${c.heading}</mj-text>
        <mj-text>${greeting(lang)}</mj-text>
${paragraphs}
      </mj-column>
    </mj-section>${c.products ? productSection(lang, c.products) : ''}${offer}
    <mj-section background-color="#ffffff" padding-bottom="24px">
      <mj-column>
        <mj-button href="${c.button.url ?? "{{ store.url | default: '#' }}"}" background-color="#222222" color="#ffffff">${c.button.text}</mj-button>${c.closing ? `\n        <mj-text>${c.closing}</mj-text>` : ''}
      </mj-column>
    </mj-section>
    <mj-section>
      <mj-column>
        <mj-text align="center" font-size="12px" color="#777777">{{ store.name }} · {{ store.address | default: "" }}</mj-text>
        <mj-raw>{% if links.unsubscribe %}</mj-raw>
        <mj-text align="center" font-size="12px"><a href="{{ links.unsubscribe }}" style="color:#777777">${w.unsubscribe}</a> · <a href="{{ links.preferences }}" style="color:#777777">${w.preferences}</a></mj-text>
        <mj-raw>{% endif %}</mj-raw>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
}

export type MessageKind = 'marketing' | 'transactional';

/** An email template in the three languages (English the fallback). */
export function emailTemplate(
  name: string,
  description: string,
  kind: MessageKind,
  copies: Record<FlowLanguage, EmailCopy>,
): TemplateInput {
  const variants: TemplateInput['variants'] = {};
  for (const lang of flowLanguages) {
    const c = copies[lang];
    variants[lang] = { subject: c.subject, preheader: c.preheader, body: emailBody(lang, c) };
  }
  return { name, description, channel: 'email', kind, defaultLanguage: 'en', variants };
}

export interface ShortCopy {
  /** Liquid text: the SMS, the WhatsApp message inside the 24-hour window, the push body. */
  body: string;
  /** Push and inbox: the title. */
  subject?: string;
  /** Push and inbox: where a tap leads. */
  url?: string;
  /** WhatsApp outside the 24-hour window: the approved template sent instead. */
  whatsapp?: WhatsappTemplate;
}

/** An SMS, WhatsApp, push or inbox template in the three languages. */
export function shortTemplate(
  name: string,
  description: string,
  channel: 'sms' | 'whatsapp' | 'push' | 'inbox',
  kind: MessageKind,
  copies: Record<FlowLanguage, ShortCopy>,
): TemplateInput {
  const variants: TemplateInput['variants'] = {};
  for (const lang of flowLanguages) variants[lang] = { ...copies[lang] };
  return { name, description, channel, kind, defaultLanguage: 'en', variants };
}

/** The three languages' texts of one phrase, by language. */
export type Phrase = Record<FlowLanguage, string>;
