/**
 * How deep free-form JSON (product attributes, event properties, traits, context) may nest,
 * objects and arrays alike. Real payloads nest a handful of levels; a bound keeps every reader
 * (serializers, the processor, exports) far from its recursion limit, and a value past it is
 * refused at the edge with a 400 naming where it goes too deep.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The dotted path (relative to `value`) of the first object or array nested deeper than
 * `limit`, or null. It recurses, but never more than `limit + 1` levels, so a 100,000-deep value
 * cannot overflow the stack; every tracked call passes through it, so it allocates nothing
 * (no key lists, no path strings) until it finds a value too deep.
 */
export function tooDeepPath(value: unknown, limit = MAX_JSON_DEPTH): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const keys = deepKeys(value, 1, limit);
  return keys === null ? null : keys.reverse().join('.');
}

/** The keys leading to a value too deep, innermost first; null when there is none. */
function deepKeys(value: object, depth: number, limit: number): (string | number)[] | null {
  if (depth > limit) return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x !== 'object' || x === null) continue;
      const keys = deepKeys(x, depth + 1, limit);
      if (keys !== null) return (keys.push(i), keys);
    }
    return null;
  }
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const x: unknown = Reflect.get(value, k);
    if (typeof x !== 'object' || x === null) continue;
    const keys = deepKeys(x, depth + 1, limit);
    if (keys !== null) return (keys.push(k), keys);
  }
  return null;
}
