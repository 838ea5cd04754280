import type { FieldMapping, ImportFormat, ImportKind } from '@comeback/contracts';

export type { FieldMapping, ImportFormat, ImportKind };

/** What an import did, row by row: every data row is imported, updated, unchanged or rejected. */
export interface ImportSummary {
  jobId: string;
  kind: ImportKind;
  file: string;
  rows: number;
  /** Rows whose record (order, customer, product, event) is new. */
  imported: number;
  /** Rows whose record an earlier import brought, now with different content. */
  updated: number;
  /** Rows already imported exactly so: nothing was written for them. */
  unchanged: number;
  rejected: number;
  /** The side file listing each rejected row with its line and reason; null when none. */
  rejectedFile: string | null;
  /** Columns of the file no mapping target takes (not imported). */
  unknownColumns: string[];
  /** The first 100 problems, with the line of the file they are on. */
  errors: { line: number; message: string }[];
  durationMs: number;
}

export interface ImportProgress {
  rows: number;
  /** Bytes of the file read so far (compressed bytes for a gzip file). */
  bytes: number;
  totalBytes: number;
}

export interface ImportRequest {
  workspaceId: string;
  kind: ImportKind;
  path: string;
  /** Default: from the file name (.csv, .jsonl, .ndjson, with or without .gz), else sniffed. */
  format?: ImportFormat;
  /** A mapping, or the name of a saved one. Without: columns named like fields map to them. */
  mapping?: FieldMapping | { name: string };
  /** Merged into each appended call's `context.source` (default `{ kind: 'import', jobId }`). */
  source?: Record<string, unknown>;
  /** Resumes this import when it exists (after its checkpoint); creates it under this id if not. */
  jobId?: string;
  /** Where rejected rows are listed (default `FILE.rejected.csv|jsonl` beside the file). */
  rejectedFile?: string;
  /** Stops after the chunk being committed; the import can be resumed later. */
  signal?: AbortSignal;
}
