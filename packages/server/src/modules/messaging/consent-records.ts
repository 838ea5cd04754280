/**
 * Reading and writing consent records: the proof kept with each change, stored text made safe
 * for PostgreSQL, a stored row turned back into the API's `ConsentState`, and the lock every
 * writer of `consent_changes` takes.
 */
import {
  consentChannels,
  consentStatuses,
  type ConsentState,
  type consentProofSchema,
} from '@comeback/contracts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database, Trx } from '../../platform/db/database.js';
import { isRecord, oneOf, readJsonObject } from '../../platform/json.js';

export type ConsentProof = z.infer<typeof consentProofSchema>;

/** Stored times are epoch milliseconds; the API shows ISO 8601. */
export const iso = (ms: number) => new Date(ms).toISOString();
// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL cannot store
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Provider texts (an SMTP reply) are stored as given, minus what PostgreSQL cannot hold. */
export const storable = (text: string, max: number) =>
  text.replace(UNSTORABLE, '\ufffd').slice(0, max);

/** A stored consent row as the API shows it; null for a channel or status no longer known. */
export function stateOf(
  channel: string,
  status: string,
  source: string,
  proof: unknown,
  at: number,
): ConsentState | null {
  const c = oneOf(consentChannels, channel);
  const s = oneOf(consentStatuses, status);
  if (c === undefined || s === undefined) return null;
  return { channel: c, status: s, source, updatedAt: iso(at), proof: proofOf(proof) };
}

/** Only the proof's known text fields, read from a stored column or a caller's object. */
export function proofOf(value: unknown): ConsentProof | null {
  const raw = typeof value === 'string' || value === null ? readJsonObject(value) : value;
  if (!isRecord(raw)) return null;
  const proof: ConsentProof = {};
  const field = (key: 'ip' | 'userAgent' | 'form' | 'text', max: number) => {
    const v = Object.hasOwn(raw, key) ? raw[key] : undefined;
    if (typeof v === 'string') proof[key] = storable(v, max);
  };
  field('ip', 100);
  field('userAgent', 1000);
  field('form', 500);
  field('text', 5000);
  return Object.keys(proof).length ? proof : null;
}

/**
 * Arbitrary but fixed: the advisory lock that orders consent writes on PostgreSQL, so that
 * `consent_changes` rows become visible in `seq` order (live segments follow them by `seq`).
 * Every transaction that appends to `consent_changes` takes it first (SQLite has one writer).
 */
const CONSENT_WRITE_LOCK = 7_301_019;

export async function lockConsentWrites(trx: Trx, dialect: Database['dialect']): Promise<void> {
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(${CONSENT_WRITE_LOCK})`.execute(trx);
}
