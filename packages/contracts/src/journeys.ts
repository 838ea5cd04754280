import { z } from 'zod';
import { storableText } from './errors.js';
import {
  propertyFilterSchema,
  propertyPathSchema,
  segmentConditionSchema,
  segmentScalarSchema,
} from './segments.js';

/**
 * The journey definition: a trigger, entry rules, an optional goal, and a graph of steps joined
 * by their `next` edges (a split has one edge per branch), starting at `start`. This file fixes
 * the shape; the graph's own rules (every reference exists, every node is reachable, every
 * branch ends, no loops) are checked by `journeyGraphProblems`, and references to segments and
 * templates by the server. docs/guides/journeys.md gives the meaning of each part.
 */

/** A step's id: what edges, traces and statistics name it by. */
export const stepIdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,63}$/,
    'must be a-z, 0-9, _ or -, starting with a letter (at most 64)',
  );

/** A segment or template by id or name. */
const reference = storableText().min(1).max(200);
const eventName = storableText().min(1).max(200);
const filters = z.array(propertyFilterSchema).max(20);
/**
 * Properties whose value must equal the triggering event's value at the same path, as
 * identifiers (both present; 1001 and "1001" are equal): `["order_id"]` waits for an event about
 * the same order. Event triggers only.
 */
const sameAsTrigger = z.array(propertyPathSchema).min(1).max(5);

export const journeyDurationUnits = ['minutes', 'hours', 'days', 'weeks'] as const;
/** A span of time: 1 minute to 3 years (at most a week counted in minutes). */
const durationLimits = { minutes: 10_080, hours: 26_280, days: 1095, weeks: 156 } as const;
export const journeyDurationSchema = z
  .strictObject({ amount: z.number().int().min(1).max(26_280), unit: z.enum(journeyDurationUnits) })
  .superRefine((d, ctx) => {
    if (d.amount > durationLimits[d.unit])
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message:
          d.unit === 'minutes'
            ? 'use hours or days for more than a week of minutes'
            : `at most ${durationLimits[d.unit]} ${d.unit} (3 years)`,
      });
  });
export type JourneyDuration = z.infer<typeof journeyDurationSchema>;

const localTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24 h)');

export const journeyTriggerSchema = z.discriminatedUnion('type', [
  /** A tracked event (with property filters): `Order Completed` with total >= 1. */
  z.strictObject({ type: z.literal('event'), event: eventName, where: filters.optional() }),
  z.strictObject({ type: z.literal('segment_entered'), segment: reference }),
  z.strictObject({ type: z.literal('segment_exited'), segment: reference }),
  /**
   * A date field of the profile relative to now: `offset` before (negative) or after it;
   * `yearly` for birthdays and anniversaries; at `at` in the profile's time zone.
   */
  z.strictObject({
    type: z.literal('date_field'),
    field: storableText().min(1).max(200),
    offsetDays: z.number().int().min(-3650).max(3650).default(0),
    yearly: z.boolean().default(false),
    at: localTime.default('10:00'),
  }),
  /** Back in stock or a price drop, for the profiles who viewed, wishlisted or asked. */
  z.strictObject({
    type: z.literal('product'),
    event: z.enum(['back_in_stock', 'price_drop']),
    audience: z
      .array(z.enum(['viewed', 'wishlisted', 'asked']))
      .min(1)
      .max(3),
    within: journeyDurationSchema.optional(),
  }),
  /** Everyone in `segment` on a cron schedule, in the workspace's time zone. */
  z.strictObject({
    type: z.literal('schedule'),
    cron: z
      .string()
      .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression such as "0 10 * * 1"'),
    segment: reference,
  }),
]);
export type JourneyTrigger = z.infer<typeof journeyTriggerSchema>;

/**
 * Who may enter, and how often: `once` ever, `every_time` the trigger fires, or `once_per`
 * `period`; `whileInside: false` (the default) refuses a second entry while the first is still
 * in the journey; `segment` and `condition` filter the profiles that may enter.
 */
export const journeyEntrySchema = z
  .strictObject({
    rule: z.enum(['once', 'every_time', 'once_per']).default('once'),
    period: journeyDurationSchema.optional(),
    whileInside: z.boolean().default(false),
    segment: reference.optional(),
    condition: segmentConditionSchema.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.rule === 'once_per' && e.period === undefined)
      ctx.addIssue({ code: 'custom', path: ['period'], message: 'once_per needs a period' });
    if (e.rule !== 'once_per' && e.period !== undefined)
      ctx.addIssue({ code: 'custom', path: ['period'], message: `only once_per takes a period` });
  });

