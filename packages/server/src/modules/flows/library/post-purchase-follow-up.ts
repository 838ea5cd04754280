import { emailTemplate, shortTemplate } from '../flow-copy.js';
import { num, type FlowDefinition } from '../flow-types.js';
import { type Steps, templateName, waitParam, days } from './shared.js';

const orderTotal = '{{ event.total | money: event.currency | default: "" }}';
const orderNo = (prefix: string) =>
  `{% if event.order_id %} <strong>${prefix}{{ event.order_id | default: "" }}</strong>{% endif %}`;

const followUp = 'post-purchase-follow-up';

export const postPurchaseFollowUpFlow: FlowDefinition = {
  id: followUp,
  name: 'Post-purchase follow-up',
  category: 'post_purchase',
  summary:
    'Transactional: the order confirmation, a shipping notice by WhatsApp and email, and care and warranty advice once it is delivered.',
  reason:
    'seed 000: right after a purchase send the order confirmation, the expected shipping, care instructions, the warranty and customer-service details',
  params: [
    waitParam('shipTimeoutDays', 'days', 14, 60, 'How long to wait for the order to ship'),
    waitParam(
      'deliveryTimeoutDays',
      'days',
      14,
      60,
      'How long to wait for the delivery after shipping',
    ),
    waitParam('careWaitDays', 'days', 1, 14, 'Days after the delivery for the care email'),
  ],
  build(p) {
    const t = (step: string) => templateName(followUp, step);
    const steps: Steps = [
      { id: 'confirmation', type: 'send', template: t('confirmation'), next: 'wait-shipped' },
      {
        id: 'wait-shipped',
        type: 'wait_for_event',
        event: 'Order Fulfilled',
        // This order's own shipping and delivery, not another order's.
        sameAsTrigger: ['order_id'],
        timeout: days(num(p, 'shipTimeoutDays')),
        next: 'whatsapp-shipped',
        timeoutNext: 'not-shipped',
      },
      {
        id: 'whatsapp-shipped',
        type: 'send',
        template: t('whatsapp-shipped'),
        next: 'email-shipped',
      },
      { id: 'email-shipped', type: 'send', template: t('email-shipped'), next: 'wait-delivered' },
      {
        id: 'wait-delivered',
        type: 'wait_for_event',
        event: 'Order Delivered',
        sameAsTrigger: ['order_id'],
        timeout: days(num(p, 'deliveryTimeoutDays')),
        next: 'wait-care',
        timeoutNext: 'not-delivered',
      },
      {
        id: 'wait-care',
        type: 'wait',
        duration: days(num(p, 'careWaitDays')),
        next: 'email-care',
      },
      { id: 'email-care', type: 'send', template: t('email-care'), next: 'done' },
      { id: 'not-shipped', type: 'exit', label: 'No shipping event in time' },
      { id: 'not-delivered', type: 'exit', label: 'No delivery event in time' },
      { id: 'done', type: 'exit' },
    ];
    const shippedWhatsapp = (language: 'en' | 'he' | 'sr', friend: string) => ({
      name: 'comeback_order_shipped',
      language,
      parameters: [
        `{{ profile.first_name | default: "${friend}" }}`,
        '{{ store.name }}',
        '{{ event.order_id | default: "-" }}',
      ],
    });
    return {
      journey: {
        name: 'Post-purchase follow-up',
        description: 'Order confirmation, shipping notice and care advice: transactional only.',
        trigger: { type: 'event', event: 'Order Completed' },
        // One enrollment per order: each order's waits match only its own events (order_id).
        entry: { rule: 'every_time', whileInside: true },
        // No goal: a next order must not cut the shipping notice of this one short.
        sending: {
          priority: 100,
          overBudget: 'delay',
          maxDelay: days(1),
          quietHours: false,
          budgetExempt: true,
        },
        start: 'confirmation',
        steps,
      },
      templates: [
        emailTemplate(
          t('confirmation'),
          'Order confirmation with the order lines',
          'transactional',
          {
            en: {
              subject: `We've got your order{% if event.order_id %} #{{ event.order_id | default: "" }}{% endif %}`,
              preheader: "Thank you! Here's a summary of what you ordered.",
              heading: 'Thank you, your order is confirmed',
              paragraphs: [
                `We've received your order${orderNo('#')} and we're getting it ready.`,
                `{% if event.total %}Order total: <strong>${orderTotal}</strong>. {% endif %}We'll email you again as soon as it ships.`,
                'Questions about your order? Just reply to this email and we will help.',
              ],
              products: { from: 'order', title: 'Your order' },
              button: { text: 'Go to the shop' },
            },
            he: {
              subject: `קיבלנו את ההזמנה שלכם{% if event.order_id %} מס' {{ event.order_id | default: "" }}{% endif %}`,
              preheader: 'תודה! הנה סיכום של מה שהזמנתם.',
              heading: 'תודה, ההזמנה שלכם אושרה',
              paragraphs: [
                `קיבלנו את ההזמנה שלכם${orderNo("מס' ")} ואנחנו כבר מכינים אותה למשלוח.`,
                `{% if event.total %}סכום ההזמנה: <strong>${orderTotal}</strong>. {% endif %}נשלח לכם עדכון ברגע שהחבילה תצא לדרך.`,
                'שאלות על ההזמנה? פשוט השיבו למייל הזה ונשמח לעזור.',
              ],
              products: { from: 'order', title: 'ההזמנה שלכם' },
              button: { text: 'למעבר לחנות' },
            },
            sr: {
              subject: `Primili smo Vašu porudžbinu{% if event.order_id %} br. {{ event.order_id | default: "" }}{% endif %}`,
              preheader: 'Hvala! Evo pregleda onoga što ste poručili.',
              heading: 'Hvala, Vaša porudžbina je potvrđena',
              paragraphs: [
                `Primili smo Vašu porudžbinu${orderNo('br. ')} i već je pripremamo.`,
                `{% if event.total %}Ukupan iznos: <strong>${orderTotal}</strong>. {% endif %}Javićemo Vam čim paket bude poslat.`,
                'Imate pitanje o porudžbini? Samo odgovorite na ovaj mejl i rado ćemo pomoći.',
              ],
              products: { from: 'order', title: 'Vaša porudžbina' },
              button: { text: 'Idite u prodavnicu' },
            },
          },
        ),
        shortTemplate(
          t('whatsapp-shipped'),
          'Shipping notice by WhatsApp',
          'whatsapp',
          'transactional',
          {
            en: {
              body: `Good news from {{ store.name }}: your order{% if event.order_id %} #{{ event.order_id | default: "" }}{% endif %} has shipped and is on its way to you. We'll let you know when it arrives.`,
              whatsapp: shippedWhatsapp('en', 'there'),
            },
            he: {
              body: `חדשות טובות מ-{{ store.name }}: ההזמנה שלכם{% if event.order_id %} מס' {{ event.order_id | default: "" }}{% endif %} נשלחה והיא בדרך אליכם. נעדכן כשהיא תגיע.`,
              whatsapp: shippedWhatsapp('he', 'וברכה'),
            },
            sr: {
              body: `Dobre vesti iz prodavnice {{ store.name }}: Vaša porudžbina{% if event.order_id %} br. {{ event.order_id | default: "" }}{% endif %} je poslata i stiže uskoro. Javićemo Vam kada bude isporučena.`,
              whatsapp: shippedWhatsapp('sr', 'i dobro došli'),
            },
          },
        ),
        emailTemplate(t('email-shipped'), 'Shipping notice by email', 'transactional', {
          en: {
            subject: 'Your order is on its way',
            preheader: 'It has left us and is heading to you.',
            heading: 'Your order has shipped',
            paragraphs: [
              `Your order${orderNo('#')} has left {{ store.name }} and is on its way to you.`,
              "The carrier takes it from here, and we'll email you again once it has been delivered.",
              'If something is wrong with the delivery address or you need help, just reply to this email.',
            ],
            products: { from: 'order', title: "What's in the parcel" },
            button: { text: 'Go to the shop' },
          },
          he: {
            subject: 'ההזמנה שלכם בדרך',
            preheader: 'היא יצאה מאיתנו ועושה את דרכה אליכם.',
            heading: 'ההזמנה שלכם נשלחה',
            paragraphs: [
              `ההזמנה שלכם${orderNo("מס' ")} יצאה מ-{{ store.name }} ונמצאת בדרך אליכם.`,
              'מכאן חברת השילוח ממשיכה, ונעדכן אתכם שוב כשהחבילה תימסר.',
              'אם משהו בכתובת המשלוח לא נכון או שאתם צריכים עזרה, פשוט השיבו למייל הזה.',
            ],
            products: { from: 'order', title: 'מה יש בחבילה' },
            button: { text: 'למעבר לחנות' },
          },
          sr: {
            subject: 'Vaša porudžbina je na putu',
            preheader: 'Krenula je od nas i stiže do Vas.',
            heading: 'Vaša porudžbina je poslata',
            paragraphs: [
              `Vaša porudžbina${orderNo('br. ')} je krenula iz prodavnice {{ store.name }} i na putu je do Vas.`,
              'Dalje je preuzima kurirska služba, a mi ćemo Vam se javiti kada paket bude isporučen.',
              'Ako nešto nije u redu sa adresom za dostavu ili Vam treba pomoć, samo odgovorite na ovaj mejl.',
            ],
            products: { from: 'order', title: 'Šta je u paketu' },
            button: { text: 'Idite u prodavnicu' },
          },
        }),
        emailTemplate(t('email-care'), 'Care and warranty after delivery', 'transactional', {
          en: {
            subject: 'Looking after your order',
            preheader: 'A few tips to keep it like new, and how your warranty works.',
            heading: 'A little care goes a long way',
            paragraphs: [
              'Your order has arrived, and we hope you love it. Here are a few habits that help most things last.',
              'Read the care label or the product page before the first wash or clean; store things dry and out of direct sunlight; and in the first days, use them as intended so you notice anything unusual early.',
              'Warranty and support: keep this email and your order confirmation as proof of purchase. If something does not work as it should, reply with your order number and a photo, and we will make it right.',
            ],
            products: { from: 'order', title: 'What you received' },
            button: { text: 'Care tips and help' },
          },
          he: {
            subject: 'איך לשמור על מה שהזמנתם',
            preheader: 'כמה טיפים לשמור עליו כמו חדש, ואיך עובדת האחריות.',
            heading: 'קצת תשומת לב עושה הבדל גדול',
            paragraphs: [
              'ההזמנה שלכם הגיעה, ואנחנו מקווים שאתם נהנים ממנה. ריכזנו כמה הרגלים שעוזרים לרוב המוצרים להחזיק מעמד.',
              'לפני הכביסה או הניקוי הראשונים, קראו את תווית הטיפול או את עמוד המוצר; אחסנו במקום יבש והרחק משמש ישירה; ובימים הראשונים השתמשו במוצר כפי שנועד, כדי לזהות מוקדם כל דבר חריג.',
              'אחריות ושירות: שמרו את המייל הזה ואת אישור ההזמנה כהוכחת רכישה. אם משהו לא עובד כמו שצריך, השיבו למייל הזה עם מספר ההזמנה ותמונה, ונדאג לטפל בזה.',
            ],
            products: { from: 'order', title: 'מה קיבלתם' },
            button: { text: 'לטיפים ולעזרה' },
          },
          sr: {
            subject: 'Kako da se brinete o svojoj porudžbini',
            preheader: 'Nekoliko saveta da sve ostane kao novo i kako funkcioniše garancija.',
            heading: 'Malo pažnje mnogo znači',
            paragraphs: [
              'Vaša porudžbina je stigla i nadamo se da ste zadovoljni. Izdvojili smo nekoliko navika koje pomažu da većina stvari duže traje.',
              'Pre prvog pranja ili čišćenja pročitajte etiketu ili stranicu proizvoda; čuvajte stvari na suvom, dalje od direktnog sunca; i prvih dana ih koristite kako je predviđeno, da biste na vreme primetili bilo šta neobično.',
              'Garancija i podrška: sačuvajte ovaj mejl i potvrdu porudžbine kao dokaz o kupovini. Ako nešto ne radi kako treba, odgovorite na ovaj mejl sa brojem porudžbine i fotografijom i rešićemo to.',
            ],
            products: { from: 'order', title: 'Šta ste dobili' },
            button: { text: 'Saveti i pomoć' },
          },
        }),
      ],
    };
  },
};
