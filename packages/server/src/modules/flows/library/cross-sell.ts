import { emailTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { templateName, holdoutParam, holdoutSplit } from './shared.js';
import { days, daysParam, purchaseGoal, marketing } from './retention-shared.js';

const crossSell = 'cross-sell';
const crossSellSummary =
  'A week after an order, products that go with it; a week later, what similar customers bought, unless they ordered again.';
export const crossSellFlow: FlowDefinition = {
  id: crossSell,
  name: 'Cross-sell',
  category: 'retention',
  summary: crossSellSummary,
  reason:
    'seed 001: about a week after the order, offer a complementary product; seed 002: up/cross-sell after purchase, 2 touch points.',
  params: [
    daysParam('firstWaitDays', 7, 2, 30, 'Days from the order to the first email'),
    daysParam('secondWaitDays', 7, 2, 30, 'Days from the first email to the second'),
    holdoutParam,
  ],
  build(p) {
    const first = num(p, 'firstWaitDays');
    const second = num(p, 'secondWaitDays');
    return {
      journey: {
        name: 'Cross-sell',
        description: crossSellSummary,
        trigger: { type: 'event', event: 'Order Completed' },
        entry: { rule: 'once_per', period: days(14), whileInside: false },
        goal: purchaseGoal(5),
        sending: marketing(45),
        start: 'wait-first',
        steps: [
          { id: 'wait-first', type: 'wait', duration: days(first), next: 'holdout-split' },
          ...holdoutSplit(Math.round(num(p, 'holdoutPercent')), 'email-1', days(second + 5)),
          {
            id: 'email-1',
            type: 'send',
            template: templateName(crossSell, 'email-1'),
            next: 'wait-second',
          },
          { id: 'wait-second', type: 'wait', duration: days(second), next: 'bought-again' },
          // The goal already stops the flow on a purchase; this keeps the second email from a
          // customer who bought again even if the goal is edited away.
          {
            id: 'bought-again',
            type: 'split_action',
            label: 'Ordered again since the order?',
            event: 'Order Completed',
            yes: 'bought',
            no: 'email-2',
          },
          {
            id: 'email-2',
            type: 'send',
            template: templateName(crossSell, 'email-2'),
            next: 'done',
          },
          { id: 'bought', type: 'exit', label: 'Ordered again' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(crossSell, 'email-1'),
          'Cross-sell: products that go with the order',
          'marketing',
          {
            en: {
              subject: 'Made to go with your order',
              preheader: 'A few picks that pair well with what you bought.',
              heading: 'The perfect companions',
              paragraphs: [
                'We hope you are already enjoying your order.',
                'Customers who chose the same things often add one of these: small extras that make what you bought even better.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'cross_sell',
                title: 'Goes well with your order',
              },
              button: { text: 'See the picks' },
            },
            he: {
              subject: 'נבחר במיוחד כדי להשלים את ההזמנה שלכם',
              preheader: 'כמה מוצרים שמתאימים בדיוק למה שקניתם.',
              heading: 'השותפים המושלמים',
              paragraphs: [
                'אנחנו מקווים שאתם כבר נהנים מההזמנה.',
                'לקוחות שבחרו באותם מוצרים מוסיפים לא פעם גם את אלה: תוספות קטנות שהופכות את מה שקניתם לטוב עוד יותר.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'cross_sell',
                title: 'משתלב נהדר עם ההזמנה שלכם',
              },
              button: { text: 'לצפייה בהמלצות' },
            },
            sr: {
              subject: 'Savršen dodatak vašoj porudžbini',
              preheader: 'Nekoliko proizvoda koji se lepo slažu sa onim što ste kupili.',
              heading: 'Savršeno društvo za vašu kupovinu',
              paragraphs: [
                'Nadamo se da već uživate u svojoj porudžbini.',
                'Kupci koji su izabrali iste proizvode često uz njih uzmu i nešto od ovoga: sitnice zbog kojih je ono što ste kupili još bolje.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'cross_sell',
                title: 'Lepo ide uz vašu porudžbinu',
              },
              button: { text: 'Pogledajte predloge' },
            },
          },
        ),
        emailTemplate(
          templateName(crossSell, 'email-2'),
          'Cross-sell: what customers like them bought next',
          'marketing',
          {
            en: {
              subject: 'Customers who bought what you did also loved these',
              preheader: 'Ideas picked from what customers like you chose next.',
              heading: 'More you might like',
              paragraphs: [
                'Wondering what to try next? Here is what other customers picked after an order like yours.',
                'Every suggestion comes from real orders, not guesswork.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'Customers also bought',
              },
              button: { text: 'Browse the picks' },
            },
            he: {
              subject: 'מי שקנה כמוכם אהב גם את אלה',
              preheader: 'רעיונות מתוך מה שלקוחות כמוכם בחרו אחר כך.',
              heading: 'עוד דברים שאולי תאהבו',
              paragraphs: [
                'מתלבטים מה לנסות בפעם הבאה? ריכזנו בשבילכם את מה שלקוחות אחרים בחרו אחרי הזמנה כמו שלכם.',
                'כל ההמלצות מבוססות על הזמנות אמיתיות, לא על ניחושים.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'לקוחות קנו גם',
              },
              button: { text: 'לכל ההמלצות' },
            },
            sr: {
              subject: 'Kupci poput vas kupili su i ovo',
              preheader: 'Ideje na osnovu onoga što su slični kupci birali posle.',
              heading: 'Još nešto što bi vam se moglo dopasti',
              paragraphs: [
                'Razmišljate šta da probate sledeće? Evo šta su drugi kupci birali posle porudžbine slične vašoj.',
                'Svaki predlog zasnovan je na stvarnim porudžbinama, a ne na nagađanju.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'also_bought',
                title: 'Kupci su kupili i',
              },
              button: { text: 'Pogledajte predloge' },
            },
          },
        ),
      ],
    };
  },
};
