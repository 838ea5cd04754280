/**
 * Narrowing of untyped data (parsed JSON, stored JSON columns) by checking, not asserting.
 * JSON columns come back as text from SQLite and already parsed from PostgreSQL.
 */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

function parsed(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/** A stored JSON object column; anything else reads as an empty object. */
export function readJsonObject(value: unknown): JsonObject {
  return value === null || value === undefined ? {} : asRecord(parsed(value));
}

/** A stored JSON array of strings; non-strings are dropped. */
export function readStringArray(value: unknown): string[] {
  const v = value === null || value === undefined ? [] : parsed(value);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function oneOf<const T extends string>(allowed: readonly T[], value: string): T | undefined {
  return allowed.find((a) => a === value);
}
