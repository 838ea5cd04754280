import { dueInWords, isLapsed, type DueSource } from './due-dates.js';

/**
 * A profile's replenishments as the API lists them: `due` (still relevant, soonest first) or
 * `lapsed` (overdue past the lapse: a habit given up, most recently due first), a page at a time.
 * A profile can hold over a thousand lapsed items (a wholesaler's year of orders), so they are
 * their own list rather than the tail of the due one.
 */
export interface DueEntry {
  productId: string;
  dueAt: number;
  intervalDays: number;
  purchases: number;
  lastBoughtAt: number;
  source: DueSource;
}

export interface ReplenishmentItem {
  productId: string;
  title: string;
  lastBoughtAt: string;
  purchases: number;
  intervalDays: number;
  dueAt: string;
  dueInDays: number;
  due: string;
  source: DueSource;
  lapsed: boolean;
}

export interface ReplenishmentPage {
  data: ReplenishmentItem[];
  nextCursor: string | null;
  /** Items in this list (all pages), and in the other one. */
  total: number;
  otherList: number;
}

export interface ListOptions {
  list?: 'due' | 'lapsed';
  limit?: number;
  /** The offset of the page, as the previous page's nextCursor gave it. */
  cursor?: string;
}

const iso = (t: number) => new Date(t).toISOString();

/** The page's entries (to fetch titles for), and the page once titled. */
export function duePage(
  due: readonly DueEntry[],
  now: number,
  opts: ListOptions,
): { entries: DueEntry[]; page: (titleOf: (productId: string) => string) => ReplenishmentPage } {
  const lapsed = opts.list === 'lapsed';
  const wanted = due.filter((d) => isLapsed(d, now) === lapsed);
  wanted.sort(
    (a, b) =>
      (lapsed ? b.dueAt - a.dueAt : a.dueAt - b.dueAt) || a.productId.localeCompare(b.productId),
  );
  const offset = Number(opts.cursor ?? 0);
  const limit = opts.limit ?? 50;
  const entries = wanted.slice(offset, offset + limit);
  return {
    entries,
    page: (titleOf) => ({
      data: entries.map((d) => {
        const words = dueInWords(d.dueAt, now);
        return {
          productId: d.productId,
          title: titleOf(d.productId),
          lastBoughtAt: iso(d.lastBoughtAt),
          purchases: d.purchases,
          intervalDays: Math.round(d.intervalDays * 10) / 10,
          dueAt: iso(d.dueAt),
          dueInDays: words.days,
          due: words.text,
          source: d.source,
          lapsed,
        };
      }),
      nextCursor: offset + limit < wanted.length ? String(offset + limit) : null,
      total: wanted.length,
      otherList: due.length - wanted.length,
    }),
  };
}
