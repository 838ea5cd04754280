import { MAX_JSON_DEPTH } from '@comeback/contracts';

/**
 * The text of each call of a `/v1/batch` body, cut out of the request body as sent, so that a
 * call can be stored without serializing its parsed object again (JSON.stringify was a fifth of
 * the ingest thread's CPU). The body has already been parsed and validated, so the text is
 * valid JSON: the scan only has to follow strings (an escaped quote does not end one, a bracket
 * inside one does not count) and bracket depth. It loops, never recurses.
 *
 * A call's text stands for exactly what JSON.stringify of its parsed object would store, key
 * order and whitespace aside, except for numbers: `1e400` parses to Infinity, which
 * JSON.stringify writes as null, and `-0` is written as 0. A call with any number written with
 * an exponent, as -0 or with over 300 characters gets no text (undefined) and is serialized as
 * before. Duplicate keys need no care: JSON.parse, PostgreSQL's jsonb and every reader here
 * keep the last one, as the parsed call did.
 *
 * The scan also sees how deep each call nests, which spares the normalizer its walk of the
 * parsed call: a call with a value nested deeper than MAX_JSON_DEPTH gets no text either, so
 * a call that has one is within the bound (the normalizer checks the others, and names the
 * field of one that is not).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;

/** Past this many characters a number could overflow to Infinity even without an exponent. */
const LONGEST_PLAIN_NUMBER = 300;
/**
 * The deepest bracket a call's text may open: the body is depth 1, the batch 2, the call 3, and
 * a value of the call is level 1 of tooDeepPath's count at depth 4.
 */
const DEEPEST = 3 + MAX_JSON_DEPTH;

/**
 * One entry per call of the body's `batch` array, in order: the call's JSON text, or undefined
 * where it must be serialized instead (see above). Null when the text does not have the shape
 * the parsed body has: not one top-level `batch` key, or not `count` objects in it.
 */
export function batchCallTexts(text: string, count: number): (string | undefined)[] | null {
  const texts: (string | undefined)[] = [];
  const n = text.length;
  let depth = 0;
  let batchKeys = 0;
  let expectKey = false; // at depth 1, right after `{` or `,`: the next string is a key
  let keyIsBatch = false; // the last top-level key read was `batch`
  let inBatch = false; // inside the top-level batch array
  let callStart = -1;
  let usable = true; // the call's numbers are plain, and it nests within the bound
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end < 0) return null;
      if (depth === 1 && expectKey) {
        keyIsBatch = isBatchKey(text, i, end);
        if (keyIsBatch) batchKeys++;
        expectKey = false;
      }
      i = end;
    } else if (c <= DIGIT_9) {
      if (c >= DIGIT_0 || c === MINUS) {
        const end = numberEnd(text, i);
        if (callStart >= 0 && !isPlainNumber(text, i, end)) usable = false;
        i = end - 1;
      } else if (c === COMMA && depth === 1) {
        expectKey = true;
        keyIsBatch = false;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth === 1) expectKey = c === OPEN_BRACE;
      else if (depth === 2 && keyIsBatch && c === OPEN_BRACKET) inBatch = true;
      else if (depth === 3 && inBatch && c === OPEN_BRACE) {
        callStart = i;
        usable = true;
      } else if (depth > DEEPEST) usable = false;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 3 && callStart >= 0 && c === CLOSE_BRACE) {
        texts.push(usable ? text.slice(callStart, i + 1) : undefined);
        callStart = -1;
      } else if (depth === 2 && inBatch) {
        inBatch = false;
      }
      depth--;
    }
  }
  return batchKeys === 1 && texts.length === count ? texts : null;
}

/**
 * The index of the quote closing the string opened at `open`, or -1. indexOf rather than a
 * character loop: most of a body is strings, and it skips them several times faster.
 */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end > 0 && text.charCodeAt(end - 1) === BACKSLASH) {
    // Escaped only when an odd number of backslashes stands before it (`\\"` ends the string).
    let backslashes = 1;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  return end;
}

/** Whether the string at [open, close] is the key `batch`, however it is escaped. */
function isBatchKey(text: string, open: number, close: number): boolean {
  const length = close - open + 1;
  if (length === 7) return text.startsWith('"batch"', open);
  if (length < 7) return false;
  const key = text.slice(open, close + 1);
  // Longer than `"batch"` it can only be `batch` with escapes (`"b\u0061tch"`).
  return key.includes('\\') && JSON.parse(key) === 'batch';
}

/** The index just past the number starting at `start`: digits, `.`, `e`/`E`, `+` and `-`. */
function numberEnd(text: string, start: number): number {
  let i = start + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= DIGIT_0 && c <= DIGIT_9) continue;
    if (c !== DOT && (c | 0x20) !== LOWER_E && c !== PLUS && c !== MINUS) break;
  }
  return i;
}

/** Whether JSON.stringify would write the number at [start, end) as the same value. */
function isPlainNumber(text: string, start: number, end: number): boolean {
  if (end - start > LONGEST_PLAIN_NUMBER) return false;
  for (let i = start + 1; i < end; i++) if ((text.charCodeAt(i) | 0x20) === LOWER_E) return false;
  return text.charCodeAt(start) !== MINUS || Number(text.slice(start, end)) !== 0;
}
