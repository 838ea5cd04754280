import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import { sealIntrinsics } from '../../platform/safe-object.js';
import { FileProblem, readFile, type RowSink } from './file-reader.js';
import type { ToMain } from './csv-thread.js';

/**
 * The CSV reading thread: reads, gunzips and parses the file (csv-parse) and sends the rows to
 * the import in batches, at most a few ahead of what the import has taken (credits).
 */
// A worker thread has its own prototypes: sealed like the main thread's (see safe-object.ts).
sealIntrinsics();
const data = z
  .object({ file: z.string(), gzip: z.boolean(), batchRows: z.number(), ahead: z.number() })
  .parse(workerData);
const port: MessagePort = (() => {
  if (!parentPort) throw new Error('csv-worker must run as a worker thread');
  return parentPort;
})();

let credits = data.ahead;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
});

let header: string[] | undefined;
let cells: string[] = [];
let meta: number[] = [];
let bads: [number, string][] = [];
let bytes = 0;
const post = (message: ToMain) => port.postMessage(message);

async function flush(): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  const lines = Int32Array.from(meta);
  port.postMessage({ t: 'batch', header, cells, lines, bads, bytes } satisfies ToMain, [
    lines.buffer,
  ]);
  header = undefined;
  cells = [];
  meta = [];
  bads = [];
}

const sink: RowSink = {
  header: (columns) => (header = columns),
  row: (row) => {
    const rowCells = row.cells ?? [];
    for (const c of rowCells) cells.push(c);
    meta.push(row.line, rowCells.length);
  },
  bad: (line, reason) => bads.push([line, reason]),
  pause: () => (meta.length / 2 >= data.batchRows ? flush() : undefined),
};

try {
  await readFile(data.file, { gzip: data.gzip, format: 'csv' }, sink, (b) => (bytes = b));
  await flush();
  post({ t: 'end', bytes });
} catch (error) {
  if (error instanceof FileProblem) {
    await flush();
    post({ t: 'problem', line: error.line, message: error.message.replace(/^line \d+: /, '') });
  } else post({ t: 'error', message: error instanceof Error ? error.message : String(error) });
}
