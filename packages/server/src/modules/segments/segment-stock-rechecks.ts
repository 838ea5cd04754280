import type { SegmentCondition, SegmentWindow } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { STOCK_CROSSING_LOCK } from '../catalog/index.js';
import { inSlots } from '../../platform/db/processor-slots.js';
import type { ConditionLookup } from './segment-dependencies.js';
import { PRODUCT_VIEWED } from './segment-sql-events.js';
import { windowBounds } from './segment-time.js';

/** The part of a loaded segment this needs. */
export interface StockSegment {
  id: string;
  workspaceId: string;
  condition: SegmentCondition;
}

/** Re-checks `profileIds` for `segment` and records the differences with `cause`. */
export type StockRecheck<S> = (
  segment: S,
  profileIds: readonly string[],
  cause: string,
) => Promise<void>;

const PROGRESS = 'stock';
const progressName = (slot: number | undefined) =>
  slot === undefined ? PROGRESS : `${PROGRESS}:${slot}`;
/**
 * Views read per batch for viewers of crossed products (through the log's index of product
 * views, migration 036): a product viewed very many times is worked off over several batches,
 * so no batch (and the events waiting behind it) is held up by one crossing.
 */
const VIEWS_PER_BATCH = 20_000;
/** Crossings taken in per batch when no segment of their workspace reads stock. */
const CROSSINGS_PER_BATCH = 500;

interface Progress {
  crossingSeq: number;
  afterEventSeq: number;
  endEventSeq: number;
}

/**
 * A product's stock crossing zero changes "viewed an out-of-stock product" for everyone who
 * viewed it, with no event of theirs. The catalog writer records each crossing in
 * `stock_crossings` in the transaction that writes the stock (catalog-store.ts); this works
 * them off in order inside the processor's batch transaction. For each, it finds the profiles
 * whose applied `Product Viewed` events name the product (no older than the segments' windows
 * can count), a bounded number of views per batch through the log's index of product views,
 * and re-checks them for every
 * segment of the workspace that reads stock. Its progress (`segment_stock_progress`) is written in the
 * same transaction as the membership it causes, so after a crash it resumes exactly where the
 * last committed batch stopped. Views applied after a crossing was taken in need no re-check:
 * the batch that applies them evaluates them against the stock as it is then.
 */
export class StockRechecks {
  readonly #database: Database;
  readonly #viewsPerBatch: number;
  constructor(database: Database, opts: { viewsPerBatch?: number } = {}) {
    this.#database = database;
    this.#viewsPerBatch = opts.viewsPerBatch ?? VIEWS_PER_BATCH;
  }

  /**
   * `slots`: on PostgreSQL, the processor slots the batch holds; each has its own progress
   * through the crossings of its workspaces (ADR 0027). Undefined: every workspace's crossings.
   */
  async run<S extends StockSegment>(
    trx: Trx,
    now: number,
    segments: Iterable<S>,
    recheck: StockRecheck<S>,
    slots?: readonly number[],
  ): Promise<void> {
    const all = [...segments];
    if (slots === undefined) return this.#runFor(trx, now, all, recheck, undefined);
    // Most batches find no crossing past any slot's progress: two reads tell, not two per slot.
    const last = await trx
      .selectFrom('stock_crossings')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const lastCrossing = Number(last?.seq ?? 0);
    const progress = await this.#progressOf(trx, slots);
    for (const slot of slots) {
      const p = progress.get(slot);
      if (p && p.afterEventSeq >= p.endEventSeq && p.crossingSeq >= lastCrossing) continue;
      await this.#runFor(trx, now, all, recheck, slot);
    }
  }

