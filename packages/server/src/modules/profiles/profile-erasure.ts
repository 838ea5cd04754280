import type { Database, Db, Trx } from '../../platform/db/database.js';
import { slotCursorName, slotOfWorkspace } from '../../platform/db/processor-slots.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { ProfileStore } from './profile-store.js';
import type { Identifier } from './identifiers.js';

/** Who an erasure removed, for the areas that keep copies of their own (imports, connectors). */
export interface ErasedPerson {
  workspaceId: string;
  profileId: string;
  /** Normalized, as the profile held them (`email` lower-cased, `phone` as `+digits`). */
  identifiers: { kind: string; value: string }[];
  orderIds: string[];
  refundIds: string[];
}

/**
 * Removes an area's own copies of an erased person, inside the erasure's transaction: whatever
 * it cannot remove in that transaction is a copy the erasure leaves behind.
 */
export type ErasureParticipant = (trx: Trx, person: ErasedPerson) => Promise<void>;

/**
 * The kind under which an erased order's id is kept, hashed like an identifier: the processor
 * drops every later event about that order (a routine `orders/updated` for an order placed
 * before the erasure), whatever its time, so an erased order never comes back.
 */
export const ERASED_ORDER = 'order';

/**
 * GDPR erasure of one profile: its events (parked ones too), identifiers, orders with their
 * lines, refunds and fulfilments, merges, insights and predictions are deleted in one
 * transaction, and each registered participant removes its own copies in the same transaction.
 * What stays is a keyed hash of each identifier and of each order id with the erasure time.
 */
export class ProfileEraser {
  readonly #participants: ErasureParticipant[] = [];

  constructor(
    private readonly database: Database,
    private readonly store: ProfileStore,
  ) {}

  addParticipant(participant: ErasureParticipant): void {
    this.#participants.push(participant);
  }

  async erase(
    workspaceId: string,
    liveId: string,
    now: number,
    requestedId = liveId,
  ): Promise<Result<{ erased: string }>> {
    const result = await this.database.db
      .transaction()
      .execute((trx) => this.eraseWithin(trx, workspaceId, liveId, now, requestedId));
    if (result.ok) await this.afterErasure();
    return result;
  }

  /**
   * SQLite keeps older copies of changed pages in its WAL until a checkpoint; with
   * `secure_delete` on, the checkpoint is what leaves the file without the erased data.
   * PostgreSQL's dead tuples are the same concern there: VACUUM (docs/architecture.md).
   */
  async afterErasure(): Promise<void> {
    if (this.database.dialect === 'sqlite') await this.database.sqlite.checkpoint();
  }

  /**
   * Erasure records for identifiers a store asked to forget that no profile holds yet (the
   * person's events may still wait in the log, or arrive late): the processor then drops every
   * event carrying one of them dated before now, so they cannot create the person again.
   */
  async forgetIdentifiersWithin(
    trx: Trx,
    workspaceId: string,
    identifiers: Identifier[],
    now: number,
  ): Promise<void> {
    if (!identifiers.length) return;
    await this.#serialiseWithProcessor(trx, workspaceId);
    await trx
      .insertInto('erasures')
      .values(
        identifiers.map((i) => ({
          workspace_id: workspaceId,
          identifier_hash: this.store.erasureHash(workspaceId, i),
          profile_id: '',
          erased_at: now,
        })),
      )
      .execute();
  }

  /**
   * Erases orders that are not a whole person's (a store's shop/redact): tombstoned like the
   * orders of an erased profile, deleted with their lines, refunds and fulfilments, and removed
   * from the participants' copies. The owners' order fields are the caller's to work out again.
   */
  async eraseOrdersWithin(trx: Trx, workspaceId: string, orderIds: string[], now: number) {
    if (!orderIds.length) return;
    await this.#serialiseWithProcessor(trx, workspaceId);
    const refundIds: string[] = [];
    for (let i = 0; i < orderIds.length; i += 300) {
      const part = orderIds.slice(i, i + 300);
      const rows = await trx
        .selectFrom('order_refunds')
        .select('refund_id')
        .where('workspace_id', '=', workspaceId)
        .where('order_id', 'in', part)
        .execute();
      refundIds.push(...rows.map((r) => r.refund_id));
      await trx
        .insertInto('erasures')
        .values(
          part.map((value) => ({
            workspace_id: workspaceId,
            identifier_hash: this.store.erasureHash(workspaceId, { kind: ERASED_ORDER, value }),
            profile_id: '',
            erased_at: now,
          })),
        )
        .execute();
    }
    await deleteOrders(trx, workspaceId, orderIds);
    const orders = { workspaceId, profileId: '', identifiers: [], orderIds, refundIds };
    for (const participant of this.#participants) await participant(trx, orders);
  }

  /**
   * Announces a change to profiles made outside the processor, before making it, so that no
   * processor batch running meanwhile writes back state read before it (ADR 0015): on
   * PostgreSQL by taking the cursor's lock, which a batch holds from start to commit; on
   * SQLite any write to the derived file does it (a batch whose snapshot predates it cannot
   * write). It is also recorded, as an erasure record no identifier matches.
   */
  async markWithin(trx: Trx, workspaceId: string, label: string, now: number): Promise<void> {
    await this.#serialiseWithProcessor(trx, workspaceId);
    await trx
      .insertInto('erasures')
      .values({
        workspace_id: workspaceId,
        identifier_hash: this.store.erasureHash(workspaceId, { kind: 'change', value: label }),
        profile_id: '',
        erased_at: now,
      })
      .execute();
  }

  /**
   * PostgreSQL: waits for the processor batch under way on the workspace's slot, if any, and
   * keeps the next one from taking the slot until this transaction ends (a batch holds its
   * slots' cursor rows throughout; ADR 0027). Batches of other slots go on meanwhile.
   */
  async #serialiseWithProcessor(trx: Trx, workspaceId: string): Promise<void> {
    if (this.database.dialect !== 'postgres') return;
    await trx
      .selectFrom('processor_cursors')
      .select('name')
      .where('name', '=', slotCursorName(slotOfWorkspace(workspaceId)))
      .forUpdate()
      .execute();
  }

