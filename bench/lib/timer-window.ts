import { fmt, percentile } from './stats.js';

/**
 * The timer benchmarks' window (journey-timers, segment-timers): the timers due 20-30 s after
 * the moment they are all written are measured, 2 s of grace after it for the last ones to be
 * committed, and each one's lateness is when it ran minus when it was due.
 */
export const WINDOW_FROM_MS = 20_000;
export const WINDOW_TO_MS = 30_000;
export const GRACE_MS = 2_000;

export interface WindowFigures {
  count: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * How late each timer due in [from, to) ran; `ranAt(i)` is when timer i ran, undefined if it
 * has not. One not run by now counts as late by now - due (a lower bound), so a stalled worker
 * cannot look punctual.
 */
export function windowFigures(
  due: Float64Array,
  from: number,
  to: number,
  ranAt: (i: number) => number | undefined,
): WindowFigures {
  const checkedAt = Date.now();
  const lateness: number[] = [];
  let missing = 0;
  due.forEach((d, i) => {
    if (d < from || d >= to) return;
    const at = ranAt(i);
    if (at === undefined) missing += 1;
    lateness.push((at ?? checkedAt) - d);
  });
  return {
    count: lateness.length,
    missing,
    p50: percentile(lateness, 50),
    p99: percentile(lateness, 99),
    max: lateness.length ? lateness.reduce((a, b) => Math.max(a, b), -Infinity) : Number.NaN,
  };
}

/** One line for the notes: `what` names the timers ("timers", "re-checks"). */
export const describeWindow = (w: WindowFigures, what: string) =>
  `${fmt(w.count)} ${what} due in the window, p50 ${fmt(w.p50)} ms, p99 ${fmt(w.p99)} ms, max ` +
  `${fmt(w.max)} ms${w.missing ? `, ${fmt(w.missing)} NOT RUN by the end (counted as late)` : ''}`;
