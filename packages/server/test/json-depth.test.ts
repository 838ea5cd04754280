import { MAX_JSON_DEPTH, tooDeepPath } from '@comeback/contracts';
import { describe, expect, it } from 'vitest';

/** `n` objects nested in one another: `{a:{a:...{v:1}}}`. */
const nested = (n: number): unknown => {
  let v: unknown = { v: 1 };
  for (let i = 1; i < n; i++) v = { a: v };
  return v;
};

describe('tooDeepPath (the nesting bound every tracked call passes)', () => {
  it('accepts the bound and names the first value past it', () => {
    expect(tooDeepPath(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(tooDeepPath(nested(MAX_JSON_DEPTH + 1))).toBe(Array(MAX_JSON_DEPTH).fill('a').join('.'));
  });

  it('counts arrays as levels and names their indexes', () => {
    const value = { x: [1, [[nested(MAX_JSON_DEPTH - 3)]]] };
    expect(tooDeepPath(value)).toBe(
      `x.1.0.0.${Array(MAX_JSON_DEPTH - 4)
        .fill('a')
        .join('.')}`,
    );
    expect(tooDeepPath({ x: [1, [nested(MAX_JSON_DEPTH - 3)]] })).toBeNull();
  });

  it('does not overflow the stack on a 100,000-deep value', () => {
    expect(tooDeepPath(nested(100_000))?.split('.')).toHaveLength(MAX_JSON_DEPTH);
  });

  it('ignores scalars and keys named like prototype members', () => {
    expect(tooDeepPath(5)).toBeNull();
    expect(tooDeepPath(null)).toBeNull();
    const bare: Record<string, unknown> = JSON.parse('{"__proto__":{"constructor":{"a":1}}}');
    expect(tooDeepPath(bare, 2)).toBe('__proto__.constructor');
  });
});
