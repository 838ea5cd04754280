import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import {
  templateName,
  waitParam,
  offerParams,
  holdoutParam,
  holdoutSplit,
  hours,
} from './shared.js';
import { purchaseGoal, marketing } from './onboarding-shared.js';

const cart = 'cart-abandonment';
const cartSummary =
  'A product added and no order within hours: an email with the product, an SMS the next day, then an email with an offer.';
export const cartAbandonment: FlowDefinition = {
  id: cart,
  name: 'Cart abandonment',
  category: 'abandonment',
  summary: cartSummary,
  reason:
    'seed 002: cart abandonment, 2-4 touch points; seed 003: shoppers compare 3-4 stores before buying, so a discount or other benefit brings them back.',
  params: [
    waitParam('firstWaitHours', 'hours', 4, 48, 'Hours without an order before the first email'),
    waitParam('reminderWaitHours', 'hours', 20, 72, 'Hours from the first email to the SMS'),
    waitParam('offerWaitHours', 'hours', 24, 168, 'Hours from the SMS to the offer email'),
    ...offerParams('COMEBACK10', '10% off your order', 'seed 003: a discount wins back the cart'),
    holdoutParam,
  ],
  build(p) {
    const offer = { code: text(p, 'offerCode'), text: text(p, 'offerText') };
    return {
      journey: {
        name: 'Cart abandonment',
        description: cartSummary,
        trigger: { type: 'event', event: 'Product Added' },
        entry: { rule: 'once_per', period: { amount: 1, unit: 'days' }, whileInside: false },
        goal: purchaseGoal(3),
        sending: marketing(90),
        start: 'wait-order',
        steps: [
          {
            id: 'wait-order',
            type: 'wait_for_event',
            event: 'Order Completed',
            timeout: { amount: num(p, 'firstWaitHours'), unit: 'hours' },
            next: 'ordered',
            timeoutNext: 'checkout-first',
          },
          // Once checkout starts, the checkout abandonment flow owns the customer.
          {
            id: 'checkout-first',
            type: 'split_action',
            label: 'Started checkout?',
            event: 'Checkout Started',
            yes: 'checkout-owns',
            no: 'holdout-split',
          },
          ...holdoutSplit(
            Math.round(num(p, 'holdoutPercent')),
            'email-cart',
            hours(num(p, 'reminderWaitHours') + num(p, 'offerWaitHours')),
          ),
          {
            id: 'email-cart',
            type: 'send',
            template: templateName(cart, 'email-cart'),
            next: 'wait-reminder',
          },
          {
            id: 'wait-reminder',
            type: 'wait',
            duration: { amount: num(p, 'reminderWaitHours'), unit: 'hours' },
            next: 'checkout-reminder',
          },
          {
            id: 'checkout-reminder',
            type: 'split_action',
            label: 'Started checkout?',
            event: 'Checkout Started',
            yes: 'checkout-owns',
            no: 'sms-reminder',
          },
          {
            id: 'sms-reminder',
            type: 'send',
            template: templateName(cart, 'sms-reminder'),
            next: 'wait-offer',
          },
          {
            id: 'wait-offer',
            type: 'wait',
            duration: { amount: num(p, 'offerWaitHours'), unit: 'hours' },
            next: 'checkout-offer',
          },
          {
            id: 'checkout-offer',
            type: 'split_action',
            label: 'Started checkout?',
            event: 'Checkout Started',
            yes: 'checkout-owns',
            no: 'email-offer',
          },
          {
            id: 'email-offer',
            type: 'send',
            template: templateName(cart, 'email-offer'),
            next: 'done',
          },
          { id: 'ordered', type: 'exit', label: 'Ordered in time' },
          { id: 'checkout-owns', type: 'exit', label: 'Checkout abandonment takes over' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(cart, 'email-cart'),
          'Cart abandonment: the product left in the cart',
          'marketing',
          {
            en: {
              subject: 'You left something in your cart',
              preheader: 'We saved your cart, so it is ready when you are.',
              heading: 'Forgot something?',
              paragraphs: [
                'Good news: we saved your cart, so you can pick up right where you left off.',
                'Questions about delivery or returns? Just reply to this email and we will gladly help.',
              ],
              products: { from: 'product', title: 'In your cart' },
              button: { text: 'Return to my cart' },
            },
            he: {
              subject: 'שכחתם משהו בעגלה',
              preheader: 'שמרנו לכם את העגלה – היא מחכה לכם',
              heading: 'שכחתם משהו?',
              paragraphs: [
                'חדשות טובות: שמרנו לכם את העגלה, כך שאפשר להמשיך בדיוק מאיפה שעצרתם.',
                'יש לכם שאלה על משלוח או החזרות? פשוט השיבו למייל הזה ונשמח לעזור.',
              ],
              products: { from: 'product', title: 'בעגלה שלכם' },
              button: { text: 'חזרה לעגלה' },
            },
            sr: {
              subject: 'Nešto vas čeka u korpi',
              preheader: 'Sačuvali smo vašu korpu, pa nastavite kad god želite.',
              heading: 'Zaboravili ste nešto?',
              paragraphs: [
                'Dobre vesti: sačuvali smo vašu korpu, pa možete da nastavite tačno tamo gde ste stali.',
                'Imate pitanje o dostavi ili povraćaju? Samo odgovorite na ovaj imejl i rado ćemo pomoći.',
              ],
              products: { from: 'product', title: 'U vašoj korpi' },
              button: { text: 'Nazad u korpu' },
            },
          },
        ),
        shortTemplate(
          templateName(cart, 'sms-reminder'),
          'Cart abandonment: the next-day SMS',
          'sms',
          'marketing',
          {
            en: {
              body: '{{ store.name }}: {{ event.name | default: "Your item" }} is still in your cart. Finish your order here: {{ event.url | default: store.url | default: "" }} Reply STOP to opt out',
            },
            he: {
              body: '{{ store.name }}: {{ event.name | default: "המוצר שבחרתם" }} עדיין מחכה לכם בעגלה. להשלמת ההזמנה: {{ event.url | default: store.url | default: "" }} להסרה השיבו STOP',
            },
            sr: {
              body: '{{ store.name }}: {{ event.name | default: "Vaš proizvod" }} vas i dalje čeka u korpi. Završite porudžbinu ovde: {{ event.url | default: store.url | default: "" }} Za odjavu pošaljite STOP',
            },
          },
        ),
        emailTemplate(
          templateName(cart, 'email-offer'),
          'Cart abandonment: the last email, with an offer',
          'marketing',
          {
            en: {
              subject: 'A little something to complete your order',
              preheader: 'Your cart is still saved, and now it comes with a gift.',
              heading: 'Your cart, now with a gift',
              paragraphs: [
                'We know choosing takes time: most of us compare a few shops before buying. To make the choice easier, here is a little extra for your order.',
                'Use your code at checkout. Your cart is saved and ready.',
              ],
              products: { from: 'product', title: 'Still in your cart' },
              offer,
              button: { text: 'Complete my order' },
            },
            he: {
              subject: 'משהו קטן כדי להשלים את ההזמנה',
              preheader: 'העגלה שלכם עדיין שמורה – והפעם עם הטבה',
              heading: 'העגלה שלכם, עכשיו עם הטבה',
              paragraphs: [
                'אנחנו יודעים שבחירה לוקחת זמן – רובנו משווים בין כמה חנויות לפני שקונים. כדי להקל עליכם, הכנו לכם הטבה להזמנה.',
                'השתמשו בקוד בקופה. העגלה שלכם שמורה ומחכה.',
              ],
              products: { from: 'product', title: 'עדיין בעגלה שלכם' },
              offer,
              button: { text: 'להשלמת ההזמנה' },
            },
            sr: {
              subject: 'Mali poklon da završite porudžbinu',
              preheader: 'Vaša korpa je i dalje sačuvana, a sada uz poklon.',
              heading: 'Vaša korpa, sada uz popust',
              paragraphs: [
                'Znamo da izbor traje: većina nas uporedi nekoliko prodavnica pre kupovine. Da vam olakšamo odluku, pripremili smo vam mali popust za ovu porudžbinu.',
                'Iskoristite kod prilikom plaćanja. Vaša korpa je sačuvana i čeka vas.',
              ],
              products: { from: 'product', title: 'Još uvek u vašoj korpi' },
              offer,
              button: { text: 'Završite porudžbinu' },
            },
          },
        ),
      ],
    };
  },
};
