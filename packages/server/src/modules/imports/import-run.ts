import type { CustomField, FieldMapping } from '@comeback/contracts';
import { isRecord } from '../../platform/json.js';
import { setOwn } from '../../platform/safe-object.js';
import type { Trx } from '../../platform/db/database.js';
import type { ChunkWriter } from './chunk-writer.js';
import { csvThreadAvailable, readCsvInThread } from './csv-thread.js';
import { FileProblem, readFile, type Sniffed, type SourceRow } from './file-reader.js';
import type { Checkpoint } from './import-jobs.js';
import type { ImportKind, ImportProgress } from './import-types.js';
import { OrderBuilder } from './order-builder.js';
import { CustomerBuilder, EventBuilder, ProductBuilder } from './record-builders.js';
import type { RejectedFile, RejectedRow } from './rejected-file.js';
import { Invalid } from './value-parsers.js';
import type { RowMapper } from './row-mapper.js';
import type { MappedRow, Unit, UnitSink } from './units.js';

/** The run was stopped by its caller (an abort signal) after committing what was decided. */
export class Stopped extends Error {}

export interface RunContext {
  kind: ImportKind;
  sniffed: Sniffed;
  path: string;
  totalBytes: number;
  /** Null only for events sent as JSON lines without a mapping: each line is the call itself. */
  mapper: RowMapper | null;
  writer: ChunkWriter;
  rejected: RejectedFile;
  checkpoint: Checkpoint;
  chunkRows: number;
  /** Commits a chunk: the writer's work and the checkpoint, in one transaction. */
  commit(work: (trx: Trx) => Promise<void>): Promise<void>;
  saveCheckpoint(trx: Trx, cp: Checkpoint): Promise<void>;
  builderFor(sink: UnitSink): Builder;
  now(): number;
  onAppended(): void;
  onProgress: ((p: ImportProgress) => void) | undefined;
  signal: AbortSignal | undefined;
}

interface Builder {
  add(row: MappedRow, asSent?: Record<string, unknown> | null): void;
  /** All rows of one line of the file, taken whole or rejected once (orders). */
  addLine?(rows: MappedRow[]): void;
  openSince(): number | null;
  finish(): void;
}

export function builderFor(
  kind: ImportKind,
  mapper: RowMapper | null,
  sink: UnitSink,
  deps: {
    mapping: FieldMapping | null;
    workspaceId: string;
    source: Record<string, unknown>;
    customFields: Map<string, CustomField>;
    now: number;
  },
): Builder {
  switch (kind) {
    case 'orders':
      if (!mapper) throw new Error('orders need a row mapper');
      return new OrderBuilder(mapper, deps.mapping, sink, deps.now);
    case 'customers':
      return new CustomerBuilder(sink, deps.now);
    case 'products':
      return new ProductBuilder(sink);
    case 'events': {
      const events = new EventBuilder(
        sink,
        deps.workspaceId,
        deps.source,
        deps.customFields,
        deps.now,
      );
      return {
        add: (row, asSent) => events.add(row, asSent ?? null),
        openSince: () => null,
        finish: () => {},
      };
    }
  }
}

/** Nested JSON objects become dotted keys; an order's `lines`/`products` (a product's `variants`) become one row each. */
export function expandRecord(
  kind: ImportKind,
  record: Record<string, unknown>,
): Record<string, unknown>[] {
  const listKey =
    kind === 'orders'
      ? ['lines', 'products'].find((k) => Array.isArray(record[k]))
      : kind === 'products' && Array.isArray(record.variants)
        ? 'variants'
        : undefined;
  const items = listKey === undefined ? [] : record[listKey];
  if (listKey === undefined || !Array.isArray(items)) return [flatten(record, '')];
  const base = flatten(
    Object.fromEntries(Object.entries(record).filter(([k]) => k !== listKey)),
    '',
  );
  const list = items.filter(isRecord);
  return list.length ? list.map((item) => ({ ...base, ...flatten(item, `${listKey}.`) })) : [base];
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, unknown> = {}) {
  for (const [k, v] of Object.entries(obj)) {
    if (isRecord(v) && Object.keys(v).length) flatten(v, `${prefix}${k}.`, out);
    // setOwn: a key is user input, and a key `__proto__` must stay a key.
    else setOwn(out, `${prefix}${k}`, v);
  }
  return out;
}

