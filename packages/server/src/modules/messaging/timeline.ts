/**
 * How messaging puts what people do with messages into their timeline (`Email Opened`,
 * `Email Link Clicked`, `Unsubscribed`, `SMS Delivered`, `WhatsApp Message Received`...): as
 * events in the log, like any other, so segments and journey splits read them. Messaging sits
 * below ingest, so it is handed this function (server.ts appends through the ingest queue)
 * rather than importing ingest.
 */
export interface TimelineEvent {
  workspaceId: string;
  /** The profile the event is about, when known. */
  profileId?: string | null;
  /** Or who it is about by address (`email`, `phone`), when no profile id is known. */
  identity?: { email?: string; phone?: string };
  event: string;
  properties: Record<string, unknown>;
  /** Deterministic, so a repeated webhook or a retried request records the event once. */
  messageId: string;
  at: number;
}

export type TimelineRecorder = (event: TimelineEvent) => Promise<void>;
