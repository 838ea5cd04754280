import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { templateName, holdoutParam, holdoutSplit } from './shared.js';
import { days, daysParam, marketing } from './retention-shared.js';

const replenish = 'replenishment';
const replenishSummary =
  'A few days before a product is due to run out, a restock email; then tips to those who reordered and an SMS to those who did not.';
export const replenishmentFlow: FlowDefinition = {
  id: replenish,
  name: 'Replenishment',
  category: 'retention',
  summary: replenishSummary,
  reason:
    'seed 001: replenishment offers after the first purchase, sent a notice before the usage period ends (e.g. 30-4 days).',
  params: [
    daysParam('noticeDays', 4, 1, 30, 'Days before the expected reorder date to send the reminder'),
    daysParam(
      'reminderWaitDays',
      5,
      1,
      21,
      'Days from the email to the SMS reminder (or the tips)',
    ),
    holdoutParam,
  ],
  build(p) {
    return {
      journey: {
        name: 'Replenishment',
        description: replenishSummary,
        trigger: {
          type: 'date_field',
          field: 'insights.next_replenishment_due_at',
          offsetDays: -num(p, 'noticeDays'),
          at: '10:00',
        },
        entry: { rule: 'once_per', period: days(20), whileInside: false },
        sending: marketing(45),
        start: 'holdout-split',
        steps: [
          ...holdoutSplit(
            Math.round(num(p, 'holdoutPercent')),
            'email-restock',
            days(num(p, 'reminderWaitDays')),
          ),
          {
            id: 'email-restock',
            type: 'send',
            template: templateName(replenish, 'email-restock'),
            next: 'wait-reminder',
          },
          {
            id: 'wait-reminder',
            type: 'wait',
            duration: days(num(p, 'reminderWaitDays')),
            next: 'reordered',
          },
          // Tips only for those who already bought again; a reminder for the others.
          {
            id: 'reordered',
            type: 'split_action',
            label: 'Reordered since the reminder?',
            event: 'Order Completed',
            yes: 'email-tips',
            no: 'sms-reminder',
          },
          {
            id: 'email-tips',
            type: 'send',
            template: templateName(replenish, 'email-tips'),
            next: 'done-tips',
          },
          {
            id: 'sms-reminder',
            type: 'send',
            template: templateName(replenish, 'sms-reminder'),
            next: 'done',
          },
          { id: 'done-tips', type: 'exit', label: 'Reordered' },
          { id: 'done', type: 'exit' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(replenish, 'email-restock'),
          'Replenishment: running low, restock',
          'marketing',
          {
            en: {
              subject: 'Running low?',
              preheader: 'Restock your favourites before they run out.',
              heading: 'Time to stock up?',
              paragraphs: [
                'By our count, the things you bought last time may be running low soon.',
                'Reorder now and they will arrive before you run out: no gap, no last-minute rush.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'replenishment',
                title: 'Ready to reorder',
              },
              button: { text: 'Restock now' },
            },
            he: {
              subject: 'עומד להיגמר לכם?',
              preheader: 'חדשו את המלאי של המוצרים האהובים לפני שייגמרו.',
              heading: 'הגיע הזמן לחדש מלאי?',
              paragraphs: [
                'לפי החישוב שלנו, המוצרים שקניתם בפעם הקודמת עומדים להיגמר בקרוב.',
                'הזמינו עכשיו והם יגיעו אליכם לפני שייגמרו: בלי הפסקה ובלי ריצה של הרגע האחרון.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'replenishment',
                title: 'מוכן להזמנה חוזרת',
              },
              button: { text: 'להזמנה חוזרת' },
            },
            sr: {
              subject: 'Da li vam ponestaje?',
              preheader: 'Obnovite zalihe omiljenih proizvoda pre nego što ih nestane.',
              heading: 'Vreme je za nove zalihe?',
              paragraphs: [
                'Prema našoj računici, proizvodi koje ste poslednji put kupili uskoro bi mogli da se potroše.',
                'Naručite sada i stići će pre nego što vam ponestane: bez prekida i bez jurnjave u poslednjem trenutku.',
              ],
              products: {
                from: 'recommendations',
                strategy: 'replenishment',
                title: 'Spremno za ponovnu porudžbinu',
              },
              button: { text: 'Naručite ponovo' },
            },
          },
        ),
        emailTemplate(
          templateName(replenish, 'email-tips'),
          'Replenishment: tips for those who reordered',
          'marketing',
          {
            en: {
              subject: 'Getting the most out of your favourites',
              preheader: 'A few simple tips from our team.',
              heading: 'Thanks for restocking!',
              paragraphs: [
                'Thank you for your new order. As one of our regulars, here are a few tips to make every bit count:',
                '<strong>Store it right.</strong> Keep products closed, cool and out of direct sunlight, and check the label for anything special.',
                '<strong>Use the right amount.</strong> The amount recommended on the pack is usually all you need; more is not always better.',
                '<strong>Finish the older one first.</strong> Open the new pack when the old one is done, so nothing loses its freshness.',
              ],
              button: { text: 'Visit the store' },
              closing: 'Questions? Reply to this email and we will gladly help.',
            },
            he: {
              subject: 'איך להפיק את המרב מהמוצרים שאתם אוהבים',
              preheader: 'כמה טיפים פשוטים מהצוות שלנו.',
              heading: 'תודה שחידשתם את המלאי!',
              paragraphs: [
                'תודה על ההזמנה החדשה. אתם כבר לקוחות קבועים, אז הנה כמה טיפים שיעזרו לכם ליהנות מכל שימוש:',
                '<strong>אחסון נכון.</strong> שמרו את המוצרים סגורים, במקום קריר והרחק מאור שמש ישיר, ובדקו בתווית אם יש הוראות מיוחדות.',
                '<strong>הכמות הנכונה.</strong> הכמות המומלצת על האריזה היא בדרך כלל כל מה שצריך; יותר זה לא תמיד טוב יותר.',
                '<strong>קודם את הישן.</strong> פתחו את האריזה החדשה רק כשהקודמת נגמרה, כך ששום דבר לא יאבד מהטריות שלו.',
              ],
              button: { text: 'לחנות' },
              closing: 'יש לכם שאלות? השיבו למייל הזה ונשמח לעזור.',
            },
            sr: {
              subject: 'Kako da izvučete najviše iz omiljenih proizvoda',
              preheader: 'Nekoliko jednostavnih saveta našeg tima.',
              heading: 'Hvala što ste obnovili zalihe!',
              paragraphs: [
                'Hvala vam na novoj porudžbini. Pošto ste naš stalni kupac, evo nekoliko saveta da iskoristite baš svaki deo:',
                '<strong>Pravilno čuvanje.</strong> Držite proizvode zatvorene, na hladnom mestu i dalje od direktne sunčeve svetlosti, i proverite na etiketi da li postoje posebna uputstva.',
                '<strong>Prava količina.</strong> Količina preporučena na pakovanju obično je sve što vam treba; više nije uvek i bolje.',
                '<strong>Prvo staro.</strong> Novo pakovanje otvorite tek kada potrošite prethodno, da ništa ne izgubi svežinu.',
              ],
              button: { text: 'Posetite prodavnicu' },
              closing: 'Imate pitanja? Odgovorite na ovaj mejl i rado ćemo pomoći.',
            },
          },
        ),
        shortTemplate(
          templateName(replenish, 'sms-reminder'),
          'Replenishment: SMS reminder for those who did not reorder',
          'sms',
          'marketing',
          {
            en: {
              body: '{{ store.name }}: time to restock? Your favourites are one tap away: {{ store.url | default: "" }}',
            },
            he: {
              body: '{{ store.name }}: המוצרים שאתם אוהבים עומדים להיגמר? מזמינים שוב בקליק: {{ store.url | default: "" }}',
            },
            sr: {
              body: '{{ store.name }}: vreme je za nove zalihe? Vaši omiljeni proizvodi su na jedan klik: {{ store.url | default: "" }}',
            },
          },
        ),
      ],
    };
  },
};
