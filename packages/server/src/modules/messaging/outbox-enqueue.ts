import type { Insertable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { MessageTable } from '../../platform/db/schema-messaging.js';
import type { NewMessage } from './outbox.js';

/** A dedupe key is 1 to 500 characters: anything else is a caller's bug. */
export function checkDedupeKey(m: NewMessage): void {
  if (m.dedupeKey.length === 0 || m.dedupeKey.length > 500)
    throw new Error('a message needs a dedupe key of 1 to 500 characters');
}

/** The `messages` row of a message queued now, with the id it goes under. */
export function queuedRow(m: NewMessage, id: string, now: number): Insertable<MessageTable> {
  return {
    id,
    workspace_id: m.workspaceId,
    profile_id: m.profileId,
    channel: m.channel,
    kind: m.kind,
    template_id: m.templateId,
    template_version: m.templateVersion,
    language: m.language,
    dedupe_key: m.dedupeKey,
    to_address: m.to,
    subject: m.subject,
    extra: m.extra === undefined ? null : JSON.stringify(m.extra),
    status: 'queued',
    attempts: 0,
    next_attempt_at: m.sendAt ?? now,
    created_at: now,
    updated_at: now,
  };
}

/** Messages per statement: 17 columns each, well within both engines' bound parameters. */
const MESSAGES_PER_STATEMENT = 100;

/**
 * Queues `messages` inside the caller's transaction as `Outbox.enqueue` queues each (once per
 * workspace and dedupe key; a message already queued under its key is left as it is), with one
 * statement per table for up to 100 messages instead of three per message: a journey pass
 * queues its whole batch's messages so. Returns the ids queued now.
 */
export async function insertQueued(
  trx: Trx,
  messages: readonly (NewMessage & { id: string })[],
  now: number,
): Promise<string[]> {
  const queued: string[] = [];
  for (let i = 0; i < messages.length; i += MESSAGES_PER_STATEMENT) {
    const part = messages.slice(i, i + MESSAGES_PER_STATEMENT);
    for (const m of part) checkDedupeKey(m);
    const inserted = await trx
      .insertInto('messages')
      .values(part.map((m) => queuedRow(m, m.id, now)))
      .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
      .returning('id')
      .execute();
    const created = new Set(inserted.map((r) => r.id));
    const fresh = part.filter((m) => created.has(m.id));
    if (fresh.length === 0) continue;
    await trx
      .insertInto('message_contents')
      .values(fresh.map((m) => ({ message_id: m.id, html: m.html, body_text: m.text })))
      .execute();
    await trx
      .insertInto('message_status_changes')
      .values(fresh.map((m) => ({ message_id: m.id, status: 'queued', at: now, detail: null })))
      .execute();
    queued.push(...fresh.map((m) => m.id));
  }
  return queued;
}
