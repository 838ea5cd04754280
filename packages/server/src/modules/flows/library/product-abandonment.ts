import { emailTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { templateName, waitParam, offerParams, productUrl } from './shared.js';
import { purchaseGoal, marketing } from './onboarding-shared.js';

const product = 'product-abandonment';
const productSummary =
  'A product viewed but not added: the product itself, similar products a day later, then an offer.';
export const productAbandonment: FlowDefinition = {
  id: product,
  name: 'Product abandonment',
  category: 'abandonment',
  summary: productSummary,
  reason:
    'seed 002: product abandonment (viewed, not added to the cart), 2-4 touch points; seed 003: offer the product at a discount to bring the customer back.',
  params: [
    waitParam('firstWaitHours', 'hours', 2, 48, 'Hours after the view before the first email'),
    waitParam('similarWaitDays', 'days', 1, 7, 'Days from the first email to the similar products'),
    waitParam('offerWaitDays', 'days', 2, 14, 'Days from the similar products to the offer'),
    ...offerParams('SECONDLOOK10', '10% off your order', 'seed 003: a discount on the product'),
  ],
  build(p) {
    const offer = { code: text(p, 'offerCode'), text: text(p, 'offerText') };
    return {
      journey: {
        name: 'Product abandonment',
        description: productSummary,
        trigger: { type: 'event', event: 'Product Viewed' },
        entry: { rule: 'once_per', period: { amount: 3, unit: 'days' }, whileInside: false },
        goal: purchaseGoal(3),
        sending: marketing(60),
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
            no: 'email-product',
          },
          {
            id: 'email-product',
            type: 'send',
            template: templateName(product, 'email-product'),
            next: 'wait-similar',
          },
          {
            id: 'wait-similar',
            type: 'wait',
            duration: { amount: num(p, 'similarWaitDays'), unit: 'days' },
            next: 'added-similar',
          },
          {
            id: 'added-similar',
            type: 'split_action',
            label: 'Added to cart?',
            event: 'Product Added',
            yes: 'moved-on',
            no: 'email-similar',
          },
          {
            id: 'email-similar',
            type: 'send',
            template: templateName(product, 'email-similar'),
            next: 'wait-offer',
          },
          {
            id: 'wait-offer',
            type: 'wait',
            duration: { amount: num(p, 'offerWaitDays'), unit: 'days' },
            next: 'added-offer',
          },
          {
            id: 'added-offer',
            type: 'split_action',
            label: 'Added to cart?',
            event: 'Product Added',
            yes: 'moved-on',
            no: 'email-offer',
          },
          {
            id: 'email-offer',
            type: 'send',
            template: templateName(product, 'email-offer'),
            next: 'done',
          },
          { id: 'moved-on', type: 'exit', label: 'Moved on to the cart' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(product, 'email-product'),
          'Product abandonment: the product viewed',
          'marketing',
          {
            en: {
              subject: '{{ event.name | default: "Your pick" }} is still waiting for you',
              preheader: 'Take another look whenever you are ready.',
              heading: 'Still thinking it over?',
              paragraphs: [
                '{{ event.name | default: "The product you looked at" }} is still here, and it is a great choice. Have a question about it or about delivery? Just reply to this email and we will gladly help.',
              ],
              products: { from: 'product', title: 'The one you looked at' },
              button: { text: 'View the product', url: productUrl },
            },
            he: {
              subject: '{{ event.name | default: "המוצר שבחרתם" }} עדיין מחכה לכם',
              preheader: 'אפשר לחזור אליו מתי שנוח לכם',
              heading: 'עדיין מתלבטים?',
              paragraphs: [
                'המוצר {{ event.name | default: "שהסתכלתם עליו" }} עדיין כאן ומחכה לכם – בחירה מצוינת. יש לכם שאלה עליו או על המשלוח? פשוט השיבו למייל הזה ונשמח לעזור.',
              ],
              products: { from: 'product', title: 'המוצר שהתעניינתם בו' },
              button: { text: 'לצפייה במוצר', url: productUrl },
            },
            sr: {
              subject: '{{ event.name | default: "Vaš izbor" }} vas i dalje čeka',
              preheader: 'Pogledajte ga ponovo kad god vam odgovara.',
              heading: 'Još razmišljate?',
              paragraphs: [
                'Proizvod {{ event.name | default: "koji ste gledali" }} je i dalje tu i čeka vas. Odličan izbor! Imate pitanje o njemu ili o dostavi? Samo odgovorite na ovaj imejl i rado ćemo pomoći.',
              ],
              products: { from: 'product', title: 'Proizvod koji ste gledali' },
              button: { text: 'Pogledajte proizvod', url: productUrl },
            },
          },
        ),
        emailTemplate(
          templateName(product, 'email-similar'),
          'Product abandonment: similar products',
          'marketing',
          {
            en: {
              subject: 'A few more you might like',
              preheader: 'Similar picks, chosen for you.',
              heading: 'A few more ideas',
              paragraphs: [
                'Not quite the one? Here are a few similar products our customers love.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: 'You might also like',
              },
              button: { text: 'Explore similar products' },
            },
            he: {
              subject: 'עוד כמה דברים שאולי תאהבו',
              preheader: 'בחירות דומות, במיוחד בשבילכם',
              heading: 'עוד כמה רעיונות',
              paragraphs: ['לא בדיוק מה שחיפשתם? הנה כמה מוצרים דומים שהלקוחות שלנו אוהבים.'],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: 'אולי תאהבו גם',
              },
              button: { text: 'לעוד מוצרים דומים' },
            },
            sr: {
              subject: 'Možda će vam se dopasti i ovo',
              preheader: 'Slični proizvodi, izabrani za vas.',
              heading: 'Još nekoliko ideja',
              paragraphs: [
                'Nije baš ono pravo? Evo nekoliko sličnih proizvoda koje naši kupci vole.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: 'Možda će vam se dopasti',
              },
              button: { text: 'Pogledajte slične proizvode' },
            },
          },
        ),
        emailTemplate(
          templateName(product, 'email-offer'),
          'Product abandonment: an offer on the product',
          'marketing',
          {
            en: {
              subject: 'A special offer, just for you',
              preheader: 'A little help to make up your mind.',
              heading: 'Still on your mind?',
              paragraphs: [
                'If {{ event.name | default: "that product" }} is still on your mind, here is a little extra to help you decide.',
                'Use your code at checkout.',
              ],
              products: { from: 'product', title: 'Your pick' },
              offer,
              button: { text: 'Get it now', url: productUrl },
            },
            he: {
              subject: 'הטבה מיוחדת, רק בשבילכם',
              preheader: 'משהו קטן שיעזור לכם להחליט',
              heading: 'עדיין חושבים על זה?',
              paragraphs: [
                'אם המוצר {{ event.name | default: "שבחרתם" }} עדיין לא יוצא לכם מהראש, הנה משהו קטן שיעזור לכם להחליט.',
                'השתמשו בקוד בקופה.',
              ],
              products: { from: 'product', title: 'הבחירה שלכם' },
              offer,
              button: { text: 'לרכישה עם ההטבה', url: productUrl },
            },
            sr: {
              subject: 'Posebna ponuda samo za vas',
              preheader: 'Mala pomoć da se lakše odlučite.',
              heading: 'I dalje razmišljate o tome?',
              paragraphs: [
                'Ako vam proizvod {{ event.name | default: "koji ste gledali" }} i dalje ne izlazi iz glave, evo male pomoći da se odlučite.',
                'Iskoristite kod prilikom plaćanja.',
              ],
              products: { from: 'product', title: 'Vaš izbor' },
              offer,
              button: { text: 'Kupite uz popust', url: productUrl },
            },
          },
        ),
      ],
    };
  },
};
