import type { Generated } from 'kysely';

/** Messaging tables (migration 019; in the main file on SQLite: first-hand data). */

export interface MessageTemplateTable {
  id: string;
  workspace_id: string;
  name: string;
  channel: string;
  /** The latest saved version. */
  version: number;
  created_at: number;
  updated_at: number;
}
/** A saved version: `definition` is the TemplateDefinition (contracts) as JSON. */
export interface MessageTemplateVersionTable {
  template_id: string;
  version: number;
  definition: string;
  created_at: number;
}
export interface ConsentTable {
  workspace_id: string;
  profile_id: string;
  channel: string;
  status: string;
  source: string;
  proof: string | null;
  updated_at: number;
}
export interface ConsentChangeTable {
  seq: Generated<number>;
  workspace_id: string;
  profile_id: string;
  channel: string;
  status: string;
  source: string;
  proof: string | null;
  at: number;
}
export interface SuppressionTable {
  workspace_id: string;
  channel: string;
  /** Normalised: email lower-cased, phone in E.164. */
  address: string;
  reason: string;
  detail: string | null;
  created_at: number;
}
/** The outbox and the send log: one row per message, from queued to its last status. */
export interface MessageTable {
  id: string;
  workspace_id: string;
  profile_id: string | null;
  channel: string;
  kind: string;
  template_id: string | null;
  template_version: number | null;
  language: string | null;
  /** Unique per workspace: whatever decided to send derives it, so deciding twice sends once. */
  dedupe_key: string;
  to_address: string;
  subject: string | null;
  /** Channel-specific parts (headers, WhatsApp template parameters, push data) as JSON. */
  extra: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  locked_by: string | null;
  locked_until: number | null;
  provider_message_id: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}
/**
 * A message's rendered body (migration 031), written once at enqueue: apart from the message
 * row, so its status moves do not rewrite the body's pages.
 */
export interface MessageContentTable {
  message_id: string;
  html: string | null;
  body_text: string;
}
export interface MessageStatusChangeTable {
  seq: Generated<number>;
  message_id: string;
  status: string;
  at: number;
  detail: string | null;
}

/** When a person last wrote to us on a channel (WhatsApp's 24-hour window). */
export interface ConversationWindowTable {
  workspace_id: string;
  channel: string;
  address: string;
  last_inbound_at: number;
}
export interface PushSubscriptionTable {
  id: string;
  workspace_id: string;
  profile_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  user_agent: string | null;
  created_at: number;
  last_sent_at: number | null;
}
export interface InboxMessageTable {
  /** The outbox message's id. */
  id: string;
  workspace_id: string;
  profile_id: string;
  title: string | null;
  body: string;
  url: string | null;
  data: string | null;
  created_at: number;
  read_at: number | null;
  archived_at: number | null;
}
export interface WebhookSubscriptionTable {
  id: string;
  workspace_id: string;
  url: string;
  description: string | null;
  /** JSON array of event types (`Order Completed`, `Segment Entered`, `*`). */
  event_types: string;
  /** Signing secret, sealed with the instance secret (SecretBox). */
  secret: string;
  created_at: number;
  disabled_at: number | null;
}
/** One POST owed to a subscriber (or a webhook-channel message), with its retries. */
export interface OutgoingDeliveryTable {
  id: string;
  workspace_id: string;
  subscription_id: string | null;
  /** Whom the event is about (erasure removes the person's deliveries). */
  profile_id: string | null;
  /** Unique per workspace: `<subscription>:<event messageId>`, so an event is delivered once. */
  event_key: string;
  event_type: string;
  url: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}
/** A workspace's own account at a provider (migration 029); written by owners, never read back. */
export interface ProviderCredentialTable {
  workspace_id: string;
  /** `smtp`, `twilio` or `whatsapp`. */
  provider: string;
  /** The credentials as JSON, sealed with the instance secret (SecretBox). */
  sealed: string;
  updated_at: number;
}
