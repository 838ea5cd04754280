import {
  operatorOperands,
  type FieldOperator,
  type SegmentScalar,
  type TimeUnit,
} from '@comeback/contracts';
import type { FieldType } from '../api';

/**
 * Which operators a field's type takes, as the server's field registry decides
 * (docs/guides/segments.md, "Operators by type"); the server checks again on preview and save.
 */
const PRESENCE = ['exists', 'not_exists'] as const;
const EQUALITY = ['eq', 'neq'] as const;
const MEMBERSHIP = ['in', 'not_in'] as const;
const ORDERED = ['gt', 'gte', 'lt', 'lte', 'between'] as const;
const TEXT = ['contains', 'not_contains', 'starts_with'] as const;
const SPANS = ['within_last', 'more_than_ago', 'within_next', 'anniversary_within'] as const;

const OPERATORS: Record<FieldType, readonly FieldOperator[]> = {
  number: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP, ...ORDERED],
  string: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP, ...TEXT],
  enum: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP],
  boolean: [...PRESENCE, ...EQUALITY],
  date: [...PRESENCE, 'before', 'after', 'between', ...SPANS],
  list: [...PRESENCE, 'contains', 'not_contains', ...MEMBERSHIP],
  any: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP, ...TEXT, ...ORDERED],
};

export const operatorsFor = (type: FieldType): readonly FieldOperator[] => OPERATORS[type];

export type OperandShape = (typeof operatorOperands)[FieldOperator];
export const operandShape = (operator: FieldOperator): OperandShape => operatorOperands[operator];

/** How one operand is typed in: decided by the field's type and, for `any`, the operator. */
export type ScalarKind = 'number' | 'boolean' | 'date' | 'enum' | 'text';
export function scalarKind(type: FieldType, operator: FieldOperator): ScalarKind {
  switch (type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'enum':
      return 'enum';
    case 'string':
    case 'list':
      return 'text';
    case 'any':
      return (ORDERED as readonly string[]).includes(operator) ? 'number' : 'text';
  }
}

/**
 * The calendar day `offset` days from the person's today, as a date input shows it: only a
 * starting value they then edit (what counts is the date they save; the server evaluates it on
 * its own clock), so the browser's clock is the right one here.
 */
export const isoDay = (offset = 0) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A starting operand of the right kind, so a changed operator still sends a valid shape. */
export function blankScalar(kind: ScalarKind, values?: readonly string[]): SegmentScalar {
  switch (kind) {
    case 'number':
      return 0;
    case 'boolean':
      return true;
    case 'date':
      return isoDay();
    case 'enum':
      return values?.[0] ?? '';
    case 'text':
      return '';
  }
}

export interface Operands {
  value?: SegmentScalar;
  values?: SegmentScalar[];
  amount?: number;
  unit?: TimeUnit;
}

/** The operands `operator` takes, keeping what fits of `previous`. */
export function operandsFor(
  operator: FieldOperator,
  kind: ScalarKind,
  previous: Operands,
  enumValues?: readonly string[],
): Operands {
  const blank = blankScalar(kind, enumValues);
  const fits = (v: SegmentScalar | undefined): v is SegmentScalar =>
    v !== undefined && typeof v === typeof blank;
  switch (operandShape(operator)) {
    case 'none':
      return {};
    case 'value':
      return { value: fits(previous.value) ? previous.value : blank };
    case 'values': {
      const kept = (previous.values ?? []).filter(fits);
      return { values: kept.length > 0 ? kept : [blank] };
    }
    case 'pair': {
      const [low, high] = previous.values ?? [];
      return { values: [fits(low) ? low : blank, fits(high) ? high : blank] };
    }
    case 'span':
      return { amount: previous.amount ?? 30, unit: previous.unit ?? 'days' };
  }
}
