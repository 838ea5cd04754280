import type { JourneyDefinitionInput } from '@comeback/contracts';
import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { days, hours, offerParams } from './shared.js';
import { orderGoal, send, done, commaName, storeLink, useCode } from './lifecycle-shared.js';

const customersSegment = 'Flow: customers';

export const holidayGreetings: FlowDefinition = {
  id: 'holiday-greetings',
  name: 'Holiday greetings',
  category: 'lifecycle',
  summary: 'A seasonal greeting with a thank-you offer to every customer, by email and WhatsApp.',
  reason:
    'seed 001: holiday greetings are among the messages worth sending after the first purchase.',
  params: [
    {
      key: 'cron',
      type: 'text',
      default: '0 9 20 12 *',
      description:
        'when the greeting goes out (five-field cron, workspace time; default Dec 20, 09:00)',
    },
    ...offerParams('HOLIDAY10', '10% off your holiday order', 'seed 001: holiday greetings'),
    {
      key: 'whatsappDelayHours',
      type: 'hours',
      default: 2,
      min: 1,
      max: 24,
      description: 'hours after the email before the WhatsApp greeting',
    },
  ],
  build(p) {
    const id = 'holiday-greetings';
    const code = text(p, 'offerCode');
    const offer = text(p, 'offerText');
    const use = useCode(code);
    const gift = { code, text: offer };
    const journey: JourneyDefinitionInput = {
      name: 'Holiday greetings',
      description: 'A holiday greeting with a thank-you offer by email, then by WhatsApp.',
      trigger: { type: 'schedule', cron: text(p, 'cron'), segment: customersSegment },
      entry: { rule: 'once_per', period: days(300), whileInside: false },
      goal: orderGoal(5),
      sending: { priority: 30, overBudget: 'delay', maxDelay: days(2) },
      start: 'email',
      steps: [
        send('email', id, 'wait'),
        {
          id: 'wait',
          type: 'wait',
          duration: hours(num(p, 'whatsappDelayHours')),
          next: 'whatsapp',
        },
        send('whatsapp', id, 'done'),
        done,
      ],
    };
    const email = emailTemplate(
      `flow/${id}/email`,
      'Holiday greeting with a thank-you offer',
      'marketing',
      {
        en: {
          subject: 'Happy holidays from {{ store.name }}',
          preheader: 'A small thank-you gift for the season.',
          heading: 'Warm wishes for the holidays',
          paragraphs: [
            'As the year comes to an end, we want to thank you for shopping with us and for being part of our story.',
            `We wish you and your loved ones joyful holidays and a happy, healthy new year. To say thank you, here is a small gift from us. ${use.en}`,
          ],
          offer: gift,
          products: { from: 'recommendations', strategy: 'popular', title: 'Holiday favourites' },
          button: { text: 'Shop the holiday picks' },
          closing: 'With gratitude, the {{ store.name }} team',
        },
        he: {
          subject: 'חגים שמחים מכל הצוות של {{ store.name }}',
          preheader: 'מתנת תודה קטנה לכבוד העונה.',
          heading: 'ברכות חמות לחגים',
          paragraphs: [
            'לקראת סוף השנה, רצינו להגיד לכם תודה שאתם קונים אצלנו ושאתם חלק מהסיפור שלנו.',
            `מאחלים לכם ולאהובים עליכם חגים שמחים ושנה חדשה טובה, בריאה ומלאת שמחה. כדי להגיד תודה, הכנו לכם מתנה קטנה. ${use.he}`,
          ],
          offer: gift,
          products: { from: 'recommendations', strategy: 'popular', title: 'הלהיטים של העונה' },
          button: { text: 'לקניות לחג' },
          closing: 'בהוקרה, הצוות של {{ store.name }}',
        },
        sr: {
          subject: 'Srećni praznici od tima {{ store.name }}',
          preheader: 'Mali poklon zahvalnosti za praznike.',
          heading: 'Najtoplije praznične čestitke',
          paragraphs: [
            'Kako se godina bliži kraju, želimo da vam se zahvalimo što kupujete kod nas i što ste deo naše priče.',
            `Vama i vašim najmilijima želimo srećne praznike i zdravu, radosnu Novu godinu. Kao znak zahvalnosti, pripremili smo vam mali poklon. ${use.sr}`,
          ],
          offer: gift,
          products: { from: 'recommendations', strategy: 'popular', title: 'Praznični favoriti' },
          button: { text: 'Pogledajte praznične ponude' },
          closing: 'Sa zahvalnošću, vaš tim {{ store.name }}',
        },
      },
    );
    const name = (fallback: string) => `{{ profile.first_name | default: "${fallback}" }}`;
    const whatsapp = (language: 'en' | 'he' | 'sr', fallback: string) => ({
      name: 'comeback_holiday_greeting',
      language,
      parameters: [name(fallback), '{{ store.name }}', offer, code],
    });
    const message = shortTemplate(
      `flow/${id}/whatsapp`,
      'Holiday greeting on WhatsApp',
      'whatsapp',
      'marketing',
      {
        en: {
          body: `Happy holidays${commaName}! Thank you for shopping with {{ store.name }} this year. A small gift from us: ${offer}. ${use.en}${storeLink('Shop:')}`,
          whatsapp: whatsapp('en', 'friend'),
        },
        he: {
          body: `חגים שמחים${commaName}! תודה שקניתם השנה ב-{{ store.name }}. מתנה קטנה מאיתנו: ${offer}. ${use.he}${storeLink('לקנייה:')}`,
          whatsapp: whatsapp('he', 'לקוחות יקרים'),
        },
        sr: {
          body: `Srećni praznici${commaName}! Hvala vam što ste ove godine kupovali u prodavnici {{ store.name }}. Mali poklon od nas: ${offer}. ${use.sr}${storeLink('Kupujte:')}`,
          whatsapp: whatsapp('sr', 'dragi kupče'),
        },
      },
    );
    return {
      journey,
      templates: [email, message],
      segments: [
        {
          name: customersSegment,
          description: 'Everyone who has ordered at least once (flow holiday-greetings).',
          condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
        },
      ],
    };
  },
};
