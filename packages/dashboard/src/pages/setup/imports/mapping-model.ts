import type {
  ColumnMapping,
  FieldMapping,
  FieldType,
  ImportKind,
  SavedMapping,
} from '@comeback/contracts';
import { columnValues, dateFormatOf, detectType, type CsvSample } from './csv';
import { fixedType, suggestTarget } from './targets';

/** 'auto': the field's own type (what the server uses when a mapping names none). */
export type TypeChoice = FieldType | 'auto';

/** One file column as the person maps it. */
export interface ColumnDraft {
  source: string;
  /** '' means the column is not imported. */
  target: string;
  detected: FieldType;
  type: TypeChoice;
  dateFormat: string;
  /** Settings of a saved mapping this table does not edit (transforms, enum values, ...). */
  kept: Partial<ColumnMapping>;
}

/** Fixed fields take their own type; free ones (traits.*) take the type their values show. */
export function defaultType(kind: ImportKind, target: string, detected: FieldType): TypeChoice {
  return fixedType(kind, target) !== null ? 'auto' : detected;
}

/** The type a column's values are read as. */
export function effectiveType(kind: ImportKind, draft: ColumnDraft): FieldType {
  if (draft.type !== 'auto') return draft.type;
  return fixedType(kind, draft.target) ?? 'string';
}

/** First drafts for a file: each column matched to a field, its type detected. */
export function draftsFor(kind: ImportKind, sample: CsvSample): ColumnDraft[] {
  return sample.header.map((source, index) => {
    const values = columnValues(sample, index).filter((v) => v.trim() !== '');
    const detected = detectType(values);
    const target = suggestTarget(kind, source);
    return {
      source,
      target,
      detected,
      type: defaultType(kind, target, detected),
      dateFormat: detected === 'date' ? (dateFormatOf(values.map((v) => v.trim())) ?? '') : '',
      kept: {},
    };
  });
}

/** A saved mapping laid over the file's columns; columns it does not name are not imported. */
export function applySaved(drafts: ColumnDraft[], saved: SavedMapping): ColumnDraft[] {
  return drafts.map((d) => {
    const col = saved.columns.find((c) => c.source === d.source);
    if (!col) return { ...d, target: '', type: d.detected, kept: {} };
    // What the table edits comes from the draft; the rest rides along unchanged.
    const kept: Partial<ColumnMapping> = { ...col };
    delete kept.source;
    delete kept.target;
    delete kept.type;
    delete kept.dateFormat;
    return {
      ...d,
      target: col.target,
      type: col.type ?? 'auto',
      dateFormat: col.dateFormat ?? '',
      kept,
    };
  });
}

/**
 * The mapping to save: the drafts' columns, ignored columns listed as such, and what else the
 * saved mapping it started from holds (constants, refund rule). Its columns for sources this
 * file lacks are left out: a mapped column missing from the file fails the import.
 * `indexOf[n]` is the draft of `columns[n]`, to put the server's `columns.N` errors back.
 */
export function toFieldMapping(
  kind: ImportKind,
  drafts: ColumnDraft[],
  base: SavedMapping | null,
): { mapping: FieldMapping; indexOf: number[] } {
  const indexOf: number[] = [];
  const columns: ColumnMapping[] = [];
  drafts.forEach((d, i) => {
    if (d.target === '') return;
    indexOf.push(i);
    columns.push({
      ...d.kept,
      source: d.source,
      target: d.target,
      ...(d.type !== 'auto' ? { type: d.type } : {}),
      ...(effectiveType(kind, d) === 'date' && d.dateFormat.trim()
        ? { dateFormat: d.dateFormat.trim() }
        : {}),
    });
  });
  const inFile = new Set(drafts.map((d) => d.source));
  const ignored = drafts.filter((d) => d.target === '').map((d) => d.source);
  const otherIgnored = (base?.ignore ?? []).filter((s) => !inFile.has(s));
  const mapping: FieldMapping = {
    kind,
    columns,
    ignore: [...ignored, ...otherIgnored],
    ...(base?.constants ? { constants: base.constants } : {}),
    ...(base?.refunds && kind === 'orders' ? { refunds: base.refunds } : {}),
  };
  return { mapping, indexOf };
}

/** The server's `columns.N…` error details, as messages per draft index. */
export function columnErrors(
  details: { field: string; message: string }[],
  indexOf: number[],
): Map<number, string> {
  const errors = new Map<number, string>();
  for (const d of details) {
    const match = /^columns\.(\d+)/.exec(d.field);
    const draft = match ? indexOf[Number(match[1])] : undefined;
    if (draft !== undefined) errors.set(draft, d.message);
  }
  return errors;
}

/** A file name as a mapping name (lower-case letters, digits, _ . -; at most 64). */
export function mappingNameFor(kind: ImportKind, fileName: string): string {
  const base = fileName
    .replace(/\.(csv|txt)(\.gz)?$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
  return `${kind}-${base}`.slice(0, 64).replace(/[-_.]+$/, '');
}

export const MAPPING_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
