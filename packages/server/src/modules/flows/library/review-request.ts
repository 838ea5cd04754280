import { emailTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { type Steps, templateName, waitParam, days } from './shared.js';
import { goal, marketing } from './catalog-orders-shared.js';

const reviewRequest = 'review-request';

/** A review request some days after delivery, with an incentive, and one gentle reminder. */
export const reviewRequestFlow: FlowDefinition = {
  id: reviewRequest,
  name: 'Review request',
  category: 'post_purchase',
  summary:
    'Some days after delivery: an email asking for a review with a thank-you offer, and a gentle reminder to those who have not reviewed.',
  reason:
    'seed 000: a few days after delivery ask for feedback and a review, backed by an incentive; seed 002: 2 touch points; seed 004: it builds a base of customer experience',
  params: [
    waitParam('reviewWaitDays', 'days', 5, 30, 'Days after delivery for the review request'),
    waitParam('reminderWaitDays', 'days', 4, 14, 'Days from the request to the reminder'),
    waitParam(
      'repeatPeriodDays',
      'days',
      30,
      365,
      'At most one request per customer in this many days',
    ),
    {
      key: 'offerCode',
      type: 'code',
      default: 'REVIEW5',
      description: 'The thank-you coupon code (seed 000)',
    },
    {
      key: 'offerText',
      type: 'text',
      default: '5% off your next order for your review',
      description: "What the code gives, in the store's language",
    },
  ],
  build(p) {
    const t = (step: string) => templateName(reviewRequest, step);
    const code = text(p, 'offerCode');
    const offerText = text(p, 'offerText');
    const offer = { code, text: offerText };
    const steps: Steps = [
      { id: 'wait-1', type: 'wait', duration: days(num(p, 'reviewWaitDays')), next: 'email-1' },
      { id: 'email-1', type: 'send', template: t('email-1'), next: 'wait-2' },
      {
        id: 'wait-2',
        type: 'wait',
        duration: days(num(p, 'reminderWaitDays')),
        next: 'reviewed',
      },
      // The goal already converts a reviewer; the split states the rule where it applies.
      {
        id: 'reviewed',
        type: 'split_action',
        event: 'Product Reviewed',
        yes: 'done',
        no: 'email-2',
      },
      { id: 'email-2', type: 'send', template: t('email-2'), next: 'done' },
      { id: 'done', type: 'exit' },
    ];
    return {
      journey: {
        name: 'Review request',
        description: 'Asks for a review a few days after delivery, with a thank-you offer.',
        trigger: { type: 'event', event: 'Order Delivered' },
        entry: { rule: 'once_per', period: days(num(p, 'repeatPeriodDays')), whileInside: false },
        goal: goal(7, 'Product Reviewed'),
        sending: marketing(50, 2),
        start: 'wait-1',
        steps,
      },
      templates: [
        emailTemplate(t('email-1'), 'Review request with a thank-you offer', 'marketing', {
          en: {
            subject: 'How do you like your order?',
            preheader: 'Tell us in a minute, and get a thank-you from us.',
            heading: 'How is it going so far?',
            paragraphs: [
              "Your order arrived a few days ago, so by now you've had a chance to try it. We'd love to know what you think.",
              'A short review, even a line or two, helps other customers choose well and helps us get better.',
              `As a thank-you: <strong>${offerText}</strong>. Once you've left your review, use your code at checkout.`,
            ],
            offer,
            button: { text: 'Write a review' },
          },
          he: {
            subject: 'איך ההזמנה שלכם?',
            preheader: 'ספרו לנו בדקה, וקבלו מאיתנו תודה.',
            heading: 'איך הולך עד עכשיו?',
            paragraphs: [
              'ההזמנה שלכם הגיעה לפני כמה ימים, ובטח כבר הספקתם לנסות אותה. נשמח מאוד לשמוע מה דעתכם.',
              'חוות דעת קצרה, אפילו שורה או שתיים, עוזרת ללקוחות אחרים לבחור נכון ועוזרת לנו להשתפר.',
              `כתודה מחכה לכם הטבה: <strong>${offerText}</strong>. אחרי שתכתבו את חוות הדעת, השתמשו בקוד בקופה.`,
            ],
            offer,
            button: { text: 'לכתיבת חוות דעת' },
          },
          sr: {
            subject: 'Kako Vam se sviđa porudžbina?',
            preheader: 'Recite nam za minut i dobijte malu zahvalnicu.',
            heading: 'Kako ste zadovoljni do sada?',
            paragraphs: [
              'Vaša porudžbina je stigla pre nekoliko dana i verovatno ste već imali priliku da je isprobate. Voleli bismo da čujemo Vaše mišljenje.',
              'Kratka recenzija, čak i jedna ili dve rečenice, pomaže drugim kupcima da dobro izaberu, a nama da budemo još bolji.',
              `Kao zahvalnost čeka Vas pogodnost: <strong>${offerText}</strong>. Kada ostavite recenziju, iskoristite kod pri plaćanju.`,
            ],
            offer,
            button: { text: 'Napišite recenziju' },
          },
        }),
        emailTemplate(t('email-2'), 'Gentle review reminder', 'marketing', {
          en: {
            subject: 'A quick favour? Your review helps',
            preheader: 'A line or two is plenty. Your thank-you code is still waiting.',
            heading: 'Got a minute for a review?',
            paragraphs: [
              'We know inboxes are busy, so just a gentle nudge: if you have a moment, we would really value your review of your recent order.',
              `Honest is best: good or not so good, it helps us and other customers. Your thank-you, <strong>${offerText}</strong>, is still waiting. Use your code after your review.`,
            ],
            offer,
            button: { text: 'Leave a review' },
            closing: 'Thank you for helping us improve.',
          },
          he: {
            subject: 'טובה קטנה? חוות הדעת שלכם עוזרת',
            preheader: 'שורה או שתיים זה מספיק. קוד התודה עדיין מחכה לכם.',
            heading: 'יש לכם דקה לחוות דעת?',
            paragraphs: [
              'אנחנו יודעים שתיבת המייל עמוסה, אז רק תזכורת עדינה: אם יש לכם רגע, נשמח מאוד לחוות הדעת שלכם על ההזמנה האחרונה.',
              `כנות היא הכי טובה: טוב או פחות טוב – זה עוזר לנו וללקוחות אחרים. מתנת התודה שלכם, <strong>${offerText}</strong>, עדיין מחכה. השתמשו בקוד אחרי שתכתבו את חוות הדעת.`,
            ],
            offer,
            button: { text: 'להשארת חוות דעת' },
            closing: 'תודה שאתם עוזרים לנו להשתפר.',
          },
          sr: {
            subject: 'Mala usluga? Vaša recenzija mnogo znači',
            preheader: 'Jedna ili dve rečenice su sasvim dovoljne. Vaš poklon-kod i dalje čeka.',
            heading: 'Imate li minut za recenziju?',
            paragraphs: [
              'Znamo da dobijate mnogo mejlova, pa samo nežan podsetnik: ako imate trenutak, mnogo bi nam značila Vaša recenzija nedavne porudžbine.',
              `Iskrenost je najbolja: bio utisak dobar ili ne baš, pomaže i nama i drugim kupcima. Vaša zahvalnica, <strong>${offerText}</strong>, i dalje Vas čeka. Iskoristite kod posle recenzije.`,
            ],
            offer,
            button: { text: 'Ostavite recenziju' },
            closing: 'Hvala što nam pomažete da budemo bolji.',
          },
        }),
      ],
    };
  },
};
