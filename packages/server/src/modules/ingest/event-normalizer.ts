import { randomUUID } from 'node:crypto';
import {
  EVENT_SIZE_LIMIT_BYTES,
  MAX_JSON_DEPTH,
  callSchemas,
  callTypes,
  tooDeepPath,
  type CallType,
  type ErrorDetail,
} from '@comeback/contracts';
import { fail, ok, type Result } from '../../platform/errors.js';
import { bareRecord, setOwn } from '../../platform/safe-object.js';
import { boundedEventTime } from './event-time.js';
import { mayNeedScrubbing, scrubRecord } from './payload-scrubber.js';

/** A call ready to append: the columns the log indexes, plus the whole call as JSON. */
export interface AppendRow {
  workspaceId: string;
  messageId: string;
  type: CallType;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  timestamp: number;
  receivedAt: number;
  /**
   * The call's own time (after skew correction) was more than a day after it was received: it
   * was replaced by the receipt time (`timestamp` = `receivedAt`); the sent time stays in the
   * payload. Shown as `timeAdjusted` by the events API.
   */
  timeAdjusted?: boolean | undefined;
  payload: string;
}

export interface CallEnvelope {
  /** Batch-level `sentAt` / `context`, which apply to every call in a batch. */
  sentAt?: string | undefined;
  /** Date.parse(sentAt), when the caller parsed it once for the whole batch. */
  sentAtMs?: number | undefined;
  context?: Record<string, unknown> | undefined;
}

const stringOr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const idOf = (v: unknown): string | null =>
  typeof v === 'string' ? (v.trim() === '' ? null : v) : typeof v === 'number' ? String(v) : null;

/**
 * Turns one validated call into a row. The event time is corrected for the sender's clock skew
 * the way Segment documents it: timestamp = receivedAt - (sentAt - originalTimestamp).
 * `sentText`, when given, is the call's own JSON text as it arrived, holding exactly the call and
 * nested within MAX_JSON_DEPTH (raw-call-texts.ts): it is stored as is whenever the stored call
 * is exactly the call, which spares serializing it again and walking it for depth.
 */
