/**
 * Objects built from names someone else chose (CSV headers, JSON keys, trait names, mapping
 * targets). A plain `{}` inherits from Object.prototype, so `out[name] = v` with `name` equal to
 * `__proto__` replaces the object's prototype instead of adding a key, walking a dotted path
 * through `__proto__` writes into the prototype every object in the process shares, and a
 * lookup of `constructor` or `toString` finds an inherited function where no key was given.
 * These helpers make such names ordinary keys, and say which names a path may not use.
 */

/** Path segments that reach a prototype when walked on plain objects. */
export const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** The first segment of a dotted path that may not be used as a field name, or null. */
export function unsafeSegmentOf(path: string): string | null {
  for (const segment of path.split('.')) if (UNSAFE_SEGMENTS.has(segment)) return segment;
  return null;
}

/**
 * The dotted path of the first key named `__proto__` anywhere in a parsed JSON value, or null.
 * JSON.parse makes such a key an own property, harmless until some later code copies it with
 * plain assignment; the HTTP API refuses bodies holding one, and files are held to the same rule.
 */
export function protoKeyPath(value: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const v = item.value;
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, x] of Object.entries(v)) {
      const path = item.path === '' ? k : `${item.path}.${k}`;
      if (k === '__proto__') return path;
      if (typeof x === 'object' && x !== null) stack.push({ value: x, path });
    }
  }
  return null;
}

/** An object with no prototype: every key, `__proto__` included, is just a key. */
export function bareRecord(): Record<string, unknown> {
  // In an object literal `__proto__: null` sets the prototype; it is not a key.
  const out: Record<string, unknown> = { __proto__: null };
  return out;
}

/** Sets an own property whatever the key is (`__proto__` too), never calling a setter. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** The value of an own property, ignoring anything inherited (`constructor`, `toString`). */
export function ownValue<T>(source: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

/**
 * Seals the prototypes every object, array and function inherits from, so that a future slip
 * which walks user input into one of them (`x.__proto__.userId = ...`) throws instead of
 * silently changing every object in the process. Sealed, not frozen: a frozen prototype makes
 * its properties read-only, and then plain assignment of an own key named `constructor` or
 * `toString` (which zod does when it copies a parsed object) throws as well - sealing only
 * refuses new properties and the removal or redefinition of existing ones.
 * Called once at process start (the CLI's `serve` and `import`, the worker threads).
 */
export function sealIntrinsics(): void {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype]) Object.seal(proto);
}
