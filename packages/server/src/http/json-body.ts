import type { FastifyBodyParser } from 'fastify';
import { protoKeyPath } from '../platform/safe-object.js';

type Parser = FastifyBodyParser<string>;

/**
 * The text each parsed JSON body object was parsed from. Tracking stores each call of a batch
 * as the slice of this text that holds it, instead of serializing the parsed call again (see
 * modules/ingest/raw-call-texts.ts). Keyed by the parsed object, so the text lives exactly as
 * long as the body does, and a body replaced by a validator's copy simply has no text.
 */
const rawTexts = new WeakMap<object, string>();

/** The JSON text `body` was parsed from, when it is a parsed request body (not a copy of one). */
export function rawJsonOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null ? rawTexts.get(body) : undefined;
}

/**
 * Fastify's JSON parser (which refuses a `__proto__` key, the start of a prototype pollution),
 * with the refusal explained: its own error says only "Body is not valid JSON", which sends a
 * sender looking for a syntax error that is not there. The key's path is named instead.
 */
export function jsonBodyParser(defaultParser: Parser): Parser {
  return (request, body, done) => {
    defaultParser(request, body, (error, value) => {
      if (!error && typeof value === 'object' && value !== null) rawTexts.set(value, body);
      const path = error && body.includes('__proto__') ? forbiddenKeyOf(body) : null;
      if (path === null) return done(error, value);
      const refusal = Object.assign(
        new Error(`${path}: a key named __proto__ is not accepted; rename the field`),
        { statusCode: 400 },
      );
      done(refusal, undefined);
    });
  };
}

/** The path of a `__proto__` key in valid JSON (JSON.parse keeps it as a plain key), or null. */
function forbiddenKeyOf(text: string): string | null {
  try {
    return protoKeyPath(JSON.parse(text));
  } catch {
    return null; // not JSON at all: the parser's own message is the right one
  }
}
