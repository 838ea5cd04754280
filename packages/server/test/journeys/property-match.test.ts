import {
  operatorOperands,
  propertyFilterSchema,
  propertyOperators,
  type PropertyFilter,
  type SegmentScalar,
} from '@comeback/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesFilters, propertyAt } from '../../src/modules/journeys/property-match.js';
import { operatorHolds, propertyAt as referencePropertyAt } from '../segments/segment-reference.js';

/**
 * Journey property filters in plain TypeScript: each operator on values of every JSON type with
 * exact answers (the segment SQL's semantics), reserved names never walking the prototype, and
 * agreement with the segment reference evaluator (which the SQL is property-tested against) on
 * random properties and filters.
 */
const props = {
  total: 12.5,
  count: 5,
  zero: 0,
  code: '5',
  name: 'Gold Shoes',
  flag: true,
  off: false,
  empty: '',
  nothing: null,
  tags: ['gold', 5],
  product: { category: 'Shoes', price: 40, sizes: [{ eu: 42 }] },
};
type Case = [label: string, filter: PropertyFilter, expected: boolean];
const f = (
  property: string,
  operator: PropertyFilter['operator'],
  operand?: SegmentScalar | SegmentScalar[],
): PropertyFilter =>
  Array.isArray(operand)
    ? { property, operator, values: operand }
    : operand === undefined
      ? { property, operator }
      : { property, operator, value: operand };

const cases: Case[] = [
  ['exists: a number', f('total', 'exists'), true],
  ['exists: false is present', f('off', 'exists'), true],
  ['exists: empty string is present', f('empty', 'exists'), true],
  ['exists: an array', f('tags', 'exists'), true],
  ['exists: an object', f('product', 'exists'), true],
  ['exists: JSON null is missing', f('nothing', 'exists'), false],
  ['exists: absent', f('absent', 'exists'), false],
  ['exists: nested', f('product.category', 'exists'), true],
  ['exists: no array indexing', f('tags.0', 'exists'), false],
  ['exists: not through an array', f('product.sizes.eu', 'exists'), false],
  ['exists: not into a string', f('name.length', 'exists'), false],
  ['not_exists: null', f('nothing', 'not_exists'), true],
  ['not_exists: absent', f('absent', 'not_exists'), true],
  ['not_exists: present', f('zero', 'not_exists'), false],
  ['eq: number', f('count', 'eq', 5), true],
  ['eq: integer equals its float', f('count', 'eq', 5.0), true],
  ['eq: number is not its numeric string', f('count', 'eq', '5'), false],
  ['eq: numeric string is not a number', f('code', 'eq', 5), false],
  ['eq: numeric string as string', f('code', 'eq', '5'), true],
  ['eq: case-sensitive', f('name', 'eq', 'gold shoes'), false],
  ['eq: exact string', f('name', 'eq', 'Gold Shoes'), true],
  ['eq: boolean true', f('flag', 'eq', true), true],
  ['eq: boolean is not its text', f('flag', 'eq', 'true'), false],
  ['eq: false', f('off', 'eq', false), true],
  ['eq: zero is not false', f('zero', 'eq', false), false],
  ['eq: array never equals', f('tags', 'eq', 'gold'), false],
  ['eq: missing', f('absent', 'eq', 'x'), false],
  ['eq: nested', f('product.category', 'eq', 'Shoes'), true],
  ['neq: different', f('count', 'neq', 6), true],
  ['neq: same', f('count', 'neq', 5), false],
  ['neq: other type', f('count', 'neq', '5'), true],
  ['neq: missing holds', f('absent', 'neq', 'x'), true],
  ['neq: null holds', f('nothing', 'neq', 'x'), true],
  ['in: one of', f('count', 'in', [1, 5]), true],
  ['in: typed', f('code', 'in', [5, 'x']), false],
  ['in: mixed operands', f('code', 'in', [5, '5']), true],
  ['in: boolean', f('off', 'in', [true, false]), true],
  ['in: case-sensitive', f('product.category', 'in', ['shoes']), false],
  ['in: array value is not searched', f('tags', 'in', ['gold']), false],
  ['in: missing', f('absent', 'in', ['x']), false],
  ['not_in: none of', f('count', 'not_in', [1, 2]), true],
  ['not_in: one of', f('count', 'not_in', [5]), false],
  ['not_in: missing holds', f('absent', 'not_in', ['x']), true],
  ['not_in: array value holds', f('tags', 'not_in', ['gold']), true],
  ['contains: substring', f('name', 'contains', 'd Sh'), true],
  ['contains: case-sensitive', f('name', 'contains', 'gold'), false],
  ['contains: empty operand', f('name', 'contains', ''), true],
  ['contains: array element is not a substring match', f('tags', 'contains', 'gold'), false],
  ['contains: number value', f('count', 'contains', '5'), false],
  ['contains: number operand', f('code', 'contains', 5), false],
  ['contains: boolean value', f('flag', 'contains', 'true'), false],
  ['contains: missing', f('absent', 'contains', 'x'), false],
  ['starts_with: prefix', f('name', 'starts_with', 'Gold'), true],
  ['starts_with: case-sensitive', f('name', 'starts_with', 'gold'), false],
  ['starts_with: not a prefix', f('name', 'starts_with', 'Shoes'), false],
  ['starts_with: whole string', f('code', 'starts_with', '5'), true],
  ['starts_with: number value', f('count', 'starts_with', '5'), false],
  ['starts_with: number operand', f('code', 'starts_with', 5), false],
  ['gt: above', f('total', 'gt', 12), true],
  ['gt: equal', f('total', 'gt', 12.5), false],
  ['gt: numeric string value never compares', f('code', 'gt', 1), false],
  ['gt: string operand never compares', f('total', 'gt', '1'), false],
  ['gt: boolean never compares', f('flag', 'gt', 0), false],
  ['gt: missing', f('absent', 'gt', -1), false],
  ['gte: equal', f('total', 'gte', 12.5), true],
  ['gte: below', f('total', 'gte', 13), false],
  ['gte: zero', f('zero', 'gte', 0), true],
  ['lt: below', f('product.price', 'lt', 41), true],
  ['lt: equal', f('product.price', 'lt', 40), false],
  ['lt: null', f('nothing', 'lt', 1), false],
  ['lte: equal', f('product.price', 'lte', 40), true],
  ['lte: above', f('product.price', 'lte', 39.99), false],
  ['lte: negative', f('zero', 'lte', -1), false],
];