  /** The progress of each of `slots` (its own, or where the one progress stood). */
  async #progressOf(trx: Trx, slots: readonly number[]): Promise<Map<number, Progress>> {
    const rows = await trx
      .selectFrom('segment_stock_progress')
      .selectAll()
      .where('name', 'in', [PROGRESS, ...slots.map(progressName)])
      .execute();
    const byName = new Map(rows.map((r) => [r.name, r]));
    const out = new Map<number, Progress>();
    for (const slot of slots) {
      const row = byName.get(progressName(slot)) ?? byName.get(PROGRESS);
      out.set(slot, {
        crossingSeq: Number(row?.crossing_seq ?? 0),
        afterEventSeq: Number(row?.after_event_seq ?? 0),
        endEventSeq: Number(row?.end_event_seq ?? 0),
      });
    }
    return out;
  }

  async #runFor<S extends StockSegment>(
    trx: Trx,
    now: number,
    all: readonly S[],
    recheck: StockRecheck<S>,
    slot: number | undefined,
  ): Promise<void> {
    const stored = await this.#progress(trx, slot);
    let progress = stored;
    let views = this.#viewsPerBatch;
    let crossings = CROSSINGS_PER_BATCH;
    let exclusive = this.#database.dialect !== 'postgres';
    while (views > 0 && crossings > 0) {
      const inProgress = progress.afterEventSeq < progress.endEventSeq;
      let crossing = await this.#crossing(trx, inProgress ? '=' : '>', progress.crossingSeq, slot);
      if (crossing && !inProgress && !exclusive) {
        // Moving past a seq: only once no writer can still commit a smaller one (PostgreSQL).
        exclusive = await this.#excludeWriters(trx);
        if (!exclusive) break;
        crossing = await this.#crossing(trx, '>', progress.crossingSeq, slot);
      }
      if (!crossing && inProgress) {
        // Only passed crossings are ever deleted; should this one be gone, go on to the next.
        progress = { ...progress, afterEventSeq: progress.endEventSeq };
        continue;
      }
      if (!crossing) break;
      const readers = stockReaders(all, crossing.workspace_id);
      if (progress.crossingSeq !== Number(crossing.seq) || readers.length === 0) {
        crossings--;
        progress = {
          crossingSeq: Number(crossing.seq),
          afterEventSeq: 0,
          endEventSeq: readers.length === 0 ? 0 : await this.#lastAppliedSeq(trx),
        };
        continue;
      }
      const read = await this.#viewers(trx, {
        workspaceId: crossing.workspace_id,
        productId: crossing.product_id,
        after: progress.afterEventSeq,
        upTo: progress.endEventSeq,
        since: earliestCounted(readers, now),
        limit: views,
      });
      const cause = `stock: ${crossing.product_id} ${
        Number(crossing.out_of_stock) === 1 ? 'out of stock' : 'back in stock'
      }`;
      if (read.profileIds.length > 0) {
        for (const { segment } of readers) await recheck(segment, read.profileIds, cause);
      }
      views -= read.views;
      progress = { ...progress, afterEventSeq: read.through };
    }
    if (
      progress.crossingSeq !== stored.crossingSeq ||
      progress.afterEventSeq !== stored.afterEventSeq ||
      progress.endEventSeq !== stored.endEventSeq
    ) {
      await this.#saveProgress(trx, progress, slot);
    }
  }

  /**
   * On PostgreSQL a catalog writer holds STOCK_CROSSING_LOCK shared until it commits: holding
   * it exclusively (until this batch commits) means every crossing with a seq below the next
   * one read is committed and visible - read committed takes a fresh snapshot per statement. It
   * is only tried: with a writer in flight this batch leaves the crossings to the next one, so
   * the processor never waits on a catalog transaction. SQLite serialises writers anyway.
   */
  async #excludeWriters(trx: Trx): Promise<boolean> {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(${STOCK_CROSSING_LOCK}) as locked`.execute(trx);
    return rows[0]?.locked === true;
  }

  /** A slot's progress starts where the one progress stood when slots came in. */
  async #progress(trx: Trx, slot: number | undefined): Promise<Progress> {
    const names = [progressName(slot), PROGRESS];
    const rows = await trx
      .selectFrom('segment_stock_progress')
      .selectAll()
      .where('name', 'in', names)
      .execute();
    const row = rows.find((r) => r.name === names[0]) ?? rows.find((r) => r.name === PROGRESS);
    return {
      crossingSeq: Number(row?.crossing_seq ?? 0),
      afterEventSeq: Number(row?.after_event_seq ?? 0),
      endEventSeq: Number(row?.end_event_seq ?? 0),
    };
  }

  async #saveProgress(trx: Trx, p: Progress, slot: number | undefined): Promise<void> {
    const values = {
      crossing_seq: p.crossingSeq,
      after_event_seq: p.afterEventSeq,
      end_event_seq: p.endEventSeq,
    };
    await trx
      .insertInto('segment_stock_progress')
      .values({ name: progressName(slot), ...values })
      .onConflict((oc) => oc.column('name').doUpdateSet(values))
      .execute();
  }

  #crossing(trx: Trx, op: '=' | '>', seq: number, slot: number | undefined) {
    return trx
      .selectFrom('stock_crossings')
      .selectAll()
      .where('seq', op, seq)
      .$if(slot !== undefined, (q) => q.where(inSlots('workspace_id', [slot ?? 0])))
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
  }

  /** The last event applied to a profile: later views are evaluated as they are applied. */
  async #lastAppliedSeq(trx: Trx): Promise<number> {
    const row = await trx
      .selectFrom('event_profiles')
      .select((eb) => eb.fn.max('seq').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  /**
   * Profiles whose applied views of the product lie in the log range (after, upTo], at most
   * `limit` views in log order, and the seq read through. The query is written for the partial
   * index `events_product_views` (migration 036): its predicate as literals and its expression
   * exactly, so both engines look up the product's views instead of scanning the log (and, on
   * SQLite, a CROSS JOIN keeps the views first).
   */
  async #viewers(
    trx: Trx,
    q: {
      workspaceId: string;
      productId: string;
      after: number;
      upTo: number;
      since?: number;
      limit: number;
    },
  ): Promise<{ profileIds: string[]; views: number; through: number }> {
    const { rows } = await productViewsQuery(this.#database.dialect, q).execute(trx);
    const last = rows.at(-1);
    return {
      profileIds: [...new Set(rows.map((r) => r.profile_id))].sort(),
      views: rows.length,
      through: rows.length === q.limit && last ? Number(last.seq) : q.upTo,
    };
  }
}

