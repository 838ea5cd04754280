import type { SegmentCondition } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { inSlots } from '../../platform/db/processor-slots.js';
import { anyOf, bulkInsert, bulkTable, idList } from '../../platform/db/bulk-write.js';
import { AWAITING_ORDER } from '../profiles/index.js';
import type { RegisteredField } from './field-registry.js';
import { parseIsoInstant, shiftInstant } from './segment-time.js';
import { edgeCrossing, nextDateFlip, type Atom } from './segment-timer-instants.js';
import { localDateFlips } from './segment-zone-timers.js';
export { edgeCrossing, timedAtomsOf } from './segment-timer-instants.js';

/**
 * When a profile's answer for a segment can next change with time alone, so the processor
 * re-checks it at exactly that instant instead of sweeping (ADR 0018). Each condition that
 * depends on the clock contributes the instants at which it could flip:
 * - a `last` or `older_than` window: when the oldest item still inside it (an event, an order)
 *   crosses the window's edge;
 * - a date field with `within_last`, `more_than_ago`, `within_next`: when the date enters or
 *   leaves the span; `anniversary_within`: the next UTC midnight.
 * One timer per profile holds the earliest of them over all its workspace's segments; when it
 * fires, the profile is re-checked for every segment with such parts, which schedules the next
 * one. (One row per segment and profile cost a write per segment for every new profile, and a
 * read per segment per batch.) An instant may pass with no change (a filter the timer did not
 * look at, an `or` whose other side holds, another segment's instant): the re-check then just
 * schedules the next one; it is never later than the real change.
 */

const TIMERS = bulkTable({
  table: 'segment_profile_timers',
  columns: [
    { name: 'profile_id', pgType: 'text' },
    { name: 'workspace_id', pgType: 'text' },
    { name: 'due_at', pgType: 'int8' },
  ],
  conflict: { target: ['profile_id'], update: ['due_at'] },
});

const CHUNK = 2000;

/**
 * What one batch already read for its timers, by atom and bound, over all the profiles it
 * touched: segments sharing an event name and window (most do) read it once per batch.
 */
export class TimerReads {
  readonly universe: readonly string[];
  readonly #universe: ReadonlySet<string>;
  readonly values = new Map<string, Map<string, number>>();
  constructor(universe: readonly string[]) {
    this.universe = universe;
    this.#universe = new Set(universe);
  }
  covers(ids: readonly string[]): boolean {
    return ids.every((id) => this.#universe.has(id));
  }
}

export interface TimedSegment {
  id: string;
  workspaceId: string;
  condition: SegmentCondition;
}

export class SegmentTimers {
  readonly #database: Database;
  /** The batch's offers: per profile the earliest instant any re-check found (see flush). */
  readonly #pending = new Map<string, { workspaceId: string; at: number }>();
  constructor(database: Database) {
    this.#database = database;
  }

  /**
   * Offers, for `profileIds` (every profile of the workspace when omitted), the next instants
   * after `now` at which their answer for `segment` could change; `flush` writes them.
   */
  async schedule(
    trx: Trx,
    segment: TimedSegment,
    atoms: readonly Atom[],
    now: number,
    profileIds?: readonly string[],
    reads?: TimerReads,
  ): Promise<void> {
    // A segment without clock-dependent parts offers nothing (a profile's timer left from an
    // earlier definition only makes a re-check that finds no change).
    if (atoms.length === 0) return;
    const due = new Map<string, number>();
    const offer = (profileId: string, at: number | null) => {
      if (at === null || at <= now) return;
      const current = due.get(profileId);
      if (current === undefined || at < current) due.set(profileId, at);
    };
    // Dates in the profile's zone flip at its local midnights: segment-zone-timers.ts.
    const local = atoms.flatMap((a) => (a.kind === 'local-date' ? [a] : []));
    const plain = atoms.flatMap((a) => (a.kind === 'local-date' ? [] : [a]));
    const zoned = { d: this.#database.dialect, workspaceId: segment.workspaceId };
    for (const [id, at] of await localDateFlips(trx, zoned, local, now, profileIds)) offer(id, at);
    const shared = profileIds !== undefined && reads?.covers(profileIds) ? reads : undefined;
    if (shared && profileIds) {
      for (const atom of plain) {
        const values = await this.#read(trx, segment.workspaceId, atom, now, shared);
        for (const id of profileIds) {
          const v = values.get(id);
          if (v !== undefined)
            offer(
              id,
              atom.kind === 'items'
                ? edgeCrossing(v, atom.amount, atom.unit)
                : nextDateFlip(atom, v, now),
            );
        }
      }
      this.#offer(segment.workspaceId, due);
      return;
    }
    const parts =
      profileIds === undefined
        ? [undefined]
        : Array.from({ length: Math.ceil(profileIds.length / CHUNK) }, (_, i) =>
            profileIds.slice(i * CHUNK, (i + 1) * CHUNK),
          );
    for (const part of parts) {
      for (const atom of plain) {
        if (atom.kind === 'items') {
          const lower = shiftInstant(now, -atom.amount, atom.unit);
          for (const [profileId, oldest] of await this.#oldestAfter(
            trx,
            segment.workspaceId,
            atom,
            lower,
            part,
          )) {
            offer(profileId, edgeCrossing(oldest, atom.amount, atom.unit));
          }
        } else {
          for (const [profileId, value] of await this.#dateValues(
            trx,
            segment.workspaceId,
            atom.field,
            part,
          )) {
            offer(profileId, nextDateFlip(atom, value, now));
          }
        }
      }
    }
    this.#offer(segment.workspaceId, due);
  }

