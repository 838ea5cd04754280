import type { Catalogue } from './catalogue-types.js';
import { at } from './examples.js';
import { adminKeyProblems, answer, error } from './responses.js';

const days = ['2026-05-01', '2026-05-02', '2026-05-03'];
const overview = {
  from: '2026-05-01T00:00:00.000Z',
  to: '2026-05-04T00:00:00.000Z',
  currency: 'USD',
  days,
  messages: {
    byChannel: [
      { channel: 'email', sent: 1840, delivered: 1796, opened: 702, clicked: 131, failed: 12 },
      { channel: 'sms', sent: 214, delivered: 209, opened: 0, clicked: 0, failed: 3 },
    ],
    byDay: [
      { day: days[0], sent: 610, delivered: 598, opened: 240, clicked: 44 },
      { day: days[1], sent: 702, delivered: 688, opened: 262, clicked: 51 },
      { day: days[2], sent: 742, delivered: 719, opened: 200, clicked: 36 },
    ],
  },
  journeys: [
    {
      journeyId: 'jrn_5b1e0c9a7f3d4e21',
      name: 'Lens replenishment',
      status: 'active',
      entered: 388,
      converted: 47,
      revenue: 1407.65,
      byDay: [
        { day: days[0], converted: 15, revenue: 449.25 },
        { day: days[1], converted: 18, revenue: 539.1 },
        { day: days[2], converted: 14, revenue: 419.3 },
      ],
    },
  ],
  repeatPurchase: {
    buyers: 2357,
    secondOrder: 636,
    thirdOrder: 318,
    secondRate: 0.2698,
    thirdRate: 0.5,
  },
  churnRisk: { fittedAt: at.fit, method: 'bg_nbd', counts: { low: 1210, medium: 684, high: 463 } },
};

export const overviewOperations: Catalogue = {
  'GET /api/v1/overview': {
    description:
      'The store at a glance for a window of whole UTC days (default: the 30 days up to now; ' +
      '`days=7` asks for the last 7 days by the server clock; at most 366): messages created in the window per channel and per day - sent, delivered ' +
      '(a delivery receipt), opened and clicked (emails; opens and clicks judged to be a ' +
      "machine's are left out) and failed; per journey, entries, conversions and attributed " +
      'revenue (holdout enrollments left out) with a series per day; the repeat-purchase ' +
      'funnel over all customers to date (the share of buyers with a second order, and of ' +
      'those with a third); and customers per churn risk at the last customer-value fit. ' +
      'Every series has one entry per day of `days`.',
    parameters: { from: '2026-05-01', to: '2026-05-03' },
    responses: {
      200: answer('The overview.', overview),
      400: error('validation_failed', 'The window is invalid; `details` names the field.', [
        {
          summary: 'from after to',
          message: 'querystring.from: must be before to',
          details: [{ field: 'querystring.from', message: 'must be before to' }],
        },
        {
          summary: 'A window over 366 days',
          message: 'querystring.from: the window is at most 366 days',
          details: [{ field: 'querystring.from', message: 'at most 366 days before to' }],
        },
      ]),
      ...adminKeyProblems,
    },
  },
};
