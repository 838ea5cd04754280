import type { AppendQueue } from './modules/ingest/index.js';
import { serverCallRow } from './modules/ingest/index.js';
import type { TimelineRecorder } from './modules/messaging/index.js';
import type { ProfileQueries } from './modules/profiles/index.js';

/**
 * Messaging's timeline events (`Unsubscribed`, `Email Opened`, `SMS Delivered`...) become
 * events in the log like any other, so segments and journey splits read them: a server call
 * naming the person by the identifiers the processor resolves (email, phone, store customer
 * id). Part of the composition root: messaging sits below ingest and cannot import it.
 */
export function timelineRecorder(
  profiles: ProfileQueries,
  appendQueue: AppendQueue,
): TimelineRecorder {
  return async (event) => {
    let identity: Record<string, string> = { ...(event.identity ?? {}) };
    if (event.profileId) {
      const profile = await profiles.get(event.workspaceId, event.profileId);
      if (profile.ok)
        identity = Object.fromEntries(
          profile.value.identifiers
            .filter((i) => i.kind === 'email' || i.kind === 'phone' || i.kind === 'customer_id')
            .map((i) => [i.kind, i.value]),
        );
    }
    // A person known by no identifier the processor resolves (an anonymous push subscriber)
    // cannot be placed in a timeline; the message's own status history still has it.
    if (Object.keys(identity).length === 0) return;
    const row = serverCallRow(
      event.workspaceId,
      {
        type: 'track',
        event: event.event,
        messageId: event.messageId,
        timestamp: event.at,
        identity,
        properties: event.properties,
      },
      { kind: 'messaging' },
      event.at,
    );
    await appendQueue.append([row]);
  };
}
