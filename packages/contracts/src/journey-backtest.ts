import { z } from 'zod';
import { journeyStatuses } from './journeys.js';
import { stepStatsSchema, traceOutcomes } from './journey-runs.js';

/**
 * A backtest (issue 13, item 7): the last `days` of stored events replayed through a journey's
 * draft on a virtual clock, with the same steps the engine runs, and nothing written anywhere.
 * The report says who would have entered, what each step would have done, which messages would
 * have gone out (and which been delayed or skipped, and why), with a few sample traces.
 */
export const backtestRequestSchema = z.strictObject({
  /** How far back the replay starts: the last N days up to now. */
  days: z.number().int().min(1).max(365),
  /** How many enrollments to trace step by step (the first to enter). */
  samples: z.number().int().min(0).max(50).default(5),
});
export type BacktestRequest = z.output<typeof backtestRequestSchema>;

const counts = z.record(z.string(), z.number().int());

/** One step of a sample trace, as the live trace shows it (times are the virtual clock's). */
export const backtestTraceStepSchema = z.object({
  step: z.string(),
  stepType: z.string(),
  outcome: z.enum(traceOutcomes),
  at: z.string(),
  next: z.string().nullable(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  /** For a message that would have gone out: where, and its subject when it has one. */
  message: z
    .object({
      channel: z.string(),
      to: z.string(),
      subject: z.string().nullable(),
    })
    .optional(),
});

export const backtestTraceSchema = z.object({
  profileId: z.string(),
  enteredAt: z.string(),
  /** Where it ended up when the replay stopped: `active` is still waiting. */
  status: z.enum(['active', 'completed', 'converted', 'exited']),
  steps: z.array(backtestTraceStepSchema),
});

export const backtestReportSchema = z.object({
  journey: z.object({ id: z.string(), name: z.string(), status: z.enum(journeyStatuses) }),
  days: z.number().int(),
  from: z.string(),
  to: z.string(),
  /** Stored events of the window the journey reacts to (its trigger, goal, waits and splits). */
  events: z.number().int(),
  /** Segment entries and exits of the window replayed (segment triggers only). */
  segmentChanges: z.number().int(),
  entered: z.number().int(),
  /** Distinct profiles among those entries. */
  profiles: z.number().int(),
  completed: z.number().int(),
  converted: z.number().int(),
  /** Revenue carried by the goal events of the converted (`revenue`, `total` or `value`). */
  revenue: z.number(),
  exited: z.number().int(),
  /** Still inside when the replay reached now (a wait, a delayed send). */
  waiting: z.number().int(),
  holdout: z.object({ entered: z.number().int(), converted: z.number().int() }),
  steps: z.array(stepStatsSchema),
  messages: z.object({
    /** Messages that would have been queued. */
    total: z.number().int(),
    byChannel: counts,
    byStep: counts,
    /** Conversions credited to a message within the goal's attribution window. */
    attributed: z.number().int(),
    /** Times a send was held by the frequency budget, and by quiet hours. */
    delayedByBudget: z.number().int(),
    delayedByQuietHours: z.number().int(),
    /** Sends that sent nothing, by reason (no consent, no address, dropped over budget...). */
    skipped: counts,
    /** Of `total`, how many were rendered in full (the rest: template and address checked). */
    rendered: z.number().int(),
  }),
  sampleTraces: z.array(backtestTraceSchema),
  /** What the replay cannot know, and what it assumed instead. */
  notes: z.array(z.string()),
});
export type BacktestReport = z.infer<typeof backtestReportSchema>;
export type BacktestTrace = z.infer<typeof backtestTraceSchema>;
export type BacktestTraceStep = z.infer<typeof backtestTraceStepSchema>;
