import type { AppendRow } from './event-normalizer.js';
import { boundedEventTime } from './event-time.js';
import { mayNeedScrubbing, scrubRecord } from './payload-scrubber.js';

/**
 * A call the server itself makes on a store's behalf (a webhook, an import): identity goes in
 * `context.traits`, where the processor reads email, phone and customer_id from; the source is
 * named in `context.source` so a journey can tell a storefront event from a back-office one.
 */
export interface ServerCall {
  type: 'identify' | 'track';
  event?: string | undefined;
  messageId: string;
  timestamp: number;
  identity: Record<string, string | null | undefined>;
  traits?: Record<string, unknown> | undefined;
  properties?: Record<string, unknown> | undefined;
}

export function serverCallRow(
  workspaceId: string,
  call: ServerCall,
  source: Record<string, unknown>,
  receivedAt: number,
): AppendRow {
  const identity = Object.fromEntries(
    Object.entries(call.identity).filter(([, v]) => typeof v === 'string' && v !== ''),
  );
  let payload: Record<string, unknown> = {
    type: call.type,
    messageId: call.messageId,
    timestamp: new Date(call.timestamp).toISOString(),
    context: { traits: identity, source },
  };
  if (call.type === 'track') {
    payload.event = call.event;
    payload.properties = call.properties ?? {};
  } else payload.traits = { ...(call.traits ?? {}), ...identity };
  let text = JSON.stringify(payload);
  // A store's data may hold characters PostgreSQL cannot store: replaced as for tracking calls.
  if (mayNeedScrubbing(text)) {
    payload = scrubRecord(payload);
    text = JSON.stringify(payload);
  }
  // A store's clock or data can be as wrong as a browser's: the same bound as tracking calls.
  const { timestamp, adjusted } = boundedEventTime(call.timestamp, receivedAt);
  return {
    workspaceId,
    messageId: typeof payload.messageId === 'string' ? payload.messageId : call.messageId,
    type: call.type,
    event: call.type === 'track' && typeof payload.event === 'string' ? payload.event : null,
    userId: null,
    anonymousId: null,
    timestamp,
    receivedAt,
    ...(adjusted ? { timeAdjusted: true } : {}),
    payload: text,
  };
}
