import type { TemplateDefinition, TemplateVariant } from '@comeback/contracts';

/**
 * Layouts a workspace starts from: complete definitions that save without errors or warnings
 * (every variable that may be missing has a `default`). Caller data they use: `products` (a list
 * of { title, url, image_url, price, currency }), `intro` and `preheader`.
 *
 * MJML drops anything written between sections, Liquid included, so the product loop sits in
 * `<mj-raw>` elements: `<mj-raw>{% for ... %}</mj-raw>` ... `<mj-raw>{% endfor %}</mj-raw>`.
 */

interface NewsletterWords {
  subject: string;
  preheader: string;
  greeting: string;
  friend: string;
  intro: string;
  button: string;
  unsubscribe: string;
  /** Right-to-left text is aligned right: MJML writes text-align into every block. */
  align: 'left' | 'right';
}

function newsletterVariant(w: NewsletterWords): TemplateVariant {
  const body = `<mjml>
  <mj-head>
    <mj-title>{{ store.name }}</mj-title>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text align="${w.align}" font-size="15px" line-height="1.5" color="#222222" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f3f3f3">
    <mj-section background-color="#ffffff" padding="24px 0 8px">
      <mj-column>
        <mj-text align="center" font-size="24px" font-weight="bold">{{ store.name }}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="18px">${w.greeting} {{ profile.first_name | default: "${w.friend}" }},</mj-text>
        <mj-text>{{ intro | default: "${w.intro}" }}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-raw>{% for product in products limit: 6 %}</mj-raw>
      <mj-column width="50%">
        <mj-raw>{% if product.image_url %}</mj-raw>
        <mj-image src="{{ product.image_url }}" alt="{{ product.title | default: '' }}" href="{{ product.url | default: store.url | default: '#' }}" width="240px" />
        <mj-raw>{% endif %}</mj-raw>
        <mj-text align="center" font-weight="bold">{{ product.title | default: "" }}</mj-text>
        <mj-text align="center">{{ product.price | money: product.currency }}</mj-text>
      </mj-column>
      <mj-raw>{% endfor %}</mj-raw>
    </mj-section>
    <mj-section background-color="#ffffff" padding-bottom="24px">
      <mj-column>
        <mj-button href="{{ store.url | default: '#' }}" background-color="#222222" color="#ffffff">${w.button}</mj-button>
      </mj-column>
    </mj-section>
    <mj-section>
      <mj-column>
        <mj-text align="center" font-size="12px" color="#777777">{{ store.name }} · {{ store.address | default: "" }}</mj-text>
        <mj-text align="center" font-size="12px"><a href="{{ links.unsubscribe }}" style="color:#777777">${w.unsubscribe}</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
  return {
    subject: w.subject,
    preheader: `{{ preheader | default: "${w.preheader}" }}`,
    body,
  };
}

const newsletter: TemplateDefinition = {
  name: 'Newsletter',
  description: 'Store name header, greeting, a grid of up to six products, a button, footer.',
  channel: 'email',
  kind: 'marketing',
  defaultLanguage: 'en',
  variants: {
    en: newsletterVariant({
      subject: 'New at {{ store.name }}',
      preheader: 'What is new this week',
      greeting: 'Hi',
      friend: 'there',
      intro: 'Here is what is new this week.',
      button: 'Visit the shop',
      unsubscribe: 'Unsubscribe',
      align: 'left',
    }),
    he: newsletterVariant({
      subject: 'חדש ב-{{ store.name }}',
      preheader: 'מה חדש השבוע',
      greeting: 'שלום',
      friend: 'לך',
      intro: 'הנה מה שחדש השבוע.',
      button: 'לחנות',
      unsubscribe: 'הסרה מרשימת התפוצה',
      align: 'right',
    }),
  },
};

/** By key; each is a TemplateDefinition ready for TemplateService.create (rename as needed). */
export const starterLayouts: Readonly<Record<'newsletter', TemplateDefinition>> = { newsletter };
