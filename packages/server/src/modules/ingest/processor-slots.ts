import { sql, type RawBuilder } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import {
  ALL_SLOTS,
  SLOT_COUNT,
  slotCursorName,
  slotOf,
  slotOfWorkspace,
} from '../../platform/db/processor-slots.js';
import type { EventLog } from './event-log.js';

/** The one cursor the slots replace; on PostgreSQL it holds the frontier (see advanceFrontier). */
export const FRONTIER_CURSOR = 'profiles';

type LogRow = Awaited<ReturnType<EventLog['readSlotAfter']>>[number];

/** A slot a batch holds: its cursor row is locked until the batch's transaction ends. */
export interface SlotClaim {
  slot: number;
  position: number;
  /** It had events waiting when claimed (read first, sharing the batch's room). */
  waiting?: boolean;
}

/** What a batch claimed, with what it saw while claiming. */
export interface Claimed {
  claims: SlotClaim[];
  /** The log's head, read before the claims (so before any slot is read). */
  head: number;
  /** Slots with events waiting, held or not: 0 means everything committed was applied. */
  waitingSlots: number;
}

export interface SlotRead {
  /** The claimed slots' events, in log order. */
  rows: LogRow[];
  /** Where each claimed slot's cursor moves when the batch commits. */
  moves: Map<number, number>;
}

/** The slot whose name the cursor row `profiles:<slot>` carries, in SQL. */
const slotOfCursor = sql<number>`cast(substr(c.name, ${sql.lit(FRONTIER_CURSOR.length + 2)}) as int4)`;
/** Whether a slot's cursor has events after it, in SQL (a probe of `events_slot_seq`). */
const waiting = sql<boolean>`exists (select 1 from events e
  where ${slotOf('e.workspace_id')} = ${slotOfCursor} and e.seq > c.position)`;
const slotCursors = sql`c.name like ${`${FRONTIER_CURSOR}:%`}`;

/**
 * PostgreSQL's processor cursors, one per slot of workspaces (ADR 0027). A batch claims up to
 * CLAIM free slots with `for update skip locked` and holds their rows to its commit: workers
 * apply different slots at the same time, each slot's events in log order, and no two workers
 * ever apply the same slot's range. Nothing a batch writes crosses workspaces, so batches of
 * different slots never touch the same profile, membership, timer or order.
 *
 * Followers (journey triggers, the consent follower, webhooks, read-your-writes) need one
 * position below which everything is applied: the frontier, kept in the former single cursor's
 * row and moved forward after each batch (advanceFrontier).
 */
export class SlotCursors {
  readonly #database: Database;
  readonly #log: EventLog;
  /** Where this worker's next claim starts in the ring of slots (turns after each claim). */
  #turn = 0;
  constructor(database: Database, log: EventLog) {
    this.#database = database;
    this.#log = log;
  }

