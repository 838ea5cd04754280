import { sql, type Expression, type SqlBool } from 'kysely';
import type { Database } from '../../platform/db/database.js';

export interface ProfilePageRequest {
  /** A prefix of an email, a user id or a name (first, last, first + last, or `name`). */
  q?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

export interface ProfileIdPage {
  ids: string[];
  nextCursor: string | null;
}

/** Where a page ended: the last profile's creation time and id (ties broken by id). */
interface Position {
  createdAt: number;
  id: string;
}

const encodeCursor = (p: Position) =>
  Buffer.from(JSON.stringify([p.createdAt, p.id]), 'utf8').toString('base64url');

/** The position a cursor names, or null when it is not one this server handed out. */
export function decodeProfileCursor(cursor: string): Position | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      Number.isSafeInteger(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      parsed[1].length > 0
    ) {
      return { createdAt: Number(parsed[0]), id: parsed[1] };
    }
  } catch {
    // not JSON: falls through to null
  }
  return null;
}

/** `q` as a LIKE prefix pattern: its own %, _ and \ match themselves. */
const prefixPattern = (q: string) => `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * On SQLite a cheap first test for the name conditions: any name that matches contains the
 * term's first word somewhere in the traits' JSON text, and a LIKE over that text (ASCII case
 * ignored, as lower() does) rejects almost every row before the traits are parsed four times;
 * a search matching no one among 100k profiles no longer parses them all. Skipped when the
 * word holds a character JSON writes escaped (a quote, a backslash, a control character), which
 * the raw text would not contain. PostgreSQL reads its binary JSON without parsing text.
 */
function namePrefilter(dialect: Database['dialect'], q: string): Expression<SqlBool> | null {
  const word = q.trim().split(/\s+/)[0] ?? '';
  // eslint-disable-next-line no-control-regex
  if (dialect !== 'sqlite' || word === '' || /["\\\u0000-\u001f]/.test(word)) return null;
  return sql<SqlBool>`profiles.traits like ${`%${likeEscaped(word)}%`} escape '\\'`;
}

/**
 * One page of a workspace's profiles, newest first, by (created_at, id) so pages are stable on
 * both engines: a profile created while someone pages appears before their cursor, never twice
 * or in place of another. Email and user-id prefixes use the identifiers' primary key (workspace,
 * kind, value); name prefixes read the traits, a scan of the workspace's profiles that stops as
 * soon as the page is full. Case is ignored (on SQLite for ASCII letters only: its lower()).
 */
export async function pageProfileIds(
  database: Database,
  workspaceId: string,
  request: ProfilePageRequest,
  after: Position | null,
): Promise<ProfileIdPage> {
  const db = database.db;
  let query = db
    .selectFrom('profiles')
    .select(['id', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(request.limit + 1);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  if (request.q !== undefined) {
    const pattern = prefixPattern(request.q);
    const trait = (name: string) =>
      database.dialect === 'sqlite'
        ? sql<string>`json_extract(profiles.traits, ${`$.${name}`})`
        : sql<string>`(profiles.traits ->> ${name})`;
    const fullName = sql<string>`(coalesce(${trait('first_name')}, '') || ' ' || coalesce(${trait('last_name')}, ''))`;
    const startsWith = (value: Expression<string>): Expression<SqlBool> =>
      sql<SqlBool>`lower(${value}) like ${pattern} escape '\\'`;
    const names = [
      startsWith(trait('first_name')),
      startsWith(trait('last_name')),
      startsWith(trait('name')),
      startsWith(fullName),
    ];
    const hint = namePrefilter(database.dialect, request.q);
    query = query.where((eb) =>
      eb.or([
        eb(
          'id',
          'in',
          eb
            .selectFrom('identifiers')
            .select('profile_id')
            .where('identifiers.workspace_id', '=', workspaceId)
            .where('kind', 'in', ['email', 'user_id'])
            .where(startsWith(sql<string>`identifiers.value`)),
        ),
        hint === null ? eb.or(names) : eb.and([hint, eb.or(names)]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, request.limit);
  const last = page[page.length - 1];
  return {
    ids: page.map((r) => r.id),
    nextCursor:
      rows.length > request.limit && last
        ? encodeCursor({ createdAt: Number(last.created_at), id: last.id })
        : null,
  };
}
