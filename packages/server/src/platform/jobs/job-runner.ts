import { randomUUID } from 'node:crypto';
import type { Clock, ManualClock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ClaimedJob, JobQueue } from './job-queue.js';

export type JobHandler = (job: ClaimedJob) => Promise<void>;

export interface JobKindOptions {
  /**
   * The payload names a person (an erasure request): once the job is done it is replaced by
   * `{}`, so the finished job does not keep what it erased. A parked (failed) job keeps it: the
   * work is still owed.
   */
  forgetPayloadWhenDone?: boolean;
}

/**
 * Runs due jobs. `runDue` drains everything due at the clock's current instant (what the test
 * clock calls after advancing); `start` polls for a live server.
 */
export class JobRunner {
  readonly workerId = `worker-${randomUUID().slice(0, 8)}`;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #forgetful = new Set<string>();
  readonly #queue: JobQueue;
  readonly #clock: Clock;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(queue: JobQueue, clock: Clock, log: Logger) {
    this.#queue = queue;
    this.#clock = clock;
    this.#log = log;
  }

  register(kind: string, handler: JobHandler, options: JobKindOptions = {}): void {
    if (this.#handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
    this.#handlers.set(kind, handler);
    if (options.forgetPayloadWhenDone) this.#forgetful.add(kind);
  }

  /** Runs every job due now, including ones that running jobs schedule for now. */
  runDue(): Promise<number> {
    // One drain at a time per process; a second caller waits for the one under way.
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /**
   * Moves a manual clock to `target`, stopping at every due timer on the way so each job runs
   * at its own instant (a job scheduled by another job in between runs too). Returns jobs run.
   */
  async advanceTo(clock: ManualClock, target: number): Promise<number> {
    let ran = await this.runDue();
    for (;;) {
      const next = await this.#queue.nextDueAt();
      if (next === null || next > target) break;
      if (next > clock.now()) clock.set(next);
      ran += await this.runDue();
    }
    if (target > clock.now()) clock.set(target);
    return ran;
  }

  async #drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      const jobs = await this.#queue.claimDue(this.#clock.now(), this.workerId, 50);
      if (jobs.length === 0) return ran;
      for (const job of jobs) {
        const handler = this.#handlers.get(job.kind);
        try {
          if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
          await handler(job);
          await this.#queue.complete(job, this.#clock.now(), undefined, {
            forgetPayload: this.#forgetful.has(job.kind),
          });
        } catch (error) {
          this.#log.warn({ err: error, job: job.id, kind: job.kind }, 'job failed');
          await this.#queue.fail(job, String(error), this.#clock.now());
        }
        ran++;
      }
    }
  }

  start(pollMs = 1000): void {
    const tick = () => {
      if (this.#stopped) return;
      this.runDue()
        .catch((error: unknown) => this.#log.error({ err: error }, 'job runner tick failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, pollMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
