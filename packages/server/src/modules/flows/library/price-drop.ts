import { emailTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { type Steps, templateName, waitParam, productUrl, days } from './shared.js';
import { goal, marketing, withinParam, title } from './catalog-orders-shared.js';

/** The event's price and former price, in its currency. */
const price = '{{ event.price | money: event.currency | default: "" }}';
const oldPrice = '{{ event.old_price | money: event.currency | default: "" }}';

const priceDrop = 'price-drop';

export const priceDropFlow: FlowDefinition = {
  id: priceDrop,
  name: 'Price drop',
  category: 'catalog',
  summary:
    'When a product someone viewed or wishlisted gets cheaper: an email with the new price, then a reminder.',
  reason:
    'seed 003: shoppers compare 3-4 sites before buying, and a message with a better price wins them back in real time; seed 002: time-limited offers lift sales',
  params: [
    withinParam,
    waitParam('reminderWaitDays', 'days', 2, 7, 'Days from the first email to the reminder'),
    waitParam(
      'repeatPeriodDays',
      'days',
      7,
      90,
      'At most one price-drop series per customer in this many days',
    ),
  ],
  build(p) {
    const t = (step: string) => templateName(priceDrop, step);
    const steps: Steps = [
      { id: 'email-1', type: 'send', template: t('email-1'), next: 'wait-reminder' },
      {
        id: 'wait-reminder',
        type: 'wait',
        duration: days(num(p, 'reminderWaitDays')),
        next: 'email-2',
      },
      { id: 'email-2', type: 'send', template: t('email-2'), next: 'done' },
      { id: 'done', type: 'exit' },
    ];
    return {
      journey: {
        name: 'Price drop',
        description: 'Tells the customers who looked at a product that its price went down.',
        trigger: {
          type: 'product',
          event: 'price_drop',
          audience: ['viewed', 'wishlisted'],
          within: days(num(p, 'withinDays')),
        },
        // A store-wide sale drops many prices at once: one series, not one per product.
        entry: {
          rule: 'once_per',
          period: days(num(p, 'repeatPeriodDays')),
          whileInside: false,
        },
        goal: goal(3),
        sending: marketing(80, 1),
        start: 'email-1',
        steps,
      },
      templates: [
        emailTemplate(t('email-1'), 'Price drop: the product and its new price', 'marketing', {
          en: {
            subject: `Price drop: ${title('an item you viewed')}`,
            preheader: 'Something you looked at now costs less.',
            heading: 'Good news: the price just dropped',
            paragraphs: [
              `${title('An item you looked at')} now costs less at {{ store.name }}.`,
              `{% if event.price %}New price: <strong>${price}</strong>{% if event.old_price %} (was ${oldPrice}){% endif %}.{% else %}You'll find the new price on the product page.{% endif %}`,
              "Prices like this don't always last, so if it's been on your mind, now is a good time.",
            ],
            products: { from: 'product', title: 'Now at a lower price' },
            button: { text: 'See the new price', url: productUrl },
          },
          he: {
            subject: `ירידת מחיר: ${title('מוצר שצפיתם בו')}`,
            preheader: 'משהו שאהבתם עולה עכשיו פחות.',
            heading: 'חדשות טובות: המחיר ירד',
            paragraphs: [
              `${title('מוצר שצפיתם בו')} עולה עכשיו פחות ב-{{ store.name }}.`,
              `{% if event.price %}המחיר החדש: <strong>${price}</strong>{% if event.old_price %} (במקום ${oldPrice}){% endif %}.{% else %}המחיר החדש כבר מופיע בעמוד המוצר.{% endif %}`,
              'מחירים כאלה לא תמיד נשארים לאורך זמן, אז אם התלבטתם – זה הרגע.',
            ],
            products: { from: 'product', title: 'עכשיו במחיר נמוך יותר' },
            button: { text: 'לצפייה במחיר החדש', url: productUrl },
          },
          sr: {
            subject: `Niža cena: ${title('proizvod koji ste gledali')}`,
            preheader: 'Nešto što ste gledali sada košta manje.',
            heading: 'Dobre vesti: cena je pala',
            paragraphs: [
              `${title('Proizvod koji ste gledali')} sada košta manje u prodavnici {{ store.name }}.`,
              `{% if event.price %}Nova cena: <strong>${price}</strong>{% if event.old_price %} (umesto ${oldPrice}){% endif %}.{% else %}Novu cenu možete videti na stranici proizvoda.{% endif %}`,
              'Ovakve cene ne traju uvek dugo, pa ako ste se dvoumili, sada je pravi trenutak.',
            ],
            products: { from: 'product', title: 'Sada po nižoj ceni' },
            button: { text: 'Pogledajte novu cenu', url: productUrl },
          },
        }),
        emailTemplate(t('email-2'), 'Price drop: reminder', 'marketing', {
          en: {
            subject: `Still thinking about ${title('it')}?`,
            preheader: 'The lower price is still on, for now.',
            heading: 'The lower price is still here',
            paragraphs: [
              `Just a quick reminder: ${title('the item you viewed')} is still at its new, lower price{% if event.price %} of ${price}{% endif %}.`,
              "We can't say how long it will stay that way, so if it's the one, don't wait too long.",
            ],
            products: { from: 'product', title: 'Still at the lower price' },
            button: { text: 'Take another look', url: productUrl },
          },
          he: {
            subject: `עדיין חושבים על ${title('זה')}?`,
            preheader: 'המחיר הנמוך עדיין בתוקף – בינתיים.',
            heading: 'המחיר הנמוך עדיין כאן',
            paragraphs: [
              `רק תזכורת קטנה: ${title('המוצר שצפיתם בו')} עדיין במחיר החדש והנמוך{% if event.price %} – ${price}{% endif %}.`,
              'אנחנו לא יודעים כמה זמן זה יימשך, אז אם זה בדיוק מה שחיפשתם, כדאי לא לחכות יותר מדי.',
            ],
            products: { from: 'product', title: 'עדיין במחיר הנמוך' },
            button: { text: 'להציץ שוב', url: productUrl },
          },
          sr: {
            subject: `Još razmišljate? ${title('Vaš izbor')} je i dalje jeftiniji`,
            preheader: 'Niža cena još uvek važi, za sada.',
            heading: 'Niža cena je još tu',
            paragraphs: [
              `Samo kratak podsetnik: ${title('proizvod koji ste gledali')} je i dalje po novoj, nižoj ceni{% if event.price %} od ${price}{% endif %}.`,
              'Ne znamo koliko će to trajati, pa ako je to pravi izbor za Vas, nemojte predugo čekati.',
            ],
            products: { from: 'product', title: 'I dalje po nižoj ceni' },
            button: { text: 'Pogledajte ponovo', url: productUrl },
          },
        }),
      ],
    };
  },
};
