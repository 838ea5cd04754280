import fc from 'fast-check';
import { tooDeepPath } from '@comeback/contracts';
import { describe, expect, it } from 'vitest';
import { batchCallTexts } from '../src/modules/ingest/raw-call-texts.js';

/**
 * JSON written the many ways a sender may write it: any whitespace between tokens, characters
 * escaped or not (`\u00e9`, `\/`, `\"`), numbers as `1.50`, `2E+3`, `-0`, `1e400` or 400
 * digits. `exotic` collects the numbers JSON.stringify would not write back as the same value.
 */
class Writer {
  #seed: number;
  exotic = false;
  constructor(seed: number) {
    this.#seed = seed >>> 0 || 1;
  }

  /** 0 <= r < n, from a small xorshift generator. */
  #roll(n: number): number {
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x >>> 0;
    return this.#seed % n;
  }

  space(): string {
    return ['', '', '', ' ', '\n  ', '\t', '\r\n'][this.#roll(7)] ?? '';
  }

  value(v: unknown): string {
    const s = this.space();
    if (v === null || typeof v === 'boolean') return `${s}${String(v)}`;
    if (typeof v === 'number') return `${s}${this.number(v)}`;
    if (typeof v === 'string') return `${s}${this.string(v)}`;
    if (Array.isArray(v))
      return `${s}[${v.map((x) => `${this.value(x)}${this.space()}`).join(',')}]`;
    const members = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `${this.space()}${this.string(k)}${this.space()}:${this.value(x)}${this.space()}`,
    );
    // A key sent twice: JSON.parse keeps the last, which is the value the call holds.
    const [first] = Object.keys(v as Record<string, unknown>);
    if (first !== undefined && this.#roll(8) === 0) members.unshift(`${this.string(first)}:"dup"`);
    return `${s}{${members.join(',')}}`;
  }

  number(n: number): string {
    const text = this.#number(n);
    if (/e/i.test(text)) this.exotic = true;
    return text;
  }

  #number(n: number): string {
    const plain = JSON.stringify(n);
    switch (this.#roll(8)) {
      case 0:
        return n.toExponential().replace('e', this.#roll(2) ? 'E' : 'e');
      case 1:
        return Number.isInteger(n) && Math.abs(n) < 1e15
          ? `${plain}.${'0'.repeat(this.#roll(3) + 1)}`
          : plain;
      case 2:
        if (n !== 0) return plain;
        this.exotic = true;
        return '-0';
      default:
        return plain;
    }
  }

  string(s: string): string {
    let out = '"';
    for (const ch of s) {
      const code = ch.charCodeAt(0);
      const roll = this.#roll(6);
      if (ch === '"' || ch === '\\') out += roll === 0 ? `\\u00${code.toString(16)}` : `\\${ch}`;
      else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else if (ch === '/' && roll === 0) out += '\\/';
      else if (roll === 1 && ch.length === 1) {
        const hex = code.toString(16).padStart(4, '0');
        out += `\\u${this.#roll(2) ? hex : hex.toUpperCase()}`;
      } else out += ch;
    }
    return `${out}"`;
  }
}

/** Strings full of what a scan could trip on: quotes, backslashes, brackets, escapes. */
const tricky = fc.oneof(
  fc.string({ unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'u', '0', 'e', ' ') }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('batch', '"batch":[', '\\', '\\"', '}]}', 'é😀'),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    tricky,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
  ),
})).value;
/** A value wrapped in up to 40 arrays or objects: around the nesting bound of 32. */
const deep = fc
  .tuple(json, fc.array(fc.boolean(), { minLength: 25, maxLength: 40 }))
  .map(([inner, layers]) =>
    layers.reduce<unknown>((v, inArray) => (inArray ? [v] : { k: v }), inner),
  );
const call = fc.dictionary(tricky, fc.oneof({ weight: 5, arbitrary: json }, deep), {
  maxKeys: 6,
});
const withinBound = (c: unknown) =>
  Object.values(c as Record<string, unknown>).every((v) => tooDeepPath(v) === null);

