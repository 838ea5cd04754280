import { emailTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { templateName, offerParams, holdoutParam, holdoutSplit } from './shared.js';
import { days, daysParam, offerOf, purchaseGoal, marketing } from './retention-shared.js';

const winBack = 'win-back';
const winBackSummary =
  'When the last order is some months old: a "we miss you" email with similar products, then a coupon if they have not come back.';
export const winBackFlow: FlowDefinition = {
  id: winBack,
  name: 'Win-back',
  category: 'retention',
  summary: winBackSummary,
  reason:
    'seed 001: a light "we miss you" email with a coupon for a product like the ones they bought brings customers back; seed 002: 2 touch points.',
  params: [
    daysParam('lapsedDays', 90, 30, 365, 'Days since the last order that start the flow'),
    daysParam('offerWaitDays', 7, 2, 30, 'Days from the first email to the offer'),
    ...offerParams('MISSYOU10', '10% off your next order', 'seed 001: "we miss you" with a coupon'),
    holdoutParam,
  ],
  build(p) {
    const lapsed = num(p, 'lapsedDays');
    const wait = num(p, 'offerWaitDays');
    const offer = offerOf(p);
    return {
      journey: {
        name: 'Win-back',
        description: winBackSummary,
        trigger: {
          type: 'date_field',
          field: 'computed.last_order_at',
          offsetDays: lapsed,
          at: '10:00',
        },
        entry: {
          rule: 'once_per',
          period: days(lapsed),
          whileInside: false,
          condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
        },
        goal: purchaseGoal(7),
        sending: marketing(40, 3),
        start: 'holdout-split',
        steps: [
          ...holdoutSplit(Math.round(num(p, 'holdoutPercent')), 'email-miss-you', days(wait + 7)),
          {
            id: 'email-miss-you',
            type: 'send',
            template: templateName(winBack, 'email-miss-you'),
            next: 'wait-offer',
          },
          { id: 'wait-offer', type: 'wait', duration: days(wait), next: 'came-back' },
          {
            id: 'came-back',
            type: 'split_action',
            label: 'Ordered since the first email?',
            event: 'Order Completed',
            yes: 'returned',
            no: 'email-offer',
          },
          {
            id: 'email-offer',
            type: 'send',
            template: templateName(winBack, 'email-offer'),
            next: 'done',
          },
          { id: 'returned', type: 'exit', label: 'Came back' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(winBack, 'email-miss-you'),
          'Win-back: we miss you, with similar products',
          'marketing',
          {
            en: {
              subject: 'We miss you',
              preheader: 'It has been a while. Here is what we picked for you.',
              heading: 'It has been a while!',
              paragraphs: [
                'We noticed it has been some time since your last order, and we wanted to say it: we miss you.',
                'A lot has happened since then. Here are a few things we think you will like, chosen from what you bought before.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'Picked from your past orders',
              },
              button: { text: 'Come take a look' },
            },
            he: {
              subject: 'התגעגענו אליכם',
              preheader: 'עבר זמן מה. הנה מה שבחרנו בשבילכם.',
              heading: 'הרבה זמן לא התראינו!',
              paragraphs: [
                'שמנו לב שעבר זמן מאז ההזמנה האחרונה שלכם, ורצינו להגיד את זה: אנחנו מתגעגעים.',
                'הרבה קרה מאז. הנה כמה מוצרים שלדעתנו תאהבו, שבחרנו לפי מה שקניתם בעבר.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'נבחר לפי ההזמנות הקודמות שלכם',
              },
              button: { text: 'בואו להציץ' },
            },
            sr: {
              subject: 'Nedostajete nam',
              preheader: 'Prošlo je neko vreme. Evo šta smo izabrali za vas.',
              heading: 'Dugo se nismo videli!',
              paragraphs: [
                'Primetili smo da je prošlo neko vreme od vaše poslednje porudžbine i želeli smo to da vam kažemo: nedostajete nam.',
                'Od tada se mnogo toga desilo. Evo nekoliko proizvoda za koje mislimo da će vam se dopasti, izabranih prema onome što ste ranije kupovali.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'Izabrano prema vašim ranijim kupovinama',
              },
              button: { text: 'Pogledajte' },
            },
          },
        ),
        emailTemplate(
          templateName(winBack, 'email-offer'),
          'Win-back: the coupon for those who have not come back',
          'marketing',
          {
            en: {
              subject: 'A welcome-back gift, just for you',
              preheader: `${offer.text}, waiting for you.`,
              heading: 'A little gift to welcome you back',
              paragraphs: [
                'We would really love to see you again, so here is a small nudge.',
                `Enjoy ${offer.text}. Use your code <strong>${offer.code}</strong> at checkout.`,
              ],
              offer,
              products: {
                from: 'recommendations',
                strategy: 'blend',
                title: 'Ideas for your next order',
              },
              button: { text: 'Use my gift' },
            },
            he: {
              subject: 'מתנה קטנה לכבוד החזרה שלכם',
              preheader: `${offer.text}: מחכה רק לכם.`,
              heading: 'מתנה קטנה לכבוד החזרה',
              paragraphs: [
                'נשמח מאוד לראות אתכם שוב, אז הנה דחיפה קטנה.',
                `מחכה לכם: ${offer.text}. השתמשו בקוד <strong>${offer.code}</strong> בקופה.`,
              ],
              offer,
              products: {
                from: 'recommendations',
                strategy: 'blend',
                title: 'רעיונות להזמנה הבאה',
              },
              button: { text: 'למימוש המתנה' },
            },
            sr: {
              subject: 'Poklon dobrodošlice, samo za vas',
              preheader: `${offer.text}: čeka vas.`,
              heading: 'Mali poklon za vaš povratak',
              paragraphs: [
                'Baš bismo voleli da vas ponovo vidimo, pa evo malog podsticaja.',
                `Za vas: ${offer.text}. Iskoristite kod <strong>${offer.code}</strong> pri plaćanju.`,
              ],
              offer,
              products: {
                from: 'recommendations',
                strategy: 'blend',
                title: 'Ideje za sledeću porudžbinu',
              },
              button: { text: 'Iskoristite poklon' },
            },
          },
        ),
      ],
    };
  },
};
