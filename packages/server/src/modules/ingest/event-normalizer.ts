import { randomUUID } from 'node:crypto';
import {
  EVENT_SIZE_LIMIT_BYTES,
  MAX_JSON_DEPTH,
  tooDeepPath,
  type CallType,
  type ErrorDetail,
} from '@comeback/contracts';
import { fail, ok, type Result } from '../../platform/errors.js';
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
  context?: Record<string, unknown> | undefined;
}

const stringOr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const idOf = (v: unknown): string | null =>
  typeof v === 'string' ? (v.trim() === '' ? null : v) : typeof v === 'number' ? String(v) : null;

/**
 * Turns one validated call into a row. The event time is corrected for the sender's clock skew
 * the way Segment documents it: timestamp = receivedAt - (sentAt - originalTimestamp).
 */
export function normalizeCall(
  workspaceId: string,
  type: CallType,
  call: Record<string, unknown>,
  envelope: CallEnvelope,
  receivedAt: number,
  path: string,
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
  const sentAt = stringOr(call.sentAt) ?? envelope.sentAt;
  const originalMs = original === undefined ? undefined : Date.parse(original);
  const sentMs = sentAt === undefined ? undefined : Date.parse(sentAt);
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
  // Bounded here, for tracking and imports alike, so every later reader (serializers, the
  // processor, exports) stays far from its recursion limit.
  for (const [key, value] of Object.entries(stored)) {
    const deep = tooDeepPath(value);
    if (deep === null) continue;
    const field = `${path}${key}`;
    const message = `nested deeper than ${MAX_JSON_DEPTH} levels (at ${key}.${deep})`;
    return fail('validation_failed', `${field}: ${message}`, [{ field, message }]);
  }
  let payload = JSON.stringify(stored);
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