export function normalizeCall(
  workspaceId: string,
  type: CallType,
  call: Record<string, unknown>,
  envelope: CallEnvelope,
  receivedAt: number,
  path: string,
  sentText?: string,
): Result<AppendRow> {
  const details: ErrorDetail[] = [];
  const userId = idOf(call.userId);
  const anonymousId = idOf(call.anonymousId);
  if (userId === null && anonymousId === null) {
    details.push({ field: `${path}userId`, message: 'userId or anonymousId is required' });
  }
  if (type === 'alias' && userId === null) {
    details.push({ field: `${path}userId`, message: 'alias needs the new userId' });
  }
  if (details.length)
    return fail('validation_failed', details[0]?.message ?? 'invalid call', details);

  const original = stringOr(call.timestamp) ?? stringOr(call.originalTimestamp);
  const ownSentAt = stringOr(call.sentAt);
  const originalMs = original === undefined ? undefined : Date.parse(original);
  const sentMs =
    ownSentAt !== undefined
      ? Date.parse(ownSentAt)
      : envelope.sentAt === undefined
        ? undefined
        : (envelope.sentAtMs ?? Date.parse(envelope.sentAt));
  const claimed =
    originalMs === undefined
      ? receivedAt
      : sentMs === undefined
        ? originalMs
        : receivedAt - (sentMs - originalMs);
  const { timestamp, adjusted } = boundedEventTime(claimed, receivedAt);

  const messageId = typeof call.messageId === 'string' ? call.messageId : `srv-${randomUUID()}`;
  // The call is stored as sent; what the server works out (corrected time, receivedAt, a
  // generated messageId) lives in columns and is laid over it when events are read back.
  let stored =
    envelope.context && call.context === undefined ? { ...call, context: envelope.context } : call;
  // The text as sent holds the same JSON as the call, nested within the bound (raw-call-texts.ts
  // gives no text otherwise). Past a third of the event limit in characters it could be longer
  // in bytes than the serialized call: the serialized call decides the size then, as always.
  const asSent =
    stored === call && sentText !== undefined && sentText.length * 3 <= EVENT_SIZE_LIMIT_BYTES
      ? sentText
      : undefined;
  // Bounded here, for tracking and imports alike, so every later reader (serializers, the
  // processor, exports) stays far from its recursion limit. A text as sent was bounded by its scan.
  const tooDeep = asSent === undefined ? depthFailure(type, call, stored, path) : null;
  if (tooDeep) return tooDeep;
  let payload = asSent ?? JSON.stringify(stored);
  // A body decoded from UTF-8 can hold a NUL or a lone surrogate only as a \u escape, just as
  // JSON.stringify writes them, so the same quick look serves the text as sent.
  if (mayNeedScrubbing(payload)) {
    stored = scrubRecord(stored);
    payload = JSON.stringify(stored);
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most events need no byte count at all.
  if (
    payload.length * 3 > EVENT_SIZE_LIMIT_BYTES &&
    Buffer.byteLength(payload) > EVENT_SIZE_LIMIT_BYTES
  ) {
    return fail(
      'payload_too_large',
      `an event is limited to 32 KB (${EVENT_SIZE_LIMIT_BYTES} bytes)`,
      [
        {
          field: path === '' ? 'body' : path.replace(/\.$/, ''),
          message: 'over the 32 KB event limit',
        },
      ],
    );
  }
  return ok({
    workspaceId,
    messageId: stringOr(stored.messageId) ?? messageId,
    type,
    event: stringOr(stored.event) ?? null,
    userId: idOf(stored.userId),
    anonymousId: idOf(stored.anonymousId),
    timestamp,
    receivedAt,
    ...(adjusted ? { timeAdjusted: true } : {}),
    payload,
  });
}

/** The refusal of a call with a value nested deeper than MAX_JSON_DEPTH, or null. */
function depthFailure(
  type: CallType,
  call: Record<string, unknown>,
  stored: Record<string, unknown>,
  path: string,
): Result<never> | null {
  for (const key in stored) {
    if (tooDeepPath(stored[key]) === null) continue;
    const [at, deep] = firstTooDeep(type, call, stored) ?? [key, ''];
    const field = `${path}${at}`;
    const message = `nested deeper than ${MAX_JSON_DEPTH} levels (at ${at}.${deep})`;
    return fail('validation_failed', `${field}: ${message}`, [{ field, message }]);
  }
  return null;
}

/** Each call type's keys in its schema's order: the order of the keys of zod's parsed copy. */
const SCHEMA_KEYS = new Map(callTypes.map((t) => [t, Object.keys(callSchemas[t].shape)] as const));

/**
 * The first key of the stored call whose value nests too deep, and where, taking the keys in the
 * order zod's copy of the call has them (the schema's keys first) and a context merged from the
 * batch last. A call the batch fast check passed on is in the order it was sent instead: the
 * error then names the same field as for the copy when several nest too deep.
 */
function firstTooDeep(
  type: CallType,
  call: Record<string, unknown>,
  stored: Record<string, unknown>,
): [string, string] | null {
  // Built like zod builds it, so that JavaScript's own key order (integer-like keys first)
  // applies to it as to the copy.
  const inSchemaOrder = bareRecord();
  const schemaKeys = SCHEMA_KEYS.get(type) ?? [];
  for (const k of schemaKeys) if (Object.hasOwn(call, k)) setOwn(inSchemaOrder, k, true);
  for (const k of Object.keys(call)) setOwn(inSchemaOrder, k, true);
  const keys = Object.keys(inSchemaOrder);
  if (stored !== call && !Object.hasOwn(call, 'context')) keys.push('context');
  for (const key of keys) {
    const deep = tooDeepPath(stored[key]);
    if (deep !== null) return [key, deep];
  }
  return null;
}
