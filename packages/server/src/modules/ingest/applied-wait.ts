import type { EventLog } from './event-log.js';

/** What waiting needs of the processor: its cursor, as stored (any thread or process moves it). */
export interface CursorReader {
  position(): Promise<number>;
}

export interface AppliedWaitOptions {
  /** How often the cursor is read while waiting. */
  pollMs: number;
  /** The longest a caller waits before it is answered anyway (with a stale flag). */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read-your-writes for the admin API. Tracking acknowledges an event once it is committed to
 * the log, and the processor applies it to its profile moments later (a few to a few hundred
 * ms). A read that must see every write acknowledged before it asks notes the log's head (the
 * highest committed seq: acknowledged events are all at or below it, and seq order is commit
 * order on both engines) and waits until the processor's cursor reaches it. The cursor is read
 * from the database, so this works whether events are applied in this thread, in the
 * processor thread or in another `--role worker` process.
 *
 * Timing uses timers, not the domain clock: it bounds how long a request is held, which the
 * test clock must not stretch or shrink.
 */
export class AppliedWait {
  readonly #log: EventLog;
  readonly #cursor: CursorReader;
  readonly #options: AppliedWaitOptions;

  constructor(log: EventLog, cursor: CursorReader, options: AppliedWaitOptions) {
    this.#log = log;
    this.#cursor = cursor;
    this.#options = options;
  }

  /**
   * Resolves `true` once everything committed before the call has been applied (or parked as a
   * failed event), `false` when the timeout passed first: the caller then answers with what it
   * has and says it may be stale.
   */
  async untilHeadApplied(): Promise<boolean> {
    const { seq: head } = await this.#log.head();
    let expired = false;
    const deadline = setTimeout(() => (expired = true), this.#options.timeoutMs);
    deadline.unref();
    try {
      for (;;) {
        if ((await this.#cursor.position()) >= head) return true;
        if (expired) return false;
        await sleep(this.#options.pollMs);
      }
    } finally {
      clearTimeout(deadline);
    }
  }
}
