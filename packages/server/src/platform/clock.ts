import { Temporal } from './duration.js';

/**
 * Time is injected. Domain code asks a Clock, never `Date.now()`, so every wait, window and
 * quiet hour can be tested without sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  readonly kind: 'system' | 'manual';
}

export class SystemClock implements Clock {
  readonly kind = 'system' as const;
  now(): number {
    return Date.now();
  }
}

/**
 * A clock that only moves when told to: tests (a virtual clock) and `COMEBACK_CLOCK=manual`.
 * JobRunner.advanceTo moves it timer by timer, running each due job at its own instant.
 */
export class ManualClock implements Clock {
  readonly kind = 'manual' as const;
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  set(instant: number): void {
    if (instant < this.#now) throw new Error('a manual clock never moves backwards');
    this.#now = instant;
  }
  advance(ms: number): number {
    this.set(this.#now + ms);
    return this.#now;
  }
  advanceBy(isoDuration: string): number {
    return this.advance(Temporal.durationToMs(isoDuration, this.#now));
  }
}
