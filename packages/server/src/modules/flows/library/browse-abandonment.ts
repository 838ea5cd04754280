import { emailTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { templateName, waitParam } from './shared.js';
import { purchaseGoal, marketing } from './onboarding-shared.js';

const browse = 'browse-abandonment';
const browseSummary =
  'A category page viewed and left: two emails, popular picks after a couple of hours, recently viewed a day later.';
export const browseAbandonment: FlowDefinition = {
  id: browse,
  name: 'Browse abandonment',
  category: 'abandonment',
  summary: browseSummary,
  reason: 'seed 002: site abandonment is one of the base automations, 2-3 emails / touch points.',
  params: [
    waitParam('firstWaitHours', 'hours', 2, 48, 'Hours after the visit before the first email'),
    waitParam('reminderWaitHours', 'hours', 24, 168, 'Hours from the first email to the reminder'),
  ],
  build(p) {
    return {
      journey: {
        name: 'Browse abandonment',
        description: browseSummary,
        trigger: { type: 'event', event: 'Product List Viewed' },
        entry: { rule: 'once_per', period: { amount: 7, unit: 'days' }, whileInside: false },
        goal: purchaseGoal(3),
        // Late browse reminders are worse than none: drop them when the budget is spent.
        sending: marketing(60, { overBudget: 'drop' }),
        start: 'wait-first',
        steps: [
          {
            id: 'wait-first',
            type: 'wait',
            duration: { amount: num(p, 'firstWaitHours'), unit: 'hours' },
            next: 'added-first',
          },
          // A product in the cart hands the customer to the cart abandonment flow.
          {
            id: 'added-first',
            type: 'split_action',
            label: 'Added to cart?',
            event: 'Product Added',
            yes: 'moved-on',
            no: 'email-browse',
          },
          {
            id: 'email-browse',
            type: 'send',
            template: templateName(browse, 'email-browse'),
            next: 'wait-reminder',
          },
          {
            id: 'wait-reminder',
            type: 'wait',
            duration: { amount: num(p, 'reminderWaitHours'), unit: 'hours' },
            next: 'added-reminder',
          },
          {
            id: 'added-reminder',
            type: 'split_action',
            label: 'Added to cart?',
            event: 'Product Added',
            yes: 'moved-on',
            no: 'email-reminder',
          },
          {
            id: 'email-reminder',
            type: 'send',
            template: templateName(browse, 'email-reminder'),
            next: 'done',
          },
          { id: 'moved-on', type: 'exit', label: 'Moved on to the cart' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(browse, 'email-browse'),
          'Browse abandonment: popular in the category',
          'marketing',
          {
            en: {
              subject: 'Something caught your eye?',
              preheader: 'A few picks we think you will like.',
              heading: 'Find anything you liked?',
              paragraphs: [
                'Thanks for stopping by! We gathered a few of the most popular products in {{ event.category | default: "the category you were browsing" }}, in case something caught your eye.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: 'Popular in this category',
              },
              button: { text: 'Continue browsing' },
            },
            he: {
              subject: 'משהו תפס לכם את העין?',
              preheader: 'כמה בחירות שנראה לנו שתאהבו',
              heading: 'מצאתם משהו שאהבתם?',
              paragraphs: [
                'תודה שקפצתם לבקר! ריכזנו בשבילכם כמה מהמוצרים הפופולריים ביותר בקטגוריה {{ event.category | default: "שבה גלשתם" }}, למקרה שמשהו תפס לכם את העין.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: 'פופולרי בקטגוריה',
              },
              button: { text: 'להמשיך לגלוש' },
            },
            sr: {
              subject: 'Nešto vam je zapalo za oko?',
              preheader: 'Nekoliko predloga koji bi vam se mogli dopasti.',
              heading: 'Da li vam se nešto dopalo?',
              paragraphs: [
                'Hvala što ste svratili! Izdvojili smo nekoliko najpopularnijih proizvoda iz kategorije {{ event.category | default: "koju ste razgledali" }}, za slučaj da vam je nešto zapalo za oko.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: 'Popularno u ovoj kategoriji',
              },
              button: { text: 'Nastavite kupovinu' },
            },
          },
        ),
        emailTemplate(
          templateName(browse, 'email-reminder'),
          'Browse abandonment: what they looked at',
          'marketing',
          {
            en: {
              subject: 'What you looked at is still here',
              preheader: 'Pick up right where you left off.',
              heading: 'Pick up where you left off',
              paragraphs: [
                'The products you looked at are still waiting for you. Take another look, and if you have a question, just reply to this email.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'recently_viewed',
                title: 'Recently viewed',
              },
              button: { text: 'Back to the shop' },
            },
            he: {
              subject: 'מה שאהבתם עדיין כאן',
              preheader: 'אפשר להמשיך בדיוק מאיפה שעצרתם',
              heading: 'להמשיך מאיפה שעצרתם',
              paragraphs: [
                'המוצרים שהסתכלתם עליהם עדיין מחכים לכם. שווה להציץ שוב – ואם יש לכם שאלה, פשוט השיבו למייל הזה.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'recently_viewed',
                title: 'צפיתם לאחרונה',
              },
              button: { text: 'חזרה לחנות' },
            },
            sr: {
              subject: 'Ono što ste gledali je i dalje tu',
              preheader: 'Nastavite tačno tamo gde ste stali.',
              heading: 'Nastavite tamo gde ste stali',
              paragraphs: [
                'Proizvodi koje ste gledali i dalje vas čekaju. Bacite još jedan pogled, a ako imate pitanje, samo odgovorite na ovaj imejl.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'recently_viewed',
                title: 'Nedavno ste gledali',
              },
              button: { text: 'Nazad u prodavnicu' },
            },
          },
        ),
      ],
    };
  },
};
