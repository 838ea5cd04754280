import type { JourneyDefinitionInput } from '@comeback/contracts';
import { emailTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { days, offerParams } from './shared.js';
import { orderGoal, send, done, useCode } from './lifecycle-shared.js';

export const replacementDue: FlowDefinition = {
  id: 'replacement-due',
  name: 'Replacement due',
  category: 'lifecycle',
  summary: 'When a durable product is likely worn out: new models, then a reminder with an offer.',
  reason:
    'seed 004: someone who bought a laptop years ago is nearing the next purchase, so offer something new.',
  params: [
    {
      key: 'lifetimeDays',
      type: 'days',
      default: 730,
      min: 30,
      max: 3650,
      description: 'days after the last order when the product is due for replacement',
    },
    {
      key: 'category',
      type: 'category',
      default: 'Appliances',
      description: 'the category of durable products',
    },
    {
      key: 'reminderDays',
      type: 'days',
      default: 14,
      min: 1,
      max: 60,
      description: 'days before the reminder with the offer',
    },
    ...offerParams('UPGRADE10', '10% off your new one', 'seed 004: a replacement offer'),
  ],
  build(p) {
    const id = 'replacement-due';
    const category = text(p, 'category');
    const code = text(p, 'offerCode');
    const use = useCode(code);
    const journey: JourneyDefinitionInput = {
      name: 'Replacement due',
      description: `Customers of ${category}, when their last order is old enough for a replacement.`,
      trigger: {
        type: 'date_field',
        field: 'computed.last_order_at',
        offsetDays: num(p, 'lifetimeDays'),
      },
      entry: {
        rule: 'once_per',
        period: days(365),
        whileInside: false,
        condition: { type: 'purchased', category },
      },
      goal: orderGoal(7),
      sending: { priority: 40, overBudget: 'delay', maxDelay: days(3) },
      start: 'email-1',
      steps: [
        send('email-1', id, 'wait'),
        { id: 'wait', type: 'wait', duration: days(num(p, 'reminderDays')), next: 'email-2' },
        send('email-2', id, 'done'),
        done,
      ],
    };
    const upgrade = emailTemplate(`flow/${id}/email-1`, 'Time for a new one?', 'marketing', {
      en: {
        subject: 'Time for a new one?',
        preheader: 'See what’s new since your last purchase.',
        heading: 'Time for an upgrade?',
        paragraphs: [
          `It has been a while since you bought from our ${category} range. Products like these are built to last, but not forever, and a lot has changed since then.`,
          'If yours is starting to show its age, here are the models our customers choose most right now.',
        ],
        products: {
          from: 'recommendations',
          strategy: 'popular_in_category',
          title: 'Popular right now',
        },
        button: { text: 'See what’s new' },
      },
      he: {
        subject: 'הגיע הזמן לחדש?',
        preheader: 'גלו מה חדש מאז הקנייה האחרונה שלכם.',
        heading: 'אולי הגיע הזמן לשדרוג?',
        paragraphs: [
          `עבר לא מעט זמן מאז שקניתם אצלנו מקטגוריית ${category}. המוצרים האלה בנויים להחזיק מעמד, אבל לא לנצח, ומאז הרבה השתנה.`,
          'אם המוצר שלכם כבר מתחיל להראות סימני שחיקה, ריכזנו בשבילכם את הדגמים שהלקוחות שלנו בוחרים בהם הכי הרבה עכשיו.',
        ],
        products: {
          from: 'recommendations',
          strategy: 'popular_in_category',
          title: 'הכי פופולריים עכשיו',
        },
        button: { text: 'לגלות מה חדש' },
      },
      sr: {
        subject: 'Da li je vreme za nešto novo?',
        preheader: 'Pogledajte šta je novo od vaše poslednje kupovine.',
        heading: 'Vreme za novi model?',
        paragraphs: [
          `Prošlo je dosta vremena otkako ste kupili nešto iz naše kategorije ${category}. Ovakvi proizvodi se prave da traju, ali ne zauvek, a od tada se mnogo toga promenilo.`,
          'Ako vaš proizvod već pokazuje znake godina, izdvojili smo modele koje naši kupci trenutno najčešće biraju.',
        ],
        products: {
          from: 'recommendations',
          strategy: 'popular_in_category',
          title: 'Trenutno najpopularnije',
        },
        button: { text: 'Pogledajte novitete' },
      },
    });
    const gift = { code, text: text(p, 'offerText') };
    const offer = emailTemplate(
      `flow/${id}/email-2`,
      'A replacement reminder with an offer',
      'marketing',
      {
        en: {
          subject: 'A little help with your next one',
          preheader: 'A special offer, just for you.',
          heading: 'Ready when you are',
          paragraphs: [
            'Replacing something you use every day is a bigger decision than most, so we wanted to make it a little easier.',
            `Here is a special offer for your next purchase from our ${category} range. ${use.en}`,
          ],
          offer: gift,
          button: { text: 'Shop now' },
        },
        he: {
          subject: 'עזרה קטנה בבחירה הבאה',
          preheader: 'הצעה מיוחדת, רק בשבילכם.',
          heading: 'מתי שתהיו מוכנים',
          paragraphs: [
            'החלפה של מוצר שמשתמשים בו כל יום היא החלטה גדולה, אז רצינו להקל עליכם קצת.',
            `הנה הצעה מיוחדת לקנייה הבאה שלכם מקטגוריית ${category}. ${use.he}`,
          ],
          offer: gift,
          button: { text: 'לקנייה עכשיו' },
        },
        sr: {
          subject: 'Mala pomoć pri izboru novog',
          preheader: 'Posebna ponuda, samo za vas.',
          heading: 'Tu smo kad god ste spremni',
          paragraphs: [
            'Zamena nečega što koristite svaki dan ozbiljnija je odluka od većine kupovina, pa smo želeli da vam je malo olakšamo.',
            `Evo posebne ponude za vašu sledeću kupovinu iz kategorije ${category}. ${use.sr}`,
          ],
          offer: gift,
          button: { text: 'Kupite sada' },
        },
      },
    );
    return { journey, templates: [upgrade, offer] };
  },
};
