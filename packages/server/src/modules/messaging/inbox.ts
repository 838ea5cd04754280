import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import type { InboxMessageTable } from '../../platform/db/schema-messaging.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';

/** One message of a person's in-app inbox, as the storefront shows it. */
export interface InboxItem {
  id: string;
  title: string | null;
  body: string;
  /** Where a tap leads (an http(s) URL), or null. */
  url: string | null;
  createdAt: string;
  readAt: string | null;
  archivedAt: string | null;
}

export interface InboxPage {
  data: InboxItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface InboxListOptions {
  limit?: number;
  cursor?: string;
  includeArchived?: boolean;
}

export const INBOX_PAGE_MAX = 100;
const INBOX_PAGE_DEFAULT = 20;
const MAX_URL_LENGTH = 2000;

/**
 * A tap target only when it is an absolute http(s) URL: a storefront renders it as a link, so a
 * `javascript:` URL built from a trait must never reach it.
 */
export function safeTapUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function itemOf(row: InboxMessageTable): InboxItem {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    url: row.url,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    readAt: iso(row.read_at),
    archivedAt: iso(row.archived_at),
  };
}

/** Opaque to callers: the sort key of the last item of a page. */
function encodeCursor(row: InboxMessageTable): string {
  return Buffer.from(JSON.stringify([Number(row.created_at), row.id]), 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  if (cursor.length > 600 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [createdAt, id]: unknown[] = parsed;
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt)) return null;
  if (typeof id !== 'string' || id.length > 200) return null;
  return { createdAt, id };
}

/**
 * The in-app inbox a storefront reads with a client token. Every call names the workspace and
 * profile of the token, and every query is scoped to both: an id of someone else's message
 * answers `not_found`, never their content.
 */
export class Inbox {
  readonly #database: Database;
  readonly #clock: Clock;

  constructor(database: Database, clock: Clock) {
    this.#database = database;
    this.#clock = clock;
  }

  /** Newest first; archived messages only with `includeArchived`. */
  async list(
    workspaceId: string,
    profileId: string,
    options: InboxListOptions = {},
  ): Promise<Result<InboxPage>> {
    const limit = Math.min(
      Math.max(Math.trunc(options.limit ?? INBOX_PAGE_DEFAULT), 1),
      INBOX_PAGE_MAX,
    );
    const after = options.cursor === undefined ? null : decodeCursor(options.cursor);
    if (options.cursor !== undefined && after === null)
      return fail('validation_failed', 'cursor: must be the nextCursor of a previous page', [
        { field: 'cursor', message: 'must be the nextCursor of a previous page' },
      ]);
    let query = this.#database.db
      .selectFrom('inbox_messages')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId);
    if (!options.includeArchived) query = query.where('archived_at', 'is', null);
    if (after !== null) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return ok({
      data: page.map(itemOf),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null,
    });
  }

  /** Messages neither read nor archived. */
  async unreadCount(workspaceId: string, profileId: string): Promise<number> {
    const row = await this.#database.db
      .selectFrom('inbox_messages')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .where('read_at', 'is', null)
      .where('archived_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks read; reading again keeps the first read time. */
  markRead(workspaceId: string, profileId: string, id: string): Promise<Result<InboxItem>> {
    return this.#stamp(workspaceId, profileId, id, 'read_at');
  }

  /** Hides it from the default list; archiving again keeps the first time. */
  archive(workspaceId: string, profileId: string, id: string): Promise<Result<InboxItem>> {
    return this.#stamp(workspaceId, profileId, id, 'archived_at');
  }

  async #stamp(
    workspaceId: string,
    profileId: string,
    id: string,
    column: 'read_at' | 'archived_at',
  ): Promise<Result<InboxItem>> {
    const now = this.#clock.now();
    await this.#database.db
      .updateTable('inbox_messages')
      .set({ [column]: now })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .where(column, 'is', null)
      .execute();
    const row = await this.#database.db
      .selectFrom('inbox_messages')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .executeTakeFirst();
    if (row === undefined)
      return fail('not_found', `no inbox message ${id}`, [{ field: 'id', message: 'not found' }]);
    return ok(itemOf(row));
  }
}

/**
 * The inbox as a channel: a send is a row in the person's inbox (`to` is the profile id), keyed
 * by the outbox id, so a resend after a crash finds the row already there and adds nothing.
 */
export class InboxChannel implements Channel {
  readonly kind = 'inbox' as const;
  readonly provider = 'inbox';
  readonly #database: Database;
  readonly #clock: Clock;

  constructor(database: Database, clock: Clock) {
    this.#database = database;
    this.#clock = clock;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    if (message.to === '')
      return { ok: false, permanent: true, reason: 'no profile to deliver the inbox message to' };
    await this.#database.db
      .insertInto('inbox_messages')
      .values({
        id: message.id,
        workspace_id: message.workspaceId,
        profile_id: message.to,
        title: message.subject,
        body: message.text,
        url: safeTapUrl(message.extra.url),
        data: null,
        created_at: this.#clock.now(),
        read_at: null,
        archived_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return { ok: true, providerMessageId: message.id };
  }

  async close(): Promise<void> {
    // The database belongs to the caller.
  }
}
