import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import {
  templateName,
  waitParam,
  offerParams,
  holdoutParam,
  holdoutSplit,
  hours,
} from './shared.js';
import { purchaseGoal, marketing } from './onboarding-shared.js';

const checkout = 'checkout-abandonment';
const checkoutSummary =
  'Checkout started and no order within an hour: an email with the order, a WhatsApp reminder, then an email with an offer.';
export const checkoutAbandonment: FlowDefinition = {
  id: checkout,
  name: 'Checkout abandonment',
  category: 'abandonment',
  summary: checkoutSummary,
  reason:
    'seed 002: abandonment after starting checkout, 2-4 touch points; seed 003: a discount or other benefit wins back shoppers comparing stores.',
  params: [
    waitParam('firstWaitHours', 'hours', 1, 24, 'Hours without an order before the first email'),
    waitParam('reminderWaitHours', 'hours', 20, 72, 'Hours from the first email to WhatsApp'),
    waitParam('offerWaitHours', 'hours', 24, 168, 'Hours from WhatsApp to the offer email'),
    ...offerParams('FINISH10', '10% off your order', 'seed 003: a discount wins back the order'),
    holdoutParam,
  ],
  build(p) {
    const offer = { code: text(p, 'offerCode'), text: text(p, 'offerText') };
    const firstName = (fallback: string) => `{{ profile.first_name | default: "${fallback}" }}`;
    const whatsapp = (language: 'en' | 'he' | 'sr', fallback: string) => ({
      name: 'comeback_checkout_reminder',
      language,
      parameters: [firstName(fallback), '{{ store.name }}', '{{ store.url | default: "" }}'],
    });
    return {
      journey: {
        name: 'Checkout abandonment',
        description: checkoutSummary,
        trigger: { type: 'event', event: 'Checkout Started' },
        entry: { rule: 'once_per', period: { amount: 1, unit: 'days' }, whileInside: false },
        goal: purchaseGoal(3),
        sending: marketing(90),
        start: 'wait-order',
        steps: [
          {
            id: 'wait-order',
            type: 'wait_for_event',
            event: 'Order Completed',
            timeout: { amount: num(p, 'firstWaitHours'), unit: 'hours' },
            next: 'ordered',
            timeoutNext: 'holdout-split',
          },
          ...holdoutSplit(
            Math.round(num(p, 'holdoutPercent')),
            'email-checkout',
            hours(num(p, 'reminderWaitHours') + num(p, 'offerWaitHours')),
          ),
          {
            id: 'email-checkout',
            type: 'send',
            template: templateName(checkout, 'email-checkout'),
            next: 'wait-reminder',
          },
          {
            id: 'wait-reminder',
            type: 'wait',
            duration: { amount: num(p, 'reminderWaitHours'), unit: 'hours' },
            next: 'whatsapp-reminder',
          },
          {
            id: 'whatsapp-reminder',
            type: 'send',
            template: templateName(checkout, 'whatsapp-reminder'),
            next: 'wait-offer',
          },
          {
            id: 'wait-offer',
            type: 'wait',
            duration: { amount: num(p, 'offerWaitHours'), unit: 'hours' },
            next: 'email-offer',
          },
          {
            id: 'email-offer',
            type: 'send',
            template: templateName(checkout, 'email-offer'),
            next: 'done',
          },
          { id: 'ordered', type: 'exit', label: 'Ordered in time' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(checkout, 'email-checkout'),
          'Checkout abandonment: the order left at checkout',
          'marketing',
          {
            en: {
              subject: 'Your order is almost complete',
              preheader: 'Just one step left, and your items are saved.',
              heading: 'Just one step to go',
              paragraphs: [
                'You were so close! Your items are saved, so finishing your order takes only a minute.',
                'If something stopped you, like a payment issue or a question about delivery, reply to this email and we will sort it out.',
              ],
              products: { from: 'order', title: 'Your order' },
              button: { text: 'Complete my order' },
            },
            he: {
              subject: 'ההזמנה שלכם כמעט הושלמה',
              preheader: 'נשאר רק צעד אחד – הפריטים שמורים לכם',
              heading: 'נשאר רק צעד אחד',
              paragraphs: [
                'הייתם ממש קרובים! הפריטים שלכם שמורים, כך שהשלמת ההזמנה תיקח רק דקה.',
                'אם משהו עצר אתכם – בעיה בתשלום או שאלה על המשלוח – השיבו למייל הזה ונדאג לזה.',
              ],
              products: { from: 'order', title: 'ההזמנה שלכם' },
              button: { text: 'להשלמת ההזמנה' },
            },
            sr: {
              subject: 'Vaša porudžbina je skoro gotova',
              preheader: 'Ostao je još samo jedan korak, a proizvodi su sačuvani.',
              heading: 'Još samo jedan korak',
              paragraphs: [
                'Bili ste tako blizu! Vaši proizvodi su sačuvani, pa vam za završetak porudžbine treba samo minut.',
                'Ako vas je nešto zaustavilo, na primer problem sa plaćanjem ili pitanje o dostavi, odgovorite na ovaj imejl i rešićemo to.',
              ],
              products: { from: 'order', title: 'Vaša porudžbina' },
              button: { text: 'Završite porudžbinu' },
            },
          },
        ),
        shortTemplate(
          templateName(checkout, 'whatsapp-reminder'),
          'Checkout abandonment: the WhatsApp reminder',
          'whatsapp',
          'marketing',
          {
            en: {
              body: `Hi ${firstName('there')}! Your order at {{ store.name }} is saved and just one step from done. You can complete it here: {{ store.url | default: "" }}`,
              whatsapp: whatsapp('en', 'there'),
            },
            he: {
              body: 'שלום{% if profile.first_name %} {{ profile.first_name | default: "" }}{% endif %}! ההזמנה שלכם ב-{{ store.name }} שמורה, ונשאר רק צעד אחד להשלמתה. אפשר לסיים כאן: {{ store.url | default: "" }}',
              whatsapp: whatsapp('he', 'וברכה'),
            },
            sr: {
              body: 'Zdravo{% if profile.first_name %} {{ profile.first_name | default: "" }}{% endif %}! Vaša porudžbina u prodavnici {{ store.name }} je sačuvana i ostao je još samo jedan korak. Završite je ovde: {{ store.url | default: "" }}',
              whatsapp: whatsapp('sr', 'i dobro došli'),
            },
          },
        ),
        emailTemplate(
          templateName(checkout, 'email-offer'),
          'Checkout abandonment: the last email, with an offer',
          'marketing',
          {
            en: {
              subject: 'Complete your order, with a little extra',
              preheader: 'A small gift to help you finish your order.',
              heading: 'A little extra, just for you',
              paragraphs: [
                'Your order is still waiting. To thank you for choosing us, here is a little extra when you complete it.',
                'Use your code at checkout.',
              ],
              products: { from: 'order', title: 'Your order' },
              offer,
              button: { text: 'Complete my order' },
            },
            he: {
              subject: 'השלימו את ההזמנה – עם הטבה קטנה',
              preheader: 'מתנה קטנה שתעזור לכם לסיים את ההזמנה',
              heading: 'הטבה קטנה, רק בשבילכם',
              paragraphs: [
                'ההזמנה שלכם עדיין מחכה. כתודה על שבחרתם בנו, הכנו לכם הטבה להשלמת ההזמנה.',
                'השתמשו בקוד בקופה.',
              ],
              products: { from: 'order', title: 'ההזמנה שלכם' },
              offer,
              button: { text: 'להשלמת ההזמנה' },
            },
            sr: {
              subject: 'Završite porudžbinu uz mali popust',
              preheader: 'Mali poklon da lakše završite porudžbinu.',
              heading: 'Nešto posebno, samo za vas',
              paragraphs: [
                'Vaša porudžbina vas i dalje čeka. Kao zahvalnost što ste izabrali nas, pripremili smo vam popust kada je završite.',
                'Iskoristite kod prilikom plaćanja.',
              ],
              products: { from: 'order', title: 'Vaša porudžbina' },
              offer,
              button: { text: 'Završite porudžbinu' },
            },
          },
        ),
      ],
    };
  },
};
