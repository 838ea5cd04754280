import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { JourneyRunner, PassResult } from './journey-runner.js';
import type { CatalogTriggers } from './catalog-triggers.js';
import type { JourneyTriggers } from './journey-triggers.js';
import type { TimedTriggers } from './timed-triggers.js';

/** Rounds of follow-then-run in one drain: each round may wake enrollments the next runs. */
const MAX_ROUNDS = 50;

/**
 * The journey worker: the trigger follower and the runner, polled in the background under the
 * system clock, or drained on demand (the test clock's /clock/advance, tests). Any number of
 * processes may run it on PostgreSQL; the follower's cursors and the runner's leases and
 * guards share the work.
 */
export class JourneyEngine {
  readonly #triggers: JourneyTriggers;
  readonly #catalog: CatalogTriggers;
  readonly #timed: TimedTriggers;
  readonly #runner: JourneyRunner;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #ticking: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(deps: {
    triggers: JourneyTriggers;
    catalog: CatalogTriggers;
    timed: TimedTriggers;
    runner: JourneyRunner;
    clock: Clock;
    logger: Logger;
  }) {
    this.#triggers = deps.triggers;
    this.#catalog = deps.catalog;
    this.#timed = deps.timed;
    this.#runner = deps.runner;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
  }

  /** Everything due now: new entries, goals, signals, then due steps, until quiet. */
  async drain(): Promise<PassResult & { entered: number }> {
    const total = { entered: 0, claimed: 0, transitions: 0, messages: 0, conflicts: 0 };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.#clock.now();
      const entered =
        (await this.#triggers.followAll(now)) +
        (await this.#catalog.followAll(now)) +
        (await this.#timed.fire(now));
      const r = await this.#runner.runAllDue();
      total.entered += entered;
      total.claimed += r.claimed;
      total.transitions += r.transitions;
      total.messages += r.messages;
      total.conflicts += r.conflicts;
      if (entered === 0 && r.transitions === 0) break;
    }
    return total;
  }

  /** The next instant something is due: a step's timer or a calendar trigger. */
  async nextDueAt(): Promise<number | null> {
    const timer = await this.#runner.nextDueAt();
    const fire = await this.#timed.nextFireAt(this.#clock.now());
    if (timer === null) return fire;
    return fire === null ? timer : Math.min(timer, fire);
  }

  /** Serialised with the background loop: one drain at a time in this process. */
  run(): Promise<PassResult & { entered: number }> {
    const next = this.#running.then(() => this.drain());
    this.#running = next.catch(() => undefined);
    return next;
  }

  /**
   * Polls every `pollMs` for new events, and sooner when a timer falls due before then: a
   * wait ending in 40 ms is run in 40 ms, not at the next poll (timer lateness).
   */
  start(pollMs = 250): void {
    const tick = () => {
      if (this.#stopped) return;
      // The whole tick (its drain and its next-due read) is what stop() waits for: a read
      // after the database closed would fail.
      this.#ticking = this.run()
        .then(() => (this.#stopped ? null : this.nextDueAt()))
        .then(
          (next) => {
            // Due already yet not taken (another worker's lease): the next poll will see.
            const wait = next === null ? pollMs : next - this.#clock.now();
            return wait <= 0 ? pollMs : Math.min(pollMs, wait);
          },
          (error: unknown) => {
            if (!this.#stopped) this.#logger.error({ err: error }, 'journey engine failed');
            return pollMs;
          },
        )
        .then((delay) => {
          if (!this.#stopped) this.#timer = setTimeout(tick, Math.max(5, delay));
        })
        .catch(() => undefined);
    };
    this.#timer = setTimeout(tick, pollMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#ticking;
  }
}
