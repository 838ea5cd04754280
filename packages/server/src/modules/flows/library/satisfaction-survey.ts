import type { JourneyDefinitionInput } from '@comeback/contracts';
import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { days } from './shared.js';
import { send, done, commaName, storeLink } from './lifecycle-shared.js';

/** The 1-5 scale as five links; the store's page records `Survey Answered` {score}. */
const scaleLinks = [1, 2, 3, 4, 5]
  .map(
    (n) =>
      `<a href="{{ store.url | default: '#' }}?score=${n}" style="display:inline-block;width:40px;margin:0 4px;padding:10px 0;border:1px solid #222222;border-radius:4px;color:#222222;font-weight:bold;text-align:center;text-decoration:none">${n}</a>`,
  )
  .join('');
const feedbackUrl = "{{ store.url | default: '#' }}?feedback=1";

export const satisfactionSurvey: FlowDefinition = {
  id: 'satisfaction-survey',
  name: 'Satisfaction survey',
  category: 'lifecycle',
  summary: 'After a delivery: a one-click 1-5 survey by email, and an SMS reminder if unanswered.',
  reason:
    'seed 004: an automatic satisfaction survey builds a base of customer experience and keeps the store in sight.',
  params: [
    {
      key: 'surveyDelayDays',
      type: 'days',
      default: 10,
      min: 1,
      max: 60,
      description: 'days after delivery before the survey (time to use the product)',
    },
    {
      key: 'reminderDays',
      type: 'days',
      default: 4,
      min: 1,
      max: 30,
      description: 'days before the SMS reminder to those who have not answered',
    },
  ],
  build(p) {
    const id = 'satisfaction-survey';
    const journey: JourneyDefinitionInput = {
      name: 'Satisfaction survey',
      description: 'Asks how happy the customer is with a delivered order; one SMS reminder.',
      trigger: { type: 'event', event: 'Order Delivered' },
      // At most one survey a month, however often a customer orders.
      entry: { rule: 'once_per', period: days(30), whileInside: false },
      goal: { event: 'Survey Answered', attributionWindow: days(14) },
      sending: { priority: 50, overBudget: 'delay', maxDelay: days(2) },
      start: 'wait-use',
      steps: [
        { id: 'wait-use', type: 'wait', duration: days(num(p, 'surveyDelayDays')), next: 'email' },
        send('email', id, 'wait-answer'),
        {
          id: 'wait-answer',
          type: 'wait',
          duration: days(num(p, 'reminderDays')),
          next: 'answered',
        },
        { id: 'answered', type: 'split_action', event: 'Survey Answered', yes: 'done', no: 'sms' },
        send('sms', id, 'done'),
        done,
      ],
    };
    const email = emailTemplate(
      `flow/${id}/email`,
      'The one-click satisfaction survey',
      'marketing',
      {
        en: {
          subject: 'How happy are you with your order?',
          preheader: 'One click tells us how we did.',
          heading: 'How was your order?',
          paragraphs: [
            'Your order arrived recently, and we would love to know how it is going.',
            'On a scale from 1 (not happy) to 5 (delighted), how happy are you with it? Just click a number:',
            scaleLinks,
            'It takes a second, and it helps us choose even better products for you and all our customers.',
          ],
          button: { text: 'Tell us more', url: feedbackUrl },
          closing: 'Thank you for shopping at {{ store.name }}',
        },
        he: {
          subject: 'כמה אתם מרוצים מההזמנה?',
          preheader: 'קליק אחד מספר לנו איך היה.',
          heading: 'איך הייתה ההזמנה?',
          paragraphs: [
            'ההזמנה שלכם הגיעה לאחרונה, ונשמח לשמוע איך היא.',
            'בסולם מ-1 (לא מרוצים) עד 5 (מרוצים מאוד), כמה אתם מרוצים? פשוט לחצו על מספר:',
            scaleLinks,
            'זה לוקח שנייה, ועוזר לנו לבחור מוצרים טובים עוד יותר בשבילכם ובשביל כל הלקוחות שלנו.',
          ],
          button: { text: 'ספרו לנו עוד', url: feedbackUrl },
          closing: 'תודה שבחרתם ב-{{ store.name }}',
        },
        sr: {
          subject: 'Koliko ste zadovoljni porudžbinom?',
          preheader: 'Jedan klik nam govori kako smo se pokazali.',
          heading: 'Kako vam se dopada porudžbina?',
          paragraphs: [
            'Vaša porudžbina je nedavno stigla i voleli bismo da čujemo kako ste zadovoljni.',
            'Na skali od 1 (nezadovoljni) do 5 (oduševljeni), koliko ste zadovoljni? Samo kliknite na broj:',
            scaleLinks,
            'Potrebna je samo sekunda, a nama pomaže da biramo još bolje proizvode za vas i sve naše kupce.',
          ],
          button: { text: 'Napišite nam više', url: feedbackUrl },
          closing: 'Hvala što kupujete u prodavnici {{ store.name }}',
        },
      },
    );
    const sms = shortTemplate(`flow/${id}/sms`, 'Survey reminder by SMS', 'sms', 'marketing', {
      en: {
        body: `{{ store.name }}: Got a moment${commaName}? On a scale of 1 to 5, how happy are you with your recent order?${storeLink('Tell us here:', '?feedback=1')}`,
      },
      he: {
        body: `{{ store.name }}: יש לכם רגע${commaName}? בסולם מ-1 עד 5, כמה אתם מרוצים מההזמנה האחרונה?${storeLink('ספרו לנו כאן:', '?feedback=1')}`,
      },
      sr: {
        body: `{{ store.name }}: Imate li trenutak${commaName}? Na skali od 1 do 5, koliko ste zadovoljni poslednjom porudžbinom?${storeLink('Recite nam ovde:', '?feedback=1')}`,
      },
    });
    return { journey, templates: [email, sms] };
  },
};
