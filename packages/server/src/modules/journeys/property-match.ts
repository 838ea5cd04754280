import type { PropertyFilter, SegmentScalar } from '@comeback/contracts';
import { UNSAFE_SEGMENTS } from '../../platform/safe-object.js';

/**
 * An event's properties against a journey's property filters, in plain TypeScript, with the
 * semantics of the segment SQL (segment-sql-fields.ts `operatorPredicate` over a `jsonReader`
 * of type 'any', segment-sql-json.ts): a journey trigger must match exactly the events a
 * segment's `event` condition with the same `where` would count.
 *
 * - Values compare only with operands of their own JSON type: the number 5 never equals the
 *   string "5", `true` never equals "true", and gt/gte/lt/lte need a number on both sides.
 * - eq, in, contains and starts_with are case-sensitive (SQL `=`, instr/strpos, substr).
 * - JSON null and absence are the same: missing. A missing value matches no positive operator;
 *   neq, not_in and not_exists are the exact negations of eq, in and exists, so they hold on a
 *   missing property.
 * - contains is a substring test on strings only: an array value never contains anything here
 *   (the SQL reads an undeclared property as 'any', never as a list), nor does a number.
 * - exists holds for any present value, arrays and objects included.
 */

/**
 * The value at a dotted path through plain objects' own properties; undefined when missing
 * or JSON null. Arrays are not indexed (the SQL reads object keys only), and a reserved name
 * (__proto__, constructor, prototype) never resolves, even as an own key of parsed JSON: the
 * filter schema refuses such paths, and this is where a user-given path meets an object.
 */
export function propertyAt(properties: unknown, path: string): unknown {
  let cur = properties;
  for (const key of path.split('.')) {
    if (UNSAFE_SEGMENTS.has(key)) return undefined;
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    // An own property's descriptor: nothing inherited, and no getter is ever called.
    const own = Object.getOwnPropertyDescriptor(cur, key);
    if (!own) return undefined;
    cur = own.value;
  }
  return cur === null ? undefined : cur;
}

/** Whether every filter holds (AND); no filters: true. */
export function matchesFilters(
  properties: unknown,
  filters: readonly PropertyFilter[] | undefined,
): boolean {
  if (!filters) return true;
  return filters.every((f) => filterHolds(propertyAt(properties, f.property), f));
}

/**
 * Whether the event is about the same thing as the one that triggered the enrollment: at each
 * path both hold a present value, equal as identifiers - a string or number by its text (an
 * order id sent as 1001 by one source and "1001" by another is one order), a boolean only to
 * the same boolean. A path missing on either side, or holding an object or a list, matches
 * nothing, like a positive filter.
 */
export function sameAsTrigger(
  properties: unknown,
  triggerProperties: unknown,
  paths: readonly string[] | undefined,
): boolean {
  if (!paths) return true;
  return paths.every((path) => {
    const key = identifierText(propertyAt(triggerProperties, path));
    return key !== null && key === identifierText(propertyAt(properties, path));
  });
}

function identifierText(value: unknown): string | null {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'number') return `s${String(value)}`;
  if (typeof value === 'boolean') return `b${String(value)}`;
  return null;
}

/** JSON-typed equality: a number equals only a number, a string only a string, and so on. */
const same = (a: unknown, b: SegmentScalar) => typeof a === typeof b && a === b;

/** Each negative operator is exactly the negation of its positive (so it holds when missing). */
function filterHolds(value: unknown, f: PropertyFilter): boolean {
  const op = f.operator;
  switch (op) {
    case 'not_exists':
      return !positive(value, 'exists', f);
    case 'neq':
      return !positive(value, 'eq', f);
    case 'not_in':
      return !positive(value, 'in', f);
    default:
      return positive(value, op, f);
  }
}

type Positive = Exclude<PropertyFilter['operator'], 'not_exists' | 'neq' | 'not_in'>;

function positive(value: unknown, op: Positive, f: PropertyFilter): boolean {
  if (value === undefined) return false;
  const operand = f.value;
  switch (op) {
    case 'exists':
      return true;
    case 'eq':
      return operand !== undefined && same(value, operand);
    case 'in':
      return (f.values ?? []).some((v) => same(value, v));
    case 'contains':
      return typeof value === 'string' && typeof operand === 'string' && value.includes(operand);
    case 'starts_with':
      return typeof value === 'string' && typeof operand === 'string' && value.startsWith(operand);
    case 'gt':
      return typeof value === 'number' && typeof operand === 'number' && value > operand;
    case 'gte':
      return typeof value === 'number' && typeof operand === 'number' && value >= operand;
    case 'lt':
      return typeof value === 'number' && typeof operand === 'number' && value < operand;
    case 'lte':
      return typeof value === 'number' && typeof operand === 'number' && value <= operand;
  }
}
