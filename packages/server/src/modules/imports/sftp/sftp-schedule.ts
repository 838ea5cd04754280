import { CronExpressionParser } from 'cron-parser';

/** The job kind of a scheduled pull; its payload is `{ sourceId, instant }`. */
export const SFTP_PULL_JOB = 'sftp.pull';

const ALIASES = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@hourly',
  '@minutely',
  '@weekdays',
  '@weekends',
]);

/** One job per source and instant: scheduling the same run twice is harmless. */
export const pullDedupeKey = (sourceId: string, instant: number) => `sftp:${sourceId}:${instant}`;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `expression` is not a usable schedule, or null. Five fields (minute hour day month
 * weekday) or an alias such as `@hourly`; a seconds field is refused, since a folder polled
 * every second would be a connection flood, not a schedule.
 */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (text.startsWith('@')) {
    return ALIASES.has(text)
      ? null
      : `unknown alias ${text}; use one of ${[...ALIASES].join(', ')}`;
  }
  const fields = text.split(/\s+/).length;
  if (fields !== 5) return `needs 5 fields (minute hour day month weekday), got ${fields}`;
  try {
    CronExpressionParser.parse(text, { currentDate: 0, tz: 'UTC' }).next();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The first instant of `expression` in `timezone` strictly after `after` (epoch ms). */
export function nextRunAfter(expression: string, timezone: string, after: number): number {
  return CronExpressionParser.parse(expression.trim(), { currentDate: after, tz: timezone })
    .next()
    .getTime();
}
