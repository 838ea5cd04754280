import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { type Steps, templateName, waitParam, productUrl, days } from './shared.js';
import { goal, marketing, withinParam, title } from './catalog-orders-shared.js';

const backInStock = 'back-in-stock';

export const backInStockFlow: FlowDefinition = {
  id: backInStock,
  name: 'Back in stock',
  category: 'catalog',
  summary:
    'When a product someone viewed, wishlisted or asked about is back: an email at once, an SMS a day later, a last email when it is selling out again.',
  reason:
    'seed 002: back in stock is one of the core automations, with 3 touch points, and products viewed while out of stock are a segment worth acting on',
  params: [
    withinParam,
    waitParam('smsWaitDays', 'days', 1, 7, 'Days from the first email to the SMS'),
    waitParam('lastEmailWaitDays', 'days', 2, 14, 'Days from the SMS to the last email'),
  ],
  build(p) {
    const t = (step: string) => templateName(backInStock, step);
    // A purchase ends the journey through the goal, so "if they did not buy" needs no split.
    const steps: Steps = [
      { id: 'email-1', type: 'send', template: t('email-1'), next: 'wait-sms' },
      { id: 'wait-sms', type: 'wait', duration: days(num(p, 'smsWaitDays')), next: 'sms-1' },
      { id: 'sms-1', type: 'send', template: t('sms-1'), next: 'wait-last' },
      {
        id: 'wait-last',
        type: 'wait',
        duration: days(num(p, 'lastEmailWaitDays')),
        next: 'email-2',
      },
      { id: 'email-2', type: 'send', template: t('email-2'), next: 'done' },
      { id: 'done', type: 'exit' },
    ];
    return {
      journey: {
        name: 'Back in stock',
        description: 'Tells the customers who wanted a product that it is back, three times.',
        trigger: {
          type: 'product',
          event: 'back_in_stock',
          audience: ['viewed', 'wishlisted', 'asked'],
          within: days(num(p, 'withinDays')),
        },
        // Every restock counts, but one at a time: a customer already inside is not let in.
        entry: { rule: 'every_time', whileInside: false },
        goal: goal(3),
        // Stock runs out: a message held for more than a day is no longer worth sending.
        sending: marketing(80, 1),
        start: 'email-1',
        steps,
      },
      templates: [
        emailTemplate(t('email-1'), 'Back in stock: the product, at once', 'marketing', {
          en: {
            subject: `It's back: ${title('the item you wanted')}`,
            preheader: 'Back in stock now. Restocks like this go quickly.',
            heading: "Good news: it's back in stock",
            paragraphs: [
              `${title('The item you had your eye on')} is back in stock at {{ store.name }}, and we wanted you to be the first to know.`,
              "Restocks like this tend to go quickly, so if it's still on your list, now is a good moment to order.",
            ],
            products: { from: 'product', title: 'Back in stock' },
            button: { text: 'Get it now', url: productUrl },
          },
          he: {
            subject: `${title('המוצר שחיכיתם לו')} חזר למלאי`,
            preheader: 'זה הזמן להזמין, לפני שייגמר שוב.',
            heading: 'חדשות טובות: זה חזר!',
            paragraphs: [
              `${title('המוצר שהתעניינתם בו')} חזר עכשיו למלאי, ורצינו שתהיו הראשונים לדעת.`,
              'מוצרים שחוזרים למלאי נחטפים בדרך כלל מהר, אז אם הוא עדיין ברשימה שלכם – זה הרגע להזמין.',
            ],
            products: { from: 'product', title: 'חזר למלאי' },
            button: { text: 'להזמנה עכשיו', url: productUrl },
          },
          sr: {
            subject: `Ponovo na stanju: ${title('proizvod koji ste čekali')}`,
            preheader: 'Stiglo je ponovo. Ovakve zalihe brzo nestaju.',
            heading: 'Dobre vesti: ponovo je na stanju',
            paragraphs: [
              `${title('Proizvod koji ste gledali')} je ponovo na stanju u prodavnici {{ store.name }}, a želeli smo da Vi saznate prvi.`,
              'Ovakve zalihe obično brzo nestanu, pa ako Vam je i dalje na listi želja, sada je pravi trenutak za porudžbinu.',
            ],
            products: { from: 'product', title: 'Ponovo na stanju' },
            button: { text: 'Poručite sada', url: productUrl },
          },
        }),
        shortTemplate(t('sms-1'), 'Back in stock: SMS reminder', 'sms', 'marketing', {
          en: {
            body: `{{ store.name }}: ${title('The item you wanted')} is back in stock, but not for long. Get yours: ${productUrl} Reply STOP to opt out`,
          },
          he: {
            body: `{{ store.name }}: ${title('המוצר שחיכיתם לו')} חזר למלאי, אבל לא לזמן רב. להזמנה: ${productUrl} להסרה השיבו STOP`,
          },
          sr: {
            body: `{{ store.name }}: ${title('Proizvod koji ste čekali')} je ponovo na stanju, ali ne zadugo. Poručite: ${productUrl} Za odjavu odgovorite STOP`,
          },
        }),
        emailTemplate(t('email-2'), 'Back in stock: almost gone again', 'marketing', {
          en: {
            subject: `Almost gone again: ${title('your pick')}`,
            preheader: 'Last call from us before it sells out.',
            heading: 'Going, going…',
            paragraphs: [
              `${title('The item you were waiting for')} has been selling fast since it came back, and we can't promise it will still be here next week.`,
              "We'd hate for you to miss it a second time. If you still want it, this is our last reminder.",
            ],
            products: { from: 'product', title: 'Still available, for now' },
            button: { text: "Order before it's gone", url: productUrl },
          },
          he: {
            subject: `כמעט אזל שוב: ${title('המוצר שבחרתם')}`,
            preheader: 'תזכורת אחרונה לפני שייגמר.',
            heading: 'עוד רגע זה נגמר',
            paragraphs: [
              `${title('המוצר שחיכיתם לו')} נמכר מהר מאז שחזר למלאי, ואין לנו דרך לדעת אם עוד יהיה כאן בשבוע הבא.`,
              'לא היינו רוצים שתפספסו את ההזדמנות פעם שנייה. אם זה עדיין מעניין אתכם, זו התזכורת האחרונה שלנו.',
            ],
            products: { from: 'product', title: 'עדיין במלאי, בינתיים' },
            button: { text: 'להזמנה לפני שייגמר', url: productUrl },
          },
          sr: {
            subject: `Skoro rasprodato ponovo: ${title('Vaš izbor')}`,
            preheader: 'Poslednji podsetnik pre nego što nestane.',
            heading: 'Brzo nestaje',
            paragraphs: [
              `${title('Proizvod koji ste čekali')} se brzo prodaje otkako je ponovo na stanju i ne možemo da obećamo da će biti tu i sledeće nedelje.`,
              'Ne bismo želeli da Vam promakne i drugi put. Ako Vas i dalje zanima, ovo je naš poslednji podsetnik.',
            ],
            products: { from: 'product', title: 'Još uvek dostupno, za sada' },
            button: { text: 'Poručite dok ima', url: productUrl },
          },
        }),
      ],
    };
  },
};
