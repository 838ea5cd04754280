import { readJsonObject } from '../../platform/json.js';

/**
 * An event as users see it: the call as it was sent, with what the server worked out laid over
 * it - the skew-corrected `timestamp` (the sent one kept as `originalTimestamp`), `receivedAt`,
 * the `messageId` and `type` it was stored under, and `timeAdjusted: true` when the sent time
 * was too far ahead and the receipt time was recorded instead.
 */
export function presentEvent(row: {
  message_id: string;
  type: string;
  timestamp: number;
  received_at: number;
  payload: unknown;
  time_adjusted?: number | null;
}): Record<string, unknown> {
  const sent = readJsonObject(row.payload);
  const view: Record<string, unknown> = {
    ...sent,
    type: row.type,
    messageId: row.message_id,
    timestamp: new Date(row.timestamp).toISOString(),
    receivedAt: new Date(row.received_at).toISOString(),
  };
  const original = sent.timestamp ?? sent.originalTimestamp;
  if (original !== undefined) view.originalTimestamp = original;
  // The sent time was more than a day after receipt: recorded at receipt (ingest/event-time.ts).
  if (row.time_adjusted === 1) view.timeAdjusted = true;
  return view;
}
