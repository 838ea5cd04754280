import { parentPort, workerData } from 'node:worker_threads';
import { SystemClock } from '../../platform/clock.js';
import { openDatabase } from '../../platform/db/database.js';
import { createLogger } from '../../platform/logger.js';
import { sealIntrinsics } from '../../platform/safe-object.js';
import { ProfileCache, ProfileStore } from '../profiles/index.js';
import { LiveSegments } from '../segments/index.js';
import { EventLog } from './event-log.js';
import { Processor } from './processor.js';
import { processorThreadOptionsSchema, type ToMain, type ToWorker } from './processor-thread.js';

/**
 * The processor thread: its own SQLite connection and event loop on the second core, running
 * the same Processor as in-process mode. The main thread keeps the HTTP API and appends.
 */
// A worker thread has its own prototypes: sealed like the main thread's (see safe-object.ts).
sealIntrinsics();
/** How often this thread checkpoints the log's file for the main thread. */
const LOG_CHECKPOINT_MS = 250;
/** While behind, batches grow to this (bytes written per event fall by about half). */
const MAX_BATCH_SIZE = 20_000;
/** Profiles kept across batches (about 1-2 KB each): the working set of a busy store. */
const PROFILE_CACHE_SIZE = 100_000;
const options = processorThreadOptionsSchema.parse(workerData);
const port = parentPort;
if (!port) throw new Error('processor-worker must run as a worker thread');
const logger = createLogger(options.logLevel).child({ thread: 'processor' });
const database = openDatabase(options.databaseUrl, {
  durability: 'normal',
  deferWriteLocks: true,
});
// This thread may wait for a write lock (it blocks only itself): the log's, to delete the events
// batches dropped (a transaction that writes first). A batch never waits: inside its snapshot
// a taken lock fails at once (SQLITE_BUSY) and the batch is done again.
if (database.dialect === 'sqlite') database.sqlite.raw.pragma('busy_timeout = 2000');
const send = (message: ToMain) => port.postMessage(message);
const processor = new Processor(database, new EventLog(database), new SystemClock(), logger, {
  batchSize: options.batchSize,
  maxBatchSize: MAX_BATCH_SIZE,
  gatherMs: options.gatherMs,
  store: new ProfileStore(database, options.secret),
  onBatch: (lagsMs) => send({ type: 'batch', lagsMs }),
  // This connection is the processor's alone, so data_version sees every other writer.
  ...(database.dialect === 'sqlite' ? { cache: new ProfileCache(PROFILE_CACHE_SIZE) } : {}),
  participants: [new LiveSegments(database, logger)],
});
port.on('message', (message: ToWorker) => {
  if (message.type === 'wake') processor.notify();
  else {
    clearInterval(checkpoints);
    void processor
      .stop()
      .then(() => database.close())
      .then(() => port.close());
  }
});
processor.start();
// The main thread leaves checkpointing the log's file to this thread (see server.ts): a passive
// checkpoint a few times a second keeps its WAL short without stalling appends.
const checkpoints =
  database.dialect === 'sqlite'
    ? setInterval(() => {
        void database.sqlite.checkpointLog().catch((error: unknown) => {
          logger.warn({ err: error }, 'checkpoint of the log failed; will retry');
        });
      }, LOG_CHECKPOINT_MS)
    : undefined;