/**
 * One pass over the file: rows are mapped, built into units (orders, customers, ...) and
 * committed in chunks of about `chunkRows` rows, each with the checkpoint `line` up to which
 * every row is decided (committed or rejected). A resumed run reads the file from the start,
 * rebuilding what the builders remember (an order's earlier rows, purchases a refund is
 * matched to), but writes nothing for rows up to the checkpoint.
 */
export class ImportRun {
  readonly #cx: RunContext;
  readonly #cp: Checkpoint;
  readonly #resumeAfter: number;
  readonly #builder: Builder;
  #units: Unit[] = [];
  #rejects: RejectedRow[] = [];
  /** Lines rejected and not yet committed (a committed line is never decided again). */
  readonly #rejectedLines = new Set<number>();
  #notes: { line: number; message: string }[] = [];
  #pendingRows = 0;
  #lastLine = 0;
  #rowsRead = 0;
  #bytes = 0;
  #lastProgressAt = 0;

  constructor(cx: RunContext) {
    this.#cx = cx;
    this.#cp = { ...cx.checkpoint, errors: [...cx.checkpoint.errors] };
    this.#resumeAfter = cx.checkpoint.line;
    const sink: UnitSink = {
      unit: (u) => {
        if (u.lastLine <= this.#resumeAfter) return;
        cx.writer.serialize(u, cx.now());
        this.#units.push(u);
        this.#pendingRows += u.rows;
      },
      reject: (r) => this.#sinkReject(r),
      note: (line, message) => {
        if (line > this.#resumeAfter) this.#notes.push({ line, message });
      },
    };
    this.#builder = cx.builderFor(sink);
  }

  get checkpoint(): Checkpoint {
    return this.#cp;
  }

  /** Reads and commits the whole file; a FileProblem ends it after committing what was decided. */
  async execute(): Promise<void> {
    const cx = this.#cx;
    try {
      const read = cx.sniffed.format === 'csv' && csvThreadAvailable() ? readCsvInThread : readFile;
      await read(
        cx.path,
        cx.sniffed,
        {
          header: (columns) => {
            cx.rejected.setHeader(columns);
            const bound = cx.mapper?.bindHeader(columns);
            if (bound && !bound.ok) throw new FileProblem(1, bound.error.message);
          },
          row: (row) => this.#row(row),
          bad: (line, reason, raw) => this.#sinkReject({ line, reason, raw }),
          pause: () => this.#pause(),
        },
        (bytes) => (this.#bytes = bytes),
      );
    } catch (error) {
      if (error instanceof FileProblem) {
        // The order being read when the file broke may be cut off: it is not written.
        await this.#commit(false);
        this.#note(error.line, error.message.replace(/^line \d+: /, ''));
        throw error;
      }
      throw error;
    }
    this.#builder.finish();
    await this.#commit(true);
  }

  #sinkReject(r: RejectedRow): void {
    this.#lastLine = Math.max(this.#lastLine, r.line);
    if (r.line <= this.#resumeAfter) return;
    // Each line of the file is counted once: a second reason for a rejected line is dropped.
    if (this.#rejectedLines.has(r.line)) return;
    this.#rejectedLines.add(r.line);
    this.#rejects.push(r);
    this.#pendingRows++;
  }

  #row(source: SourceRow): void {
    this.#rowsRead++;
    this.#lastLine = Math.max(this.#lastLine, source.line);
    // Nothing to rebuild from rows already committed, except for orders (joined orders and
    // the purchases refunds are matched to).
    if (source.line <= this.#resumeAfter && this.#cx.kind !== 'orders') return;
    const mapper = this.#cx.mapper;
    if (source.cells !== undefined) {
      if (!mapper) return;
      this.#mapped(source.line, mapper.mapCells(source.cells), source.cells, undefined);
      return;
    }
    if (!mapper) {
      this.#builder.add({ line: source.line, fields: {}, record: source.record }, source.record);
      return;
    }
    const flats = expandRecord(this.#cx.kind, source.record);
    if (flats.length === 1) {
      this.#mapped(source.line, mapper.mapObject(flats[0] ?? {}), undefined, source.record);
      return;
    }
    // One line, several rows (an order's products, a product's variants): the line is counted
    // once, so it is rejected whole when any of its rows does not map.
    const rows: MappedRow[] = [];
    for (const flat of flats) {
      const fields = mapper.mapObject(flat);
      const bad = fields instanceof Invalid ? fields : this.#outOfRange(fields);
      if (bad) {
        return this.#sinkReject({ line: source.line, reason: bad.message, record: source.record });
      }
      if (!(fields instanceof Invalid))
        rows.push({ line: source.line, fields, record: source.record });
    }
    if (this.#builder.addLine) this.#builder.addLine(rows);
    else for (const row of rows) this.#builder.add(row);
  }

  /** Bounds of number columns; orders check theirs in the builder (after a refund's negation). */
  #outOfRange(fields: Exclude<ReturnType<RowMapper['mapCells']>, Invalid>): Invalid | null {
    if (this.#cx.kind === 'orders') return null;
    return this.#cx.mapper?.checkRanges(fields) ?? null;
  }

  #mapped(
    line: number,
    fields: ReturnType<RowMapper['mapCells']>,
    cells: string[] | undefined,
    record: Record<string, unknown> | undefined,
  ): void {
    if (fields instanceof Invalid) {
      return this.#sinkReject({ line, reason: fields.message, cells, record });
    }
    const out = this.#outOfRange(fields);
    if (out) return this.#sinkReject({ line, reason: out.message, cells, record });
    this.#builder.add({ line, fields, cells, record });
  }

  async #pause(): Promise<void> {
    const cx = this.#cx;
    if (this.#rowsRead - this.#lastProgressAt >= 5000) this.#progress();
    if (cx.signal?.aborted) {
      await this.#commit(false);
      throw new Stopped('stopped by its caller');
    }
    if (this.#pendingRows >= cx.chunkRows) await this.#commit(false);
  }

  #progress(): void {
    this.#lastProgressAt = this.#rowsRead;
    this.#cx.onProgress?.({
      rows: this.#rowsRead,
      bytes: this.#bytes,
      totalBytes: this.#cx.totalBytes,
    });
  }

  #note(line: number, message: string): void {
    if (this.#cp.errors.length < 100) this.#cp.errors.push({ line, message });
  }

  /**
   * Commits every unit and rejection up to the decided line: all rows before the unit still
   * open (or, at the end, every row). The rejected rows reach the side file first (synced), so
   * the checkpoint never counts a row the file lacks.
   */
  async #commit(final: boolean): Promise<void> {
    const cx = this.#cx;
    const open = final ? null : this.#builder.openSince();
    const decided = open === null ? this.#lastLine : open - 1;
    if (decided <= this.#cp.line) return;
    const units = this.#units.filter((u) => u.lastLine <= decided);
    this.#units = this.#units.filter((u) => u.lastLine > decided);
    const rejects = this.#rejects.filter((r) => r.line <= decided).sort((a, b) => a.line - b.line);
    for (const r of rejects) this.#rejectedLines.delete(r.line);
    this.#rejects = this.#rejects.filter((r) => r.line > decided);
    const notes = this.#notes.filter((n) => n.line <= decided);
    this.#notes = this.#notes.filter((n) => n.line > decided);
    this.#pendingRows = this.#units.reduce((s, u) => s + u.rows, 0) + this.#rejects.length;

    for (const r of rejects) cx.rejected.write(r);
    cx.rejected.sync();
    const cp = this.#cp;
    const next: Checkpoint = { ...cp, errors: [...cp.errors] };
    const problems = [...rejects.map((r) => ({ line: r.line, message: r.reason })), ...notes];
    for (const p of problems.sort((a, b) => a.line - b.line)) {
      if (next.errors.length < 100) next.errors.push(p);
    }
    next.line = decided;
    next.rejected += rejects.length;
    next.rejectedBytes = cx.rejected.bytes;
    next.rejectedFile = cx.rejected.used ? cx.rejected.path : null;
    next.bytes = this.#bytes;
    let appended = 0;
    await cx.commit(async (trx) => {
      const counts = await cx.writer.write(trx, units, cx.now());
      next.imported += counts.imported;
      next.updated += counts.updated;
      next.unchanged += counts.unchanged;
      next.rows = next.imported + next.updated + next.unchanged + next.rejected;
      appended = counts.appended;
      await cx.saveCheckpoint(trx, next);
    });
    Object.assign(this.#cp, next);
    if (appended > 0) cx.onAppended();
    this.#progress();
  }
}
