/**
 * How far after its receipt an event may say it happened. A sender's clock may run a little
 * ahead, but a time beyond this is a bug or an attack: under last-writer-wins, an event dated
 * 9999-12-31 would pin its traits and `last_seen_at` against every later call. Such a time is
 * replaced by the receipt time and the event is flagged. Past times are history and are kept.
 */
export const MAX_EVENT_TIME_AHEAD_MS = 24 * 60 * 60 * 1000;

/** The time to record for an event claiming `claimed`, received at `receivedAt`. */
export function boundedEventTime(
  claimed: number,
  receivedAt: number,
): { timestamp: number; adjusted: boolean } {
  return claimed > receivedAt + MAX_EVENT_TIME_AHEAD_MS || !Number.isFinite(claimed)
    ? { timestamp: receivedAt, adjusted: true }
    : { timestamp: claimed, adjusted: false };
}
