import { text, type FlowParamSpec, type FlowParams } from '../flow-types.js';
import type { Goal, Sending } from './shared.js';

/**
 * The flows that bring customers back after an order: cross-sell, re-engagement after a first
 * order, replenishment, an educational series for a first purchase in a category, win-back
 * ("we miss you") and the sunset that takes long-inactive contacts off the marketing list.
 *
 * Goals: cross-sell and win-back stop on a purchase (the goal) and measure lift with a holdout
 * arm that stays in the journey, sending nothing, for as long as the treated customers do, so
 * its purchases are counted against theirs. Re-engagement, replenishment and the educational
 * series have no purchase goal on purpose: each sends something to customers who did buy again
 * (a thank-you, tips, the rest of the guide), which a goal would cut off.
 */

/** Whole days, at least one (retention flows derive some waits from other params). */
export const days = (amount: number) => ({
  amount: Math.max(1, Math.round(amount)),
  unit: 'days' as const,
});

export const daysParam = (
  key: string,
  value: number,
  min: number,
  max: number,
  description: string,
): FlowParamSpec => ({
  key,
  type: 'days',
  default: value,
  min,
  max,
  description,
});

/** The offer box's code and text (the text is in the store's one language, as given). */
export const offerOf = (p: FlowParams) => ({
  code: text(p, 'offerCode'),
  text: text(p, 'offerText'),
});

/** Stops the flow on a purchase and credits it to the flow's last message. */
export const purchaseGoal = (window: number): Goal => ({
  event: 'Order Completed',
  attributionWindow: days(window),
});

export const marketing = (priority: number, maxDelayDays = 2): Sending => ({
  priority,
  overBudget: 'delay',
  maxDelay: days(maxDelayDays),
});
