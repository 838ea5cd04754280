import type { Goal, Sending } from './shared.js';

/**
 * The first flows a store turns on: the welcome series and the four abandonment flows
 * (browse, product, cart, checkout). The abandonment flows hand a customer on rather than
 * overlap: browse and product abandonment exit once a product is added to the cart (the cart
 * flow takes over), cart abandonment exits once checkout starts (the checkout flow takes
 * over), and every flow stops on a purchase through its goal.
 */

/** Stops the flow on a purchase and credits it to the flow's last message. */
export const purchaseGoal = (days: number): Goal => ({
  event: 'Order Completed',
  attributionWindow: { amount: days, unit: 'days' },
});

export const marketing = (priority: number, extra: Partial<Sending> = {}): Sending => ({
  priority,
  overBudget: 'delay',
  maxDelay: { amount: 12, unit: 'hours' },
  ...extra,
});
