import { z } from 'zod';
import { journeyDurationSchema } from './journeys.js';

/**
 * What running journeys answer: the workspace's sending rules (frequency budget, quiet hours,
 * default time zone), enrollments, their traces and each journey's statistics. The definition
 * language is in journeys.ts; docs/guides/journeys.md explains both.
 */

const localTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24 h)');

/** At most `max` marketing messages per profile within `within` (e.g. 3 per 7 days). */
export const budgetLimitSchema = z.strictObject({
  max: z.number().int().min(1).max(1000),
  within: journeyDurationSchema,
});
export type BudgetLimit = z.infer<typeof budgetLimitSchema>;

export const budgetChannels = ['email', 'sms', 'whatsapp', 'push', 'inbox'] as const;
const limits = z.array(budgetLimitSchema).max(5);

/**
 * The rules every journey's messages follow in one workspace. `budget` limits per channel
 * (a channel left out has none); `quietHours` in each profile's local time (none when absent);
 * `timezone` is the zone of profiles whose own zone is neither known nor inferable.
 */
export const journeySettingsSchema = z.strictObject({
  budget: z
    .strictObject({
      email: limits.optional(),
      sms: limits.optional(),
      whatsapp: limits.optional(),
      push: limits.optional(),
      inbox: limits.optional(),
    })
    .default({}),
  quietHours: z.strictObject({ start: localTime, end: localTime }).nullable().default(null),
  timezone: z
    .string()
    .min(1)
    .max(64)
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Belgrade')
    .default('UTC'),
});
export type JourneySettings = z.output<typeof journeySettingsSchema>;
export type JourneySettingsInput = z.input<typeof journeySettingsSchema>;

export const enrollmentStatuses = ['active', 'completed', 'converted', 'exited'] as const;
export type EnrollmentStatus = (typeof enrollmentStatuses)[number];

/** One profile's passage through one version of a journey. */
export const enrollmentSchema = z.object({
  id: z.string(),
  journeyId: z.string(),
  journeyName: z.string(),
  version: z.number().int(),
  profileId: z.string(),
  status: z.enum(enrollmentStatuses),
  /** The step it is at (null once it has left). */
  step: z.string().nullable(),
  /** When the engine looks at it next: a wait's end, a delayed send's slot, a timeout. */
  dueAt: z.string().nullable(),
  /** An event it is waiting for (wait_for_event). */
  waitingFor: z.string().nullable(),
  enteredAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  convertedAt: z.string().nullable(),
  revenue: z.number().nullable(),
});
export type Enrollment = z.infer<typeof enrollmentSchema>;

/**
 * What one step did for one enrollment: `entered` (the trigger, with the event), `sent`,
 * `skipped` (with the reason: no consent, no address, dropped over budget...), `delayed`
 * (budget or quiet hours, until `until`), `branch` (which branch and the values that decided
 * it), `waited` / `event_received` / `timed_out`, `updated`, `holdout`, `converted`, `exited`.
 */
export const traceOutcomes = [
  'entered',
  'sent',
  'skipped',
  'delayed',
  'branch',
  'waited',
  'event_received',
  'timed_out',
  'updated',
  'holdout',
  'converted',
  'exited',
  'completed',
] as const;
export type TraceOutcome = (typeof traceOutcomes)[number];

export const traceEntrySchema = z.object({
  visit: z.number().int(),
  step: z.string(),
  stepType: z.string(),
  outcome: z.enum(traceOutcomes),
  at: z.string(),
  /** The edge taken, when the step chose one. */
  next: z.string().nullable(),
  reason: z.string().nullable(),
  messageId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type TraceEntry = z.infer<typeof traceEntrySchema>;

export const enrollmentTraceSchema = z.object({
  enrollment: enrollmentSchema,
  steps: z.array(traceEntrySchema),
});

/** Per step: how many passed it and how (outcome -> count; branches by the edge taken). */
export const stepStatsSchema = z.object({
  step: z.string(),
  type: z.string(),
  /** Enrollments at this step now (waiting, or delayed). */
  waiting: z.number().int(),
  outcomes: z.record(z.string(), z.number().int()),
  branches: z.record(z.string(), z.number().int()),
});

export const journeyStatsSchema = z.object({
  journeyId: z.string(),
  entered: z.number().int(),
  active: z.number().int(),
  completed: z.number().int(),
  exited: z.number().int(),
  converted: z.number().int(),
  revenue: z.number(),
  messagesSent: z.number().int(),
  /** Holdout arms against the others: conversion rates of each group (null with no members). */
  holdout: z.object({
    entered: z.number().int(),
    converted: z.number().int(),
    rate: z.number().nullable(),
    treatedRate: z.number().nullable(),
  }),
  steps: z.array(stepStatsSchema),
});
export type JourneyStats = z.infer<typeof journeyStatsSchema>;

/** One journey's headline results, for lists: every journey of a workspace in one read. */
export const journeySummarySchema = journeyStatsSchema.pick({
  journeyId: true,
  entered: true,
  active: true,
  completed: true,
  exited: true,
  converted: true,
  revenue: true,
  messagesSent: true,
});
export type JourneySummary = z.infer<typeof journeySummarySchema>;
