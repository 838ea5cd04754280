import type { ColumnMapping, CustomField, ErrorDetail, FieldMapping } from '@comeback/contracts';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { ImportKind } from './import-types.js';
import { bareRecord, ownValue, unsafeSegmentOf } from '../../platform/safe-object.js';
import { defaultTarget, refusedPath, targetInfo, TIME_TARGETS } from './targets.js';
import {
  compileConverter,
  Invalid,
  MISSING,
  rangeMessage,
  type Converter,
} from './value-parsers.js';

/** One row with its values under their targets (`order_id`, `line.sku`, `traits.tier`). */
export type Fields = Record<string, unknown>;

interface Column {
  source: string;
  target: string;
  convert: Converter;
  required: boolean;
}

/** What a row's fields must include, per kind (customers: any one identity). */
const NEEDS: Record<ImportKind, string[][]> = {
  customers: [['email', 'phone', 'customer_id']],
  orders: [['order_id']],
  products: [['id']],
  events: [],
};

function compileColumn(
  kind: ImportKind,
  col: ColumnMapping,
  customFields: Map<string, CustomField>,
): Column | string {
  const info = targetInfo(kind, col.target, customFields);
  if (!info) return `${col.target} is not a field of ${kind}`;
  const type = col.type ?? info.type;
  if (type === 'enum' && !col.values && !info.customField?.values) {
    return 'an enum needs its values (values, or a declared enum custom field)';
  }
  try {
    const convert = compileConverter(col, type, {
      asTime: TIME_TARGETS.has(col.target),
      enumValues: info.customField?.values,
    });
    if (
      col.default !== undefined &&
      col.default !== null &&
      convert(col.default) instanceof Invalid
    ) {
      return `the default ${JSON.stringify(col.default)} is not a ${type}`;
    }
    return { source: col.source, target: col.target, convert, required: col.required === true };
  } catch (error) {
    if (error instanceof RangeError) return error.message;
    throw error;
  }
}

/** Checks a mapping against its kind and the workspace's custom fields (for saving one). */
export function validateMapping(
  mapping: FieldMapping,
  customFields: Map<string, CustomField>,
): Result<void> {
  const details: ErrorDetail[] = [];
  const seen = new Map<string, string>();
  // Targets become paths in nested objects: a prototype segment is never a field name.
  const unsafe = (name: string) => {
    const segment = unsafeSegmentOf(name);
    return segment === null ? null : `${segment} cannot be a field name`;
  };
  mapping.columns.forEach((col, i) => {
    const refused = unsafe(col.target);
    if (refused !== null) {
      details.push({
        field: `columns.${i}.target`,
        message: `column ${JSON.stringify(col.source)}: ${col.target}: ${refused}`,
      });
      return;
    }
    const compiled = compileColumn(mapping.kind, col, customFields);
    if (typeof compiled === 'string') details.push({ field: `columns.${i}`, message: compiled });
    const other = seen.get(col.target);
    if (other !== undefined) {
      details.push({
        field: `columns.${i}.target`,
        message: `${col.target} is already filled by column ${JSON.stringify(other)}`,
      });
    }
    seen.set(col.target, col.source);
  });
  for (const target of Object.keys(mapping.constants ?? {})) {
    const refused = unsafe(target);
    if (refused !== null) details.push({ field: `constants.${target}`, message: refused });
    else if (!targetInfo(mapping.kind, target, customFields)) {
      details.push({ field: `constants.${target}`, message: `not a field of ${mapping.kind}` });
    }
  }
  const refundTarget = mapping.refunds?.when.target;
  const refundRefused = refundTarget === undefined ? null : unsafe(refundTarget);
  if (refundRefused !== null) {
    details.push({ field: 'refunds.when.target', message: refundRefused });
  }
  if (mapping.refunds && mapping.kind !== 'orders') {
    details.push({ field: 'refunds', message: 'refund rules apply to orders only' });
  }
  if (details.length) {
    const first = details[0];
    return fail('validation_failed', `mapping: ${first?.field}: ${first?.message}`, details);
  }
  return ok(undefined);
}

/**
 * Turns source rows (CSV cells by header position, or flattened JSON objects) into fields by
 * target, with every value converted. Built once per file; the per-row work is a loop over
 * precompiled columns.
 */
export class RowMapper {
  readonly unknownColumns = new Set<string>();
  #columns: Column[] = [];
  #indexes: number[] = [];
  readonly #constants: [string, unknown][];
  readonly #ignored: Set<string>;
  readonly #ranged: ColumnMapping[];
  /** JSON lines without a mapping: each key met is mapped (or found unknown) once. */
  readonly #autoColumns = new Map<string, Column | null>();

