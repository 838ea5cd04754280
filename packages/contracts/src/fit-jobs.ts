import { z } from 'zod';

/**
 * A model fit run off the request path, one shape for every model: `POST .../fit` answers 202
 * with the fit itself and `Location: .../fits/{id}`, where a client follows it until it
 * `succeeded` or `failed`. Each model adds its own result fields (customer-value.ts,
 * recommendations.ts).
 */
export const fitStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type FitStatus = (typeof fitStatuses)[number];

export const fitJobSchema = z.object({
  id: z.string(),
  status: z.enum(fitStatuses),
  /** 0 to 1; `stage` names the step under way. */
  progress: z.number(),
  stage: z.string().nullable(),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Why it failed (status failed). */
  error: z.string().nullable(),
});
