import { propertyOperators, type PropertyFilter, type SegmentScalar } from '@comeback/contracts';
import fc from 'fast-check';
import { propertyAt } from './segment-reference.js';
import { PROPERTY_PATHS, type World } from './segment-world-model.js';
import { CATEGORIES, NUMBERS, PRODUCTS, STRINGS } from './segment-world.js';

/**
 * Event property filters for the generated definitions (segment-world-definitions.ts), and the
 * pools their operands and other conditions' operands are drawn from.
 */

export const scalarOf = (v: unknown): v is SegmentScalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Draws from the world's values (if any) or from the generic pool. */
export function fromPools<T>(world: readonly T[], pool: readonly T[]): fc.Arbitrary<T> {
  return world.length
    ? fc.oneof(fc.constantFrom(...world), fc.constantFrom(...pool))
    : fc.constantFrom(...pool);
}

const PROPERTY_VALUES: SegmentScalar[] = [
  ...NUMBERS,
  ...STRINGS,
  ...PRODUCTS,
  ...CATEGORIES,
  '5',
  '2',
  'true',
  true,
  false,
];
export const filterArb = (world: World): fc.Arbitrary<PropertyFilter> =>
  fc
    .tuple(
      // Paths a JSON path could get wrong (an array index, a literal dotted key, odd
      // characters) are drawn more often than their share.
      fc.oneof(
        fc.constantFrom(...PROPERTY_PATHS),
        fc.constantFrom('tags.0', 'a.b', 'a-b', '@id', '$v', 'product.category'),
      ),
      fc.constantFrom(...propertyOperators),
    )
    .chain(([property, operator]): fc.Arbitrary<PropertyFilter> => {
      const ordered = ['gt', 'gte', 'lt', 'lte'].includes(operator);
      const text = ['contains', 'starts_with'].includes(operator);
      const scalar: fc.Arbitrary<SegmentScalar> = ordered
        ? fc.constantFrom(...NUMBERS)
        : text
          ? fc.constantFrom(...STRINGS, ...CATEGORIES, 'prod', 'Sh')
          : fromPools(seenProperty(world, property), PROPERTY_VALUES);
      if (operator === 'exists' || operator === 'not_exists') {
        return fc.constant({ property, operator });
      }
      if (operator === 'in' || operator === 'not_in') {
        return fc
          .array(scalar, { minLength: 1, maxLength: 3 })
          .map((values) => ({ property, operator, values }));
      }
      return scalar.map((value) => ({ property, operator, value }));
    });

/** The scalar values events of the world have at a property path. */
function seenProperty(world: World, path: string): SegmentScalar[] {
  return world.events.map((e) => propertyAt(e.properties, path)).filter(scalarOf);
}
