/**
 * The workspace frequency budget: per channel, a list of limits such as "at most 1 marketing
 * message per 16 hours and 3 per week per profile". Pure: every instant (epoch ms) is passed in.
 *
 * Window semantics. A limit { max, withinMs } holds when every half-open window
 * [x, x + withinMs) of time contains at most `max` messages. So a message sent at t counts
 * against a send at `at` while t > at - withinMs, and exactly withinMs later it no longer
 * does. Messages already scheduled in the future of `at` count the same way: a send at `at`
 * is refused when it would overfill any window that contains `at`, not only the window that
 * ends at `at` (otherwise a send now could squeeze in before a message queued for tonight and
 * break the limit for tonight's window).
 */
export interface BudgetLimit {
  /** At most this many messages (an integer >= 1) ... */
  max: number;
  /** ... in any window of this many milliseconds (> 0). */
  withinMs: number;
}

/**
 * Whether sending at `at` keeps every limit: for every limit, every window [x, x + withinMs)
 * that contains `at` holds at most max - 1 of `sentAt` (so the new message makes at most max).
 * Among the windows containing `at` (x in (at - withinMs, at]) the fullest one starts at `at`
 * itself or at one of the messages in (at - withinMs, at): only those are counted. This
 * includes the simple rule "the messages in (at - withinMs, at], plus one, are at most max".
 */
export function withinBudget(
  at: number,
  sentAt: readonly number[],
  limits: readonly BudgetLimit[],
): boolean {
  checkInputs(at, sentAt, limits);
  return fitsSorted(at, sortedCopy(sentAt), limits);
}

/**
 * The earliest instant >= now at which one more message keeps every limit (withinBudget),
 * given the instants (any order, past or future) of the messages already counted for this
 * profile and channel. The instants where a send stops being blocked are the ends t + withinMs
 * of the windows that block it, so the answer is `now` or one of those: they are tried in
 * order. One always fits: withinMs after the last message, no message is in any window.
 */
export function nextAllowedSlot(
  now: number,
  sentAt: readonly number[],
  limits: readonly BudgetLimit[],
): number {
  checkInputs(now, sentAt, limits);
  const sorted = sortedCopy(sentAt);
  if (fitsSorted(now, sorted, limits)) return now;
  const candidates = new Set<number>();
  for (const t of sorted) {
    for (const limit of limits) {
      const end = t + limit.withinMs;
      if (end > now) candidates.add(end);
    }
  }
  for (const candidate of [...candidates].sort((a, b) => a - b)) {
    if (fitsSorted(candidate, sorted, limits)) return candidate;
  }
  // Unreachable with valid limits (see above); kept loud rather than returning a wrong slot.
  throw new Error('no slot fits the budget');
}

/** A bad budget is a configuration fault: refuse it rather than send without a limit. */
function checkInputs(at: number, sentAt: readonly number[], limits: readonly BudgetLimit[]): void {
  if (!Number.isFinite(at)) throw new RangeError(`instant ${at} is not finite`);
  for (const t of sentAt) {
    if (!Number.isFinite(t)) throw new RangeError(`sent instant ${t} is not finite`);
  }
  for (const { max, withinMs } of limits) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`budget max ${max} is not an integer >= 1`);
    }
    if (!Number.isFinite(withinMs) || withinMs <= 0) {
      throw new RangeError(`budget window ${withinMs} ms is not a positive duration`);
    }
  }
}

function sortedCopy(sentAt: readonly number[]): number[] {
  return [...sentAt].sort((a, b) => a - b);
}

/** The first index of `sorted` whose value is >= x (sorted.length when none). */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v !== undefined && v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of `sorted` lie in [x, x + w). */
function countIn(sorted: readonly number[], x: number, w: number): number {
  return lowerBound(sorted, x + w) - lowerBound(sorted, x);
}

function fitsSorted(
  at: number,
  sorted: readonly number[],
  limits: readonly BudgetLimit[],
): boolean {
  for (const { max, withinMs } of limits) {
    if (countIn(sorted, at, withinMs) + 1 > max) return false;
    // Windows starting at an earlier message that still reaches `at`: t > at - withinMs.
    for (let i = lowerBound(sorted, at - withinMs); i < sorted.length; i++) {
      const t = sorted[i];
      if (t === undefined || t >= at) break;
      if (t <= at - withinMs) continue;
      if (countIn(sorted, t, withinMs) + 1 > max) return false;
    }
  }
  return true;
}