  async eraseWithin(
    trx: Trx,
    workspaceId: string,
    liveId: string,
    now: number,
    requestedId = liveId,
  ): Promise<Result<{ erased: string }>> {
    await this.#serialiseWithProcessor(trx, workspaceId);
    const profile = await trx
      .selectFrom('profiles')
      .select('id')
      .where('id', '=', liveId)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!profile) return fail('not_found', `no profile ${requestedId}`);
    const identifiers = await trx
      .selectFrom('identifiers')
      .select(['kind', 'value'])
      .where('profile_id', '=', liveId)
      .execute();
    const orderIds = (
      await trx
        .selectFrom('profile_orders')
        .select('order_id')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', liveId)
        .execute()
    ).map((o) => o.order_id);
    const refundIds = orderIds.length
      ? (
          await trx
            .selectFrom('order_refunds')
            .select('refund_id')
            .where('workspace_id', '=', workspaceId)
            .where('order_id', 'in', orderIds)
            .execute()
        ).map((r) => r.refund_id)
      : [];
    const hashed = [...identifiers, ...orderIds.map((value) => ({ kind: ERASED_ORDER, value }))];
    if (hashed.length) {
      await trx
        .insertInto('erasures')
        .values(
          hashed.map((i) => ({
            workspace_id: workspaceId,
            identifier_hash: this.store.erasureHash(workspaceId, i),
            profile_id: liveId,
            erased_at: now,
          })),
        )
        .execute();
    }
    await trx
      .deleteFrom('events')
      .where('workspace_id', '=', workspaceId)
      .where('seq', 'in', (eb) =>
        eb.selectFrom('event_profiles').select('seq').where('profile_id', '=', liveId),
      )
      .execute();
    await trx.deleteFrom('event_profiles').where('profile_id', '=', liveId).execute();
    // Events the processor could not apply belong to no profile; the person's ids find them.
    const parked = await parkedEventsOf(trx, workspaceId, identifiers);
    if (parked.length) {
      await trx.deleteFrom('events').where('seq', 'in', parked).execute();
      await trx.deleteFrom('processor_failures').where('seq', 'in', parked).execute();
    }
    await trx.deleteFrom('identifiers').where('profile_id', '=', liveId).execute();
    await deleteOrders(trx, workspaceId, orderIds);
    await trx
      .deleteFrom('customer_value_predictions')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', liveId)
      .execute();
    for (const table of ['profile_insights', 'profile_replenishment', 'profile_rfm'] as const) {
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', liveId)
        .execute();
    }
    await trx.deleteFrom('profile_merges').where('into_profile_id', '=', liveId).execute();
    await trx.deleteFrom('profiles').where('id', '=', liveId).execute();
    const person = { workspaceId, profileId: liveId, identifiers, orderIds, refundIds };
    for (const participant of this.#participants) await participant(trx, person);
    return ok({ erased: liveId });
  }
}

/** Deletes orders (their lines are on their rows) with their refunds and fulfilments. */
export async function deleteOrders(trx: Trx, workspaceId: string, orderIds: string[]) {
  for (let i = 0; i < orderIds.length; i += 300) {
    const part = orderIds.slice(i, i + 300);
    for (const table of ['order_refunds', 'order_fulfilments', 'profile_orders'] as const) {
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('order_id', 'in', part)
        .execute();
    }
  }
}

/** Seqs of parked (unapplied) events sent under any of these user or anonymous ids. */
export async function parkedEventsOf(
  db: Db | Trx,
  workspaceId: string,
  identifiers: readonly { kind: string; value: string }[],
): Promise<number[]> {
  const users = identifiers.filter((i) => i.kind === 'user_id').map((i) => i.value);
  const anons = identifiers.filter((i) => i.kind === 'anonymous_id').map((i) => i.value);
  if (!users.length && !anons.length) return [];
  const rows = await db
    .selectFrom('events')
    .select('events.seq')
    .innerJoin('processor_failures', 'processor_failures.seq', 'events.seq')
    .where('events.workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(users.length ? [eb('events.user_id', 'in', users)] : []),
        ...(anons.length ? [eb('events.anonymous_id', 'in', anons)] : []),
      ]),
    )
    .execute();
  return rows.map((r) => Number(r.seq));
}