/** A conversion: the profile leaves at once, credited to the journey and its last message. */
export const journeyGoalSchema = z.strictObject({
  event: eventName,
  where: filters.optional(),
  attributionWindow: journeyDurationSchema.default({ amount: 5, unit: 'days' }),
});

const step = <L extends string, T extends z.ZodRawShape>(type: L, shape: T) =>
  z.strictObject({
    id: stepIdSchema,
    type: z.literal(type),
    label: storableText().max(200).optional(),
    ...shape,
  });

/** One branch of a split: taken when its conditions hold (all given ones). */
const splitBranch = z.strictObject({
  label: storableText().max(200).optional(),
  /** On the profile now: fields, events, orders, affinity, segments. */
  condition: segmentConditionSchema.optional(),
  /** On the event that triggered the entry. */
  triggerWhere: filters.optional(),
  next: stepIdSchema,
});

export const journeyStepSchema = z.discriminatedUnion('type', [
  step('wait', { duration: journeyDurationSchema, next: stepIdSchema }),
  /** Until the next of `weekdays` (1 Monday ... 7 Sunday; any day if absent) at `at` local. */
  step('wait_until', {
    at: localTime,
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    next: stepIdSchema,
  }),
  /** Until an event (in any journey or none), or the timeout: two edges. */
  step('wait_for_event', {
    event: eventName,
    where: filters.optional(),
    sameAsTrigger: sameAsTrigger.optional(),
    timeout: journeyDurationSchema,
    next: stepIdSchema,
    timeoutNext: stepIdSchema,
  }),
  /** The first branch that holds is taken; `otherwise` if none does. */
  step('split', { branches: z.array(splitBranch).min(1).max(10), otherwise: stepIdSchema }),
  /** Did they do EVENT since they entered (bought, opened, clicked...)? */
  step('split_action', {
    event: eventName,
    where: filters.optional(),
    sameAsTrigger: sameAsTrigger.optional(),
    yes: stepIdSchema,
    no: stepIdSchema,
  }),
  /** Random arms by percentage; a `holdout` arm sends nothing and is counted for lift. */
  step('random_split', {
    arms: z
      .array(
        z.strictObject({
          label: storableText().max(200).optional(),
          percent: z.number().int().min(1).max(100),
          holdout: z.boolean().default(false),
          next: stepIdSchema,
        }),
      )
      .min(2)
      .max(10),
  }),
  /** A message through the outbox (the template's channel), with consent and budget at send. */
  step('send', { template: reference, next: stepIdSchema }),
  step('update_profile', {
    set: z.record(storableText().min(1).max(100), segmentScalarSchema).optional(),
    addTags: z.array(storableText().min(1).max(100)).max(20).optional(),
    next: stepIdSchema,
  }),
  /** A signed POST through a webhook-channel template. */
  step('webhook', { template: reference, next: stepIdSchema }),
  step('exit', {}),
]);
export type JourneyStep = z.infer<typeof journeyStepSchema>;
export const journeyStepTypes = journeyStepSchema.options.map((o) => o.shape.type.value);

/** How the frequency budget treats this journey's messages (the budget itself is per workspace). */
export const journeySendingSchema = z.strictObject({
  /** Higher first when several journeys compete for the budget. */
  priority: z.number().int().min(0).max(100).default(50),
  overBudget: z.enum(['delay', 'drop']).default('delay'),
  /** Delayed longer than this, a message is dropped with the reason. */
  maxDelay: journeyDurationSchema.default({ amount: 2, unit: 'days' }),
  quietHours: z.boolean().default(true),
  /** Transactional journeys (order confirmations) are not counted against the budget. */
  budgetExempt: z.boolean().default(false),
});

export const JOURNEY_MAX_STEPS = 100;

export const journeyDefinitionSchema = z
  .strictObject({
    name: storableText().min(1).max(200).regex(/\S/, 'must not be blank'),
    description: storableText().max(2000).optional(),
    trigger: journeyTriggerSchema,
    entry: journeyEntrySchema.default({ rule: 'once', whileInside: false }),
    goal: journeyGoalSchema.optional(),
    sending: journeySendingSchema.default({
      priority: 50,
      overBudget: 'delay',
      maxDelay: { amount: 2, unit: 'days' },
      quietHours: true,
      budgetExempt: false,
    }),
    start: stepIdSchema,
    steps: z.array(journeyStepSchema).min(1).max(JOURNEY_MAX_STEPS),
  })
  .superRefine((d, ctx) => {
    for (const problem of journeyGraphProblems(d))
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });
export type JourneyDefinitionInput = z.input<typeof journeyDefinitionSchema>;
export type JourneyDefinition = z.output<typeof journeyDefinitionSchema>;

