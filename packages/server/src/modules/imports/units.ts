import { createHash } from 'node:crypto';
import type { ProductInput } from '@comeback/contracts';
import { setOwn } from '../../platform/safe-object.js';
import type { AppendRow, ServerCall } from '../ingest/index.js';
import { normalizeEmail, normalizePhone } from '../profiles/index.js';
import type { RejectedRow } from './rejected-file.js';
import type { Fields } from './row-mapper.js';

/** A mapped row with where it came from (for the rejected-rows file). */
export interface MappedRow {
  line: number;
  fields: Fields;
  cells?: string[] | undefined;
  record?: Record<string, unknown> | undefined;
}

/**
 * What a run of rows becomes: an order (its lines), a refund, a customer, a product (its
 * variants) or an event. It is committed whole, in one chunk, never split across two, and its
 * rows are counted together (imported, updated or unchanged).
 */
export interface Unit {
  /**
   * The record's identity in the import ledger (`order:1001`, `customer:c:17850`), which tells
   * an updated record from a new one; null for events, which are immutable.
   */
  key: string | null;
  /** Hash of the content: a changed record gets a new digest (and new message ids). */
  digest: string;
  lastLine: number;
  rows: number;
  /** Calls the server makes for the store (orders, refunds, customers). */
  calls: ServerCall[];
  /** Segment calls of the events kind, already validated and normalized. */
  events?: AppendRow[];
  product?: ProductInput;
}

/** Where builders put what they make. */
export interface UnitSink {
  unit(unit: Unit): void;
  reject(row: RejectedRow): void;
  /** A note about rows that did land, e.g. an order continued far from its first rows. */
  note(line: number, message: string): void;
}

export const digestOf = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 40);

/**
 * Deterministic message ids: the same record with the same content always gets the same id, so
 * importing a file twice appends nothing the second time (the log's unique key drops it).
 */
export const messageIdOf = (tag: string, digest: string) => `imp-${tag}-${digest}`;

export const str = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v === ''
      ? undefined
      : v
    : typeof v === 'number'
      ? String(v)
      : undefined;
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** `traits.tier` -> `tier` (one level; a dotted rest stays one key). */
export function under(fields: Fields, prefix: string): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(fields)) {
    // setOwn: the rest of a column name is user input, `__proto__` included.
    if (k.startsWith(prefix)) setOwn((out ??= {}), k.slice(prefix.length), v);
  }
  return out;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

export type Identity = { customer_id?: string; email?: string; phone?: string };

/**
 * The person a customer or order row names, each identifier checked as the profiles will read it: a row
 * whose e-mail is not an address would otherwise be counted as imported and then dropped by the
 * processor, which finds no identifier in it. Values are kept as written (they are part of
 * the order's digest, hence of its message ids); the profiles normalise them.
 */
export function identityOf(f: Record<string, unknown>): Identity | string {
  const identity: Identity = {};
  const customerId = str(f.customer_id);
  const email = str(f.email);
  const phone = str(f.phone);
  if (customerId !== undefined && customerId.trim() !== '') identity.customer_id = customerId;
  if (email !== undefined) {
    if (normalizeEmail(email) === null) {
      return `email ${JSON.stringify(email)} is not an e-mail address`;
    }
    identity.email = email;
  }
  if (phone !== undefined) {
    if (normalizePhone(phone) === null) {
      return `phone ${JSON.stringify(phone)} is not a phone number (at least 6 digits)`;
    }
    identity.phone = phone;
  }
  return identity;
}

export function rejectedOf(row: MappedRow, reason: string): RejectedRow {
  return { line: row.line, reason, cells: row.cells, record: row.record };
}
