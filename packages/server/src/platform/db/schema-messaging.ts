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
  html: string | null;
  body_text: string;
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
export interface MessageStatusChangeTable {
  seq: Generated<number>;
  message_id: string;
  status: string;
  at: number;
  detail: string | null;
}
