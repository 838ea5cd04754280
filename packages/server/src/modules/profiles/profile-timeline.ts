import type { StoredEvent } from '@comeback/contracts';
import { fail, ok, type Result } from '../../platform/errors.js';

/** An entry of a person's timeline, with where it sits in the source it comes from. */
export interface TimelineEntry {
  /** Its place in its source, from 1: a source's newer entries have higher ones. */
  position: number;
  /** The instant the timeline orders it by (ms). */
  at: number;
  event: StoredEvent;
}

/** One source of a timeline: up to `limit` entries below `before` (exclusive), newest first. */
export type TimelineSource = (page: { limit: number; before?: number }) => Promise<TimelineEntry[]>;

export interface TimelinePage {
  data: StoredEvent[];
  nextCursor: string | null;
}

const badCursor = () =>
  fail('validation_failed', 'cursor: must be the nextCursor of a previous page', [
    { field: 'querystring.cursor', message: 'must be the nextCursor of a previous page' },
  ]);

/**
 * A page of a timeline drawn from several sources (the event log, segment entries and exits),
 * newest `at` first. Each source is read in its own order and the cursor records, per source,
 * where the page stopped (`<before>.<before>`, 0 once a source is used up), so paging neither
 * skips nor repeats an entry however the sources interleave. On equal instants the source
 * listed first comes first: a segment change is stamped with the instant of the event that
 * caused it and happened after it.
 */
export async function pageTimeline(
  sources: readonly TimelineSource[],
  page: { limit: number; cursor?: string },
): Promise<Result<TimelinePage>> {
  let bounds: (number | undefined)[] = sources.map(() => undefined);
  if (page.cursor !== undefined) {
    const parts = page.cursor.split('.').map(Number);
    if (parts.length !== sources.length || !parts.every((n) => Number.isSafeInteger(n) && n >= 0))
      return badCursor();
    bounds = parts;
  }
  const read: TimelineEntry[][] = [];
  for (const [i, source] of sources.entries()) {
    const before = bounds[i];
    read.push(
      before === 0
        ? []
        : await source({ limit: page.limit + 1, ...(before !== undefined ? { before } : {}) }),
    );
  }
  const taken = read.map(() => 0);
  const data: StoredEvent[] = [];
  while (data.length < page.limit) {
    let newest: { source: number; entry: TimelineEntry } | undefined;
    for (const [i, entries] of read.entries()) {
      const entry = entries[taken[i] ?? 0];
      if (entry && (newest === undefined || entry.at > newest.entry.at))
        newest = { source: i, entry };
    }
    if (newest === undefined) break;
    data.push(newest.entry.event);
    taken[newest.source] = (taken[newest.source] ?? 0) + 1;
  }
  const more = read.some((entries, i) => entries.length > (taken[i] ?? 0));
  if (!more) return ok({ data, nextCursor: null });
  const next = read.map((entries, i) => {
    const last = entries[(taken[i] ?? 0) - 1];
    if (last) return last.position;
    // Nothing of this source shown yet: the next page starts at its newest entry read here.
    const first = entries[0];
    return first ? first.position + 1 : 0;
  });
  return ok({ data, nextCursor: next.join('.') });
}
