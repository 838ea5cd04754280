import { emailTemplate } from '../flow-copy.js';
import { type FlowDefinition } from '../flow-types.js';
import { templateName, waitParam } from './shared.js';
import { goal, marketing, thankYouDelayParam, thankYouSteps } from './catalog-orders-shared.js';

const thankYouNew = 'thank-you-new-customer';

export const thankYouNewCustomerFlow: FlowDefinition = {
  id: thankYouNew,
  name: 'Thank you, new customer',
  category: 'post_purchase',
  summary:
    'After a first order: a warm thank-you with matching products, then a note about the store and how to get the most from the order.',
  reason:
    'seed 002: a thank-you email for a new customer, 2 touch points; seed 000: the first weeks after a first purchase decide whether the customer stays',
  params: [
    thankYouDelayParam,
    waitParam('aboutWaitDays', 'days', 4, 14, 'Days from the thank-you to the about-us note'),
  ],
  build(p) {
    const t = (step: string) => templateName(thankYouNew, step);
    return {
      journey: {
        name: 'Thank you, new customer',
        description: 'Thanks a first-time customer and introduces the store.',
        trigger: { type: 'event', event: 'Order Completed' },
        entry: {
          rule: 'once',
          whileInside: false,
          condition: { type: 'field', field: 'computed.order_count', operator: 'eq', value: 1 },
        },
        // Only orders after the entry count: the goal is the second order.
        goal: goal(7),
        sending: marketing(70, 2),
        start: 'wait-1',
        steps: thankYouSteps(thankYouNew, 'aboutWaitDays', p),
      },
      templates: [
        emailTemplate(t('email-1'), 'Thank you for the first order', 'marketing', {
          en: {
            subject: 'Thank you for your first order at {{ store.name }}',
            preheader: "It means a lot to us. Here's what happens next.",
            heading: 'Thank you for choosing us',
            paragraphs: [
              "We wanted to say a real thank you for your first order. Every new customer matters to us, and we're glad you're one of them.",
              "Your order details come in a separate email, and we'll write again when your parcel is on its way. If anything isn't right, just reply to this email: a real person will answer.",
            ],
            products: {
              from: 'recommendations',
              strategy: 'cross_sell',
              title: 'Goes well with your order',
            },
            button: { text: 'Visit the shop' },
          },
          he: {
            subject: 'תודה על ההזמנה הראשונה שלכם ב-{{ store.name }}',
            preheader: 'זה באמת משמח אותנו. הנה מה שקורה עכשיו.',
            heading: 'תודה שבחרתם בנו',
            paragraphs: [
              'רצינו לומר לכם תודה אמיתית על ההזמנה הראשונה. כל לקוח חדש חשוב לנו, ואנחנו שמחים שהצטרפתם.',
              'פרטי ההזמנה נשלחו אליכם במייל נפרד, ונכתוב שוב כשהחבילה תצא לדרך. אם משהו לא בסדר, פשוט השיבו למייל הזה – אדם אמיתי יענה לכם.',
            ],
            products: {
              from: 'recommendations',
              strategy: 'cross_sell',
              title: 'משתלב נהדר עם ההזמנה שלכם',
            },
            button: { text: 'לביקור בחנות' },
          },
          sr: {
            subject: 'Hvala Vam na prvoj porudžbini u prodavnici {{ store.name }}',
            preheader: 'Mnogo nam znači. Evo šta sledi.',
            heading: 'Hvala što ste izabrali nas',
            paragraphs: [
              'Želeli smo da Vam se od srca zahvalimo na prvoj porudžbini. Svaki novi kupac nam je važan i drago nam je što ste sa nama.',
              'Detalje porudžbine dobićete u posebnom mejlu, a javićemo Vam se ponovo kada paket krene. Ako nešto nije u redu, samo odgovorite na ovaj mejl: odgovoriće Vam prava osoba.',
            ],
            products: {
              from: 'recommendations',
              strategy: 'cross_sell',
              title: 'Lepo se slaže uz Vašu porudžbinu',
            },
            button: { text: 'Posetite prodavnicu' },
          },
        }),
        emailTemplate(
          t('email-2'),
          'About the store and getting the most from the order',
          'marketing',
          {
            en: {
              subject: 'Getting the most out of your order',
              preheader: 'A few tips, and a little about who we are.',
              heading: 'A little about us, and a few tips',
              paragraphs: [
                "We're {{ store.name }}, and we choose everything we sell as if we were buying it for ourselves. We hope your order arrives safely and brightens your days from the start.",
                "A few things worth knowing: every product page has tips for use and care, our team is happy to help with any question, and if something doesn't suit you, just tell us and we'll sort it out.",
                "Thank you again for trusting us with your first order. We're glad you found us.",
              ],
              button: { text: 'Explore the shop' },
            },
            he: {
              subject: 'איך להפיק את המרב מההזמנה שלכם',
              preheader: 'כמה טיפים, וגם קצת עלינו.',
              heading: 'קצת עלינו, וכמה טיפים',
              paragraphs: [
                'אנחנו {{ store.name }}, ואנחנו בוחרים כל מוצר שאנחנו מוכרים כאילו קנינו אותו לעצמנו. מקווים שההזמנה שלכם תגיע בשלום ותשמח אתכם כבר מהיום הראשון.',
                'כמה דברים שכדאי לדעת: בעמוד של כל מוצר תמצאו טיפים לשימוש ולטיפול, הצוות שלנו ישמח לעזור בכל שאלה, ואם משהו לא מתאים – פשוט ספרו לנו ונדאג לסדר את זה.',
                'תודה שוב שבחרתם בנו להזמנה הראשונה. שמחים שמצאתם אותנו.',
              ],
              button: { text: 'לגלות עוד בחנות' },
            },
            sr: {
              subject: 'Kako da izvučete najviše iz svoje porudžbine',
              preheader: 'Nekoliko saveta i malo o nama.',
              heading: 'Malo o nama i nekoliko saveta',
              paragraphs: [
                'Mi smo {{ store.name }} i svaki proizvod u ponudi biramo kao da ga kupujemo za sebe. Nadamo se da će Vaša porudžbina stići bezbedno i obradovati Vas od prvog dana.',
                'Nekoliko stvari koje je dobro znati: na stranici svakog proizvoda naći ćete savete za upotrebu i održavanje, naš tim rado pomaže oko svakog pitanja, a ako Vam nešto ne odgovara, samo nam javite i rešićemo to.',
                'Još jednom hvala što ste nam poklonili poverenje. Drago nam je što ste nas pronašli.',
              ],
              button: { text: 'Istražite ponudu' },
            },
          },
        ),
      ],
    };
  },
};