describe('matchesFilters, one operator at a time', () => {
  it.each(cases)('%s', (_label, filter, expected) => {
    expect(propertyFilterSchema.safeParse(filter).success).toBe(true);
    expect(matchesFilters(props, [filter])).toBe(expected);
  });
});

describe('matchesFilters', () => {
  it('needs every filter (AND); none or an empty list match anything', () => {
    const total = f('total', 'gte', 10);
    const name = f('name', 'starts_with', 'Gold');
    expect(matchesFilters(props, [total, name])).toBe(true);
    expect(matchesFilters(props, [total, f('name', 'starts_with', 'Silver')])).toBe(false);
    expect(matchesFilters(props, [f('total', 'lt', 10), name])).toBe(false);
    expect(matchesFilters(props, undefined)).toBe(true);
    expect(matchesFilters(props, [])).toBe(true);
    expect(matchesFilters(undefined, [])).toBe(true);
  });

  it('properties that are not an object have every property missing', () => {
    for (const odd of [undefined, null, 5, 'total', ['total'], true]) {
      expect(matchesFilters(odd, [f('total', 'exists')])).toBe(false);
      expect(matchesFilters(odd, [f('total', 'neq', 1)])).toBe(true);
      expect(matchesFilters(odd, [f('total', 'not_exists')])).toBe(true);
    }
  });
});

describe('propertyAt', () => {
  it('reads own properties along a dotted path', () => {
    expect(propertyAt(props, 'product.category')).toBe('Shoes');
    expect(propertyAt(props, 'total')).toBe(12.5);
    expect(propertyAt(props, 'nothing')).toBeUndefined();
    expect(propertyAt(props, 'product.sizes')).toEqual([{ eu: 42 }]);
    expect(propertyAt(props, 'tags.0')).toBeUndefined();
    expect(propertyAt({ 'a.b': 1 }, 'a.b')).toBeUndefined();
    expect(propertyAt(Object.assign(Object.create(null) as object, { a: 1 }), 'a')).toBe(1);
  });

  it('never walks the prototype', () => {
    expect(propertyAt({}, 'constructor')).toBeUndefined();
    expect(propertyAt({}, 'constructor.name')).toBeUndefined();
    expect(propertyAt({}, 'toString')).toBeUndefined();
    expect(propertyAt({}, '__proto__')).toBeUndefined();
    expect(propertyAt({}, '__proto__.constructor')).toBeUndefined();
    expect(propertyAt({ a: {} }, 'a.hasOwnProperty')).toBeUndefined();
    expect(propertyAt('text', 'length')).toBeUndefined();
    expect(propertyAt(() => 1, 'name')).toBeUndefined();
    expect(
      matchesFilters({}, [{ property: 'constructor.name', operator: 'eq', value: 'Object' }]),
    ).toBe(false);
    expect(matchesFilters({}, [{ property: 'constructor.name', operator: 'not_exists' }])).toBe(
      true,
    );
  });

  it('refuses reserved names even as own keys of parsed JSON', () => {
    const parsed: unknown = JSON.parse(
      '{"__proto__": {"x": 1}, "constructor": {"name": "Evil"}, "prototype": 3, "ok": {"x": 2}}',
    );
    expect(propertyAt(parsed, '__proto__')).toBeUndefined();
    expect(propertyAt(parsed, '__proto__.x')).toBeUndefined();
    expect(propertyAt(parsed, 'constructor.name')).toBeUndefined();
    expect(propertyAt(parsed, 'prototype')).toBeUndefined();
    expect(propertyAt(parsed, 'ok.x')).toBe(2);
  });
});

