import { z } from 'zod';

/**
 * The time parts of the segment language (docs/guides/segments.md, "Time and windows"): the
 * units spans count in, the windows that say which events or orders count, and the calendar a
 * date condition reads its days in. segments.ts builds the conditions from them.
 */

export const timeUnits = ['minutes', 'hours', 'days', 'weeks', 'months', 'years'] as const;
export type TimeUnit = (typeof timeUnits)[number];

/** Up to 10,000 units: "in the last 30 days", "more than 7 years ago", "in the next 2 weeks". */
export const spanAmountSchema = z.number().int().min(1).max(10_000);
export const isoInstantSchema = z.iso.datetime({ offset: true }).or(z.iso.date());

/** The id of another segment of the workspace (the server checks it exists and forms no cycle). */
export const segmentIdSchema = z.string().min(1).max(100);

/**
 * When events or orders count: ever, the last N units (up to now), older than N units, between
 * two instants, or since the profile's current entry into another segment (a profile that is not
 * in that segment now has no such entry, so nothing counts for it).
 */
export const segmentWindowSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ever') }).strict(),
  z.object({ kind: z.literal('last'), amount: spanAmountSchema, unit: z.enum(timeUnits) }).strict(),
  z
    .object({ kind: z.literal('older_than'), amount: spanAmountSchema, unit: z.enum(timeUnits) })
    .strict(),
  z
    .object({ kind: z.literal('between'), from: isoInstantSchema, to: isoInstantSchema })
    .strict()
    .refine((w) => Date.parse(w.from) < Date.parse(w.to), {
      path: ['to'],
      message: 'must be after from',
    }),
  z.object({ kind: z.literal('since_entering'), segment: segmentIdSchema }).strict(),
]);
export type SegmentWindow = z.infer<typeof segmentWindowSchema>;

/**
 * The calendar a date condition counts days in: `utc` (the default) or `profile`, the profile's
 * own time zone (its timezone trait, else its country's zone, else the workspace's), where the
 * condition compares calendar dates and a day starts at the profile's local midnight.
 */
export const dateZones = ['utc', 'profile'] as const;
export type DateZone = (typeof dateZones)[number];

/** The field operators a `zone` applies to: those reading a date's calendar. */
export const zonedOperators = [
  'before',
  'after',
  'between',
  'within_last',
  'more_than_ago',
  'within_next',
  'anniversary_within',
] as const;
