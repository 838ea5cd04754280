/** Failed sign-ins allowed per email and per client address within the window. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const KEY_LIMIT = 50_000;

/**
 * Slows password guessing: after 10 failures within 15 minutes for one email, or from one
 * client address, sign-ins from it are refused until the oldest failure leaves the window.
 * A success clears the email's failures (not the address's: one valid account must not
 * launder guesses at others). In-process and on operational time (`now`, the wall clock).
 */
export class LoginThrottle {
  readonly #now: () => number;
  /** `email:<address>` / `ip:<address>` -> failure times, oldest first. */
  readonly #failures = new Map<string, number[]>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Seconds to wait before trying again, or 0 when a sign-in may be tried now. */
  retryAfterSeconds(email: string, ip: string): number {
    const now = this.#now();
    const waits = [this.#recent(`email:${email}`, now), this.#recent(`ip:${ip}`, now)].map(
      (times) =>
        times.length >= LOGIN_FAILURE_LIMIT
          ? (times[times.length - LOGIN_FAILURE_LIMIT] ?? now) + LOGIN_WINDOW_MS - now
          : 0,
    );
    return Math.ceil(Math.max(...waits) / 1000);
  }

  failed(email: string, ip: string): void {
    const now = this.#now();
    if (this.#failures.size >= KEY_LIMIT) this.#prune(now);
    for (const key of [`email:${email}`, `ip:${ip}`]) {
      const times = this.#recent(key, now);
      times.push(now);
      // More than the limit tells nothing more: keep the newest ones.
      this.#failures.set(key, times.slice(-LOGIN_FAILURE_LIMIT));
    }
  }

  succeeded(email: string): void {
    this.#failures.delete(`email:${email}`);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - LOGIN_WINDOW_MS);
  }

  /** Forgets keys whose failures all left the window (a flood of new names stays bounded). */
  #prune(now: number): void {
    for (const [key, times] of this.#failures) {
      if (!times.some((t) => t > now - LOGIN_WINDOW_MS)) this.#failures.delete(key);
    }
    if (this.#failures.size >= KEY_LIMIT) this.#failures.clear();
  }
}