describe('batchCallTexts: each call of a batch body as sent', () => {
  it('cuts out text that parses to exactly each parsed call, however the body is written', () => {
    let deepSeen = 0;
    fc.assert(
      fc.property(
        fc.array(call, { minLength: 1, maxLength: 6 }),
        fc.dictionary(
          fc.constantFrom('sentAt', 'context', 'batchx', 'Batch', 'integrations'),
          json,
        ),
        fc.boolean(),
        fc.integer(),
        (calls, others, batchFirst, seed) => {
          const w = new Writer(seed);
          const texts = calls.map((c) => {
            w.exotic = false;
            return { text: w.value(c), exotic: w.exotic };
          });
          const batch = `${w.string('batch')}${w.space()}:${w.space()}[${texts.map((t) => t.text).join(',')}]`;
          const rest = Object.entries(others).map(([k, v]) => `${w.string(k)}:${w.value(v)}`);
          const members = batchFirst ? [batch, ...rest] : [...rest, batch];
          const body = `${w.space()}{${members.join(`,${w.space()}`)}}${w.space()}`;
          const parsed = JSON.parse(body) as { batch: unknown[] };

          const found = batchCallTexts(body, parsed.batch.length);
          expect(found).not.toBeNull();
          for (const [i, text] of (found ?? []).entries()) {
            if (!withinBound(parsed.batch[i])) deepSeen++;
            if (text === undefined) {
              expect(texts[i]?.exotic === true || !withinBound(parsed.batch[i])).toBe(true);
              continue;
            }
            // A call with a text nests within the bound: the normalizer does not walk it again.
            expect(withinBound(parsed.batch[i])).toBe(true);
            expect(text.trim()).toBe(text);
            // The text is the call, and it reads back as what storing the call always stored.
            expect(JSON.parse(text)).toStrictEqual(parsed.batch[i]);
            expect(JSON.parse(text)).toStrictEqual(JSON.parse(JSON.stringify(parsed.batch[i])));
          }
        },
      ),
      { numRuns: 3000 },
    );
    expect(deepSeen).toBeGreaterThan(100);
  });

  it('gives no text for a call with a number JSON.stringify would change', () => {
    const body = (n: string) => `{"batch":[{"a":1},{"p":{"x":[${n}]}},{"b":"1e400"}]}`;
    for (const n of ['1e400', '-1E+400', '1.5e3', '-0', '-0.0', '-0e5', `1${'0'.repeat(400)}`]) {
      expect(batchCallTexts(body(n), 3), n).toEqual(['{"a":1}', undefined, '{"b":"1e400"}']);
    }
    for (const n of ['-1', '0', '0.0001', '-12.5', '123456789012345678901234567890']) {
      expect(batchCallTexts(body(n), 3)?.[1], n).toBe(`{"p":{"x":[${n}]}}`);
    }
  });

  it('finds the batch only as the one top-level key, however its name is escaped', () => {
    const calls = '[{"a":"]}"},{"b":["{"]}]';
    expect(batchCallTexts(`{"b\\u0061tch":${calls}}`, 2)).toEqual(['{"a":"]}"}', '{"b":["{"]}']);
    expect(batchCallTexts(`{"x":{"batch":[{}]},"batch":${calls}}`, 2)).toHaveLength(2);
    expect(batchCallTexts(`{"x":"\\"batch\\":[{}]","batch":${calls}}`, 2)).toHaveLength(2);
    // Two batch keys: JSON.parse keeps the last, the scan cannot tell which it holds.
    expect(batchCallTexts(`{"batch":[{"c":1}],"batch":${calls}}`, 2)).toBeNull();
    expect(batchCallTexts(`{"batch":${calls}}`, 3)).toBeNull();
    expect(batchCallTexts(`[${calls}]`, 2)).toBeNull();
  });
});
