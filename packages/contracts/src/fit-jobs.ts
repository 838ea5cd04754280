import { z } from 'zod';

/**
 * A model fit run off the request path, one shape for every model: `POST .../fit` answers 202
 * with the fit itself and `Location: .../fits/{id}`, where a client follows it until it
 * `succeeded` or `failed`. Each model adds its own result fields (customer-value.ts,
 * recommendations.ts).
 */
export const fitStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type FitStatus = (typeof fitStatuses)[number];

/**
 * The step a fit is at, as a code a client words in its own language:
 * - `queued`: waiting for a worker; `started`: a worker took it;
 * - `checking_for_changes` (recommendations): whether anything changed since the last fit;
 * - `reading_orders`, `fitting`, `scoring` (customer value), `holdout_check` (customer value:
 *   the store's own 90-day check), `writing` (recommendations), `saving` (customer value);
 * - `done`; `joined` (customer value: it joined a fit already under way and ended with it);
 * - `skipped_unchanged` (recommendations: nothing changed since the last fit, nothing refitted).
 * A failed fit keeps the stage it failed at.
 */
export const fitStages = [
  'queued',
  'started',
  'checking_for_changes',
  'reading_orders',
  'fitting',
  'holdout_check',
  'scoring',
  'writing',
  'saving',
  'done',
  'joined',
  'skipped_unchanged',
] as const;
export type FitStage = (typeof fitStages)[number];

export const fitJobSchema = z.object({
  id: z.string(),
  status: z.enum(fitStatuses),
  /** 0 to 1; `stage` names the step under way. */
  progress: z.number(),
  /** The step under way or the last one reached (fitStages); null when not known. */
  stage: z.enum(fitStages).nullable(),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Why it failed (status failed). */
  error: z.string().nullable(),
});
