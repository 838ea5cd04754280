import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { anyOf, bulkInsert, bulkTable, idList } from '../../platform/db/bulk-write.js';
import type { MembershipEvent } from './segment-entry-rechecks.js';

/** Arbitrary but fixed: the advisory lock that orders segment change rows on PostgreSQL. */
const SEGMENT_CHANGES_LOCK = 7_301_004;

/** One profile entering or leaving a segment, and why. */
export interface MembershipChange {
  profileId: string;
  cause: string;
}

export interface MembershipDiff {
  workspaceId: string;
  segmentId: string;
  at: number;
  entered: readonly MembershipChange[];
  exited: readonly MembershipChange[];
}

const MEMBERSHIPS = bulkTable({
  table: 'segment_memberships',
  columns: [
    { name: 'segment_id', pgType: 'text' },
    { name: 'profile_id', pgType: 'text' },
    { name: 'workspace_id', pgType: 'text' },
    { name: 'entered_at', pgType: 'int8' },
    { name: 'cause', pgType: 'text' },
  ],
  conflict: { target: ['segment_id', 'profile_id'], update: 'nothing' },
});
const CHANGES = bulkTable({
  table: 'segment_changes',
  columns: [
    { name: 'workspace_id', pgType: 'text' },
    { name: 'segment_id', pgType: 'text' },
    { name: 'profile_id', pgType: 'text' },
    { name: 'kind', pgType: 'text' },
    { name: 'at', pgType: 'int8' },
    { name: 'cause', pgType: 'text' },
  ],
});

/** Rows per `anyOf` parameter: one JSON array or one PostgreSQL array, bounded anyway. */
const CHUNK = 5000;

/**
 * Stored membership: who is in a segment since when, and every entry and exit in order. Only
 * the processor writes it, inside its batch transaction (ADR 0018), so a membership change is
 * committed with the events or the definition change that caused it, or not at all.
 */
export class MembershipStore {
  readonly #database: Database;
  /** Transactions that hold SEGMENT_CHANGES_LOCK already (PostgreSQL). */
  readonly #ordered = new WeakSet<Trx>();
  /** Told of each membership written (entries, exits, moves by a merge): see EntryRechecks. */
  readonly #onChange: (segmentId: string, profileId: string, event: MembershipEvent) => void;
  constructor(
    database: Database,
    onChange: (segmentId: string, profileId: string, event: MembershipEvent) => void = () => {},
  ) {
    this.#database = database;
    this.#onChange = onChange;
  }

