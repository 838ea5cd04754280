import { parentPort, workerData } from 'node:worker_threads';
import { SystemClock } from '../../platform/clock.js';
import { openDatabase } from '../../platform/db/database.js';
import { createLogger } from '../../platform/logger.js';
import { sealIntrinsics } from '../../platform/safe-object.js';
import { ProfileStore } from '../profiles/index.js';
import { EventLog } from './event-log.js';
import { Processor } from './processor.js';
import { processorThreadOptionsSchema, type ToMain, type ToWorker } from './processor-thread.js';

/**
 * The processor thread: its own SQLite connection and event loop on the second core, running
 * the same Processor as in-process mode. The main thread keeps the HTTP API and appends.
 */
// A worker thread has its own prototypes: sealed like the main thread's (see safe-object.ts).
sealIntrinsics();
const options = processorThreadOptionsSchema.parse(workerData);
const port = parentPort;
if (!port) throw new Error('processor-worker must run as a worker thread');
const logger = createLogger(options.logLevel).child({ thread: 'processor' });
const database = openDatabase(options.databaseUrl, { durability: 'normal' });
// Never sleep in SQLite's busy handler (its backoff reaches 100 ms): the loop retries in 1 ms.
if (database.dialect === 'sqlite') database.sqlite.raw.pragma('busy_timeout = 0');
const send = (message: ToMain) => port.postMessage(message);
const processor = new Processor(database, new EventLog(database), new SystemClock(), logger, {
  batchSize: options.batchSize,
  gatherMs: options.gatherMs,
  yieldMs: 2,
  store: new ProfileStore(database.dialect, options.secret),
  onBatch: (lagsMs) => send({ type: 'batch', lagsMs }),
});
port.on('message', (message: ToWorker) => {
  if (message.type === 'wake') processor.notify();
  else {
    void processor
      .stop()
      .then(() => database.close())
      .then(() => port.close());
  }
});
processor.start();
