import { emailTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { type Step, templateName } from './shared.js';
import { days, daysParam, marketing } from './retention-shared.js';

/** The store's preferences page (staying subscribed), or the store when there is none. */
const preferencesUrl = "{{ links.preferences | default: store.url | default: '#' }}";

const sunset = 'sunset';
const sunsetSummary =
  'Long-inactive contacts are asked whether they still want emails; with no sign of life, a goodbye, then they are unsubscribed from marketing.';
/** A person's click on a link of any email (a link scanner's click is marked `machine`). */
const personClicked = (id: string, label: string, no: string): Step => ({
  id,
  type: 'split_action',
  label,
  event: 'Email Link Clicked',
  where: [{ property: 'machine', operator: 'neq', value: true }],
  yes: 'still-active',
  no,
});
export const sunsetFlow: FlowDefinition = {
  id: sunset,
  name: 'Sunset',
  category: 'retention',
  summary: sunsetSummary,
  reason:
    'seed 002: inactive customers, list cleaning, 2 touch points; mailing people who no longer read hurts delivery for everyone.',
  params: [
    daysParam('inactiveDays', 150, 60, 730, 'Days without any visit that start the flow'),
    daysParam('answerDays', 7, 2, 30, 'Days to answer before the goodbye email'),
    daysParam('goodbyeDays', 3, 1, 14, 'Days from the goodbye email to the unsubscribe'),
  ],
  build(p) {
    const inactive = num(p, 'inactiveDays');
    return {
      journey: {
        name: 'Sunset',
        description: sunsetSummary,
        trigger: {
          type: 'date_field',
          field: 'computed.last_seen_at',
          offsetDays: inactive,
          at: '10:00',
        },
        entry: { rule: 'once_per', period: days(inactive), whileInside: false },
        sending: marketing(20, 3),
        start: 'email-ask',
        steps: [
          {
            id: 'email-ask',
            type: 'send',
            template: templateName(sunset, 'email-ask'),
            next: 'wait-answer',
          },
          {
            id: 'wait-answer',
            type: 'wait',
            duration: days(num(p, 'answerDays')),
            next: 'clicked',
          },
          // Any sign of life since the question keeps the contact: a click, a visit, an order.
          personClicked('clicked', 'Clicked an email since the question?', 'viewed'),
          {
            id: 'viewed',
            type: 'split_action',
            label: 'Viewed a product since the question?',
            event: 'Product Viewed',
            yes: 'still-active',
            no: 'ordered',
          },
          {
            id: 'ordered',
            type: 'split_action',
            label: 'Ordered since the question?',
            event: 'Order Completed',
            yes: 'still-active',
            no: 'email-goodbye',
          },
          {
            id: 'email-goodbye',
            type: 'send',
            template: templateName(sunset, 'email-goodbye'),
            next: 'wait-goodbye',
          },
          {
            id: 'wait-goodbye',
            type: 'wait',
            duration: days(num(p, 'goodbyeDays')),
            next: 'clicked-goodbye',
          },
          // The goodbye email's button keeps them too, up to the last moment.
          personClicked('clicked-goodbye', 'Clicked "keep me subscribed"?', 'unsubscribe'),
          // The consent follower turns this trait into an email unsubscribe: real suppression.
          {
            id: 'unsubscribe',
            type: 'update_profile',
            label: 'Unsubscribe from marketing email',
            set: { email_marketing_consent: 'unsubscribed' },
            next: 'unsubscribed',
          },
          { id: 'still-active', type: 'exit', label: 'Still interested' },
          { id: 'unsubscribed', type: 'exit', label: 'Unsubscribed' },
        ],
      },
      templates: [
        emailTemplate(
          templateName(sunset, 'email-ask'),
          'Sunset: do you still want to hear from us?',
          'marketing',
          {
            en: {
              subject: 'Do you still want to hear from us?',
              preheader: 'One click keeps you on the list.',
              heading: 'Shall we stay in touch?',
              paragraphs: [
                'We have not seen you in a while, and we do not want to fill your inbox with emails you no longer want.',
                'If you would like to keep hearing from us (new arrivals, tips and special offers), just click the button below. If we do not hear from you, we will stop sending you marketing emails soon.',
              ],
              button: { text: 'Yes, keep me subscribed', url: preferencesUrl },
            },
            he: {
              subject: 'עדיין רוצים לשמוע מאיתנו?',
              preheader: 'קליק אחד ואתם נשארים ברשימה.',
              heading: 'נשארים בקשר?',
              paragraphs: [
                'לא ראינו אתכם כבר זמן מה, ואנחנו לא רוצים למלא לכם את תיבת הדואר במיילים שכבר לא מעניינים אתכם.',
                'אם תרצו להמשיך לשמוע מאיתנו (מוצרים חדשים, טיפים והטבות), פשוט לחצו על הכפתור למטה. אם לא נשמע מכם, בקרוב נפסיק לשלוח לכם מיילים שיווקיים.',
              ],
              button: { text: 'כן, השאירו אותי ברשימה', url: preferencesUrl },
            },
            sr: {
              subject: 'Da li i dalje želite da vam se javljamo?',
              preheader: 'Jedan klik i ostajete na listi.',
              heading: 'Da ostanemo u kontaktu?',
              paragraphs: [
                'Dugo vas nismo videli i ne želimo da vam punimo prijemno sanduče mejlovima koji vas više ne zanimaju.',
                'Ako želite i dalje da dobijate vesti od nas (nove proizvode, savete i posebne ponude), samo kliknite na dugme ispod. Ako se ne javite, uskoro ćemo prestati da vam šaljemo promotivne mejlove.',
              ],
              button: { text: 'Da, želim da ostanem na listi', url: preferencesUrl },
            },
          },
        ),
        emailTemplate(
          templateName(sunset, 'email-goodbye'),
          'Sunset: goodbye for now, before the unsubscribe',
          'marketing',
          {
            en: {
              subject: 'Goodbye for now',
              preheader: 'We will stop sending marketing emails, unless you tell us otherwise.',
              heading: 'Goodbye for now',
              paragraphs: [
                'We have not heard from you, so in a few days we will take you off our marketing list. No more emails like this one, unless you decide otherwise.',
                'Order confirmations and delivery updates for any future order will still reach you as usual.',
                'Changed your mind? One click keeps you on the list, and our door is always open.',
              ],
              button: { text: 'Keep me subscribed', url: preferencesUrl },
              closing: 'Thank you for being part of {{ store.name }}.',
            },
            he: {
              subject: 'להתראות בינתיים',
              preheader: 'נפסיק לשלוח מיילים שיווקיים, אלא אם תגידו לנו אחרת.',
              heading: 'להתראות בינתיים',
              paragraphs: [
                'לא שמענו מכם, ולכן בעוד כמה ימים נסיר אתכם מרשימת הדיוור השיווקי. לא תקבלו מאיתנו עוד מיילים כאלה, אלא אם תחליטו אחרת.',
                'אישורי הזמנה ועדכוני משלוח להזמנות עתידיות ימשיכו להגיע אליכם כרגיל.',
                'שיניתם את דעתכם? קליק אחד ואתם נשארים ברשימה, והדלת שלנו תמיד פתוחה.',
              ],
              button: { text: 'השאירו אותי ברשימה', url: preferencesUrl },
              closing: 'תודה שהייתם חלק מ-{{ store.name }}.',
            },
            sr: {
              subject: 'Doviđenja, za sada',
              preheader:
                'Prestaćemo da vam šaljemo promotivne mejlove, osim ako nam ne kažete drugačije.',
              heading: 'Doviđenja, za sada',
              paragraphs: [
                'Niste nam se javili, pa ćemo vas za nekoliko dana ukloniti sa liste za promotivne mejlove. Više vam nećemo slati ovakve poruke, osim ako ne odlučite drugačije.',
                'Potvrde porudžbina i obaveštenja o isporuci za buduće porudžbine i dalje ćete dobijati kao i do sada.',
                'Predomislili ste se? Jedan klik i ostajete na listi, a naša vrata su vam uvek otvorena.',
              ],
              button: { text: 'Želim da ostanem na listi', url: preferencesUrl },
              closing: 'Hvala vam što ste bili deo prodavnice {{ store.name }}.',
            },
          },
        ),
      ],
    };
  },
};
