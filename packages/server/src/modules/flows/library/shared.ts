import type { JourneyDefinitionInput, JourneyDuration } from '@comeback/contracts';
import type { FlowParamSpec } from '../flow-types.js';

/** Helpers that flows of more than one group of the library write the same way. */

export type Step = JourneyDefinitionInput['steps'][number];
export type Steps = JourneyDefinitionInput['steps'];
export type Goal = NonNullable<JourneyDefinitionInput['goal']>;
export type Sending = NonNullable<JourneyDefinitionInput['sending']>;

export const days = (amount: number) => ({ amount, unit: 'days' as const });
export const hours = (amount: number) => ({ amount, unit: 'hours' as const });
export const templateName = (flowId: string, stepId: string) => `flow/${flowId}/${stepId}`;

export const waitParam = (
  key: string,
  type: 'hours' | 'days',
  value: number,
  max: number,
  description: string,
): FlowParamSpec => ({ key, type, default: value, min: 1, max, description });

export const offerParams = (code: string, offerText: string, source: string): FlowParamSpec[] => [
  { key: 'offerCode', type: 'code', default: code, description: `The coupon code (${source})` },
  {
    key: 'offerText',
    type: 'text',
    default: offerText,
    description: "What the code gives, in the store's language",
  },
];

export const holdoutParam: FlowParamSpec = {
  key: 'holdoutPercent',
  type: 'number',
  default: 10,
  min: 1,
  max: 50,
  description: 'Share of customers who get no message, to measure the lift',
};

/** A link to the product of the event, or the store when the event has none. */
export const productUrl = "{{ event.url | default: store.url | default: '#' }}";

/**
 * A holdout for lift: `percent` of the entries take an arm that sends nothing and stays in the
 * journey for `watch` (as long as the treated path lasts), so a purchase in that time converts
 * them exactly as it would a treated customer; the statistics' lift is the difference. An arm
 * that left at once could never convert, and would make any flow look like it works.
 */
export function holdoutSplit(percent: number, treated: string, watch: JourneyDuration): Steps {
  return [
    {
      id: 'holdout-split',
      type: 'random_split',
      label: 'Holdout for lift',
      arms: [
        { label: 'Holdout: no messages', percent, holdout: true, next: 'holdout-watch' },
        { label: 'Messages', percent: 100 - percent, next: treated },
      ],
    },
    {
      id: 'holdout-watch',
      type: 'wait',
      label: 'Watched as long as the treated',
      duration: watch,
      next: 'holdout-end',
    },
    { id: 'holdout-end', type: 'exit' },
  ];
}
