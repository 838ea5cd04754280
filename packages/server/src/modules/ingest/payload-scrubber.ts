import { isRecord } from '../../platform/json.js';
import { setOwn } from '../../platform/safe-object.js';

/**
 * Characters PostgreSQL cannot store (NUL, lone UTF-16 surrogates) are replaced by U+FFFD so an
 * event behaves the same on both engines, and one odd string never costs the rest of a batch.
 * JSON.stringify escapes exactly these characters, so a quick look at the serialized payload
 * tells whether the slow, rebuilding pass is needed at all.
 */
const ESCAPED_SUSPECTS = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const BAD_CHARS = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function mayNeedScrubbing(serialized: string): boolean {
  // indexOf is far cheaper than the regex, and almost no event contains any \u escape.
  return serialized.includes('\\u') && ESCAPED_SUSPECTS.test(serialized);
}

export function scrubRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // setOwn: a key `__proto__` (JSON.parse makes it an own key) must stay a key, not a prototype.
  for (const [k, v] of Object.entries(record)) setOwn(out, scrubString(k), scrubValue(v));
  return out;
}

const scrubString = (s: string) => s.replace(BAD_CHARS, '\uFFFD');

function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (Array.isArray(value)) return value.map(scrubValue);
  return isRecord(value) ? scrubRecord(value) : value;
}
