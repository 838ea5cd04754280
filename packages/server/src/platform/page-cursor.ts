import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * Keyset paging over (created_at, id), newest first: a page's `nextCursor` is its last row's
 * key, encoded so callers cannot build their own. Only what `encode` made decodes (the round
 * trip must give the same text), and the id must have the table's own shape, so a forged or
 * altered cursor is refused rather than read.
 */
export interface PageCursor {
  encode(createdAt: number, id: string): string;
  decode(cursor: string): { createdAt: number; id: string } | null;
}

export function pageCursor(idPattern: RegExp): PageCursor {
  const encode = (createdAt: number, id: string) =>
    Buffer.from(`${createdAt}:${id}`, 'utf8').toString('base64url');
  return {
    encode,
    decode(cursor) {
      if (cursor.length > 200) return null;
      const text = Buffer.from(cursor, 'base64url').toString('utf8');
      const colon = text.indexOf(':');
      const at = text.slice(0, colon);
      const id = text.slice(colon + 1);
      if (colon < 1 || !/^\d{1,16}$/.test(at) || !idPattern.test(id)) return null;
      return encode(Number(at), id) === cursor ? { createdAt: Number(at), id } : null;
    },
  };
}

/** Rows after `after` in the newest-first (created_at, id) order: the next page's filter. */
export function olderThan(after: { createdAt: number; id: string }): RawBuilder<SqlBool> {
  return sql<SqlBool>`(created_at < ${after.createdAt} or (created_at = ${after.createdAt} and id < ${after.id}))`;
}

/** The page shown from `limit + 1` rows read, and the cursor of the page after it (or null). */
export function pageOf<Row extends { created_at: number; id: string }>(
  rows: readonly Row[],
  limit: number,
  cursor: PageCursor,
): { shown: Row[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    shown,
    nextCursor:
      rows.length > limit && last ? cursor.encode(Number(last.created_at), last.id) : null,
  };
}
