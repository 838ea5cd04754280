import type { StoredEvent } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';

/** The names a stored entry or exit goes by outside segments (webhooks, the timeline). */
export const SEGMENT_CHANGE_EVENTS = {
  entered: 'Segment Entered',
  exited: 'Segment Exited',
} as const;

/** A profile's entry into or exit from a segment, as an event in its timeline. */
export interface SegmentChangeEvent {
  /** The change's place in `segment_changes`: later changes have higher ones. */
  seq: number;
  at: number;
  event: StoredEvent;
}

/**
 * A profile's entries and exits, newest first, as `Segment Entered` / `Segment Exited` events:
 * the id is the one webhook subscribers receive (`seg:<seq>`), the properties name the segment
 * (its name is null once it was deleted; the history stays) and the cause, like the webhook's.
 * `before` bounds `seq` (exclusive); `event`, when given, keeps only changes of that name.
 */
export async function segmentChangeEvents(
  db: Db,
  person: { workspaceId: string; profileId: string },
  page: { limit: number; before?: number; event?: string },
): Promise<SegmentChangeEvent[]> {
  const kinds = (['entered', 'exited'] as const).filter(
    (kind) => page.event === undefined || SEGMENT_CHANGE_EVENTS[kind] === page.event,
  );
  if (kinds.length === 0) return [];
  let q = db
    .selectFrom('segment_changes as c')
    .leftJoin('segments as s', 's.id', 'c.segment_id')
    .select(['c.seq', 'c.segment_id', 's.name', 'c.kind', 'c.at', 'c.cause'])
    .where('c.workspace_id', '=', person.workspaceId)
    .where('c.profile_id', '=', person.profileId)
    .where('c.kind', 'in', kinds)
    .orderBy('c.seq', 'desc')
    .limit(page.limit);
  if (page.before !== undefined) q = q.where('c.seq', '<', page.before);
  const rows = await q.execute();
  return rows.map((r) => {
    const seq = Number(r.seq);
    const at = Number(r.at);
    const iso = new Date(at).toISOString();
    const name = SEGMENT_CHANGE_EVENTS[r.kind === 'exited' ? 'exited' : 'entered'];
    const messageId = `seg:${seq}`;
    const properties = { segment: { id: r.segment_id, name: r.name }, cause: r.cause };
    return {
      seq,
      at,
      event: {
        messageId,
        type: 'track',
        event: name,
        timestamp: iso,
        receivedAt: iso,
        payload: {
          type: 'track',
          event: name,
          messageId,
          timestamp: iso,
          receivedAt: iso,
          properties,
        },
      },
    };
  });
}
