/**
 * How deep free-form JSON (product attributes, event properties, traits, context) may nest,
 * objects and arrays alike. Real payloads nest a handful of levels; a bound keeps every reader
 * (serializers, the processor, exports) far from its recursion limit, and a value past it is
 * refused at the edge with a 400 naming where it goes too deep.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The dotted path (relative to `value`) of the first object or array nested deeper than
 * `limit`, or null. Iterative, so a 100,000-deep value cannot overflow the stack here.
 */
export function tooDeepPath(value: unknown, limit = MAX_JSON_DEPTH): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const v = item.value;
    if (typeof v !== 'object' || v === null) continue;
    const depth = item.depth + 1;
    if (depth > limit) return item.path;
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((x: unknown, i) => [String(i), x])
      : Object.entries(v);
    for (const [k, x] of entries) {
      if (typeof x === 'object' && x !== null) {
        stack.push({ value: x, depth, path: item.path === '' ? k : `${item.path}.${k}` });
      }
    }
  }
  return null;
}
