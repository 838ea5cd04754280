import { z } from 'zod';

/** GET /api/v1/overview's answer is a contract: the dashboard reads the same shape. */
export { overviewSchema, type Overview } from '@comeback/contracts';

/** The query string; the range rules (order, span) need the clock and are checked after. */
export const overviewQuerySchema = z.strictObject({
  from: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .describe('start (a day means its 00:00 UTC); default: `days` before `to`'),
  to: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .describe('end, exclusive (a day means the whole day); default: now'),
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .optional()
    .describe('instead of `from`: the window is this many days up to `to` (default 30)'),
});
export type OverviewQuery = z.infer<typeof overviewQuerySchema>;
