import type { JourneyDefinitionInput } from '@comeback/contracts';
import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { days, hours, offerParams } from './shared.js';
import { orderGoal, send, done, commaName, storeLink, useCode } from './lifecycle-shared.js';

export const birthday: FlowDefinition = {
  id: 'birthday',
  name: 'Birthday',
  category: 'lifecycle',
  summary: 'On the customer’s birthday: an email with a gift code, and an SMS a few hours later.',
  reason: 'seed 001: birthday greetings and personal offers keep customers coming back.',
  params: [
    ...offerParams('BIRTHDAY15', '15% off your next order', 'seed 001: a birthday gift'),
    {
      key: 'smsDelayHours',
      type: 'hours',
      default: 4,
      min: 1,
      max: 12,
      description: 'hours after the 09:00 email before the birthday SMS',
    },
  ],
  build(p) {
    const id = 'birthday';
    const code = text(p, 'offerCode');
    const offer = text(p, 'offerText');
    const use = useCode(code);
    const gift = { code, text: offer };
    const journey: JourneyDefinitionInput = {
      name: 'Birthday',
      description: 'A birthday gift by email at 09:00 local time, then a short SMS the same day.',
      trigger: {
        type: 'date_field',
        field: 'traits.birthday',
        yearly: true,
        offsetDays: 0,
        at: '09:00',
      },
      entry: { rule: 'once_per', period: days(300), whileInside: false },
      goal: orderGoal(7),
      sending: { priority: 40, overBudget: 'delay', maxDelay: days(1) },
      start: 'email',
      steps: [
        send('email', id, 'wait-sms'),
        { id: 'wait-sms', type: 'wait', duration: hours(num(p, 'smsDelayHours')), next: 'sms' },
        send('sms', id, 'done'),
        done,
      ],
    };
    const email = emailTemplate(
      `flow/${id}/email`,
      'Birthday greeting with a gift code',
      'marketing',
      {
        en: {
          subject: 'Happy birthday! A little gift from us inside',
          preheader: 'We have a birthday gift waiting for you.',
          heading: 'Happy birthday!',
          paragraphs: [
            'Today is all about you, and we wanted to be part of the celebration.',
            `Thank you for being with us. Here is a small gift from all of us at {{ store.name }}: ${use.en} Treat yourself to something you love.`,
          ],
          offer: gift,
          products: {
            from: 'recommendations',
            strategy: 'blend',
            title: 'A few ideas to treat yourself',
          },
          button: { text: 'Choose my gift' },
          closing: 'With warm wishes, the {{ store.name }} team',
        },
        he: {
          subject: 'יום הולדת שמח! מתנה קטנה מחכה לכם',
          preheader: 'הכנו לכם מתנה קטנה לכבוד היום המיוחד.',
          heading: 'יום הולדת שמח!',
          paragraphs: [
            'היום הזה כולו שלכם, ורצינו להיות חלק מהחגיגה.',
            `תודה שאתם איתנו. לכבוד יום ההולדת, הנה מתנה קטנה מכל הצוות של {{ store.name }}: ${use.he} פנקו את עצמכם במשהו שאתם אוהבים.`,
          ],
          offer: gift,
          products: { from: 'recommendations', strategy: 'blend', title: 'כמה רעיונות לפינוק' },
          button: { text: 'לבחירת המתנה' },
          closing: 'באיחולים חמים, הצוות של {{ store.name }}',
        },
        sr: {
          subject: 'Srećan rođendan! Mali poklon vas čeka',
          preheader: 'Pripremili smo vam mali poklon za vaš poseban dan.',
          heading: 'Srećan rođendan!',
          paragraphs: [
            'Današnji dan je samo vaš, a mi smo želeli da budemo deo slavlja.',
            `Hvala vam što ste sa nama. Za rođendan vam ceo tim prodavnice {{ store.name }} šalje mali poklon: ${use.sr} Priuštite sebi nešto što volite.`,
          ],
          offer: gift,
          products: {
            from: 'recommendations',
            strategy: 'blend',
            title: 'Nekoliko ideja da se obradujete',
          },
          button: { text: 'Izaberite svoj poklon' },
          closing: 'Uz najlepše želje, vaš tim {{ store.name }}',
        },
      },
    );
    const sms = shortTemplate(
      `flow/${id}/sms`,
      'Birthday SMS with the gift code',
      'sms',
      'marketing',
      {
        en: {
          body: `{{ store.name }}: Happy birthday${commaName}! Your gift: ${offer}. ${use.en}${storeLink('Shop:')}`,
        },
        he: {
          body: `{{ store.name }}: יום הולדת שמח${commaName}! המתנה שלכם: ${offer}. ${use.he}${storeLink('לקנייה:')}`,
        },
        sr: {
          body: `{{ store.name }}: Srećan rođendan${commaName}! Vaš poklon: ${offer}. ${use.sr}${storeLink('Kupujte:')}`,
        },
      },
    );
    return { journey, templates: [email, sms], dateFields: ['birthday'] };
  },
};
