import type { FieldType } from '@comeback/contracts';

/**
 * Reading the head of a CSV file in the browser, to map its columns before uploading it. Comma
 * separated with double-quoted fields ("" is a quote; quoted fields may hold commas and line
 * breaks), as the server's reader takes them; a leading byte-order mark is dropped.
 */
export interface CsvSample {
  header: string[];
  rows: string[][];
}

/**
 * Parses `text`. `complete: false` says the text is a cut-off head of a larger file, so its last
 * record may be partial and is dropped.
 */
export function parseCsv(
  text: string,
  options: { complete: boolean; maxRows?: number },
): CsvSample {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const limit = (options.maxRows ?? Infinity) + 1;
  const endRecord = () => {
    record.push(field);
    field = '';
    // A blank line is no record.
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
  };
  for (; i < text.length && records.length < limit; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else field += c;
  }
  const stoppedEarly = records.length >= limit;
  if (!stoppedEarly && (field !== '' || record.length > 0)) {
    // The text ended inside a record: whole only when the file did.
    if (options.complete && !quoted) endRecord();
  }
  const [header = [], ...rows] = records.slice(0, limit);
  return { header: header.map((h) => h.trim()), rows };
}

const BOOLEAN = /^(true|false|yes|no)$/i;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const LOCAL_DATE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})( (\d{1,2}):(\d{2})(:(\d{2}))?)?$/;

export const isNumberText = (v: string) => NUMBER.test(v.trim());
export const isBooleanText = (v: string) => BOOLEAN.test(v.trim()) || v === '0' || v === '1';

/**
 * The date format (Luxon tokens) the values are written in; null when they are not all dates of
 * one format; '' when ISO-8601, the server's default, so none needs to be given.
 */
export function dateFormatOf(values: string[]): string | null {
  if (values.length === 0) return null;
  if (values.every((v) => ISO_DATE.test(v))) {
    // "2010-12-01 08:26" has no seconds: neither ISO nor the server's fallback with seconds.
    return values.every((v) => /[T ]\d{2}:\d{2}$/.test(v) && v.includes(' '))
      ? 'yyyy-MM-dd HH:mm'
      : '';
  }
  const parts = values.map((v) => LOCAL_DATE.exec(v));
  if (parts.some((p) => p === null)) return null;
  const matches = parts.filter((p): p is RegExpExecArray => p !== null);
  const shape = (m: RegExpExecArray) => `${m[2]}|${m[6] ? 'time' : ''}|${m[9] ? 'sec' : ''}`;
  const first = matches[0];
  if (!first || matches.some((m) => shape(m) !== shape(first))) return null;
  const separator = first[2] ?? '.';
  const firstOver12 = matches.some((m) => Number(m[1]) > 12);
  const secondOver12 = matches.some((m) => Number(m[3]) > 12);
  if (firstOver12 && secondOver12) return null;
  // Undecided: dots and dashes are day-first in the places that write them; slashes month-first.
  const dayFirst = firstOver12 || (!secondOver12 && separator !== '/');
  const date = dayFirst ? `d${separator}M${separator}yyyy` : `M${separator}d${separator}yyyy`;
  const time = first[6] ? (first[9] ? ' H:mm:ss' : ' H:mm') : '';
  return date + time;
}

/** The type a column's values look like (empty cells aside). */
export function detectType(values: string[]): FieldType {
  const filled = values.map((v) => v.trim()).filter((v) => v !== '');
  if (filled.length === 0) return 'string';
  if (filled.every((v) => BOOLEAN.test(v))) return 'boolean';
  if (filled.every((v) => NUMBER.test(v))) return 'number';
  if (dateFormatOf(filled) !== null) return 'date';
  return 'string';
}

/** The values of column `index` in the sample rows. */
export function columnValues(sample: CsvSample, index: number): string[] {
  return sample.rows.map((r) => r[index] ?? '');
}
