import { z } from 'zod';
import { churnRisks, predictionMethods } from './customer-value.js';
import { channels } from './messaging.js';

/**
 * GET /api/v1/overview: the store at a glance for one window of whole UTC days. Every series
 * is zero-filled, one entry per day of `days`, so a chart needs no gap handling.
 */
const day = z.string().describe('a UTC day, YYYY-MM-DD');

const messageCounts = {
  sent: z.number().int().describe('handed to the provider (or the local outbox)'),
  delivered: z.number().int().describe('confirmed delivered by the provider'),
  opened: z.number().int().describe('emails opened by a person (machine opens left out)'),
  clicked: z.number().int().describe('emails with a link clicked by a person'),
};

export const overviewSchema = z.object({
  from: z.string(),
  to: z.string(),
  currency: z.string().describe("the workspace's currency: revenue is in it"),
  days: z.array(day),
  messages: z.object({
    byChannel: z.array(
      z.object({
        channel: z.enum(channels),
        ...messageCounts,
        failed: z.number().int().describe('failed or bounced'),
      }),
    ),
    byDay: z.array(z.object({ day, ...messageCounts })),
  }),
  journeys: z
    .array(
      z.object({
        journeyId: z.string(),
        name: z.string(),
        status: z.string(),
        entered: z.number().int(),
        converted: z.number().int(),
        revenue: z.number(),
        byDay: z.array(z.object({ day, converted: z.number().int(), revenue: z.number() })),
      }),
    )
    .describe('journeys with an entry or a conversion in the window, by revenue'),
  repeatPurchase: z
    .object({
      buyers: z.number().int().describe('customers with at least one order'),
      secondOrder: z.number().int().describe('of them, those with a second order'),
      thirdOrder: z.number().int().describe('of those, the ones with a third'),
      secondRate: z.number().nullable().describe('secondOrder / buyers (null: no buyers)'),
      thirdRate: z.number().nullable().describe('thirdOrder / secondOrder'),
    })
    .describe('all customers to date, not only the window'),
  churnRisk: z
    .object({
      fittedAt: z.string(),
      method: z.enum(predictionMethods),
      counts: z.record(z.enum(churnRisks), z.number().int()),
    })
    .nullable()
    .describe('customers per churn risk at the last customer-value fit; null before one'),
});
export type Overview = z.infer<typeof overviewSchema>;
