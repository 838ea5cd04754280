/** Reading the suppression list: its pages (the API's), and a short list whole (a journey pass). */
import { channels, type ChannelKind } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { oneOf } from '../../platform/json.js';
import { iso } from './consent-records.js';
import { decodeCursor, encodeCursor } from './suppression-cursor.js';

export const suppressionReasons = [
  'hard_bounce',
  'complaint',
  'manual',
  'invalid_address',
] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export interface SuppressionView {
  channel: ChannelKind;
  address: string;
  reason: SuppressionReason;
  detail: string | null;
  createdAt: string;
}

/** Suppressions per page at most. */
const MAX_PAGE = 1000;

/** One page of the list, newest first; `cursor` is a previous page's `nextCursor`. */
export async function suppressionPage(
  db: Db,
  workspaceId: string,
  page: { channel?: ChannelKind; limit: number; cursor?: string },
): Promise<Result<{ data: SuppressionView[]; nextCursor: string | null }>> {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  if (after === null)
    return fail('validation_failed', 'cursor: must be the nextCursor of a previous page', [
      { field: 'querystring.cursor', message: 'must be the nextCursor of a previous page' },
    ]);
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.trunc(page.limit)));
  let query = db.selectFrom('suppressions').selectAll().where('workspace_id', '=', workspaceId);
  if (page.channel !== undefined) query = query.where('channel', '=', page.channel);
  if (after !== undefined) {
    const [at, channel, address] = after;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', at),
        eb.and([
          eb('created_at', '=', at),
          eb.or([
            eb('channel', '<', channel),
            eb.and([eb('channel', '=', channel), eb('address', '<', address)]),
          ]),
        ]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('channel', 'desc')
    .orderBy('address', 'desc')
    .limit(limit + 1)
    .execute();
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return ok({
    data: shown.flatMap((r) => {
      const channel = oneOf(channels, r.channel);
      const reason = oneOf(suppressionReasons, r.reason);
      if (channel === undefined || reason === undefined) return [];
      const { address, detail } = r;
      return [{ channel, address, reason, detail, createdAt: iso(r.created_at) }];
    }),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor([last.created_at, last.channel, last.address])
        : null,
  });
}

/** A workspace's suppression list on a channel (address to reason), or null past `max` entries. */
export async function shortSuppressionList(
  db: Db,
  workspaceId: string,
  channel: ChannelKind,
  max: number,
): Promise<Map<string, string> | null> {
  const rows = await db
    .selectFrom('suppressions')
    .select(['address', 'reason'])
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .limit(max + 1)
    .execute();
  return rows.length > max ? null : new Map(rows.map((r) => [r.address, r.reason]));
}