/** The reference's semantics for an event property filter, as its `event` conditions apply it. */
const referenceMatches = (properties: unknown, filters: readonly PropertyFilter[]) =>
  filters.every((x) => operatorHolds('any', referencePropertyAt(properties, x.property), x, 0));

const KEYS = ['a', 'b', 'price', '0'] as const;
const keyArb = fc.constantFrom(...KEYS);
/** Few values, so that equal, case-different, prefix and numeric-string pairs meet often. */
const scalarArb: fc.Arbitrary<SegmentScalar> = fc.oneof(
  fc.constantFrom(0, 2.5, 5, -3),
  { weight: 2, arbitrary: fc.constantFrom('5', 'true', 'gold', 'Gold', 'go', 'GO', 'old', '') },
  fc.boolean(),
);
/** An object with each of KEYS present or not (dictionaries would leave most paths missing). */
const objectOf = (v: fc.Arbitrary<unknown>) =>
  fc.record(
    Object.fromEntries(KEYS.map((k) => [k, v])) as Record<(typeof KEYS)[number], typeof v>,
    { requiredKeys: [] },
  );
/** JSON values of every type, nested objects and arrays (of objects too) included. */
const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalarArb },
    fc.constant(null),
    fc.array(fc.oneof(scalarArb, tie('value')), { maxLength: 3 }),
    { weight: 2, arbitrary: objectOf(tie('value')) },
  ),
})).value;
// Through JSON, as an event's properties arrive. About 4 in 10 generated paths are present.
const propertiesArb = objectOf(valueArb).map((o): unknown => JSON.parse(JSON.stringify(o)));
const pathArb = fc
  .oneof(
    { weight: 4, arbitrary: fc.tuple(keyArb) },
    { weight: 3, arbitrary: fc.tuple(keyArb, keyArb) },
    fc.tuple(keyArb, keyArb, keyArb),
  )
  .map((keys) => keys.join('.'));

/** The dotted paths of every key of nested objects (not through arrays), deepest 3 keys. */
function pathsIn(value: unknown, prefix: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || prefix.length >= 3) {
    return [];
  }
  return Object.entries(value).flatMap(([k, v]) => [
    [...prefix, k].join('.'),
    ...pathsIn(v, [...prefix, k]),
  ]);
}

const OPERATORS = [...propertyOperators];
/**
 * A filter of any operator; the path mostly one the properties have (so values of every type
 * meet every operator and operand), sometimes any, which is then mostly missing.
 */
const filterArb = (paths: readonly string[]): fc.Arbitrary<PropertyFilter> =>
  fc
    .record({
      property:
        paths.length > 0
          ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...paths) }, pathArb)
          : pathArb,
      operator: fc.constantFrom(...OPERATORS),
      value: scalarArb,
      values: fc.array(scalarArb, { minLength: 1, maxLength: 4 }),
    })
    .map(({ property, operator, value, values }): PropertyFilter => {
      const operands = operatorOperands[operator];
      if (operands === 'value') return { property, operator, value };
      if (operands === 'values') return { property, operator, values };
      return { property, operator };
    });

const scenarioArb = propertiesArb.chain((properties) =>
  fc.record({
    properties: fc.constant(properties),
    filters: fc.array(filterArb(pathsIn(properties)), { maxLength: 3 }),
  }),
);

describe('agreement with the segment reference evaluator', () => {
  it('gives the reference answer for random properties and filters', () => {
    fc.assert(
      fc.property(scenarioArb, ({ properties, filters }) => {
        for (const filter of filters) {
          expect(propertyFilterSchema.safeParse(filter).success).toBe(true);
          expect(matchesFilters(properties, [filter])).toBe(referenceMatches(properties, [filter]));
          expect(propertyAt(properties, filter.property)).toEqual(
            referencePropertyAt(properties, filter.property),
          );
        }
        expect(matchesFilters(properties, filters)).toBe(referenceMatches(properties, filters));
      }),
      { numRuns: 3000 },
    );
  });
});
