import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import { DAY_MS } from './segment-time.js';

/** One UTC day of a segment's life: its size at the day's end, who entered and who left. */
export interface SegmentDay {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  size: number;
  entered: number;
  exited: number;
}

export interface SegmentChangeView {
  profileId: string;
  kind: 'entered' | 'exited';
  at: number;
  cause: string;
}

export interface SegmentHistoryView {
  /** Stored members now (kept by the processor; see ADR 0018). */
  size: number;
  days: SegmentDay[];
  /** The latest entries and exits, newest first. */
  recent: SegmentChangeView[];
}

/** A profile's stored membership: which segment, since when, and what put it there. */
export interface ProfileMembership {
  segmentId: string;
  name: string;
  since: number;
  cause: string;
}

/**
 * What stored membership tells (ADR 0018): a segment's size day by day and its latest entries
 * and exits, for charts; a profile's segments with since-when and why. Sizes are worked back
 * from today's member count through the changes, so the series always ends at the true size.
 */
export class SegmentHistory {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async history(
    segmentId: string,
    opts: { days: number; now: number; recent: number },
  ): Promise<SegmentHistoryView> {
    const db = this.#database.db;
    const sizeRow = await db
      .selectFrom('segment_memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('segment_id', '=', segmentId)
      .executeTakeFirst();
    const size = Number(sizeRow?.n ?? 0);
    const today = Math.floor(opts.now / DAY_MS);
    const firstDay = today - opts.days + 1;
    // Literal numbers: PostgreSQL matches the GROUP BY expression to the selected one by text.
    const dayOf = sql<number>`(at - (at % ${sql.lit(DAY_MS)})) / ${sql.lit(DAY_MS)}`;
    const rows = await db
      .selectFrom('segment_changes')
      .select([
        dayOf.as('day'),
        sql<number>`sum(case when kind = 'entered' then 1 else 0 end)`.as('entered'),
        sql<number>`sum(case when kind = 'exited' then 1 else 0 end)`.as('exited'),
      ])
      .where('segment_id', '=', segmentId)
      .where('at', '>=', firstDay * DAY_MS)
      .groupBy(dayOf)
      .execute();
    const byDay = new Map(
      rows.map((r) => [Number(r.day), { entered: Number(r.entered), exited: Number(r.exited) }]),
    );
    // Walk back from today: the size at the end of a day is the next day's end size minus
    // what the next day changed. Changes timed after now (none normally) count into today.
    const days: SegmentDay[] = [];
    let endSize = size;
    for (let day = Math.max(today, ...byDay.keys()); day >= firstDay; day--) {
      const counts = byDay.get(day) ?? { entered: 0, exited: 0 };
      if (day <= today) {
        days.push({
          date: new Date(day * DAY_MS).toISOString().slice(0, 10),
          size: endSize,
          ...counts,
        });
      }
      endSize -= counts.entered - counts.exited;
    }
    days.reverse();
    const recent = await db
      .selectFrom('segment_changes')
      .select(['profile_id', 'kind', 'at', 'cause'])
      .where('segment_id', '=', segmentId)
      .orderBy('seq', 'desc')
      .limit(opts.recent)
      .execute();
    return {
      size,
      days,
      recent: recent.map((r) => ({
        profileId: r.profile_id,
        kind: r.kind === 'exited' ? 'exited' : 'entered',
        at: Number(r.at),
        cause: r.cause,
      })),
    };
  }

  async membershipsOf(workspaceId: string, profileId: string): Promise<ProfileMembership[]> {
    const rows = await this.#database.db
      .selectFrom('segment_memberships as m')
      .innerJoin('segments as s', 's.id', 'm.segment_id')
      .select(['m.segment_id', 's.name', 'm.entered_at', 'm.cause'])
      .where('m.workspace_id', '=', workspaceId)
      .where('m.profile_id', '=', profileId)
      .orderBy('s.name')
      .execute();
    return rows.map((r) => ({
      segmentId: r.segment_id,
      name: r.name,
      since: Number(r.entered_at),
      cause: r.cause,
    }));
  }
}
