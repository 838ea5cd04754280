/**
 * The opaque cursor of the suppression list's pages: the last row's (created_at, channel,
 * address), the order the list is read in. Only a cursor this service made is accepted.
 */
export type CursorPosition = [number, string, string];

export const encodeCursor = (position: CursorPosition) =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

export function decodeCursor(cursor: string): CursorPosition | null {
  if (cursor.length > 1000) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [at, channel, address]: unknown[] = value;
    if (
      typeof at === 'number' &&
      Number.isSafeInteger(at) &&
      typeof channel === 'string' &&
      typeof address === 'string'
    ) {
      const position: CursorPosition = [at, channel, address];
      return encodeCursor(position) === cursor ? position : null;
    }
  } catch {
    // not a cursor this service made
  }
  return null;
}
