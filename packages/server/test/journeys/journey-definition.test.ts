import fs from 'node:fs';
import {
  journeyDefinitionJsonSchema,
  journeyDefinitionSchema,
  journeyGraphProblems,
  type JourneyDefinitionInput,
} from '@comeback/contracts';
import { describe, expect, it } from 'vitest';

/**
 * The journey definition's shape and graph rules: one start, every edge to a step, every step
 * reachable, no loops, random arms adding up to 100%, wait-for-event always with a timeout; the
 * JSON Schema for editors in docs/schemas is the one the contracts produce.
 */
const welcome: JourneyDefinitionInput = {
  name: 'Welcome after a first order',
  trigger: {
    type: 'event',
    event: 'Order Completed',
    where: [{ property: 'total', operator: 'gte', value: 1 }],
  },
  entry: {
    rule: 'once',
    condition: { type: 'field', field: 'computed.order_count', operator: 'eq', value: 1 },
  },
  goal: { event: 'Order Completed' },
  start: 'thanks',
  steps: [
    { id: 'thanks', type: 'send', template: 'Thank you', next: 'wait3' },
    { id: 'wait3', type: 'wait', duration: { amount: 3, unit: 'days' }, next: 'again' },
    { id: 'again', type: 'split_action', event: 'Order Completed', yes: 'sms', no: 'wa' },
    { id: 'sms', type: 'send', template: 'Loyal SMS', next: 'end' },
    { id: 'wa', type: 'send', template: 'Come back WhatsApp', next: 'end' },
    { id: 'end', type: 'exit' },
  ],
};
const faults = (d: unknown) => {
  const r = journeyDefinitionSchema.safeParse(d);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const steps = welcome.steps;

describe('journey definitions', () => {
  it('accepts seed 000 first automation and fills the defaults', () => {
    const parsed = journeyDefinitionSchema.parse(welcome);
    expect(parsed.entry).toEqual({ ...welcome.entry, whileInside: false });
    expect(parsed.goal?.attributionWindow).toEqual({ amount: 5, unit: 'days' });
    expect(parsed.sending).toEqual({
      priority: 50,
      overBudget: 'delay',
      maxDelay: { amount: 2, unit: 'days' },
      quietHours: true,
      budgetExempt: false,
    });
  });

  it('names the step and field of a broken edge, a missing start and a duplicate id', () => {
    expect(faults({ ...welcome, start: 'nope' })).toEqual(['start: no step nope']);
    expect(
      faults({
        ...welcome,
        steps: [...steps.slice(0, 3), { ...steps[3], next: 'ghost' }, ...steps.slice(4)],
      }),
    ).toEqual(['steps.3.next: no step ghost']);
    expect(faults({ ...welcome, steps: [...steps, { id: 'end', type: 'exit' }] })).toEqual([
      'steps.6.id: another step is already end',
    ]);
  });

  it('refuses loops, self-edges and unreachable steps', () => {
    const loop = [
      ...steps.slice(0, 5),
      { id: 'end', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'thanks' },
    ];
    expect(faults({ ...welcome, steps: loop })).toEqual([
      'steps.0: the steps loop (thanks -> wait3 -> again -> sms -> end -> thanks): every branch must end',
    ]);
    expect(
      faults({
        ...welcome,
        steps: [{ id: 'thanks', type: 'send', template: 't', next: 'thanks' }],
      }),
    ).toEqual(['steps.0.next: a step cannot lead to itself']);
    expect(faults({ ...welcome, steps: [...steps, { id: 'orphan', type: 'exit' }] })).toEqual([
      'steps.6: orphan cannot be reached from thanks',
    ]);
  });

  it('needs a timeout on wait-for-event, arms adding up to 100, and a period only for once_per', () => {
    const wait = {
      id: 'cart',
      type: 'wait_for_event',
      event: 'Order Completed',
      next: 'end',
      timeoutNext: 'end',
    };
    expect(
      faults({ ...welcome, start: 'cart', steps: [wait, { id: 'end', type: 'exit' }] }),
    ).toEqual(['steps.0.timeout: Invalid input: expected object, received undefined']);
    const arms = {
      id: 'ab',
      type: 'random_split',
      arms: [
        { percent: 50, next: 'end' },
        { percent: 40, holdout: true, next: 'end' },
      ],
    };
    expect(faults({ ...welcome, start: 'ab', steps: [arms, { id: 'end', type: 'exit' }] })).toEqual(
      ['steps.0.arms: percentages add up to 90, not 100'],
    );
    expect(faults({ ...welcome, entry: { rule: 'once_per' } })).toEqual([
      'entry.period: once_per needs a period',
    ]);
    expect(
      faults({ ...welcome, entry: { rule: 'once', period: { amount: 1, unit: 'days' } } }),
    ).toEqual(['entry.period: only once_per takes a period']);
  });

  it('checks the graph without the schema too (for editors that build one step at a time)', () => {
    expect(journeyGraphProblems({ start: 'a', steps: [{ id: 'a', type: 'exit' }] })).toEqual([]);
  });

  it('ships the JSON Schema the contracts produce (npm run schemas rewrites it)', () => {
    const file = new URL(
      '../../../../docs/schemas/journey-definition.schema.json',
      import.meta.url,
    );
    const stored: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(stored).toEqual(journeyDefinitionJsonSchema());
  });
});