  private constructor(
    readonly kind: ImportKind,
    private readonly mapping: FieldMapping | null,
    private readonly customFields: Map<string, CustomField>,
  ) {
    this.#constants = Object.entries(mapping?.constants ?? {});
    this.#ignored = new Set(mapping?.ignore ?? []);
    this.#ranged = (mapping?.columns ?? []).filter(
      (c) => c.minimum !== undefined || c.exclusiveMinimum !== undefined,
    );
  }

  /** Bounds of number columns (`minimum`, `exclusiveMinimum`): why the row is out, or null. */
  checkRanges(fields: Fields): Invalid | null {
    for (const col of this.#ranged) {
      const message = rangeMessage(col, fields[col.target]);
      if (message !== null) {
        return new Invalid(`column ${JSON.stringify(col.source)} (${col.target}) ${message}`);
      }
    }
    return null;
  }

  static create(
    kind: ImportKind,
    mapping: FieldMapping | null,
    customFields: Map<string, CustomField>,
  ): Result<RowMapper> {
    if (mapping) {
      if (mapping.kind !== kind) {
        return fail('validation_failed', `the mapping is for ${mapping.kind}, not ${kind}`, [
          { field: 'mapping', message: `a ${mapping.kind} mapping` },
        ]);
      }
      const valid = validateMapping(mapping, customFields);
      if (!valid.ok) return valid;
    }
    const mapper = new RowMapper(kind, mapping, customFields);
    if (mapping) {
      for (const col of mapping.columns) {
        const compiled = compileColumn(kind, col, customFields);
        if (typeof compiled !== 'string') mapper.#columns.push(compiled);
      }
    }
    return ok(mapper);
  }

  /** JSON lines with a mapping: the targets a kind needs must be mapped. */
  checkTargets(): Result<void> {
    if (!this.mapping) return ok(undefined);
    return this.#needs();
  }

  /** A CSV header: binds columns to positions. Fails when the file lacks a mapped column. */
  bindHeader(header: string[]): Result<void> {
    const position = new Map(header.map((h, i) => [h, i]));
    if (!this.mapping) {
      const refused = header.find((h) => refusedPath(this.kind, h) !== null);
      if (refused !== undefined) {
        const message = refusedPath(this.kind, refused) ?? '';
        return fail('validation_failed', message, [{ field: `columns.${refused}`, message }]);
      }
      this.#columns = [];
      header.forEach((h) => {
        const auto = this.#auto(h);
        if (auto) this.#columns.push(auto);
      });
    }
    const missing = this.#columns.filter(
      (c) => !position.has(c.source) && c.convert(undefined) === MISSING,
    );
    if (missing.length) {
      const names = missing.map((c) => JSON.stringify(c.source)).join(', ');
      return fail(
        'validation_failed',
        `the file has no column ${names} (its columns: ${header.join(', ')})`,
        missing.map((c) => ({ field: `columns.${c.source}`, message: 'not in the file header' })),
      );
    }
    this.#indexes = this.#columns.map((c) => position.get(c.source) ?? -1);
    const used = new Set(this.#columns.map((c) => c.source));
    for (const h of header) if (!used.has(h) && !this.#ignored.has(h)) this.unknownColumns.add(h);
    return this.#needs();
  }

  #needs(): Result<void> {
    const targets = new Set([
      ...this.#columns.map((c) => c.target),
      ...this.#constants.map(([t]) => t),
    ]);
    for (const anyOf of NEEDS[this.kind]) {
      if (!anyOf.some((t) => targets.has(t))) {
        return fail(
          'validation_failed',
          `no column fills ${anyOf.join(' or ')} (map one with a mapping)`,
          [{ field: 'mapping', message: `${anyOf.join(' | ')} is required for ${this.kind}` }],
        );
      }
    }
    return ok(undefined);
  }

  #auto(source: string): Column | null {
    if (this.#autoColumns.has(source)) return this.#autoColumns.get(source) ?? null;
    const target = defaultTarget(this.kind, source, this.customFields);
    const compiled =
      target === null ? null : compileColumn(this.kind, { source, target }, this.customFields);
    const column = typeof compiled === 'string' ? null : compiled;
    this.#autoColumns.set(source, column);
    return column;
  }

  /** A CSV row (after bindHeader). Returns the fields, or why the row is rejected. */
  mapCells(cells: string[]): Fields | Invalid {
    // No prototype: a rule or builder looking up a name no column filled finds nothing.
    const out: Fields = bareRecord();
    const columns = this.#columns;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i];
      const index = this.#indexes[i];
      if (col === undefined || index === undefined) continue;
      const value = this.#convert(col, index < 0 ? undefined : cells[index]);
      if (value instanceof Invalid) return value;
      if (value !== MISSING) out[col.target] = value;
    }
    for (const [target, value] of this.#constants) if (!(target in out)) out[target] = value;
    return out;
  }

  /** A flattened JSON object. Keys no column takes are recorded as unknown. */
  mapObject(record: Record<string, unknown>): Fields | Invalid {
    const out: Fields = bareRecord();
    if (this.mapping) {
      for (const col of this.#columns) {
        const value = this.#convert(col, ownValue(record, col.source));
        if (value instanceof Invalid) return value;
        if (value !== MISSING) out[col.target] = value;
      }
      if (this.unknownColumns.size < 100) {
        for (const key of Object.keys(record)) {
          if (!this.#ignored.has(key) && !this.#columns.some((c) => c.source === key)) {
            this.unknownColumns.add(key);
          }
        }
      }
    } else {
      for (const [key, raw] of Object.entries(record)) {
        const refused = refusedPath(this.kind, key);
        if (refused !== null) return new Invalid(refused);
        const col = this.#auto(key);
        if (!col) {
          if (this.unknownColumns.size < 100) this.unknownColumns.add(key);
          continue;
        }
        const value = this.#convert(col, raw);
        if (value instanceof Invalid) return value;
        if (value !== MISSING) out[col.target] = value;
      }
    }
    for (const [target, value] of this.#constants) if (!(target in out)) out[target] = value;
    return out;
  }

  #convert(col: Column, raw: unknown): unknown {
    const value = col.convert(raw);
    if (value instanceof Invalid) {
      return new Invalid(`column ${JSON.stringify(col.source)} (${col.target}): ${value.message}`);
    }
    if (value === MISSING && col.required) {
      return new Invalid(`column ${JSON.stringify(col.source)} (${col.target}) is required`);
    }
    return value;
  }
}
