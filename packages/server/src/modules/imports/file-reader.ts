import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { MAX_JSON_DEPTH, tooDeepPath } from '@comeback/contracts';
import { isRecord } from '../../platform/json.js';
import { protoKeyPath } from '../../platform/safe-object.js';
import { csvReader } from './csv-reader.js';
import type { ImportFormat } from './import-types.js';

/** A problem with the file as a whole: the import stops there (what was committed stays). */
export class FileProblem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** One data row: CSV cells (by header position) or a parsed JSON object. */
export type SourceRow =
  | { line: number; cells: string[]; record?: undefined }
  | { line: number; record: Record<string, unknown>; cells?: undefined };

export interface RowSink {
  header(columns: string[]): void;
  row(row: SourceRow): void;
  /** A line that is not a row (malformed CSV, invalid JSON): rejected with this reason. */
  bad(line: number, reason: string, raw: string | undefined): void;
  /** Called between chunks of the file: the place to commit (reading waits meanwhile). */
  pause(): Promise<void> | void;
}

export interface Sniffed {
  gzip: boolean;
  format: ImportFormat;
}

const GZIP_MAGIC = [0x1f, 0x8b];

const formatOfName = (file: string): ImportFormat | null => {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv') || name.endsWith('.tsv')) return 'csv';
  if (/\.(jsonl|ndjson|json)$/.test(name)) return 'jsonl';
  return null;
};

/**
 * Looks at the file's first bytes: gzip by its magic number (whatever the name says), then
 * whether the text is JSON or CSV. A claimed format the content contradicts is refused here,
 * naming line 1, rather than producing a screen of per-row errors.
 */
export async function sniffFile(file: string, claimed: ImportFormat | undefined): Promise<Sniffed> {
  const handle = await fs.promises.open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  let text: Buffer = head;
  if (gzip) {
    try {
      text = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw new FileProblem(
        1,
        `the gzip data is corrupt (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  if (text.subarray(0, 8192).includes(0)) {
    throw new FileProblem(1, 'this is not a text file (it contains binary data)');
  }
  const start = text
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  const looksJson = start.startsWith('{') || start.startsWith('[');
  const format = claimed ?? formatOfName(file) ?? (looksJson ? 'jsonl' : 'csv');
  if (start === '') throw new FileProblem(1, 'the file is empty');
  if (format === 'csv' && looksJson) {
    throw new FileProblem(1, 'the file holds JSON, not CSV (use --format jsonl for JSON lines)');
  }
  if (format === 'jsonl' && !start.startsWith('{')) {
    throw new FileProblem(
      1,
      start.startsWith('[')
        ? 'a JSON array is not JSON lines: write one object per line'
        : 'the file is not JSON lines (one JSON object per line); for CSV use --format csv',
    );
  }
  return { gzip, format };
}

/**
 * Streams the file to `sink`: raw bytes -> gunzip (when gzip) -> CSV (csv-parse) or JSON lines.
 * Nothing holds more than one chunk of the file. `onBytes` counts bytes read from disk (the
 * compressed size for gzip), against the file's size, for progress and ETA.
 */
export async function readFile(
  file: string,
  sniffed: Sniffed,
  sink: RowSink,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const raw = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  let bytes = 0;
  raw.on('data', (chunk) => {
    bytes += chunk.length;
    onBytes(bytes);
  });
  const gunzip = sniffed.gzip ? zlib.createGunzip({ chunkSize: 256 * 1024 }) : null;
  const source: AsyncIterable<Buffer> = gunzip ? raw.pipe(gunzip) : raw;
  // pipe() does not forward the file's own errors (EIO...) to the gunzip stream.
  if (gunzip) raw.on('error', (error) => gunzip.destroy(error));
  const parser = sniffed.format === 'csv' ? csvReader(sink) : jsonLinesReader(sink);
  try {
    for await (const chunk of source) {
      parser.write(chunk);
      await sink.pause();
    }
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    const at = parser.lastLine() + 1;
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(String(error))) {
      throw new FileProblem(at, 'the gzip data is truncated: the file ends inside it');
    }
    if (code.startsWith('Z_'))
      throw new FileProblem(
        at,
        `the gzip data is corrupt (${error instanceof Error ? error.message : String(error)})`,
      );
    throw error;
  } finally {
    raw.destroy();
  }
  await parser.end();
}

export interface LineParser {
  write(chunk: Buffer): void;
  end(): Promise<void>;
  lastLine(): number;
}

function jsonLinesReader(sink: RowSink): LineParser {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  let first = true;
  const handle = (text: string) => {
    line++;
    let t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (first) {
      t = t.replace(/^\uFEFF/, '');
      first = false;
    }
    if (t.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (error) {
      const detail = error instanceof SyntaxError ? error.message : String(error);
      return sink.bad(line, `invalid JSON: ${detail}`, t);
    }
    if (!isRecord(value)) return sink.bad(line, 'not a JSON object', t);
    const deep = tooDeepPath(value);
    if (deep !== null) {
      return sink.bad(line, `${deep}: nested deeper than ${MAX_JSON_DEPTH} levels`, t);
    }
    // As the HTTP API does: a `__proto__` key is refused wherever it is (see safe-object.ts).
    const proto = t.includes('__proto__') ? protoKeyPath(value) : null;
    if (proto !== null) return sink.bad(line, `${proto}: __proto__ cannot be a field name`, t);
    sink.row({ line, record: value });
  };
  return {
    write: (chunk) => {
      const text = carry + decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        handle(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
    },
    end: () => {
      const rest = carry + decoder.end();
      if (rest !== '') handle(rest);
      return Promise.resolve();
    },
    lastLine: () => line,
  };
}
