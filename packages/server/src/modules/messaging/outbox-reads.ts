import {
  channels,
  messageStatuses,
  type ChannelKind,
  type MessageStatus,
  type MessageView,
} from '@comeback/contracts';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { MessageTable } from '../../platform/db/schema-messaging.js';
import { AppError } from '../../platform/errors.js';
import { olderThan, pageCursor, pageOf } from '../../platform/page-cursor.js';

/** Reading the outbox and send log: pages of messages, one with its history, lookups. */

export type MessageKind = 'marketing' | 'transactional';

export interface MessageDetail extends MessageView {
  html: string | null;
  text: string;
  history: { status: MessageStatus; at: string; detail: string | null }[];
}

export interface MessageFilter {
  profileId?: string;
  channel?: ChannelKind;
  status?: MessageStatus;
  limit: number;
  cursor?: string;
}

export const iso = (t: number) => new Date(Number(t)).toISOString();

type MessageRow = Selectable<MessageTable>;

/** The cursor is the last row's (created_at, id), encoded so callers do not build their own. */
const cursor = pageCursor(/^msg_[0-9a-f]{24}$/);

/** Stored values are ours; one outside the list is a bug (or a newer version's row). */
function narrow<const T extends string>(allowed: readonly T[], what: string, value: string): T {
  const found = allowed.find((x) => x === value);
  if (found === undefined) throw new Error(`message has an unknown ${what} ${value}`);
  return found;
}
export const narrowChannel = (value: string) => narrow(channels, 'channel', value);
export const narrowStatus = (value: string) => narrow(messageStatuses, 'status', value);
export const narrowKind = (value: string): MessageKind =>
  value === 'transactional' ? 'transactional' : 'marketing';

function messageView(r: MessageRow): MessageView {
  return {
    id: r.id,
    profileId: r.profile_id,
    channel: narrowChannel(r.channel),
    kind: narrowKind(r.kind),
    templateId: r.template_id,
    templateVersion: r.template_version === null ? null : Number(r.template_version),
    language: r.language,
    to: r.to_address,
    subject: r.subject,
    status: narrowStatus(r.status),
    attempts: Number(r.attempts),
    providerMessageId: r.provider_message_id,
    lastError: r.last_error,
    createdAt: iso(r.created_at),
    sentAt: r.sent_at === null ? null : iso(r.sent_at),
  };
}

/**
 * A workspace's messages, newest first. A cursor this outbox did not hand out ends the
 * request with validation_failed (an AppError, as routes expect).
 */
export async function listMessages(
  db: Db,
  workspaceId: string,
  filter: MessageFilter,
): Promise<{ data: MessageView[]; nextCursor: string | null }> {
  const after = filter.cursor === undefined ? undefined : cursor.decode(filter.cursor);
  if (after === null)
    throw AppError.of('validation_failed', 'cursor: must be the nextCursor of a previous page', [
      { field: 'querystring.cursor', message: 'must be the nextCursor of a previous page' },
    ]);
  const limit = Math.max(1, Math.min(500, Math.floor(filter.limit)));
  let q = db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.profileId !== undefined) q = q.where('profile_id', '=', filter.profileId);
  if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (after) q = q.where(olderThan(after));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const { shown, nextCursor } = pageOf(rows, limit, cursor);
  return {
    data: shown.map(messageView),
    nextCursor,
  };
}

export async function messageDetail(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<MessageDetail | null> {
  const row = await db
    .selectFrom('messages')
    .leftJoin('message_contents', 'message_contents.message_id', 'messages.id')
    .selectAll('messages')
    .select(['message_contents.html', 'message_contents.body_text'])
    .where('messages.workspace_id', '=', workspaceId)
    .where('messages.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const changes = await db
    .selectFrom('message_status_changes')
    .select(['status', 'at', 'detail'])
    .where('message_id', '=', id)
    .orderBy('seq')
    .execute();
  return {
    ...messageView(row),
    // Every enqueued message has its body; a row written some other way shows an empty one.
    html: row.html,
    text: row.body_text ?? '',
    history: changes.map((c) => ({
      status: narrowStatus(c.status),
      at: iso(c.at),
      detail: c.detail,
    })),
  };
}

/** Bodies are read this many ids at a time (well under SQLite's 32,766 bound parameters). */
const CONTENT_CHUNK = 500;

/**
 * The rendered bodies of `ids` (a sender's claimed batch), in one query per 500 ids; an id
 * without a body (its message was erased) is absent from the map.
 */
export async function messageContents(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, { html: string | null; text: string }>> {
  const out = new Map<string, { html: string | null; text: string }>();
  for (let i = 0; i < ids.length; i += CONTENT_CHUNK) {
    const rows = await db
      .selectFrom('message_contents')
      .select(['message_id', 'html', 'body_text'])
      .where('message_id', 'in', ids.slice(i, i + CONTENT_CHUNK))
      .execute();
    for (const r of rows) out.set(r.message_id, { html: r.html, text: r.body_text });
  }
  return out;
}

/**
 * The message a provider's id (a WhatsApp wamid, a Twilio sid) was recorded for, for status
 * webhooks that carry only that id; within `workspaceId` when given.
 */
export async function findByProvider(
  db: Db,
  providerMessageId: string,
  workspaceId?: string,
): Promise<{
  id: string;
  workspaceId: string;
  profileId: string | null;
  status: MessageStatus;
} | null> {
  if (providerMessageId === '' || providerMessageId.length > 500) return null;
  let q = db
    .selectFrom('messages')
    .select(['id', 'workspace_id', 'profile_id', 'status'])
    .where('provider_message_id', '=', providerMessageId);
  if (workspaceId !== undefined) q = q.where('workspace_id', '=', workspaceId);
  const row = await q.orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return row
    ? {
        id: row.id,
        workspaceId: row.workspace_id,
        profileId: row.profile_id,
        status: narrowStatus(row.status),
      }
    : null;
}

/** When a message was sent (null: not sent, or not this workspace's): for click timing. */
export async function sentAtOf(db: Db, workspaceId: string, id: string): Promise<number | null> {
  const row = await db
    .selectFrom('messages')
    .select('sent_at')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.sent_at === null || row?.sent_at === undefined ? null : Number(row.sent_at);
}
