import { emailTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { templateName } from './shared.js';
import { days, daysParam, marketing } from './retention-shared.js';

const educational = 'educational-series';
const educationalSummary =
  'After a first order in a category: three short guides a few days apart (how to use it, care, what goes with it).';
export const educationalFlow: FlowDefinition = {
  id: educational,
  name: 'Educational series',
  category: 'retention',
  summary: educationalSummary,
  reason:
    'seed 004: after a purchase that needs care, send care tips as a follow-up, and offer what others buy with it.',
  params: [
    {
      key: 'category',
      type: 'category',
      default: 'Coffee',
      description: 'The category whose first purchase starts the series',
    },
    daysParam(
      'firstWaitDays',
      3,
      1,
      30,
      'Days from the order to the first guide (let the order arrive)',
    ),
    daysParam('gapDays', 4, 1, 21, 'Days between the guides'),
  ],
  build(p) {
    const category = text(p, 'category');
    const gap = days(num(p, 'gapDays'));
    return {
      journey: {
        name: 'Educational series',
        description: educationalSummary,
        trigger: { type: 'event', event: 'Order Completed' },
        entry: {
          rule: 'once',
          whileInside: false,
          // Products are a list, out of reach of event filters: the order history answers
          // instead. One order ever with the category, and it is this one (in the last day).
          condition: {
            type: 'and',
            conditions: [
              { type: 'purchased', category, count: { operator: 'eq', value: 1 } },
              { type: 'purchased', category, window: { kind: 'last', amount: 1, unit: 'days' } },
            ],
          },
        },
        sending: marketing(40),
        start: 'wait-first',
        steps: [
          {
            id: 'wait-first',
            type: 'wait',
            duration: days(num(p, 'firstWaitDays')),
            next: 'email-use',
          },
          {
            id: 'email-use',
            type: 'send',
            template: templateName(educational, 'email-use'),
            next: 'wait-care',
          },
          { id: 'wait-care', type: 'wait', duration: gap, next: 'email-care' },
          {
            id: 'email-care',
            type: 'send',
            template: templateName(educational, 'email-care'),
            next: 'wait-pairing',
          },
          { id: 'wait-pairing', type: 'wait', duration: gap, next: 'email-pairing' },
          {
            id: 'email-pairing',
            type: 'send',
            template: templateName(educational, 'email-pairing'),
            next: 'done',
          },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(educational, 'email-use'),
          'Educational series 1: getting started',
          'marketing',
          {
            en: {
              subject: `Your ${category} guide: getting started`,
              preheader: 'Simple tips to enjoy it from day one.',
              heading: 'Part 1: getting started',
              paragraphs: [
                `Thank you for your first order from our ${category} range! Over the next few days we will send you a short series of tips, so you get the very best from it.`,
                '<strong>Start with the basics.</strong> Read the label or the leaflet once: it has the right amounts, times and settings for your product.',
                '<strong>Make it a habit.</strong> Most products show what they can do with regular use, so give it a week before you judge.',
                '<strong>Change one thing at a time.</strong> Adjust slowly and you will quickly find what suits you best.',
              ],
              button: { text: 'Visit the store' },
            },
            he: {
              subject: `מדריך ${category}: איך מתחילים`,
              preheader: 'טיפים פשוטים כדי ליהנות כבר מהיום הראשון.',
              heading: 'חלק 1: צעדים ראשונים',
              paragraphs: [
                `תודה על ההזמנה הראשונה שלכם מקטגוריית ${category}! בימים הקרובים נשלח לכם סדרה קצרה של טיפים, כדי שתפיקו את המרב מהמוצרים.`,
                '<strong>מתחילים מהבסיס.</strong> קראו פעם אחת את התווית או העלון המצורף: יש שם את הכמויות, הזמנים וההגדרות שמתאימים בדיוק למוצר שלכם.',
                '<strong>הופכים את זה להרגל.</strong> רוב המוצרים מראים את מה שהם יודעים לעשות בשימוש קבוע, אז תנו לזה שבוע לפני שאתם מחליטים.',
                '<strong>משנים דבר אחד בכל פעם.</strong> התאימו בהדרגה, וכך תמצאו מהר מה הכי מתאים לכם.',
              ],
              button: { text: 'לחנות' },
            },
            sr: {
              subject: `Vodič za kategoriju ${category}: prvi koraci`,
              preheader: 'Jednostavni saveti da uživate od prvog dana.',
              heading: '1. deo: prvi koraci',
              paragraphs: [
                `Hvala vam na prvoj porudžbini iz kategorije ${category}! Narednih dana poslaćemo vam kratku seriju saveta kako biste iz svoje kupovine izvukli najviše.`,
                '<strong>Počnite od osnova.</strong> Jednom pročitajte etiketu ili uputstvo: tu su prave količine, vreme i podešavanja za vaš proizvod.',
                '<strong>Neka postane navika.</strong> Većina proizvoda pokaže šta može tek uz redovnu upotrebu, pa im dajte nedelju dana pre nego što donesete sud.',
                '<strong>Menjajte jednu po jednu stvar.</strong> Prilagođavajte postepeno i brzo ćete pronaći šta vam najviše odgovara.',
              ],
              button: { text: 'Posetite prodavnicu' },
            },
          },
        ),
        emailTemplate(
          templateName(educational, 'email-care'),
          'Educational series 2: care and storage',
          'marketing',
          {
            en: {
              subject: `Your ${category} guide: care that makes it last`,
              preheader: 'A few minutes of care, many more months of enjoyment.',
              heading: 'Part 2: care and storage',
              paragraphs: [
                'Good care keeps things working like new for longer. Here is what makes the biggest difference:',
                '<strong>Keep it clean.</strong> Clean after use with a soft cloth or mild soap, unless the label says otherwise.',
                '<strong>Store it well.</strong> A dry, cool place away from direct sunlight protects both flavour and materials.',
                '<strong>Check now and then.</strong> A quick look every few weeks catches small problems before they become big ones.',
              ],
              button: { text: 'Visit the store' },
            },
            he: {
              subject: `מדריך ${category}: טיפוח שמאריך חיים`,
              preheader: 'כמה דקות של טיפוח, עוד הרבה חודשים של הנאה.',
              heading: 'חלק 2: טיפוח ואחסון',
              paragraphs: [
                'טיפוח נכון שומר על המוצרים כמו חדשים לאורך זמן. הנה מה שעושה את ההבדל הגדול ביותר:',
                '<strong>שומרים על ניקיון.</strong> נקו אחרי כל שימוש עם מטלית רכה או סבון עדין, אלא אם כתוב אחרת בתווית.',
                '<strong>מאחסנים נכון.</strong> מקום יבש וקריר, הרחק מאור שמש ישיר, שומר גם על הטעם וגם על החומרים.',
                '<strong>בודקים מדי פעם.</strong> מבט קצר כל כמה שבועות יתפוס בעיות קטנות לפני שהן הופכות לגדולות.',
              ],
              button: { text: 'לחנות' },
            },
            sr: {
              subject: `Vodič za kategoriju ${category}: nega koja produžava vek`,
              preheader: 'Nekoliko minuta nege, mnogo više meseci uživanja.',
              heading: '2. deo: nega i čuvanje',
              paragraphs: [
                'Dobra nega čuva proizvode kao nove duže vreme. Evo šta pravi najveću razliku:',
                '<strong>Održavajte čistoću.</strong> Očistite posle upotrebe mekom krpom ili blagim sapunom, osim ako na etiketi ne piše drugačije.',
                '<strong>Čuvajte pravilno.</strong> Suvo i hladno mesto, dalje od direktne sunčeve svetlosti, čuva i ukus i materijale.',
                '<strong>Proverite s vremena na vreme.</strong> Kratak pogled na nekoliko nedelja otkriće male probleme pre nego što postanu veliki.',
              ],
              button: { text: 'Posetite prodavnicu' },
            },
          },
        ),
        emailTemplate(
          templateName(educational, 'email-pairing'),
          'Educational series 3: what goes with it, and favourites of the category',
          'marketing',
          {
            en: {
              subject: `Your ${category} guide: perfect pairings`,
              preheader: 'Pairings our customers love, and the favourites of the range.',
              heading: 'Part 3: perfect pairings',
              paragraphs: [
                'To finish the series, the fun part: what goes well with what you bought.',
                'Our customers’ tip: pair it with something that brings out its best, and try a new combination now and then. The most popular picks of the range are a good place to start.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: `Favourites in ${category}`,
              },
              button: { text: 'Explore the range' },
            },
            he: {
              subject: `מדריך ${category}: שילובים מושלמים`,
              preheader: 'שילובים שהלקוחות שלנו אוהבים, והמועדפים של הקטגוריה.',
              heading: 'חלק 3: שילובים מושלמים',
              paragraphs: [
                'לסיום הסדרה, החלק הכיפי: מה הולך טוב עם מה שקניתם.',
                'הטיפ של הלקוחות שלנו: שלבו עם משהו שמוציא ממנו את הטוב ביותר, ונסו מדי פעם שילוב חדש. המוצרים האהובים ביותר בקטגוריה הם מקום מצוין להתחיל בו.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: `המועדפים בקטגוריית ${category}`,
              },
              button: { text: 'לכל הקטגוריה' },
            },
            sr: {
              subject: `Vodič za kategoriju ${category}: savršene kombinacije`,
              preheader: 'Kombinacije koje naši kupci vole i omiljeni proizvodi iz ponude.',
              heading: '3. deo: savršene kombinacije',
              paragraphs: [
                'Za kraj serije, najzabavniji deo: šta se lepo slaže sa onim što ste kupili.',
                'Savet naših kupaca: kombinujte sa nečim što ističe njegove najbolje strane i s vremena na vreme probajte nešto novo. Najpopularniji proizvodi iz ove kategorije su odlično mesto za početak.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'popular_in_category',
                title: `Omiljeno u kategoriji ${category}`,
              },
              button: { text: 'Pogledajte ponudu' },
            },
          },
        ),
      ],
    };
  },
};
