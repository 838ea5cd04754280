import fs from 'node:fs';
import type { ImportFormat } from './import-types.js';

const csvCell = (v: string) =>
  v.includes('"') || v.includes(',') || v.includes('\n') || v.includes('\r')
    ? `"${v.replaceAll('"', '""')}"`
    : v;

/** A rejected row: what it held (cells, a JSON object, or the raw text of a broken line). */
export interface RejectedRow {
  line: number;
  reason: string;
  cells?: string[] | undefined;
  record?: Record<string, unknown> | undefined;
  raw?: string | undefined;
}

/**
 * The side file of rejected rows (`FILE.rejected.csv` or `.jsonl`): each row with its line
 * number and the reason, in the file's own columns, so it can be fixed and imported again. It
 * is created at the first rejection; `bytes` is part of the import's checkpoint, and a resumed
 * import first cuts the file back to it, so rows are never listed twice.
 */
export class RejectedFile {
  #fd: number | null = null;
  #bytes: number;
  #header: string[] = [];
  #pending: string[] = [];

  constructor(
    readonly path: string,
    private readonly format: ImportFormat,
    committedBytes: number,
  ) {
    this.#bytes = committedBytes > 0 && fs.existsSync(path) ? committedBytes : 0;
    if (this.#bytes > 0) {
      this.#fd = fs.openSync(path, 'r+');
      fs.ftruncateSync(this.#fd, this.#bytes);
    } else fs.rmSync(path, { force: true });
  }

  get bytes(): number {
    return this.#bytes;
  }

  get used(): boolean {
    return this.#bytes > 0 || this.#pending.length > 0;
  }

  setHeader(columns: string[]): void {
    this.#header = columns;
  }

  write(row: RejectedRow): void {
    let text = '';
    if (this.#fd === null) {
      this.#fd = fs.openSync(this.path, 'w');
      if (this.format === 'csv')
        text += ['line', 'reason', ...this.#header].map(csvCell).join(',') + '\n';
    }
    if (this.format === 'csv') {
      const cells = row.cells ?? (row.raw !== undefined ? [row.raw] : []);
      text += [String(row.line), row.reason, ...cells].map(csvCell).join(',') + '\n';
    } else {
      const body = row.record !== undefined ? { record: row.record } : { raw: row.raw ?? null };
      text += JSON.stringify({ line: row.line, reason: row.reason, ...body }) + '\n';
    }
    this.#pending.push(text);
  }

  /** Written and on disk before the checkpoint that counts these rows commits. */
  sync(): void {
    if (this.#fd === null || !this.#pending.length) return;
    const buffer = Buffer.from(this.#pending.join(''));
    this.#pending = [];
    fs.writeSync(this.#fd, buffer, 0, buffer.length, this.#bytes);
    this.#bytes += buffer.length;
    fs.fdatasyncSync(this.#fd);
  }

  close(): void {
    this.sync();
    if (this.#fd !== null) fs.closeSync(this.#fd);
    this.#fd = null;
  }
}
