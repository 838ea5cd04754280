import { type Phrase } from '../flow-copy.js';
import { days, type Step } from './shared.js';

/**
 * Lifecycle flows: moments of a customer's life with the store rather than of one visit (a
 * birthday, a launch they would care about, how an order turned out, a durable product wearing
 * out, a family moving to the next stage, the holidays). Seeds 001 and 004 name them; the
 * priorities follow the library's rules (birthday, replacement, life stage 40; launch and
 * holidays 30; survey 50), so they give way to abandonment and post-purchase messages.
 */

export const orderGoal = (attributionDays: number) => ({
  event: 'Order Completed',
  attributionWindow: days(attributionDays),
});
export const send = (id: string, flowId: string, next: string): Step => ({
  id,
  type: 'send',
  template: `flow/${flowId}/${id}`,
  next,
});
export const done: Step = { id: 'done', type: 'exit' };

/** ", Dana" after a phrase, or nothing: short messages never show an empty name. */
export const commaName =
  '{% if profile.first_name %}, {{ profile.first_name | default: "" }}{% endif %}';
/** " <lead> https://store" when the store has an address, so an SMS never ends on a colon. */
export const storeLink = (lead: string, query = '') =>
  `{% if store.url %} ${lead} {{ store.url | default: "" }}${query}{% endif %}`;

/** The three languages' words around an offer whose text is in the store's own language. */
export const useCode = (code: string): Phrase => ({
  en: `Use code ${code} at checkout.`,
  he: `השתמשו בקוד ${code} בקופה.`,
  sr: `Iskoristite kod ${code} pri plaćanju.`,
});
