import type { ColumnMapping, FieldType } from '@comeback/contracts';
import { DateTime } from 'luxon';

/** A value that does not fit its column's type: the row is rejected with this message. */
export class Invalid {
  constructor(readonly message: string) {}
}
/** The cell is empty or absent (and there is no default). */
export const MISSING: unique symbol = Symbol('missing');
export type Converted = unknown;
export type Converter = (raw: unknown) => Converted;

const show = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
};

const WHITESPACE = /^\s*$/;
const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && (v.length === 0 || (v.charCodeAt(0) <= 32 && WHITESPACE.test(v))));

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^([+-]?\d+)(\.0*)?$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * "1.234,56" in de-DE: group separators allowed only between groups of three digits, the
 * locale's decimal mark made a point. Returns the plain number text, or '' when it is not one.
 */
function localeNumberReader(locale: string): (s: string) => string {
  let parts: Intl.NumberFormatPart[];
  try {
    parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  } catch {
    throw new RangeError(`unknown number locale ${locale}`);
  }
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  // Narrow no-break spaces (fr-FR) are often typed as plain spaces.
  const variants = /\s/.test(group) ? ['\u00a0', '\u202f', ' '] : [group];
  const grouped = new RegExp(`^\\d{1,3}(${escapeRegExp(group)}\\d{3})+$`);
  return (input) => {
    const s = input.trim();
    const [whole = '', fraction, extra] = s.split(decimal);
    if (extra !== undefined || (fraction !== undefined && !/^\d+$/.test(fraction))) return '';
    const sign = /^[+-]/.test(whole) ? whole.slice(0, 1) : '';
    let digits = sign ? whole.slice(1) : whole;
    for (const v of variants) if (v !== group) digits = digits.split(v).join(group);
    if (digits.includes(group)) {
      if (!grouped.test(digits)) return '';
      digits = digits.split(group).join('');
    }
    if (!/^\d+$/.test(digits)) return '';
    return `${sign}${digits}${fraction !== undefined ? `.${fraction}` : ''}`;
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function transformer(col: ColumnMapping): ((s: string) => string | Invalid) | null {
  const steps = col.transform ?? [];
  if (!steps.length) return null;
  return (input) => {
    let s = input;
    for (const step of steps) {
      if (step === 'trim') s = s.trim();
      else if (step === 'lowercase') s = s.toLowerCase();
      else if (step === 'uppercase') s = s.toUpperCase();
      else {
        const m = INTEGER_TEXT.exec(s.trim());
        if (!m?.[1]) return new Invalid(`expected an integer, got ${show(s)}`);
        s = m[1].replace(/^\+/, '');
      }
    }
    return s;
  };
}

/**
 * Compiles one column's conversion: transforms, then the type, then the default for empty
 * cells. `asTime` reads a date as epoch milliseconds (event times) rather than ISO text.
 */
export function compileConverter(
  col: ColumnMapping,
  type: FieldType,
  opts: { asTime: boolean; enumValues?: string[] | undefined },
): Converter {
  const transform = transformer(col);
  const typed = typedReader(col, type, opts);
  const fallback = col.default === undefined || col.default === null ? undefined : col.default;
  const withDefault = fallback === undefined ? undefined : typed(fallback);
  const convert = (raw: unknown): Converted => {
    let value = raw;
    // An empty cell is missing (its default applies), whatever its transforms would say.
    if (transform && typeof value === 'string' && !isEmpty(value)) value = transform(value);
    if (value instanceof Invalid) return value;
    if (isEmpty(value)) {
      if (col.default === null) return null;
      return withDefault ?? MISSING;
    }
    return typed(value);
  };
  // Consecutive rows repeat a value (an order's id, date and customer on each of its lines):
  // the last text read is remembered, with what it became when that is not an object.
  let lastRaw: string | undefined;
  let lastOut: Converted;
  return (raw) => {
    if (typeof raw !== 'string') return convert(raw);
    if (raw === lastRaw) return lastOut;
    const out = convert(raw);
    if (typeof out !== 'object' || out === null) {
      lastRaw = raw;
      lastOut = out;
    } else lastRaw = undefined;
    return out;
  };
}

function typedReader(
  col: ColumnMapping,
  type: FieldType,
  opts: { asTime: boolean; enumValues?: string[] | undefined },
): Converter {
  switch (type) {
    case 'string':
      return (v) =>
        typeof v === 'string'
          ? v
          : typeof v === 'number' || typeof v === 'boolean'
            ? String(v)
            : JSON.stringify(v);
    case 'number':
      return numberReader(col);
    case 'boolean':
      return (v) => {
        if (typeof v === 'boolean') return v;
        const s = String(v).trim().toLowerCase();
        if (TRUE.has(s)) return true;
        if (FALSE.has(s)) return false;
        return new Invalid(`expected a boolean (true/false, yes/no, 1/0), got ${show(v)}`);
      };
    case 'date':
      return dateReader(col, opts.asTime);
    case 'enum': {
      const allowed = new Set(col.values ?? opts.enumValues ?? []);
      const map = col.enumMap ?? {};
      return (v) => {
        const s = typeof v === 'string' ? v : String(v);
        const mapped = Object.hasOwn(map, s) ? (map[s] ?? s) : s;
        if (allowed.size === 0 || allowed.has(mapped)) return mapped;
        return new Invalid(`unknown value ${show(s)} (expected one of ${[...allowed].join(', ')})`);
      };
    }
    case 'list': {
      const separator = col.separator ?? ',';
      return (v) => {
        const items = Array.isArray(v) ? v : String(v).split(separator);
        return items
          .map((i) => (typeof i === 'string' ? i.trim() : JSON.stringify(i)))
          .filter((i) => i !== '');
      };
    }
  }
}

function numberReader(col: ColumnMapping): Converter {
  const local = col.numberLocale === undefined ? null : localeNumberReader(col.numberLocale);
  return (v) => {
    let n: number;
    if (typeof v === 'number') n = v;
    else {
      const s = typeof v === 'string' ? (local ? local(v) : v.trim()) : '';
      n = PLAIN_NUMBER.test(s) ? Number(s) : Number.NaN;
    }
    if (!Number.isFinite(n)) {
      const hint = col.numberLocale ? ` written for ${col.numberLocale}` : '';
      return new Invalid(`expected a number${hint}, got ${show(v)}`);
    }
    return n;
  };
}

/** Token -> [position in (year, month, day, hour, minute, second), its pattern]. */
const FAST_TOKENS: Record<string, [number, string]> = {
  yyyy: [0, '(\\d{4})'],
  MM: [1, '(\\d{2})'],
  M: [1, '(\\d{1,2})'],
  dd: [2, '(\\d{2})'],
  d: [2, '(\\d{1,2})'],
  HH: [3, '(\\d{2})'],
  H: [3, '(\\d{1,2})'],
  mm: [4, '(\\d{2})'],
  ss: [5, '(\\d{2})'],
};

/**
 * Formats made only of numeric date tokens (`yyyy-MM-dd HH:mm:ss`, `dd.MM.yyyy`) are read with
 * a regular expression and the zone's offset, cached per local hour; Luxon reads the rest. An
 * import reads hundreds of thousands of dates, and Luxon's zone arithmetic dominates otherwise.
 */
function fastDateParser(format: string, zone: string): ((s: string) => number | null) | null {
  const parts: number[] = [];
  let pattern = '^';
  const tokens = format.match(/yyyy|MM|M|dd|d|HH|H|mm|ss|[^A-Za-z]+|[A-Za-z]+/g) ?? [];
  for (const t of tokens) {
    const known = FAST_TOKENS[t];
    if (known) {
      parts.push(known[0]);
      pattern += known[1];
    } else if (/[A-Za-z]/.test(t)) return null;
    else pattern += escapeRegExp(t);
  }
  if (![0, 1, 2].every((p) => parts.includes(p))) return null;
  const re = new RegExp(`${pattern}$`);
  const offsets = new Map<number, number>();
  return (s) => {
    const m = re.exec(s);
    if (!m) return null;
    const v = [0, 1, 1, 0, 0, 0];
    parts.forEach((p, i) => (v[p] = Number(m[i + 1])));
    const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = v;
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
    const hourUtc = Date.UTC(year, month - 1, day, hour);
    if (new Date(hourUtc).getUTCDate() !== day) return null; // 31 April
    let offset = offsets.get(hourUtc);
    if (offset === undefined) {
      offset =
        zone === 'UTC' ? 0 : DateTime.fromObject({ year, month, day, hour }, { zone }).offset;
      offsets.set(hourUtc, offset);
    }
    return hourUtc + (minute * 60 + second) * 1000 - offset * 60_000;
  };
}

function dateReader(col: ColumnMapping, asTime: boolean): Converter {
  const zone = col.timezone ?? 'UTC';
  if (!DateTime.local().setZone(zone).isValid) throw new RangeError(`unknown time zone ${zone}`);
  const format = col.dateFormat;
  const fast = format === undefined ? null : fastDateParser(format, zone);
  const parse = (s: string): number | null => {
    if (fast) return fast(s);
    const dt =
      format !== undefined
        ? DateTime.fromFormat(s, format, { zone, setZone: true })
        : (() => {
            const iso = DateTime.fromISO(s, { zone, setZone: true });
            return iso.isValid ? iso : DateTime.fromSQL(s, { zone, setZone: true });
          })();
    return dt.isValid ? dt.toMillis() : null;
  };
  // Rows of one order share their date: remembering the last one saves most of the parsing.
  let lastInput: string | undefined;
  let lastOutput: Converted;
  return (v) => {
    if (typeof v === 'number') {
      return Number.isFinite(v) ? (asTime ? v : new Date(v).toISOString()) : new Invalid('NaN');
    }
    const s = String(v).trim();
    if (s === lastInput) return lastOutput;
    const ms = parse(s);
    const out: Converted =
      ms !== null
        ? asTime
          ? ms
          : new Date(ms).toISOString()
        : new Invalid(
            `expected a date ${format ? `like ${JSON.stringify(format)}` : 'in ISO-8601'}, got ${show(v)}`,
          );
    lastInput = s;
    lastOutput = out;
    return out;
  };
}

/** A number column's bounds, checked after a row is read (a refund's quantities are negated first). */
export function rangeMessage(col: ColumnMapping, value: unknown): string | null {
  if (typeof value !== 'number') return null;
  if (col.minimum !== undefined && value < col.minimum) {
    return `must be at least ${col.minimum}, got ${value}`;
  }
  if (col.exclusiveMinimum !== undefined && value <= col.exclusiveMinimum) {
    return `must be greater than ${col.exclusiveMinimum}, got ${value}`;
  }
  return null;
}