  #offer(workspaceId: string, due: ReadonlyMap<string, number>): void {
    for (const [profileId, at] of due) {
      const current = this.#pending.get(profileId);
      if (current === undefined || at < current.at)
        this.#pending.set(profileId, { workspaceId, at });
    }
  }

  /** The batch failed: what it offered is dropped with it. */
  reset(): void {
    this.#pending.clear();
  }

  /**
   * Writes what the batch offered: each profile's timer is brought forward to the earliest
   * instant offered where that is earlier (or it has none), and nothing else is written. A timer
   * later than needed would be late; one earlier than needed only makes a re-check that finds
   * no change and schedules the next instant. So a shopper active every day in "seen in the
   * last 30 days" costs a timer write about once a month, not every batch.
   */
  async flush(trx: Trx): Promise<void> {
    if (this.#pending.size === 0) return;
    const dialect = this.#database.dialect;
    const ids = [...this.#pending.keys()];
    const existing = new Map<string, number>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await trx
        .selectFrom(idList(dialect, ids.slice(i, i + CHUNK)))
        .crossJoin('segment_profile_timers as t')
        .whereRef('t.profile_id', '=', 'j.value')
        .select(['t.profile_id', 't.due_at'])
        .execute();
      for (const r of rows) existing.set(r.profile_id, Number(r.due_at));
    }
    const rows: [string, string, number][] = [];
    for (const [profileId, { workspaceId, at }] of this.#pending) {
      const current = existing.get(profileId);
      if (current === undefined || at < current) rows.push([profileId, workspaceId, at]);
    }
    this.#pending.clear();
    await bulkInsert(this.#database, trx, TIMERS, rows);
  }

  /** An atom's value per profile of the batch (oldest item after the bound, or the date). */
  async #read(
    trx: Trx,
    workspaceId: string,
    atom: Atom,
    now: number,
    reads: TimerReads,
  ): Promise<Map<string, number>> {
    const lower = atom.kind === 'items' ? shiftInstant(now, -atom.amount, atom.unit) : 0;
    const key =
      atom.kind === 'items'
        ? `${atom.source}|${atom.source === 'events' ? atom.event : ''}|${lower}`
        : `date|${atom.field.path}`;
    const known = reads.values.get(key);
    if (known) return known;
    const values = new Map<string, number>();
    for (let i = 0; i < reads.universe.length; i += CHUNK) {
      const part = reads.universe.slice(i, i + CHUNK);
      const rows =
        atom.kind === 'items'
          ? await this.#oldestAfter(trx, workspaceId, atom, lower, part)
          : await this.#dateValues(trx, workspaceId, atom.field, part);
      for (const [id, v] of rows) values.set(id, v);
    }
    reads.values.set(key, values);
    return values;
  }

  /**
   * Takes the timers due at `now` (oldest first, at most `limit`): their rows are removed and
   * their profiles returned by workspace, to be re-checked for every timed segment (which
   * offers their next instants again).
   */
  async takeDue(
    trx: Trx,
    now: number,
    limit: number,
    slots?: readonly number[],
  ): Promise<Map<string, string[]>> {
    const rows = await trx
      .selectFrom('segment_profile_timers')
      .select(['profile_id', 'workspace_id'])
      .where('due_at', '<=', now)
      .$if(slots !== undefined, (q) => q.where(inSlots('workspace_id', slots ?? [])))
      .orderBy('due_at')
      .limit(limit)
      .execute();
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const list = out.get(r.workspace_id) ?? [];
      list.push(r.profile_id);
      out.set(r.workspace_id, list);
    }
    const ids = rows.map((r) => r.profile_id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      await trx
        .deleteFrom('segment_profile_timers')
        .where('due_at', '<=', now)
        .where(anyOf(this.#database.dialect, 'profile_id', ids.slice(i, i + CHUNK)))
        .execute();
    }
    return out;
  }

  /** Per profile, the time of its oldest event (of the atom's name) or order after `lower`. */
  async #oldestAfter(
    trx: Trx,
    workspaceId: string,
    atom: Extract<Atom, { kind: 'items' }>,
    lower: number,
    among: readonly string[] | undefined,
  ): Promise<[string, number][]> {
    const dialect = this.#database.dialect;
    if (atom.source === 'orders') {
      let q = trx
        .selectFrom('profile_orders')
        .select(['profile_id', (eb) => eb.fn.min<number>('ordered_at').as('oldest')])
        .where('workspace_id', '=', workspaceId)
        .where('status', '!=', 'cancelled')
        .where('ordered_at', '!=', AWAITING_ORDER)
        .where('ordered_at', '>', lower)
        .groupBy('profile_id');
      if (among) q = q.where(anyOf(dialect, 'profile_id', among));
      return (await q.execute()).map((r) => [r.profile_id, Number(r.oldest)]);
    }
    if (among) {
      // The batch's profiles: each one's events of the name after the bound, from the index
      // event_profiles (profile_id, event, at) alone (migration 038), the log not read.
      const rows = await trx
        .selectFrom('event_profiles')
        .select(['profile_id', (eb) => eb.fn.min<number>('at').as('oldest')])
        .where(anyOf(dialect, 'profile_id', among))
        .where('event', '=', atom.event)
        .where('at', '>', lower)
        .groupBy('profile_id')
        .execute();
      return rows.map((r) => [r.profile_id, Number(r.oldest)]);
    }
    // Every profile of the workspace: the log's events of the name, then their profiles.
    const rows = await trx
      .selectFrom('events as e')
      .innerJoin('event_profiles as ep', 'ep.seq', 'e.seq')
      .select(['ep.profile_id', (eb) => eb.fn.min<number>('e.timestamp').as('oldest')])
      .where('e.workspace_id', '=', workspaceId)
      .where('e.type', '=', 'track')
      .where('e.event', '=', atom.event)
      .where('e.timestamp', '>', lower)
      .groupBy('ep.profile_id')
      .execute();
    return rows.map((r) => [r.profile_id, Number(r.oldest)]);
  }

  /** Per profile, the field's date (epoch ms) where it has one. */
  async #dateValues(
    trx: Trx,
    workspaceId: string,
    field: RegisteredField,
    among: readonly string[] | undefined,
  ): Promise<[string, number][]> {
    const dialect = this.#database.dialect;
    const source = field.source;
    let value;
    if (source.from === 'column') value = sql<unknown>`p.${sql.ref(source.column)}`;
    else if (source.from === 'row') {
      value = sql<unknown>`(select r.${sql.ref(source.column)} from ${sql.table(source.table)} r
        where r.workspace_id = p.workspace_id and r.profile_id = p.id)`;
    } else if (source.from === 'trait') {
      value =
        dialect === 'postgres'
          ? sql<unknown>`(p.traits ->> ${source.key})`
          : sql<unknown>`json_extract(p.traits, ${`$."${source.key.replace(/["\\]/g, (m) => `\\${m}`)}"`})`;
    } else return [];
    const q = (
      among
        ? trx
            .selectFrom(idList(dialect, among))
            .crossJoin('profiles as p')
            .whereRef('p.id', '=', 'j.value')
        : trx.selectFrom('profiles as p')
    )
      .select(['p.id', value.as('value')])
      .where('p.workspace_id', '=', workspaceId);
    const out: [string, number][] = [];
    for (const r of await q.execute()) {
      const v: unknown = r.value;
      const t =
        typeof v === 'string' && source.from === 'trait'
          ? parseIsoInstant(v)
          : v === null || v === undefined
            ? null
            : Number(v);
      if (t !== null && Number.isFinite(t)) out.push([r.id, t]);
    }
    return out;
  }
}
