import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { Logger } from '../../platform/logger.js';
import { LagStats } from './lag-stats.js';

export const processorThreadOptionsSchema = z.object({
  databaseUrl: z.string(),
  batchSize: z.number().int().positive(),
  gatherMs: z.number().int().min(0),
  secret: z.string(),
  logLevel: z.string(),
});
export type ProcessorThreadOptions = z.infer<typeof processorThreadOptionsSchema>;
export type ToWorker = { type: 'wake' } | { type: 'stop' };
export type ToMain = { type: 'batch'; lagsMs: number[] };

/** What the server needs of whichever runs the processor in the background. */
export interface ProcessorRunner {
  readonly lag: LagStats;
  readonly applied: number;
  notify(): void;
  stop(): Promise<void>;
}

const WORKER_URL = new URL('./processor-worker.js', import.meta.url);

/**
 * The processor thread's young generation, where a batch's short-lived objects (parsed
 * payloads, rows, line JSON) live and die. With V8's default the thread spent 20 % of its time
 * collecting garbage applying 21-line orders; at 192 MB, 16 %, and the thread's time for the
 * same 66,000 orders fell 6.6 % (one profiled run each; end-to-end figures moved less than
 * this machine's noise). V8 grows the space toward the bound as the thread allocates.
 */
export const PROCESSOR_YOUNG_GENERATION_MB = 192;

/**
 * Runs the processor in a worker thread with its own SQLite connection, so applying events
 * uses the second core while the main thread serves HTTP and appends. Only from compiled code
 * (a worker needs JavaScript); tests on TypeScript sources run the processor in-process.
 */
export class ProcessorThread implements ProcessorRunner {
  readonly lag = new LagStats();
  #applied = 0;
  #worker: Worker;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  readonly #options: ProcessorThreadOptions;
  readonly #logger: Logger;

  static available(): boolean {
    return !import.meta.url.endsWith('.ts');
  }

  constructor(options: ProcessorThreadOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
    this.#worker = this.#spawn();
  }

  /**
   * A thread that dies (a bug, out of memory) is started again after a second: events keep
   * being acknowledged, so they must keep being applied. Its cursor is in the database, so the
   * new thread resumes exactly where the old one stopped.
   */
  #spawn(): Worker {
    const worker = new Worker(WORKER_URL, {
      workerData: this.#options,
      resourceLimits: { maxYoungGenerationSizeMb: PROCESSOR_YOUNG_GENERATION_MB },
    });
    worker.on('message', (message: ToMain) => {
      this.#applied += message.lagsMs.length;
      for (const ms of message.lagsMs) this.lag.record(ms);
    });
    worker.on('error', (error) => this.#logger.error({ err: error }, 'processor thread failed'));
    this.#exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.once('exit', (code) => {
      if (this.#stopping) return;
      this.#logger.error({ code }, 'processor thread stopped unexpectedly; restarting it');
      setTimeout(() => {
        if (!this.#stopping) this.#worker = this.#spawn();
      }, 1000).unref();
    });
    return worker;
  }

  get applied(): number {
    return this.#applied;
  }

  notify(): void {
    this.#worker.postMessage({ type: 'wake' } satisfies ToWorker);
  }

  /** Lets the current batch commit, then ends the thread. */
  async stop(): Promise<void> {
    this.#stopping = true;
    // postMessage to a thread that already exited is a no-op; #exited is then resolved.
    this.#worker.postMessage({ type: 'stop' } satisfies ToWorker);
    await this.#exited;
  }
}
