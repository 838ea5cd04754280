import { emailTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { templateName, offerParams } from './shared.js';
import { days, daysParam, offerOf, marketing } from './retention-shared.js';

const reEngage = 're-engagement';
const reEngageSummary =
  'After a first order: a thank-you to those who came back, a nudge to those who did not, and an offer if there is still no second order.';
export const reEngagementFlow: FlowDefinition = {
  id: reEngage,
  name: 'Re-engagement',
  category: 'retention',
  summary: reEngageSummary,
  reason:
    'seed 001: after one purchase 27% come back, after two 50%, so the second order is the one to win; seed 002: customers who have not bought in X time, 2 touch points.',
  params: [
    daysParam('checkDays', 30, 7, 180, 'Days after the first order to check for a second one'),
    daysParam(
      'offerDays',
      60,
      14,
      365,
      'Days after the first order for the last message with the offer',
    ),
    ...offerParams(
      'COMEBACK10',
      '10% off your next order',
      'seed 001: a coupon brings customers back',
    ),
  ],
  build(p) {
    const check = num(p, 'checkDays');
    const offer = offerOf(p);
    return {
      journey: {
        name: 'Re-engagement',
        description: reEngageSummary,
        trigger: { type: 'event', event: 'Order Completed' },
        entry: {
          rule: 'once',
          whileInside: false,
          condition: { type: 'field', field: 'computed.order_count', operator: 'eq', value: 1 },
        },
        sending: marketing(40),
        start: 'wait-check',
        steps: [
          { id: 'wait-check', type: 'wait', duration: days(check), next: 'came-back' },
          {
            id: 'came-back',
            type: 'split_action',
            label: 'Ordered again since the first order?',
            event: 'Order Completed',
            yes: 'email-thanks',
            no: 'email-nudge',
          },
          {
            id: 'email-thanks',
            type: 'send',
            template: templateName(reEngage, 'email-thanks'),
            next: 'returned',
          },
          {
            id: 'email-nudge',
            type: 'send',
            template: templateName(reEngage, 'email-nudge'),
            next: 'wait-offer',
          },
          // Up to offerDays after the first order in all (at least a day after the nudge).
          {
            id: 'wait-offer',
            type: 'wait',
            duration: days(num(p, 'offerDays') - check),
            next: 'still-no-order',
          },
          {
            id: 'still-no-order',
            type: 'split_action',
            label: 'Ordered since the nudge?',
            event: 'Order Completed',
            yes: 'ordered',
            no: 'email-offer',
          },
          {
            id: 'email-offer',
            type: 'send',
            template: templateName(reEngage, 'email-offer'),
            next: 'done',
          },
          { id: 'returned', type: 'exit', label: 'Came back on their own' },
          { id: 'ordered', type: 'exit', label: 'Ordered after the nudge' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(reEngage, 'email-thanks'),
          'Re-engagement: thanks for a second order, and what is new',
          'marketing',
          {
            en: {
              subject: 'Thank you for coming back',
              preheader: 'It means a lot to us. Here is what is new.',
              heading: 'So good to see you again',
              paragraphs: [
                'Thank you for ordering from us again. A second order tells us we got something right, and we never take that for granted.',
                'Here is a look at what is new, and what we think you will like.',
              ],
              products: { from: 'recommendations', strategy: 'blend', title: 'Picked for you' },
              button: { text: 'See what is new' },
            },
            he: {
              subject: 'תודה שחזרתם אלינו',
              preheader: 'זה חשוב לנו מאוד. והנה מה שחדש אצלנו.',
              heading: 'כיף לראות אתכם שוב',
              paragraphs: [
                'תודה שהזמנתם מאיתנו שוב. הזמנה שנייה אומרת לנו שעשינו משהו נכון, ואנחנו לא לוקחים את זה כמובן מאליו.',
                'הנה הצצה למה שחדש אצלנו, ולמה שלדעתנו תאהבו.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'blend',
                title: 'נבחר במיוחד בשבילכם',
              },
              button: { text: 'לחידושים שלנו' },
            },
            sr: {
              subject: 'Hvala što ste se vratili',
              preheader: 'Mnogo nam znači. Evo šta je novo.',
              heading: 'Drago nam je što vas ponovo vidimo',
              paragraphs: [
                'Hvala vam što ste ponovo naručili od nas. Druga porudžbina nam govori da smo nešto uradili kako treba, i to nikada ne uzimamo zdravo za gotovo.',
                'Pogledajte šta je novo i šta mislimo da bi vam se dopalo.',
              ],
              products: { from: 'recommendations', strategy: 'blend', title: 'Izabrano za vas' },
              button: { text: 'Pogledajte novitete' },
            },
          },
        ),
        emailTemplate(
          templateName(reEngage, 'email-nudge'),
          'Re-engagement: no second order yet, what to try next',
          'marketing',
          {
            en: {
              subject: 'Ready for your next favourite?',
              preheader: 'A few ideas picked with your first order in mind.',
              heading: 'Time for round two?',
              paragraphs: [
                'It has been a little while since your first order with {{ store.name }}, and we would love to see you again.',
                'We have picked a few things that go with what you chose last time. Take a look: your next favourite might be right here.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'Chosen with your first order in mind',
              },
              button: { text: 'Find your next favourite' },
            },
            he: {
              subject: 'מוכנים למועדף הבא שלכם?',
              preheader: 'כמה רעיונות שבחרנו בהשראת ההזמנה הראשונה שלכם.',
              heading: 'מה דעתכם על סיבוב שני?',
              paragraphs: [
                'עבר קצת זמן מאז ההזמנה הראשונה שלכם ב-{{ store.name }}, ונשמח מאוד לראות אתכם שוב.',
                'בחרנו כמה מוצרים שמתאימים למה שבחרתם בפעם הקודמת. שווה להציץ: אולי המועדף הבא שלכם מחכה ממש כאן.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'נבחר בהשראת ההזמנה הראשונה שלכם',
              },
              button: { text: 'למועדף הבא שלכם' },
            },
            sr: {
              subject: 'Spremni za novog favorita?',
              preheader: 'Nekoliko ideja izabranih prema vašoj prvoj porudžbini.',
              heading: 'Idemo u drugu rundu?',
              paragraphs: [
                'Prošlo je neko vreme od vaše prve porudžbine u prodavnici {{ store.name }} i bilo bi nam drago da vas ponovo vidimo.',
                'Izdvojili smo nekoliko proizvoda koji se slažu sa onim što ste prošli put izabrali. Pogledajte, možda vas baš ovde čeka novi favorit.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'Izabrano prema vašoj prvoj porudžbini',
              },
              button: { text: 'Pronađite novog favorita' },
            },
          },
        ),
        emailTemplate(
          templateName(reEngage, 'email-offer'),
          'Re-engagement: still no second order, the offer',
          'marketing',
          {
            en: {
              subject: 'A little something for your next order',
              preheader: `${offer.text}, our thank-you for giving us a try.`,
              heading: 'We saved you a treat',
              paragraphs: [
                'You tried us once, and we would love the chance to earn your second order.',
                `So here is our thank-you: ${offer.text}. Use your code <strong>${offer.code}</strong> at checkout.`,
              ],
              offer,
              button: { text: 'Use my code' },
            },
            he: {
              subject: 'משהו קטן להזמנה הבאה שלכם',
              preheader: `${offer.text}: תודה שנתתם לנו הזדמנות.`,
              heading: 'שמרנו לכם הפתעה',
              paragraphs: [
                'קניתם אצלנו פעם אחת, ונשמח מאוד להזדמנות לזכות גם בהזמנה השנייה שלכם.',
                `אז הנה התודה שלנו: ${offer.text}. השתמשו בקוד <strong>${offer.code}</strong> בקופה.`,
              ],
              offer,
              button: { text: 'למימוש הקוד' },
            },
            sr: {
              subject: 'Mala pažnja za vašu sledeću porudžbinu',
              preheader: `${offer.text}: hvala što ste nam ukazali poverenje.`,
              heading: 'Sačuvali smo nešto za vas',
              paragraphs: [
                'Jednom ste kupovali kod nas i voleli bismo da zaslužimo i vašu drugu porudžbinu.',
                `Zato, u znak zahvalnosti: ${offer.text}. Iskoristite kod <strong>${offer.code}</strong> pri plaćanju.`,
              ],
              offer,
              button: { text: 'Iskoristite kod' },
            },
          },
        ),
      ],
    };
  },
};
