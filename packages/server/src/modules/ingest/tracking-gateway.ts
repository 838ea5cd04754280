import type { CallType, ErrorDetail } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { asRecord, isRecord } from '../../platform/json.js';
import { coerceTraits, type CustomFieldRegistry } from '../profiles/index.js';
import type { AppendQueue } from './append-queue.js';
import { normalizeCall, type AppendRow, type CallEnvelope } from './event-normalizer.js';

export interface IncomingCall {
  type: CallType;
  call: Record<string, unknown>;
  /** The call's JSON text as sent, when known: stored as is unless the call must change. */
  text?: string | undefined;
}

/**
 * The tracking edge: a request's calls are checked as a whole (one bad call rejects the request
 * and nothing of it is stored), declared traits are coerced, then all rows are appended together
 * and the promise settles after the commit.
 */
export class TrackingGateway {
  constructor(
    private readonly queue: AppendQueue,
    private readonly fields: CustomFieldRegistry,
    private readonly clock: Clock,
  ) {}

  async accept(
    workspaceId: string,
    calls: IncomingCall[],
    envelope: CallEnvelope,
    batchPath: boolean,
  ): Promise<Result<number>> {
    const receivedAt = this.clock.now();
    const fields = await this.fields.fieldsOf(workspaceId);
    // The batch's sentAt is parsed once, not once per call.
    let shared: CallEnvelope =
      envelope.sentAt === undefined
        ? envelope
        : { ...envelope, sentAtMs: Date.parse(envelope.sentAt) };
    if (fields.size && isRecord(envelope.context)) {
      // Batch-level context applies to every call, so its traits are checked like theirs.
      const coerced = this.#coerce(fields, { context: envelope.context }, '');
      if (!coerced.ok) return coerced;
      shared = { ...shared, context: asRecord(coerced.value.context) };
    }
    const rows: AppendRow[] = [];
    const details: ErrorDetail[] = [];
    let tooLarge: ErrorDetail | undefined;
    for (const [i, { type, call, text }] of calls.entries()) {
      const path = batchPath ? `batch.${i}.` : '';
      let body = call;
      if (fields.size && (type === 'identify' || call.context !== undefined)) {
        const coerced = this.#coerce(fields, call, path, type === 'identify');
        if (!coerced.ok) {
          details.push(...coerced.error.details);
          continue;
        }
        body = coerced.value;
      }
      // Coerced traits change the call: its text as sent no longer stands for it.
      const sent = body === call ? text : undefined;
      const row = normalizeCall(workspaceId, type, body, shared, receivedAt, path, sent);
      if (row.ok) rows.push(row.value);
      else {
        if (row.error.code === 'payload_too_large') tooLarge ??= row.error.details[0];
        details.push(...row.error.details);
      }
    }
    const first = details[0];
    if (first) {
      return tooLarge
        ? fail('payload_too_large', `${tooLarge.field}: an event is limited to 32 KB`, details)
        : fail('validation_failed', `${first.field}: ${first.message}`, details);
    }
    await this.queue.append(rows);
    return ok(rows.length);
  }

  #coerce(
    fields: Parameters<typeof coerceTraits>[0],
    call: Record<string, unknown>,
    path: string,
    ownTraitsAreProfileTraits = false,
  ): Result<Record<string, unknown>> {
    let out = call;
    // Only identify's traits describe the person; a group call's traits describe the group.
    if (ownTraitsAreProfileTraits && isRecord(call.traits)) {
      const t = coerceTraits(fields, call.traits, `${path}traits`);
      if (!t.ok) return t;
      out = { ...out, traits: t.value };
    }
    const context = call.context;
    if (isRecord(context) && isRecord(context.traits)) {
      const t = coerceTraits(fields, context.traits, `${path}context.traits`);
      if (!t.ok) return t;
      out = { ...out, context: { ...context, traits: t.value } };
    }
    return ok(out);
  }
}
