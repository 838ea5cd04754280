import { amountProblems } from './amounts.js';
import { isIsoDate, TRACKING_LIMITS, type BatchRequest } from './tracking.js';

/**
 * A fast "yes" for the common valid `POST /v1/batch` body, so that the zod schema
 * (`batchRequestSchema`), which copies every call and every free-form object key by key, only
 * runs on what this check does not vouch for. It answers true only for bodies the schema
 * accepts, and accepts them as they are: the schema's output differs from its input only in
 * key order and in dropping unknown top-level keys, which nothing reads. False means "not
 * sure", never "invalid": the caller then runs the schema, which accepts or names the error.
 *
 * It mirrors tracking.ts field by field (same limits, same date patterns, the same amount
 * check); strings are measured in UTF-16 units, which can only be stricter than the schema's
 * code points. Keep the two in step: batch-check.test.ts fails when a schema gains a field this
 * check does not know, and compares both on generated bodies.
 */
export function isSurelyValidBatch(body: unknown): body is BatchRequest {
  if (!isObject(body)) return false;
  const batch = body.batch;
  if (!Array.isArray(batch) || batch.length < 1 || batch.length > TRACKING_LIMITS.batchCalls) {
    return false;
  }
  if (!optionalDate(body.sentAt) || !optionalObject(body.context)) return false;
  if (!optionalObject(body.integrations)) return false;
  for (let i = 0; i < batch.length; i++) if (!isSurelyValidCall(batch[i])) return false;
  return true;
}

/** The keys of each call schema this check knows, for the test that keeps them in step. */
export const BATCH_CHECK_KEYS = {
  common: [
    'messageId',
    'userId',
    'anonymousId',
    'timestamp',
    'originalTimestamp',
    'sentAt',
    'context',
    'integrations',
    'type',
  ],
  track: ['event', 'properties'],
  identify: ['traits'],
  page: ['name', 'category', 'properties'],
  screen: ['name', 'category', 'properties'],
  alias: ['previousId'],
  group: ['groupId', 'traits'],
} as const;

function isSurelyValidCall(call: unknown): boolean {
  if (!isObject(call)) return false;
  const messageId = call.messageId;
  if (messageId !== undefined && !boundedString(messageId, 1, TRACKING_LIMITS.messageId)) {
    return false;
  }
  if (!optionalId(call.userId, true) || !optionalId(call.anonymousId, true)) return false;
  if (!optionalDate(call.timestamp) || !optionalDate(call.originalTimestamp)) return false;
  if (!optionalDate(call.sentAt)) return false;
  if (!optionalObject(call.context) || !optionalObject(call.integrations)) return false;
  switch (call.type) {
    case 'track': {
      const properties = call.properties;
      if (!boundedString(call.event, 1, TRACKING_LIMITS.event)) return false;
      if (properties === undefined) return true;
      return isObject(properties) && amountProblems(call.event, properties).length === 0;
    }
    case 'identify':
      return optionalObject(call.traits);
    case 'page':
    case 'screen':
      return (
        optionalName(call.name) && optionalName(call.category) && optionalObject(call.properties)
      );
    case 'alias':
      return optionalId(call.previousId, false);
    case 'group':
      return optionalId(call.groupId, false) && optionalObject(call.traits);
    default:
      return false;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const optionalObject = (v: unknown): boolean => v === undefined || isObject(v);

const boundedString = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'string' && v.length >= min && v.length <= max;

const optionalDate = (v: unknown): boolean =>
  v === undefined || (typeof v === 'string' && isIsoDate(v));

/** A page's name or category: absent, null or a string of at most 512. */
const optionalName = (v: unknown): boolean =>
  v === undefined || v === null || boundedString(v, 0, TRACKING_LIMITS.pageName);

/** A user, anonymous, previous or group id: a non-empty string or a finite number. */
function optionalId(v: unknown, nullish: boolean): boolean {
  if (typeof v === 'string') return v.length >= 1 && v.length <= TRACKING_LIMITS.id;
  if (typeof v === 'number') return Number.isFinite(v);
  return nullish && (v === undefined || v === null);
}
