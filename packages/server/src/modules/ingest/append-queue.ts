import { AppError } from '../../platform/errors.js';
import type { EventLog } from './event-log.js';
import type { AppendRow } from './event-normalizer.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Waiter {
  rows: AppendRow[];
  /** When it was accepted (operational time). */
  since: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** How much one commit's duration moves the running estimate (exponential average). */
const COMMIT_WEIGHT = 0.3;

/**
 * Group commit: requests that arrive while a commit is under way wait for the next one, so one
 * transaction (and one fsync) acknowledges many requests. The queue is bounded in size and in
 * time: new requests are refused with 429 and Retry-After instead of piling up when `maxPending`
 * events wait, when the oldest waiting request has waited more than `maxWaitMs`, or when
 * commits take that long by themselves (the recent average) - so that a client is told to back
 * off well before its own timeout (Segment SDKs give up after 10 s), not after it.
 */
export class AppendQueue {
  readonly #log: EventLog;
  readonly #maxPending: number;
  readonly #onAppended: () => void;
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  #waiting: Waiter[] = [];
  /** When the oldest request of the commit under way was accepted. */
  #committingSince: number | undefined;
  /** Recent commit duration (exponential average), ms; undefined before the first commit. */
  #commitMs: number | undefined;
  /** When the commit under way was first tried (a held write lock makes it try again). */
  #commitStarted: number | undefined;
  #pendingRows = 0;
  #flushing: Promise<void> | undefined;
  #scheduled = false;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(
    log: EventLog,
    opts: { maxPending: number; maxWaitMs: number; now: () => number; onAppended: () => void },
  ) {
    this.#log = log;
    this.#maxPending = opts.maxPending;
    this.#maxWaitMs = opts.maxWaitMs;
    this.#now = opts.now;
    this.#onAppended = opts.onAppended;
  }

  get pending(): number {
    return this.#pendingRows;
  }

  /** How long the oldest request not yet committed has waited, ms (0 when none waits). */
  get oldestWaitMs(): number {
    const oldest = this.#committingSince ?? this.#waiting[0]?.since;
    return oldest === undefined ? 0 : Math.max(0, this.#now() - oldest);
  }

  append(rows: AppendRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    // Nothing is refused while nothing waits: a single request larger than the bound could
    // otherwise never succeed, and a slow commit long ago must not shut ingestion for good
    // (this request's commit measures the time anew).
    const saturated = this.#pendingRows > 0 ? this.#saturation(rows.length) : undefined;
    if (saturated !== undefined) {
      return Promise.reject(
        new AppError(
          {
            code: 'rate_limited',
            message: `ingestion is saturated (${saturated}); retry shortly`,
            details: [],
          },
          Math.max(1, Math.ceil(this.#maxWaitMs / 1000)),
        ),
      );
    }
    this.#pendingRows += rows.length;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ rows, since: this.#now(), resolve, reject });
      this.#schedule();
    });
  }

  /** Why a new request would wait too long, or undefined when it may join. */
  #saturation(adding: number): string | undefined {
    if (this.#pendingRows + adding > this.#maxPending)
      return `${this.#pendingRows} events waiting to be committed`;
    const waited = this.oldestWaitMs;
    if (waited > this.#maxWaitMs)
      return `the oldest waiting request has waited ${waited} ms, over the ${this.#maxWaitMs} ms bound`;
    if (this.#commitMs !== undefined && this.#commitMs > this.#maxWaitMs)
      return `commits take ${Math.round(this.#commitMs)} ms, over the ${this.#maxWaitMs} ms bound`;
    return undefined;
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
    this.#committingSince = batch[0]?.since;
    const rows = batch.flatMap((w) => w.rows);
    // Waiting for the write lock counts: it is part of what a client waits for.
    const started = (this.#commitStarted ??= this.#now());
    try {
      const outcome = await this.#log.append(rows);
      this.#committingSince = undefined;
      if (outcome === 'busy') {
        // The write lock is held elsewhere: put the requests back (they still count as
        // pending) and try again in a moment; requests arriving meanwhile join this commit.
        this.#waiting = [...batch, ...this.#waiting];
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.#schedule();
        }, 2);
        return;
      }
      this.#commitStarted = undefined;
      const took = this.#now() - started;
      this.#commitMs =
        this.#commitMs === undefined
          ? took
          : this.#commitMs + COMMIT_WEIGHT * (took - this.#commitMs);
      for (const w of batch) w.resolve();
      this.#onAppended();
    } catch (error) {
      this.#committingSince = undefined;
      this.#commitStarted = undefined;
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
