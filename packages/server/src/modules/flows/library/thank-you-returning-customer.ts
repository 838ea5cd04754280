import { emailTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { templateName, waitParam, days } from './shared.js';
import { goal, marketing, thankYouDelayParam, thankYouSteps } from './catalog-orders-shared.js';

const thankYouReturning = 'thank-you-returning-customer';

export const thankYouReturningCustomerFlow: FlowDefinition = {
  id: thankYouReturning,
  name: 'Thank you, returning customer',
  category: 'post_purchase',
  summary:
    'After a repeat order: a thank-you for coming back, then a loyalty note with what similar customers also bought.',
  reason:
    'seed 002: a thank-you email for a returning customer, 2 touch points; seed 004: returning customers already trust the store and are easier to bring back',
  params: [
    thankYouDelayParam,
    waitParam('loyaltyWaitDays', 'days', 5, 21, 'Days from the thank-you to the loyalty note'),
    waitParam(
      'repeatPeriodDays',
      'days',
      30,
      365,
      'At most one series per customer in this many days',
    ),
  ],
  build(p) {
    const t = (step: string) => templateName(thankYouReturning, step);
    return {
      journey: {
        name: 'Thank you, returning customer',
        description: 'Thanks a customer for a repeat order and suggests what to try next.',
        trigger: { type: 'event', event: 'Order Completed' },
        entry: {
          rule: 'once_per',
          period: days(num(p, 'repeatPeriodDays')),
          whileInside: false,
          condition: {
            type: 'field',
            field: 'computed.order_count',
            operator: 'gte',
            value: 2,
          },
        },
        goal: goal(7),
        sending: marketing(70, 2),
        start: 'wait-1',
        steps: thankYouSteps(thankYouReturning, 'loyaltyWaitDays', p),
      },
      templates: [
        emailTemplate(t('email-1'), 'Thank you for coming back', 'marketing', {
          en: {
            subject: 'Thank you for choosing {{ store.name }} again',
            preheader: "It's great to see you again.",
            heading: 'So good to see you again',
            paragraphs: [
              "A customer who comes back is the nicest compliment a shop can get, and we don't take it for granted. Thank you for ordering from us again.",
              "Your order details come in a separate email, and we'll let you know as soon as your parcel is on its way.",
            ],
            button: { text: 'Visit the shop' },
          },
          he: {
            subject: 'תודה שבחרתם שוב ב-{{ store.name }}',
            preheader: 'כיף לראות אתכם שוב.',
            heading: 'כמה טוב לראות אתכם שוב',
            paragraphs: [
              'לקוח שחוזר הוא המחמאה הכי גדולה שחנות יכולה לקבל, ואנחנו לא לוקחים את זה כמובן מאליו. תודה שהזמנתם מאיתנו שוב.',
              'פרטי ההזמנה נשלחו אליכם במייל נפרד, ונעדכן ברגע שהחבילה תצא לדרך.',
            ],
            button: { text: 'לביקור בחנות' },
          },
          sr: {
            subject: 'Hvala što ste ponovo izabrali {{ store.name }}',
            preheader: 'Baš nam je drago što ste opet tu.',
            heading: 'Drago nam je što ste opet tu',
            paragraphs: [
              'Kupac koji se vraća je najlepši kompliment koji prodavnica može da dobije i to ne uzimamo zdravo za gotovo. Hvala Vam što ste ponovo poručili kod nas.',
              'Detalje porudžbine dobićete u posebnom mejlu, a javićemo Vam čim paket krene.',
            ],
            button: { text: 'Posetite prodavnicu' },
          },
        }),
        emailTemplate(t('email-2'), 'Loyalty note with what others also bought', 'marketing', {
          en: {
            subject: 'Picked for you, one of our regulars',
            preheader: 'A few favourites that customers like you often choose next.',
            heading: 'For our regulars',
            paragraphs: [
              'Customers who keep coming back are the heart of our shop, so we keep an eye out for things you might love.',
              "Here are a few picks that people with similar taste often add next. No rush: they'll be here whenever you're ready.",
            ],
            products: {
              from: 'recommendations',
              strategy: 'also_bought',
              title: 'Customers like you also bought',
            },
            button: { text: 'See more picks' },
            closing: 'Thank you for being with us.',
          },
          he: {
            subject: 'בחרנו במיוחד בשבילכם',
            preheader: 'כמה מוצרים שלקוחות כמוכם אוהבים להזמין בהמשך.',
            heading: 'ללקוחות הקבועים שלנו',
            paragraphs: [
              'לקוחות שחוזרים אלינו הם הלב של החנות, ולכן אנחנו תמיד שמים עין על דברים שיכולים לשמח אתכם.',
              'ריכזנו כאן כמה מוצרים שלקוחות עם טעם דומה לשלכם מוסיפים לעיתים קרובות. בלי לחץ – הם יחכו לכם כשתהיו מוכנים.',
            ],
            products: {
              from: 'recommendations',
              strategy: 'also_bought',
              title: 'לקוחות כמוכם קנו גם',
            },
            button: { text: 'לעוד המלצות' },
            closing: 'תודה שאתם איתנו.',
          },
          sr: {
            subject: 'Izabrali smo nešto posebno za Vas',
            preheader: 'Nekoliko proizvoda koje kupci poput Vas često biraju sledeće.',
            heading: 'Za naše verne kupce',
            paragraphs: [
              'Kupci koji nam se vraćaju su srce naše prodavnice, zato uvek tražimo stvari koje bi mogle da Vas obraduju.',
              'Izdvojili smo nekoliko proizvoda koje ljudi sličnog ukusa često dodaju sledeće. Bez žurbe: sačekaće Vas kada budete spremni.',
            ],
            products: {
              from: 'recommendations',
              strategy: 'also_bought',
              title: 'Kupci poput Vas kupili su i',
            },
            button: { text: 'Pogledajte još predloga' },
            closing: 'Hvala što ste uz nas.',
          },
        }),
      ],
    };
  },
};