  /** The stored members of `segmentId` among `profileIds` (all of them when omitted). */
  async storedMembers(
    trx: Trx,
    segmentId: string,
    profileIds?: readonly string[],
  ): Promise<Set<string>> {
    const out = new Set<string>();
    const base = trx
      .selectFrom('segment_memberships')
      .select('profile_id')
      .where('segment_id', '=', segmentId);
    if (profileIds === undefined) {
      for (const r of await base.execute()) out.add(r.profile_id);
      return out;
    }
    for (let i = 0; i < profileIds.length; i += CHUNK) {
      const part = profileIds.slice(i, i + CHUNK);
      const rows = await base.where(anyOf(this.#database.dialect, 'profile_id', part)).execute();
      for (const r of rows) out.add(r.profile_id);
    }
    return out;
  }

  /** The stored memberships of `profileIds`, by segment (one read for every segment). */
  async storedAmong(trx: Trx, profileIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (let i = 0; i < profileIds.length; i += CHUNK) {
      const rows = await trx
        .selectFrom(idList(this.#database.dialect, profileIds.slice(i, i + CHUNK)))
        .crossJoin('segment_memberships as m')
        .whereRef('m.profile_id', '=', 'j.value')
        .select(['m.segment_id', 'm.profile_id'])
        .execute();
      for (const r of rows) {
        const set = out.get(r.segment_id) ?? new Set<string>();
        set.add(r.profile_id);
        out.set(r.segment_id, set);
      }
    }
    return out;
  }

  /** Writes entries and exits: the membership rows and one change row each. */
  async apply(trx: Trx, diff: MembershipDiff): Promise<void> {
    if (diff.entered.length === 0 && diff.exited.length === 0) return;
    const { workspaceId, segmentId, at } = diff;
    const exitedIds = diff.exited.map((c) => c.profileId);
    for (let i = 0; i < exitedIds.length; i += CHUNK) {
      await trx
        .deleteFrom('segment_memberships')
        .where('segment_id', '=', segmentId)
        .where(anyOf(this.#database.dialect, 'profile_id', exitedIds.slice(i, i + CHUNK)))
        .execute();
    }
    await bulkInsert(
      this.#database,
      trx,
      MEMBERSHIPS,
      diff.entered.map((c) => [segmentId, c.profileId, workspaceId, at, c.cause]),
    );
    await this.#orderChanges(trx);
    await bulkInsert(this.#database, trx, CHANGES, [
      ...diff.entered.map((c) => [workspaceId, segmentId, c.profileId, 'entered', at, c.cause]),
      ...diff.exited.map((c) => [workspaceId, segmentId, c.profileId, 'exited', at, c.cause]),
    ]);
    for (const c of diff.entered) this.#onChange(segmentId, c.profileId, 'entered');
    for (const c of diff.exited) this.#onChange(segmentId, c.profileId, 'exited');
  }

  /**
   * PostgreSQL: followers (journey triggers, webhooks) read `segment_changes` by `seq`, which
   * is only safe if rows become visible in `seq` order. Batches of different processor slots
   * run at the same time (ADR 0027), so a batch takes this lock before its first change row and
   * holds it to its commit: change rows are numbered and committed one batch after another. A
   * row with a smaller `seq` can then never appear after a follower has read past it.
   */
  async #orderChanges(trx: Trx): Promise<void> {
    if (this.#database.dialect !== 'postgres' || this.#ordered.has(trx)) return;
    await sql`select pg_advisory_xact_lock(${SEGMENT_CHANGES_LOCK})`.execute(trx);
    this.#ordered.add(trx);
  }

  /**
   * A merged-away profile's memberships move to the profile it was merged into (keeping the
   * earlier entry), without an exit or an entry: the person did not leave. The survivor is
   * re-evaluated with the batch's other changes.
   */
  async moveMerged(trx: Trx, from: string, into: string): Promise<void> {
    // The survivor is re-checked for every segment in this batch, which schedules its timer.
    await trx.deleteFrom('segment_profile_timers').where('profile_id', '=', from).execute();
    // The history follows the person too (and an erasure of the survivor then finds it).
    await trx
      .updateTable('segment_changes')
      .set({ profile_id: into })
      .where('profile_id', '=', from)
      .execute();
    const rows = await trx
      .selectFrom('segment_memberships')
      .selectAll()
      .where('profile_id', '=', from)
      .execute();
    if (rows.length === 0) return;
    await trx.deleteFrom('segment_memberships').where('profile_id', '=', from).execute();
    for (const r of rows) {
      // The survivor's entry may now be the earlier one: "since entering" counts from it.
      this.#onChange(r.segment_id, into, 'merged');
      await trx
        .insertInto('segment_memberships')
        .values({ ...r, profile_id: into })
        .onConflict((oc) =>
          oc.columns(['segment_id', 'profile_id']).doUpdateSet({
            // min() of two values is least() on PostgreSQL: a case reads the same on both.
            entered_at: sql<number>`case when excluded.entered_at < segment_memberships.entered_at
              then excluded.entered_at else segment_memberships.entered_at end`,
          }),
        )
        .execute();
    }
  }

  /**
   * A deleted segment: its members and state go (its history of changes stays until erased).
   * Timers are per profile: one the segment set only makes a re-check that finds no change.
   */
  async forget(trx: Trx, segmentId: string): Promise<void> {
    await trx.deleteFrom('segment_memberships').where('segment_id', '=', segmentId).execute();
    await trx.deleteFrom('segment_states').where('segment_id', '=', segmentId).execute();
  }

  /** Per segment, the version its stored membership was computed for, and its workspace. */
  async states(trx: Trx): Promise<Map<string, { version: number; workspaceId: string }>> {
    const rows = await trx
      .selectFrom('segment_states')
      .select(['segment_id', 'version', 'workspace_id'])
      .execute();
    return new Map(
      rows.map((r) => [r.segment_id, { version: Number(r.version), workspaceId: r.workspace_id }]),
    );
  }

  async setState(
    trx: Trx,
    state: { segmentId: string; workspaceId: string; version: number; at: number },
  ): Promise<void> {
    await trx
      .insertInto('segment_states')
      .values({
        segment_id: state.segmentId,
        workspace_id: state.workspaceId,
        version: state.version,
        evaluated_at: state.at,
      })
      .onConflict((oc) =>
        oc.column('segment_id').doUpdateSet({ version: state.version, evaluated_at: state.at }),
      )
      .execute();
  }
}

/** GDPR erasure: the person's memberships and history go in the erasure's transaction. */
export async function eraseSegmentRecords(
  trx: Trx,
  person: { workspaceId: string; profileId: string },
): Promise<void> {
  for (const table of [
    'segment_memberships',
    'segment_changes',
    'segment_profile_timers',
    'segment_recheck_requests',
  ] as const) {
    await trx
      .deleteFrom(table)
      .where('workspace_id', '=', person.workspaceId)
      .where('profile_id', '=', person.profileId)
      .execute();
  }
}
