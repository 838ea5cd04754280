import { num, type FlowParams } from '../flow-types.js';
import {
  days,
  hours,
  templateName,
  waitParam,
  type Goal,
  type Sending,
  type Steps,
} from './shared.js';

/**
 * Flows around the catalog and the order: back in stock and price drop (the catalog's own
 * triggers), the thank-you series for new and returning customers, the transactional order
 * follow-up (confirmation, shipped, care and warranty) and the review request.
 *
 * The order follow-up is transactional only: `budgetExempt` applies to the whole journey, so a
 * marketing message inside it would escape the frequency budget. Complementary products belong
 * to the cross-sell flow instead.
 */

/** Stops the flow on `event` and credits it to the flow's last message within `windowDays`. */
export const goal = (windowDays: number, event = 'Order Completed'): Goal => ({
  event,
  attributionWindow: days(windowDays),
});

export const marketing = (priority: number, maxDelayDays: number): Sending => ({
  priority,
  overBudget: 'delay',
  maxDelay: days(maxDelayDays),
});

/** How far back a view, wishlist or request counts for a catalog trigger. */
export const withinParam = waitParam(
  'withinDays',
  'days',
  30,
  180,
  'How recently the customer showed interest in the product',
);

/** Liquid pieces the copy shares (button URLs sit in a double-quoted attribute: single quotes). */
export const title = (fallback: string) => `{{ event.title | default: "${fallback}" }}`;

/**
 * Thank-you series: a first order and a returning customer's order each get two messages. The
 * order count already includes the triggering order when the entry condition is checked.
 */
export const thankYouDelayParam = waitParam(
  'thankYouDelayHours',
  'hours',
  1,
  48,
  'Hours after the order for the thank-you (it lands after the order confirmation)',
);
export const thankYouSteps = (flowId: string, secondWaitKey: string, p: FlowParams): Steps => {
  const t = (step: string) => templateName(flowId, step);
  return [
    {
      id: 'wait-1',
      type: 'wait',
      duration: hours(num(p, 'thankYouDelayHours')),
      next: 'email-1',
    },
    { id: 'email-1', type: 'send', template: t('email-1'), next: 'wait-2' },
    { id: 'wait-2', type: 'wait', duration: days(num(p, secondWaitKey)), next: 'email-2' },
    { id: 'email-2', type: 'send', template: t('email-2'), next: 'done' },
    { id: 'done', type: 'exit' },
  ];
};