  /** Creates missing slot cursors at the frontier (the one cursor's position before slots). */
  async ensure(now: number): Promise<void> {
    await sql`insert into processor_cursors (name, position, updated_at)
      select n, coalesce((select position from processor_cursors where name = ${FRONTIER_CURSOR}), 0),
        ${now}
      from unnest(${ALL_SLOTS.map(slotCursorName)}::text[]) as n
      on conflict (name) do nothing`.execute(this.#database.db);
  }

  /**
   * Locks slot cursors no other batch holds: half of the slots with events waiting (rounded
   * up), the furthest behind first - the frontier waits for them - and half of the others (all
   * of them when none has events waiting), in ring order from where this worker's last claim
   * of idle slots ended. A second worker so finds the other half free, and a lone worker takes
   * the halves in turn; idle slots are visited too, for their segment timers and the like. (The ring, not the rows' times: a test
   * clock that stands still must rotate too.)
   */
  async claim(trx: Trx): Promise<Claimed> {
    const counted = await sql<{ n: string | number; head: string | number | null }>`
      select (select count(*) from processor_cursors c where ${slotCursors} and ${waiting}) as n,
        (select max(seq) from events) as head`.execute(trx);
    const waitingSlots = Number(counted.rows[0]?.n ?? 0);
    const head = Number(counted.rows[0]?.head ?? 0);
    const ring = sql`(${slotOfCursor} + ${SLOT_COUNT - this.#turn}) % ${sql.lit(SLOT_COUNT)}`;
    const behind = await this.#claimAmong(
      trx,
      waiting,
      sql`c.position, ${ring}`,
      Math.ceil(waitingSlots / 2),
    );
    // Nothing waiting anywhere: every free slot at once (a caught-up worker's timers, consent
    // changes and the like in one batch, not two).
    const idle = await this.#claimAmong(
      trx,
      sql`not ${waiting}`,
      ring,
      waitingSlots === 0 ? SLOT_COUNT : Math.ceil((SLOT_COUNT - waitingSlots) / 2),
    );
    const last = idle.at(-1);
    if (last) this.#turn = (last.slot + 1) % SLOT_COUNT;
    return {
      claims: [...behind.map((c) => ({ ...c, waiting: true })), ...idle],
      head,
      waitingSlots,
    };
  }

  async #claimAmong(
    trx: Trx,
    which: RawBuilder<boolean>,
    order: RawBuilder<unknown>,
    limit: number,
  ): Promise<SlotClaim[]> {
    if (limit <= 0) return [];
    const { rows } = await sql<{ name: string; position: string | number }>`
      select c.name, c.position from processor_cursors c
      where ${slotCursors} and ${which}
      order by ${order}
      limit ${limit}
      for update skip locked`.execute(trx);
    return rows.map((r) => ({
      slot: Number(r.name.slice(FRONTIER_CURSOR.length + 1)),
      position: Number(r.position),
    }));
  }

  /** Locks one slot's cursor, waiting for a batch that holds it; answers its position. */
  async lock(trx: Trx, slot: number): Promise<number> {
    const row = await trx
      .selectFrom('processor_cursors')
      .select('position')
      .where('name', '=', slotCursorName(slot))
      .forUpdate()
      .executeTakeFirst();
    return Number(row?.position ?? 0);
  }

  /** The slot of the event at `seq`, if it is still in the log. */
  async slotOfEvent(trx: Trx, seq: number): Promise<number | undefined> {
    const row = await trx
      .selectFrom('events')
      .select('workspace_id')
      .where('seq', '=', seq)
      .executeTakeFirst();
    return row ? slotOfWorkspace(row.workspace_id) : undefined;
  }

  /**
   * Reads up to `limit` events of the claimed slots, each slot from its own cursor, the room
   * shared among the slots that had events waiting (what one leaves goes to the next), so that
   * a batch moves each of them forward rather than one of them far. A slot read short has
   * nothing more up to the head read first (seq order is commit order: everything at
   * or below it was visible), nor up to its last event read (appended since the head was
   * read), so its cursor moves to the later of the two; a slot read in full moves to its last
   * event; a slot not read (the limit reached) stays.
   */
  async read(trx: Trx, claimed: Claimed, limit: number): Promise<SlotRead> {
    const rows: LogRow[] = [];
    const moves = new Map<number, number>();
    const { head } = claimed;
    // Idle slots are not read: nothing was after their cursors when claimed, and what came
    // since is left for the next batch (their cursors stay; the frontier ignores them).
    const behind = claimed.claims.filter((c) => c.waiting === true);
    let sharing = behind.length;
    for (const claim of behind) {
      const left = limit - rows.length;
      if (left <= 0) break;
      const room = Math.ceil(left / Math.max(1, sharing--));
      const read = await this.#log.readSlotAfter(trx, claim.slot, claim.position, room);
      rows.push(...read);
      const last = read.at(-1);
      const lastSeq = last?.seq ?? claim.position;
      const to = read.length < room ? Math.max(head, lastSeq) : lastSeq;
      if (to > claim.position) moves.set(claim.slot, to);
    }
    rows.sort((a, b) => a.seq - b.seq);
    return { rows, moves };
  }

  /** Moves the claimed slots' cursors that `moves` names. */
  async move(trx: Trx, moves: ReadonlyMap<number, number>, now: number): Promise<void> {
    if (moves.size === 0) return;
    const slots = [...moves.keys()];
    await sql`update processor_cursors c set position = v.position, updated_at = ${now}
      from unnest(${slots.map(slotCursorName)}::text[],
        ${slots.map((slot) => moves.get(slot))}::int8[]) as v(name, position)
      where c.name = v.name`.execute(trx);
  }

  /** Whether any slot has an event at or below `seq` that is not applied yet. */
  async anyWaitingThrough(seq: number): Promise<boolean> {
    const { rows } = await sql<{ waiting: boolean }>`select exists (
        select 1 from processor_cursors c where ${slotCursors} and exists (
          select 1 from events e where ${slotOf('e.workspace_id')} = ${slotOfCursor}
            and e.seq > c.position and e.seq <= ${seq})) as waiting`.execute(this.#database.db);
    return rows[0]?.waiting === true;
  }

  /**
   * Moves the frontier to the lowest position below which every slot has applied everything:
   * the head of the log, or a slot's cursor if events wait after it. In the batch's
   * transaction, last (PostgreSQL): one statement is one snapshot, in which the batch's own
   * cursors have moved and other batches' in flight have not - so the value never passes an
   * event that is not applied once this commits. A batch that waited for another's lock on the
   * row writes its value only if it is higher (never moves it back).
   */
  async advanceFrontier(now: number, trx?: Trx): Promise<void> {
    await sql`with f as (
        select least(
          (select coalesce(max(seq), 0) from events),
          (select min(c.position) from processor_cursors c where ${slotCursors} and ${waiting})
        ) as position)
      update processor_cursors set position = f.position, updated_at = ${now}
      from f where name = ${FRONTIER_CURSOR} and processor_cursors.position < f.position`.execute(
      trx ?? this.#database.db,
    );
  }
}
