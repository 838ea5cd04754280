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
export type ToMain = { type: 'started' } | { type: 'batch'; lagsMs: number[] };

/** What the server needs of whichever runs the processor in the background. */
export interface ProcessorRunner {
  readonly lag: LagStats;
  readonly applied: number;
  notify(): void;
  stop(): Promise<void>;
}

const WORKER_URL = new URL('./processor-worker.js', import.meta.url);

/**
 * Runs the processor in a worker thread with its own SQLite connection, so applying events
 * uses the second core while the main thread serves HTTP and appends. Only from compiled code
 * (a worker needs JavaScript); tests on TypeScript sources run the processor in-process.
 */
export class ProcessorThread implements ProcessorRunner {
  readonly lag = new LagStats();
  #applied = 0;
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  static available(): boolean {
    return WORKER_URL.pathname.endsWith('.js') && !import.meta.url.endsWith('.ts');
  }

  constructor(options: ProcessorThreadOptions, logger: Logger) {
    this.#worker = new Worker(WORKER_URL, { workerData: options });
    this.#worker.on('message', (message: ToMain) => {
      if (message.type !== 'batch') return;
      this.#applied += message.lagsMs.length;
      for (const ms of message.lagsMs) this.lag.record(ms);
    });
    this.#worker.on('error', (error) => logger.error({ err: error }, 'processor thread failed'));
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
  }

  get applied(): number {
    return this.#applied;
  }

  notify(): void {
    this.#worker.postMessage({ type: 'wake' } satisfies ToWorker);
  }

  /** Lets the current batch commit, then ends the thread. */
  async stop(): Promise<void> {
    this.#worker.postMessage({ type: 'stop' } satisfies ToWorker);
    await this.#exited;
  }
}