/** The edges leaving a step, each with the name of the field that holds it. */
export function edgesOf(s: JourneyStep): { field: (string | number)[]; to: string }[] {
  switch (s.type) {
    case 'wait':
    case 'wait_until':
    case 'send':
    case 'update_profile':
    case 'webhook':
      return [{ field: ['next'], to: s.next }];
    case 'wait_for_event':
      return [
        { field: ['next'], to: s.next },
        { field: ['timeoutNext'], to: s.timeoutNext },
      ];
    case 'split':
      return [
        ...s.branches.map((b, i) => ({ field: ['branches', i, 'next'], to: b.next })),
        { field: ['otherwise'], to: s.otherwise },
      ];
    case 'split_action':
      return [
        { field: ['yes'], to: s.yes },
        { field: ['no'], to: s.no },
      ];
    case 'random_split':
      return s.arms.map((a, i) => ({ field: ['arms', i, 'next'], to: a.next }));
    case 'exit':
      return [];
  }
}

export interface JourneyGraphProblem {
  path: (string | number)[];
  message: string;
}

/**
 * The graph's rules: step ids unique; `start` and every edge name a step; every step reachable
 * from `start`; no loops (every branch ends, at an `exit`); random arms add up to 100%;
 * `sameAsTrigger` only under an event trigger.
 */
export function journeyGraphProblems(d: {
  /** Absent (an editor checking the steps alone): `sameAsTrigger` is not checked. */
  trigger?: { type: string };
  start: string;
  steps: readonly JourneyStep[];
}): JourneyGraphProblem[] {
  const problems: JourneyGraphProblem[] = [];
  const index = new Map<string, number>();
  d.steps.forEach((s, i) => {
    if (index.has(s.id))
      problems.push({ path: ['steps', i, 'id'], message: `another step is already ${s.id}` });
    else index.set(s.id, i);
  });
  if (!index.has(d.start)) problems.push({ path: ['start'], message: `no step ${d.start}` });
  d.steps.forEach((s, i) => {
    for (const e of edgesOf(s)) {
      if (!index.has(e.to))
        problems.push({ path: ['steps', i, ...e.field], message: `no step ${e.to}` });
      else if (e.to === s.id)
        problems.push({ path: ['steps', i, ...e.field], message: 'a step cannot lead to itself' });
    }
    if ((s.type === 'wait_for_event' || s.type === 'split_action') && s.sameAsTrigger)
      if (d.trigger !== undefined && d.trigger.type !== 'event')
        problems.push({
          path: ['steps', i, 'sameAsTrigger'],
          message: 'needs an event trigger: only an event has properties to compare with',
        });
    if (s.type === 'random_split') {
      const total = s.arms.reduce((sum, a) => sum + a.percent, 0);
      if (total !== 100)
        problems.push({
          path: ['steps', i, 'arms'],
          message: `percentages add up to ${total}, not 100`,
        });
    }
  });
  if (problems.length > 0) return problems;
  // Reachability and loops in one depth-first walk from the start.
  const state = new Map<string, 'open' | 'done'>();
  const loop: string[] = [];
  const visit = (id: string, trail: string[]): void => {
    if (loop.length > 0) return;
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'open') {
      loop.push(...trail.slice(trail.indexOf(id)), id);
      return;
    }
    state.set(id, 'open');
    const s = d.steps[index.get(id) ?? -1];
    for (const e of s ? edgesOf(s) : []) visit(e.to, [...trail, id]);
    state.set(id, 'done');
  };
  visit(d.start, []);
  if (loop.length > 0) {
    const first = loop[0] ?? d.start;
    problems.push({
      path: ['steps', index.get(first) ?? 0],
      message: `the steps loop (${loop.join(' -> ')}): every branch must end`,
    });
    return problems;
  }
  d.steps.forEach((s, i) => {
    if (!state.has(s.id))
      problems.push({ path: ['steps', i], message: `${s.id} cannot be reached from ${d.start}` });
  });
  return problems;
}

export const journeyStatuses = ['draft', 'active', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof journeyStatuses)[number];

/** A journey as the API answers it: its draft definition and what is live. */
export const journeySchema = z.object({
  id: z.string(),
  status: z.enum(journeyStatuses),
  definition: journeyDefinitionSchema,
  /** The version running (null until first activated); each activation of an edit adds one. */
  activeVersion: z.number().int().nullable(),
  /** The draft differs from the active version: activating creates a new version. */
  changedSinceActivation: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Journey = z.infer<typeof journeySchema>;

/** The JSON Schema of a definition, for editors (docs/schemas/journey-definition.schema.json). */
export function journeyDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeyDefinitionSchema, { io: 'input', unrepresentable: 'any' });
}