/**
 * The views of a product in a log range, in log order, with their profiles: written for the
 * partial index `events_product_views` (see #viewers; a test holds both engines' plans to it).
 */
export function productViewsQuery(
  dialect: 'sqlite' | 'postgres',
  q: {
    workspaceId: string;
    productId: string;
    after: number;
    upTo: number;
    since?: number;
    limit: number;
  },
) {
  const product =
    dialect === 'postgres'
      ? sql`(e.payload -> 'properties' ->> 'product_id') = ${q.productId}
          and jsonb_typeof(e.payload -> 'properties' -> 'product_id') = 'string'`
      : sql`json_extract(e.payload, '$.properties.product_id') = ${q.productId}
          and json_type(e.payload, '$.properties.product_id') = 'text'`;
  const since = q.since === undefined ? sql`` : sql` and e.timestamp >= ${q.since}`;
  return sql<{ seq: number | string; profile_id: string }>`
    select e.seq, ep.profile_id from events e
    cross join event_profiles ep
    where ep.seq = e.seq and e.workspace_id = ${q.workspaceId}
      and e.type = ${sql.lit('track')} and e.event = ${sql.lit(PRODUCT_VIEWED)}
      and ${product}
      and e.seq > ${q.after} and e.seq <= ${q.upTo}${since}
    order by e.seq
    limit ${q.limit}`;
}

/** The workspace's segments that read stock, with the windows of their stock conditions. */
function stockReaders<S extends StockSegment>(
  segments: readonly S[],
  workspaceId: string,
): { segment: S; windows: (SegmentWindow | undefined)[] }[] {
  const own = segments.filter((s) => s.workspaceId === workspaceId);
  const lookup: ConditionLookup = (id) => own.find((s) => s.id === id)?.condition;
  return own.flatMap((segment) => {
    const windows = stockWindows(segment.condition, lookup, new Set());
    return windows.length > 0 ? [{ segment, windows }] : [];
  });
}

/** The windows of every "viewed an out-of-stock product" in the condition, references too. */
function stockWindows(
  condition: SegmentCondition,
  lookup: ConditionLookup,
  visiting: Set<string>,
): (SegmentWindow | undefined)[] {
  switch (condition.type) {
    case 'and':
    case 'or':
      return condition.conditions.flatMap((c) => stockWindows(c, lookup, visiting));
    case 'not':
      return stockWindows(condition.condition, lookup, visiting);
    case 'viewed_out_of_stock':
      return [condition.window];
    case 'segment': {
      const target = lookup(condition.segment);
      if (!target || visiting.has(condition.segment)) return [];
      visiting.add(condition.segment);
      const out = stockWindows(target, lookup, visiting);
      visiting.delete(condition.segment);
      return out;
    }
    default:
      return [];
  }
}

/**
 * The earliest view time any of the conditions can count at `now`; undefined when one counts
 * views of any age. Views older than it cannot change an answer, so they are not read.
 */
function earliestCounted(
  readers: readonly { windows: readonly (SegmentWindow | undefined)[] }[],
  now: number,
): number | undefined {
  let earliest = Infinity;
  for (const { windows } of readers) {
    for (const window of windows) {
      const bounds = windowBounds(window, now);
      const from = bounds.gt ?? bounds.gte;
      if (from === undefined) return undefined;
      earliest = Math.min(earliest, from);
    }
  }
  return Number.isFinite(earliest) ? earliest : undefined;
}
