import { Worker } from 'node:worker_threads';
import { isRecord } from '../../platform/json.js';
import { FileProblem, type RowSink, type Sniffed } from './file-reader.js';

/** What the CSV reading thread sends: batches of rows (cells flat, [line, count] pairs). */
export type ToMain =
  | {
      t: 'batch';
      header: string[] | undefined;
      cells: string[];
      lines: Int32Array;
      bads: [number, string][];
      bytes: number;
    }
  | { t: 'end'; bytes: number }
  | { t: 'problem'; line: number; message: string }
  | { t: 'error'; message: string };

const WORKER_URL = new URL('./csv-worker.js', import.meta.url);

/** Only from compiled code: a worker runs JavaScript (tests on sources parse in-process). */
export const csvThreadAvailable = (): boolean => !import.meta.url.endsWith('.ts');

const strings = (v: unknown): string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : [];

/**
 * Reads a CSV file in a thread of its own: gunzip and csv-parse, the costliest part of an
 * import, run on the second core while this thread maps rows and commits. The same reader as
 * in-process (`readFile`), so rows, line numbers and problems are the same either way.
 */
export async function readCsvInThread(
  file: string,
  sniffed: Sniffed,
  sink: RowSink,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const worker = new Worker(WORKER_URL, {
    workerData: { file, gzip: sniffed.gzip, batchRows: 1000, ahead: 4 },
    // Parsing makes short-lived strings by the million: a larger young generation saves GC.
    resourceLimits: { maxYoungGenerationSizeMb: 32 },
  });
  const inbox: unknown[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  const push = (m: unknown) => {
    inbox.push(m);
    wake?.();
  };
  worker.on('message', push);
  worker.on('error', (error) => {
    failure ??= error;
    wake?.();
  });
  worker.on('exit', () => push({ t: 'exit' }));
  try {
    for (;;) {
      if (failure) throw failure;
      const m = inbox.shift();
      if (m === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (!isRecord(m)) continue;
      if (m.t === 'batch') {
        if (m.header !== undefined) sink.header(strings(m.header));
        // Our own thread sent them: strings, as typed (checked per cell by the mapper's use).
        const cells: unknown[] = Array.isArray(m.cells) ? m.cells : [];
        const lines = m.lines instanceof Int32Array ? m.lines : new Int32Array();
        let at = 0;
        for (let i = 0; i + 1 < lines.length; i += 2) {
          const count = lines[i + 1] ?? 0;
          sink.row({ line: lines[i] ?? 0, cells: strings(cells.slice(at, at + count)) });
          at += count;
        }
        for (const bad of Array.isArray(m.bads) ? m.bads : []) {
          if (Array.isArray(bad)) sink.bad(Number(bad[0]), String(bad[1]), undefined);
        }
        if (typeof m.bytes === 'number') onBytes(m.bytes);
        await sink.pause();
        worker.postMessage('ack');
      } else if (m.t === 'end') {
        if (typeof m.bytes === 'number') onBytes(m.bytes);
        return;
      } else if (m.t === 'problem') {
        throw new FileProblem(Number(m.line), String(m.message));
      } else if (m.t === 'error') {
        throw new Error(`reading the file failed: ${String(m.message)}`);
      } else if (m.t === 'exit') {
        throw new Error('the file reading thread stopped unexpectedly');
      }
    }
  } finally {
    await worker.terminate();
  }
}
