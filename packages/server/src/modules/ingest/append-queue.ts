import { AppError } from '../../platform/errors.js';
import type { EventLog } from './event-log.js';
import type { AppendRow } from './event-normalizer.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Waiter {
  rows: AppendRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests that arrive while a commit is under way wait for the next one, so one
 * transaction (and one fsync) acknowledges many requests. The queue is bounded: past
 * `maxPending` events, new requests are refused with 429 and Retry-After instead of piling up.
 */
export class AppendQueue {
  readonly #log: EventLog;
  readonly #maxPending: number;
  readonly #onAppended: () => void;
  #waiting: Waiter[] = [];
  #pendingRows = 0;
  #flushing: Promise<void> | undefined;
  #scheduled = false;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(log: EventLog, opts: { maxPending: number; onAppended: () => void }) {
    this.#log = log;
    this.#maxPending = opts.maxPending;
    this.#onAppended = opts.onAppended;
  }

  get pending(): number {
    return this.#pendingRows;
  }

  append(rows: AppendRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    // A single request larger than the bound is still admitted when nothing else waits;
    // otherwise it could never succeed, however often it was retried.
    if (this.#pendingRows > 0 && this.#pendingRows + rows.length > this.#maxPending) {
      return Promise.reject(
        new AppError(
          {
            code: 'rate_limited',
            message: `ingestion is saturated (${this.#pendingRows} events waiting to be committed); retry shortly`,
            details: [],
          },
          1,
        ),
      );
    }
    this.#pendingRows += rows.length;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ rows, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing || this.#retryTimer) return;
    this.#scheduled = true;
    // setImmediate lets every request parsed in this turn of the event loop join the commit.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        if (this.#waiting.length) this.#schedule();
      });
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    const rows = batch.flatMap((w) => w.rows);
    try {
      if ((await this.#log.append(rows)) === 'busy') {
        // The write lock is held elsewhere: put the requests back (they still count as
        // pending) and try again in a moment; requests arriving meanwhile join this commit.
        this.#waiting = [...batch, ...this.#waiting];
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.#schedule();
        }, 2);
        return;
      }
      for (const w of batch) w.resolve();
      this.#onAppended();
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      // One request's rows failed the shared commit: commit each request on its own, so only
      // the request at fault fails.
      else await this.#appendOneByOne(batch);
    }
    this.#pendingRows -= rows.length;
  }

  async #appendOneByOne(batch: Waiter[]): Promise<void> {
    for (const w of batch) {
      try {
        while ((await this.#log.append(w.rows)) === 'busy') await pause(2);
        w.resolve();
      } catch (error) {
        w.reject(error);
      }
    }
    this.#onAppended();
  }

  /** Resolves when everything accepted so far is committed (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.#waiting.length || this.#flushing || this.#scheduled || this.#retryTimer) {
      await (this.#flushing ?? pause(1));
    }
  }
}
