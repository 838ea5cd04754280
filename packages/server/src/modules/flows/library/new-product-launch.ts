import type { JourneyDefinitionInput } from '@comeback/contracts';
import { emailTemplate } from '../flow-copy.js';
import { num, text, type FlowDefinition } from '../flow-types.js';
import { days } from './shared.js';
import { orderGoal, send, done } from './lifecycle-shared.js';

/** A full address as given; a path is put after the store's address. */
function launchHref(url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `{{ store.url | default: '' }}${url.startsWith('/') ? url : `/${url}`}`;
}

const launchAudience = 'Flow: launch audience';

export const newProductLaunch: FlowDefinition = {
  id: 'new-product-launch',
  name: 'New product launch',
  category: 'lifecycle',
  summary: 'Announces a new product to customers who bought something similar in the last year.',
  reason:
    'seed 004: tell those who bought a club’s jersey about its new products as soon as they appear.',
  params: [
    {
      key: 'cron',
      type: 'text',
      default: '0 10 * * 1',
      description: 'when the audience is checked for new members (five-field cron, workspace time)',
    },
    {
      key: 'productId',
      type: 'text',
      default: 'new-product',
      description: 'the launched product’s id: the audience bought something similar',
    },
    {
      key: 'category',
      type: 'category',
      default: 'Coffee',
      description:
        'its category: a product new to the shop has no sales the model could relate, so buyers of the category count too',
    },
    {
      key: 'productTitle',
      type: 'text',
      default: 'New Collection',
      description: 'the launched product’s name, as the store writes it',
    },
    {
      key: 'productUrl',
      type: 'text',
      default: '/',
      description: 'its page: a full address (https://...) or a path on the store (/products/new)',
    },
    {
      key: 'reminderDays',
      type: 'days',
      default: 5,
      min: 1,
      max: 30,
      description: 'days before the second email to those who have not bought',
    },
  ],
  build(p) {
    const id = 'new-product-launch';
    const title = text(p, 'productTitle');
    const url = launchHref(text(p, 'productUrl'));
    const journey: JourneyDefinitionInput = {
      name: 'New product launch',
      description: `Announces ${title} to customers who bought something similar, then one reminder.`,
      trigger: { type: 'schedule', cron: text(p, 'cron'), segment: launchAudience },
      entry: { rule: 'once', whileInside: false },
      goal: orderGoal(5),
      sending: { priority: 30, overBudget: 'delay', maxDelay: days(3) },
      start: 'email-1',
      steps: [
        send('email-1', id, 'wait'),
        { id: 'wait', type: 'wait', duration: days(num(p, 'reminderDays')), next: 'email-2' },
        send('email-2', id, 'done'),
        done,
      ],
    };
    const launch = emailTemplate(`flow/${id}/email-1`, 'The launch announcement', 'marketing', {
      en: {
        subject: `Just launched: ${title}`,
        preheader: 'You are among the first we wanted to tell.',
        heading: `Meet ${title}`,
        paragraphs: [
          `You have chosen products like this from us before, so we wanted you to be among the first to hear: <strong>${title}</strong> has just arrived at {{ store.name }}.`,
          'Take a look before everyone else does, while the first batch is in stock.',
        ],
        products: { from: 'recommendations', strategy: 'popular', title: 'Also popular right now' },
        button: { text: 'Take a look', url },
      },
      he: {
        subject: `חדש אצלנו: ${title}`,
        preheader: 'רצינו שתהיו בין הראשונים לדעת.',
        heading: `הכירו את ${title}`,
        paragraphs: [
          `כבר בחרתם אצלנו בעבר מוצרים דומים, אז רצינו שתהיו בין הראשונים לשמוע: <strong>${title}</strong> כבר כאן, ב-{{ store.name }}.`,
          'הציצו לפני כולם, כל עוד המלאי הראשון זמין.',
        ],
        products: {
          from: 'recommendations',
          strategy: 'popular',
          title: 'עוד מוצרים אהובים עכשיו',
        },
        button: { text: 'לצפייה במוצר', url },
      },
      sr: {
        subject: `Novo u ponudi: ${title}`,
        preheader: 'Želeli smo da budete među prvima koji saznaju.',
        heading: `Upoznajte: ${title}`,
        paragraphs: [
          `Već ste kod nas birali slične proizvode, pa smo želeli da budete među prvima koji će čuti: <strong>${title}</strong> je upravo u ponudi prodavnice {{ store.name }}.`,
          'Pogledajte pre svih, dok je prva tura još na stanju.',
        ],
        products: { from: 'recommendations', strategy: 'popular', title: 'Trenutno popularno' },
        button: { text: 'Pogledajte', url },
      },
    });
    const reminder = emailTemplate(`flow/${id}/email-2`, 'A reminder of the launch', 'marketing', {
      en: {
        subject: `In case you missed it: ${title}`,
        preheader: 'Our newest arrival is still waiting for you.',
        heading: 'Have you seen it yet?',
        paragraphs: [
          `A few days ago we introduced <strong>${title}</strong>. If you have not had a chance to look yet, now is a good moment.`,
          'You have chosen similar products from us before, so we think you will like it.',
        ],
        button: { text: 'See what’s new', url },
      },
      he: {
        subject: `למקרה שפספסתם: ${title}`,
        preheader: 'החידוש האחרון שלנו עדיין מחכה לכם.',
        heading: 'כבר הספקתם להציץ?',
        paragraphs: [
          `לפני כמה ימים הצגנו את <strong>${title}</strong>. אם עוד לא יצא לכם להציץ, זה הזמן.`,
          'בחרתם אצלנו בעבר מוצרים דומים, ולכן אנחנו בטוחים שזה יתאים לכם.',
        ],
        button: { text: 'לצפייה בחידוש', url },
      },
      sr: {
        subject: `Ako ste propustili: ${title}`,
        preheader: 'Naš najnoviji proizvod vas i dalje čeka.',
        heading: 'Da li ste već pogledali?',
        paragraphs: [
          `Pre nekoliko dana smo predstavili <strong>${title}</strong>. Ako još niste stigli da pogledate, sada je pravi trenutak.`,
          'Već ste kod nas birali slične proizvode, pa verujemo da će vam se dopasti.',
        ],
        button: { text: 'Pogledajte novitet', url },
      },
    });
    return {
      journey,
      templates: [launch, reminder],
      segments: [
        {
          name: launchAudience,
          description: `Customers who bought, in the last year, a product similar to ${text(p, 'productId')} or one of ${text(p, 'category')} (flow new-product-launch).`,
          // A launched product has no sales yet, so the model relates it to nothing at first
          // (a cold start): buyers of its category stand in until it has some.
          condition: {
            type: 'or',
            conditions: [
              {
                type: 'purchased',
                similarTo: text(p, 'productId'),
                window: { kind: 'last', amount: 365, unit: 'days' },
              },
              {
                type: 'purchased',
                category: text(p, 'category'),
                window: { kind: 'last', amount: 365, unit: 'days' },
              },
            ],
          },
        },
      ],
    };
  },
};
