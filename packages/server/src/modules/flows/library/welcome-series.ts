import { emailTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { templateName, waitParam, offerParams } from './shared.js';
import { purchaseGoal, marketing } from './onboarding-shared.js';

const welcome = 'welcome-series';
const welcomeSummary =
  'Four emails over about nine days after sign-up: welcome, brand story, bestsellers, then a first-order offer.';
export const welcomeSeries: FlowDefinition = {
  id: welcome,
  name: 'Welcome series',
  category: 'onboarding',
  summary: welcomeSummary,
  reason: 'seed 002: every store starts with a welcome of 3-4 emails / touch points.',
  params: [
    waitParam('storyWaitDays', 'days', 2, 14, 'Days from the welcome to the brand story'),
    waitParam('popularWaitDays', 'days', 3, 14, 'Days from the story to the bestsellers'),
    waitParam('offerWaitDays', 'days', 4, 21, 'Days from the bestsellers to the offer'),
    ...offerParams('WELCOME10', '10% off your first order', 'seed 002: an incentive'),
  ],
  build(p) {
    const offer = { code: text(p, 'offerCode'), text: text(p, 'offerText') };
    return {
      journey: {
        name: 'Welcome series',
        description: welcomeSummary,
        trigger: { type: 'event', event: 'Signed Up' },
        entry: { rule: 'once', whileInside: false },
        goal: purchaseGoal(5),
        sending: marketing(65, { maxDelay: { amount: 2, unit: 'days' } }),
        start: 'email-welcome',
        steps: [
          {
            id: 'email-welcome',
            type: 'send',
            template: templateName(welcome, 'email-welcome'),
            next: 'wait-story',
          },
          {
            id: 'wait-story',
            type: 'wait',
            duration: { amount: num(p, 'storyWaitDays'), unit: 'days' },
            next: 'email-story',
          },
          {
            id: 'email-story',
            type: 'send',
            template: templateName(welcome, 'email-story'),
            next: 'wait-popular',
          },
          {
            id: 'wait-popular',
            type: 'wait',
            duration: { amount: num(p, 'popularWaitDays'), unit: 'days' },
            next: 'email-popular',
          },
          {
            id: 'email-popular',
            type: 'send',
            template: templateName(welcome, 'email-popular'),
            next: 'wait-offer',
          },
          {
            id: 'wait-offer',
            type: 'wait',
            duration: { amount: num(p, 'offerWaitDays'), unit: 'days' },
            next: 'bought-already',
          },
          // A first-order gift means nothing to someone who has already ordered.
          {
            id: 'bought-already',
            type: 'split_action',
            label: 'Bought since signing up?',
            event: 'Order Completed',
            yes: 'bought',
            no: 'email-offer',
          },
          {
            id: 'email-offer',
            type: 'send',
            template: templateName(welcome, 'email-offer'),
            next: 'done',
          },
          { id: 'bought', type: 'exit', label: 'Already a customer' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(welcome, 'email-welcome'),
          'Welcome: sent right after sign-up',
          'marketing',
          {
            en: {
              subject: 'Welcome to {{ store.name }}',
              preheader: 'We are so glad you are here. This is what to expect.',
              heading: 'Welcome aboard',
              paragraphs: [
                'Thank you for joining us. We started {{ store.name }} to make really good things easy to find, and we are happy you are here.',
                'Over the next few days we will tell you a little about who we are, show you the products our customers love most, and send you a small welcome gift.',
              ],
              button: { text: 'Start exploring' },
              closing: 'The {{ store.name }} team',
            },
            he: {
              subject: 'ברוכים הבאים ל-{{ store.name }}',
              preheader: 'איזה כיף שהצטרפתם – הנה מה שמחכה לכם',
              heading: 'איזה כיף שהצטרפתם',
              paragraphs: [
                'תודה שנרשמתם. הקמנו את {{ store.name }} כדי שיהיה קל למצוא דברים טובים באמת, ואנחנו שמחים שבחרתם להיות איתנו.',
                'בימים הקרובים נספר לכם קצת עלינו, נראה לכם את המוצרים שהלקוחות שלנו הכי אוהבים, ונשלח לכם מתנת הצטרפות קטנה.',
              ],
              button: { text: 'לכניסה לחנות' },
              closing: 'צוות {{ store.name }}',
            },
            sr: {
              subject: 'Dobro došli u {{ store.name }}',
              preheader: 'Drago nam je što ste tu — evo šta vas očekuje.',
              heading: 'Drago nam je što ste s nama',
              paragraphs: [
                'Hvala što ste se prijavili. {{ store.name }} smo pokrenuli da bismo vam olakšali da pronađete zaista dobre stvari i radujemo se što ste sada s nama.',
                'Narednih dana ispričaćemo vam nešto više o sebi, pokazati proizvode koje naši kupci najviše vole i poslati vam mali poklon dobrodošlice.',
              ],
              button: { text: 'Pogledajte ponudu' },
              closing: 'Tim {{ store.name }}',
            },
          },
        ),
        emailTemplate(
          templateName(welcome, 'email-story'),
          'Welcome: the brand story',
          'marketing',
          {
            en: {
              subject: 'The story behind {{ store.name }}',
              preheader: 'Why we do what we do.',
              heading: 'What we stand for',
              paragraphs: [
                'Every product we carry is one we would happily use ourselves. We choose carefully, work with makers we trust and keep our range small enough to stand behind every item.',
                'And if something is ever not right, a real person answers. Just reply to any of our emails.',
              ],
              button: { text: 'Meet our collection' },
            },
            he: {
              subject: 'הסיפור מאחורי {{ store.name }}',
              preheader: 'למה אנחנו עושים את מה שאנחנו עושים',
              heading: 'במה אנחנו מאמינים',
              paragraphs: [
                'כל מוצר שנמצא אצלנו הוא מוצר שהיינו שמחים להשתמש בו בעצמנו. אנחנו בוחרים בקפידה, עובדים עם יצרנים שאנחנו סומכים עליהם ושומרים על מבחר מצומצם, כדי שנוכל לעמוד מאחורי כל פריט.',
                'ואם משהו לא בסדר – עונה לכם אדם אמיתי. פשוט השיבו לכל אחד מהמיילים שלנו.',
              ],
              button: { text: 'להכיר את הקולקציה' },
            },
            sr: {
              subject: 'Priča o nama',
              preheader: 'Zašto radimo ovo što radimo.',
              heading: 'U šta verujemo',
              paragraphs: [
                'Svaki proizvod u našoj ponudi je nešto što bismo i sami rado koristili. Pažljivo biramo, sarađujemo sa proizvođačima kojima verujemo i držimo ponudu dovoljno malom da bismo mogli da garantujemo za svaki artikal.',
                'A ako nešto nije kako treba, odgovoriće vam prava osoba. Samo odgovorite na bilo koji naš imejl.',
              ],
              button: { text: 'Upoznajte našu ponudu' },
            },
          },
        ),
        emailTemplate(
          templateName(welcome, 'email-popular'),
          'Welcome: the bestsellers',
          'marketing',
          {
            en: {
              subject: "Our customers' favourites",
              preheader: 'The products people come back for.',
              heading: 'Loved by our customers',
              paragraphs: [
                'Not sure where to start? These are the products our customers order again and again.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular',
                title: 'Most popular right now',
              },
              button: { text: 'See all bestsellers' },
            },
            he: {
              subject: 'המוצרים שהלקוחות שלנו הכי אוהבים',
              preheader: 'המוצרים שחוזרים אליהם שוב ושוב',
              heading: 'האהובים של הלקוחות שלנו',
              paragraphs: ['לא בטוחים מאיפה להתחיל? אלה המוצרים שהלקוחות שלנו מזמינים שוב ושוב.'],
              products: {
                from: 'recommendations',
                strategy: 'popular',
                title: 'הכי פופולריים עכשיו',
              },
              button: { text: 'לכל הנמכרים ביותר' },
            },
            sr: {
              subject: 'Omiljeni proizvodi naših kupaca',
              preheader: 'Ono čemu se kupci uvek vraćaju.',
              heading: 'Kupci ih obožavaju',
              paragraphs: [
                'Niste sigurni odakle da počnete? Ovo su proizvodi koje naši kupci naručuju iznova i iznova.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular',
                title: 'Trenutno najpopularnije',
              },
              button: { text: 'Pogledajte najprodavanije' },
            },
          },
        ),
        emailTemplate(
          templateName(welcome, 'email-offer'),
          'Welcome: the first-order gift',
          'marketing',
          {
            en: {
              subject: 'A welcome gift for you',
              preheader: 'Your first order, a little sweeter.',
              heading: 'A little something from us',
              paragraphs: [
                'Thank you for getting to know us. To make your first order a little sweeter, we have a welcome gift for you.',
                'Use your code at checkout.',
              ],
              offer,
              button: { text: 'Shop now' },
            },
            he: {
              subject: 'מתנת הצטרפות בשבילכם',
              preheader: 'כדי שההזמנה הראשונה תהיה עוד יותר נעימה',
              heading: 'הפתעה קטנה מאיתנו',
              paragraphs: [
                'תודה שהתחלתם להכיר אותנו. כדי שההזמנה הראשונה שלכם תהיה עוד יותר נעימה, הכנו לכם מתנת הצטרפות.',
                'השתמשו בקוד בקופה.',
              ],
              offer,
              button: { text: 'לקנייה עם ההטבה' },
            },
            sr: {
              subject: 'Poklon dobrodošlice za vas',
              preheader: 'Da vam prva kupovina bude još lepša.',
              heading: 'Mala pažnja od nas',
              paragraphs: [
                'Hvala što ste nas bolje upoznali. Da bi vaša prva porudžbina bila još lepša, pripremili smo vam poklon dobrodošlice.',
                'Iskoristite kod prilikom plaćanja.',
              ],
              offer,
              button: { text: 'Kupite uz popust' },
            },
          },
        ),
      ],
    };
  },
};
