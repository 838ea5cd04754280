import { DateTime, Duration } from 'luxon';

/** ISO-8601 durations ("P3D", "PT90M") resolved against an instant, in UTC. */
export const Temporal = {
  isValidDuration(iso: string): boolean {
    return Duration.fromISO(iso).isValid;
  },
  durationToMs(iso: string, from: number): number {
    const d = Duration.fromISO(iso);
    if (!d.isValid) throw new Error(`not an ISO-8601 duration: ${iso}`);
    const start = DateTime.fromMillis(from, { zone: 'utc' });
    return start.plus(d).toMillis() - from;
  },
};
