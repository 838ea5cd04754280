import type { JourneyDefinitionInput } from '@comeback/contracts';
import { emailTemplate, type Phrase } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { days } from './shared.js';
import { send, done } from './lifecycle-shared.js';

export const nextLifeStage: FlowDefinition = {
  id: 'next-life-stage',
  name: 'Next life stage',
  category: 'lifecycle',
  summary: 'Months after a purchase for one stage of life, suggests the next (baby, then toddler).',
  reason:
    'seed 004: a customer who bought baby products years ago and children’s products since will soon need school supplies.',
  params: [
    {
      key: 'fromCategory',
      type: 'category',
      default: 'Baby',
      description: 'the category of the stage they bought for',
    },
    {
      key: 'toCategory',
      type: 'category',
      default: 'Toddler',
      description: 'the category of the next stage',
    },
    {
      key: 'stageDays',
      type: 'days',
      default: 180,
      min: 30,
      max: 1095,
      description: 'days after the purchase before the next stage is suggested',
    },
    {
      key: 'followUpDays',
      type: 'days',
      default: 30,
      min: 7,
      max: 90,
      description: 'days before the second email to those who have not ordered',
    },
  ],
  build(p) {
    const id = 'next-life-stage';
    const next = text(p, 'toCategory');
    const journey: JourneyDefinitionInput = {
      name: 'Next life stage',
      description: `From ${text(p, 'fromCategory')} to ${next}: two suggestions months after the purchase.`,
      trigger: { type: 'event', event: 'Order Completed' },
      entry: {
        rule: 'once_per',
        period: days(365),
        whileInside: false,
        // The order that triggered is already counted: two days make it "this order".
        condition: {
          type: 'purchased',
          category: text(p, 'fromCategory'),
          window: { kind: 'last', amount: 2, unit: 'days' },
        },
      },
      // No goal: an order during the months of waiting is no conversion of this flow, and a
      // goal would end the wait before the suggestion was ever made.
      sending: { priority: 40, overBudget: 'delay', maxDelay: days(3) },
      start: 'wait-stage',
      steps: [
        { id: 'wait-stage', type: 'wait', duration: days(num(p, 'stageDays')), next: 'email-1' },
        send('email-1', id, 'wait-follow-up'),
        {
          id: 'wait-follow-up',
          type: 'wait',
          duration: days(num(p, 'followUpDays')),
          next: 'ordered',
        },
        {
          id: 'ordered',
          type: 'split_action',
          event: 'Order Completed',
          yes: 'done',
          no: 'email-2',
        },
        send('email-2', id, 'done'),
        done,
      ],
    };
    const picks = {
      en: 'Customer favourites',
      he: 'האהובים על הלקוחות שלנו',
      sr: 'Omiljeno među našim kupcima',
    } satisfies Phrase;
    const suggest = emailTemplate(`flow/${id}/email-1`, 'The next stage suggested', 'marketing', {
      en: {
        subject: `Growing up fast? Discover ${next}`,
        preheader: 'Ideas for the next stage, picked for your family.',
        heading: 'They grow up so fast',
        paragraphs: [
          'Some time ago you shopped with us for your little one. Time flies, and the next stage is already around the corner.',
          `That is why we think you would enjoy a look at our ${next} range, with everything that comes next.`,
        ],
        products: { from: 'recommendations', strategy: 'popular_in_category', title: picks.en },
        button: { text: `Explore ${next}` },
      },
      he: {
        subject: `גדלים מהר? גלו את ${next}`,
        preheader: 'רעיונות לשלב הבא, במיוחד בשביל המשפחה שלכם.',
        heading: 'הם גדלים כל כך מהר',
        paragraphs: [
          'לפני זמן מה קניתם אצלנו בשביל הקטנטנים. הזמן טס, והשלב הבא כבר ממש מעבר לפינה.',
          `לכן חשבנו שתשמחו להציץ במבחר שלנו בקטגוריית ${next}, עם כל מה שמגיע בשלב הבא.`,
        ],
        products: { from: 'recommendations', strategy: 'popular_in_category', title: picks.he },
        button: { text: `לקטגוריית ${next}` },
      },
      sr: {
        subject: `Brzo rastu? Otkrijte kategoriju ${next}`,
        preheader: 'Ideje za sledeću fazu, odabrane za vašu porodicu.',
        heading: 'Tako brzo rastu',
        paragraphs: [
          'Pre nekog vremena ste kod nas kupovali za svoje mališane. Vreme leti, a sledeća faza je već iza ugla.',
          `Zato mislimo da bi vam se dopala naša ponuda iz kategorije ${next}, sa svim što dolazi sledeće.`,
        ],
        products: { from: 'recommendations', strategy: 'popular_in_category', title: picks.sr },
        button: { text: `Pogledajte kategoriju ${next}` },
      },
    });
    const followUp = emailTemplate(
      `flow/${id}/email-2`,
      'The next stage, a second look',
      'marketing',
      {
        en: {
          subject: 'Ready for the next stage?',
          preheader: 'The picks growing families love most.',
          heading: 'Ready for what comes next?',
          paragraphs: [
            'Recently we shared a few ideas for the next stage. In case you have not had a chance to look yet, here they are again.',
            `Our ${next} range has everything growing families reach for, and our team is happy to help you choose.`,
          ],
          products: { from: 'recommendations', strategy: 'popular_in_category', title: picks.en },
          button: { text: `Shop ${next}` },
        },
        he: {
          subject: 'מוכנים לשלב הבא?',
          preheader: 'המוצרים שמשפחות צומחות הכי אוהבות.',
          heading: 'מוכנים למה שבא?',
          paragraphs: [
            'לא מזמן שלחנו לכם כמה רעיונות לשלב הבא. אם עוד לא יצא לכם להציץ, הנה הם שוב.',
            `בקטגוריית ${next} תמצאו את כל מה שמשפחות צומחות צריכות, והצוות שלנו ישמח לעזור לכם לבחור.`,
          ],
          products: { from: 'recommendations', strategy: 'popular_in_category', title: picks.he },
          button: { text: `לקטגוריית ${next}` },
        },
        sr: {
          subject: 'Spremni za sledeću fazu?',
          preheader: 'Izbor koji porodice u porastu najviše vole.',
          heading: 'Spremni za ono što sledi?',
          paragraphs: [
            'Nedavno smo vam poslali nekoliko ideja za sledeću fazu. Ako još niste stigli da pogledate, evo ih ponovo.',
            `U kategoriji ${next} naći ćete sve što je porodicama koje rastu potrebno, a naš tim će vam rado pomoći pri izboru.`,
          ],
          products: { from: 'recommendations', strategy: 'popular_in_category', title: picks.sr },
          button: { text: 'Pogledajte ponudu' },
        },
      },
    );
    return { journey, templates: [suggest, followUp] };
  },
};
