import { timeOrderedUuid } from '../../platform/time-ordered-id.js';
import { asRecord } from '../../platform/json.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { viewedFieldsOf, viewedProductOf } from './ecommerce-facts.js';
import { OrderBook, ORDER_EVENTS, orderIdOf, orderKeysOf } from './order-book.js';
import { ERASED_ORDER } from './profile-erasure.js';
import type { OrderStore } from './order-store.js';
import {
  conflicts,
  identifierKey,
  identifiersOf,
  STRONG_KINDS,
  traitsOf,
  type Identifier,
  type LoggedEvent,
} from './identifiers.js';
import {
  emptyProfile,
  mergeInto,
  seen,
  setTraits,
  viewedProduct,
  type ProfileState,
} from './profile-state.js';
import type { ProfileCache } from './profile-cache.js';
import type { EventAssignment, ProfileStore } from './profile-store.js';
import { touchedProfiles, type WorkspaceChanges } from './batch-changes.js';

export type { TouchedProfile, WorkspaceChanges } from './batch-changes.js';
export { CARRIED_TRAITS } from './batch-changes.js';

export interface BatchOutcome {
  applied: number;
  /** Events dropped because they predate the erasure of one of their identifiers. */
  dropped: number;
  merges: number;
}

/**
 * Applies a batch of logged events to profiles inside the caller's transaction: identity is
 * resolved in memory against the identifiers the batch touches (loaded in bulk), then every
 * change is written back in a few set-based statements.
 *
 * Identity rules: identifiers seen together belong to one person, so their profiles merge (the
 * oldest survives) - except that a profile holds at most one user_id and one customer_id, unless
 * an explicit `alias` says two ids are one person. A shared browser therefore never merges two
 * logged-in customers.
 */
/** A batch whose effects are computed and ready to be written. */
export interface PreparedBatch {
  outcome: BatchOutcome;
  /** Per workspace, the profiles the batch changed and the merges it made. */
  changes: WorkspaceChanges[];
  /** Writes every change, in the caller's transaction. */
  write(trx: Trx): Promise<void>;
  /** After the caller's transaction committed: the cache takes in the batch's state. */
  remember(): void;
}

/**
 * Computes what a batch of logged events does to profiles, reading through `reader` (the
 * processor's batch transaction) and, when given, the profile cache (ADR 0016).
 */
export async function prepareEventBatch(
  reader: Trx | Db,
  store: ProfileStore,
  events: LoggedEvent[],
  now: number,
  cache?: ProfileCache,
): Promise<PreparedBatch> {
  const outcome: BatchOutcome = { applied: 0, dropped: 0, merges: 0 };
  const byWorkspace = new Map<string, LoggedEvent[]>();
  for (const e of events) {
    const list = byWorkspace.get(e.workspaceId) ?? [];
    list.push(e);
    byWorkspace.set(e.workspaceId, list);
  }
  const batches: WorkspaceBatch[] = [];
  for (const [workspaceId, list] of byWorkspace) {
    const batch = new WorkspaceBatch(reader, store, store.orders, workspaceId, now, cache);
    const r = await batch.prepare(list);
    batches.push(batch);
    outcome.applied += r.applied;
    outcome.dropped += r.dropped;
    outcome.merges += r.merges;
  }
  return {
    outcome,
    changes: batches.map((b) => b.changes()),
    write: async (trx) => {
      for (const batch of batches) await batch.write(trx);
    },
    remember: () => {
      for (const batch of batches) batch.remember();
    },
  };
}

class WorkspaceBatch {
  readonly #owners = new Map<string, string>(); // identifier key -> profile id
  readonly #profiles = new Map<string, ProfileState>();
  readonly #mergedInto = new Map<string, string>();
  readonly #merges: { from: string; into: string; reason: string; seq: number }[] = [];
  readonly #newIdentifiers = new Map<string, Identifier>();
  #orders = new OrderBook(new Map(), new Set(), () => undefined);
  readonly #dirty = new Set<string>();
  /** Per applied event: seq, its profile, a track event's name, its time. */
  readonly #assignments: EventAssignment[] = [];
  /** Per applied event (by seq): what kind of call it was and its message id. */
  readonly #calls = new Map<number, { call: string; messageId: string; traits: boolean }>();
  /** Profiles this batch created (a segment reads every condition of a new profile). */
  readonly #created = new Set<string>();
  readonly #dropped: number[] = [];
  #erasures = new Map<string, number>();

  constructor(
    private readonly reader: Trx | Db,
    private readonly store: ProfileStore,
    private readonly orderStore: OrderStore,
    private readonly workspaceId: string,
    private readonly now: number,
    private readonly cache: ProfileCache | undefined,
  ) {}

  /** Every identifier key the batch looked up. */
  readonly #lookedUp = new Set<string>();
  /** Those read from the database (the cache learns who holds each, or that nobody does). */
  readonly #readKeys: string[] = [];
  /** Profiles read from the database or made by this batch (the cache has the others). */
  readonly #fresh: ProfileState[] = [];

  async prepare(events: LoggedEvent[]): Promise<BatchOutcome> {
    const ids = events.map((e) => identifiersOf(e));
    const { orderIds, refundIds } = orderKeysOf(events);
    // Bulk loads: identifiers, erasures, orders, then every profile any of them points to -
    // each only if the cache does not know it already.
    const unknown: Identifier[] = [];
    for (const i of ids) {
      for (const l of i.lookups) {
        const key = identifierKey(l);
        if (this.#lookedUp.has(key)) continue;
        this.#lookedUp.add(key);
        const cached = this.cache?.owner(this.workspaceId, key);
        if (cached === undefined) {
          unknown.push(l);
          this.#readKeys.push(key);
        } else if (cached !== null) this.#owners.set(key, cached);
      }
    }
    const owners = await this.store.loadIdentifiers(this.reader, this.workspaceId, unknown);
    for (const [k, v] of owners) this.#owners.set(k, this.cache ? this.cache.resolve(v) : v);
    // Most workspaces have never erased anyone: then no identifier needs hashing at all.
    if (await this.store.hasErasures(this.reader, this.workspaceId)) {
      this.#erasures = await this.store.loadErasures(this.reader, this.workspaceId, [
        ...ids.flatMap((i) => i.links.map((l) => this.#hash(l))),
        ...orderIds.map((value) => this.#hash({ kind: ERASED_ORDER, value })),
      ]);
    }
    if (orderIds.length) {
      this.#orders = new OrderBook(
        await this.orderStore.load(this.reader, this.workspaceId, orderIds),
        await this.orderStore.knownRefunds(this.reader, this.workspaceId, refundIds),
        (id) => {
          const owner = this.#profiles.get(this.#resolve(id));
          if (owner) {
            owner.updatedAt = this.now;
            this.#dirty.add(owner.id);
          }
          return owner;
        },
      );
    }
    const toLoad: string[] = [];
    for (const id of [
      ...this.#owners.values(),
      ...[...this.#orders.orders.values()].map((o) => o.profileId),
    ]) {
      const cached = this.cache?.profile(id);
      if (cached) this.#profiles.set(cached.id, cached);
      else toLoad.push(id);
    }
    for (const [k, v] of await this.store.loadProfiles(this.reader, toLoad)) {
      this.#profiles.set(k, v);
      this.#fresh.push(v);
    }

    events.forEach((event, i) => this.#applyOne(event, ids[i] ?? { links: [], lookups: [] }));
    return {
      applied: this.#assignments.length,
      dropped: this.#dropped.length,
      merges: this.#merges.length,
    };
  }

  readonly #hashes = new Map<string, string>();
  #hash(id: Identifier | { kind: typeof ERASED_ORDER; value: string }): string {
    const key = `${id.kind}:${id.value}`;
    let hash = this.#hashes.get(key);
    if (hash === undefined) {
      hash = this.store.erasureHash(this.workspaceId, id);
      this.#hashes.set(key, hash);
    }
    return hash;
  }

  #resolve(id: string): string {
    let cur = id;
    for (let next = this.#mergedInto.get(cur); next; next = this.#mergedInto.get(cur)) cur = next;
    return cur;
  }

  #applyOne(event: LoggedEvent, ids: { links: Identifier[]; lookups: Identifier[] }): void {
    const erasedAt = ids.links.map((l) =>
      this.#erasures.size ? this.#erasures.get(this.#hash(l)) : undefined,
    );
    // A store's refund or fulfillment webhook names the order, not the person: it belongs to
    // whoever the order belongs to. Without that, an event nobody can be found for is dropped.
    const orderOwnerId = ids.links.length === 0 ? this.#orders.ownerIdOf(event) : null;
    const orderOwner =
      orderOwnerId === null ? undefined : this.#profiles.get(this.#resolve(orderOwnerId));
    // Data from before an erasure (a late delivery, a retry) must not bring the person back,
    // and news of an erased order (an update after the erasure) must not bring the order back.
    const orderId = this.#erasures.size ? orderIdOf(event) : null;
    if (
      (ids.links.length === 0 && !orderOwner) ||
      erasedAt.some((t) => t !== undefined && t >= event.timestamp) ||
      (orderId !== null && this.#erasures.has(this.#hash({ kind: ERASED_ORDER, value: orderId })))
    ) {
      this.#dropped.push(event.seq);
      return;
    }
    const profile =
      orderOwner ??
      this.#profileFor(
        event,
        ids,
        erasedAt.some((t) => t !== undefined),
      );
    profile.updatedAt = this.now;
    this.#dirty.add(profile.id);
    const name = event.type === 'track' ? (event.event ?? null) : null;
    this.#assignments.push([
      event.seq,
      profile.id,
      name,
      event.timestamp,
      ...viewedFieldsOf(name, event.payload.properties),
    ]);
    const traits = traitsOf(event);
    this.#calls.set(event.seq, {
      call: event.type === 'track' ? `track:${event.event ?? ''}` : event.type,
      messageId: event.messageId,
      traits: Object.keys(traits).length > 0,
    });

    seen(profile, event.timestamp);
    if (Object.keys(traits).length) setTraits(profile, traits, event.timestamp, event.messageId);
    const properties = asRecord(event.payload.properties);
    if (event.event !== null && ORDER_EVENTS.has(event.event)) {
      this.#orders.apply(profile, event, properties);
    } else if (event.event === 'Product Viewed') {
      const product = viewedProductOf(properties);
      if (product) viewedProduct(profile, product, event.timestamp);
    }
  }

  #profileFor(
    event: LoggedEvent,
    ids: { links: Identifier[]; lookups: Identifier[] },
    recreated: boolean,
  ): ProfileState {
    const isAlias = event.type === 'alias';
    const found: ProfileState[] = [];
    for (const l of ids.lookups) {
      const owner = this.#owners.get(identifierKey(l));
      const p = owner === undefined ? undefined : this.#profiles.get(this.#resolve(owner));
      if (p && !found.includes(p)) found.push(p);
    }
    const eventStrong = ids.links.filter((l) => STRONG_KINDS.has(l.kind)).map(identifierKey);
    let group: ProfileState[] = [];
    for (const p of found) {
      if (isAlias || group.every((g) => !conflicts(g.strongIds, p.strongIds))) group.push(p);
    }
    // A user id the matched profile does not hold, on a device or email that belongs to another
    // customer: a different person. Only profiles compatible with the event's own ids remain.
    if (!isAlias) group = group.filter((g) => !conflicts(new Set(eventStrong), g.strongIds));
    let survivor: ProfileState;
    if (group.length === 0) {
      // Time-ordered: a batch's new profiles land together at the end of every index keyed
      // by profile id (profiles, identifiers, event_profiles, memberships), not on random pages.
      survivor = emptyProfile(timeOrderedUuid(this.now), this.workspaceId, this.now);
      survivor.recreatedAfterErasure = recreated;
      this.#created.add(survivor.id);
      this.#profiles.set(survivor.id, survivor);
      this.#fresh.push(survivor);
    } else {
      const [oldest, ...others] = group.sort(
        (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
      );
      if (!oldest) throw new Error('unreachable: the group is not empty');
      survivor = oldest;
      for (const loser of others) this.#merge(loser, survivor, ids.links, event.seq);
    }
    for (const l of ids.links) {
      const key = identifierKey(l);
      const owner = this.#owners.get(key);
      if (owner !== undefined && this.#resolve(owner) !== survivor.id && !isAlias) continue;
      if (!isAlias && STRONG_KINDS.has(l.kind) && conflicts(new Set([key]), survivor.strongIds)) {
        continue;
      }
      if (owner === undefined || this.#resolve(owner) !== survivor.id) {
        this.#owners.set(key, survivor.id);
        this.#newIdentifiers.set(key, l);
      }
      if (STRONG_KINDS.has(l.kind)) survivor.strongIds.add(key);
    }
    return survivor;
  }

  #merge(loser: ProfileState, survivor: ProfileState, links: Identifier[], seq: number): void {
    mergeInto(survivor, loser);
    this.#mergedInto.set(loser.id, survivor.id);
    this.#profiles.delete(loser.id);
    this.#dirty.delete(loser.id);
    this.#orders.moveOrders(loser.id, survivor.id);
    const reason = links.map(identifierKey).join(', ');
    this.#merges.push({
      from: loser.id,
      into: survivor.id,
      reason: `seen together: ${reason}`,
      seq,
    });
  }

  changes(): WorkspaceChanges {
    return {
      workspaceId: this.workspaceId,
      touched: touchedProfiles(this.#assignments, this.#calls, this.#created, (id) =>
        this.#resolve(id),
      ),
      merges: this.#merges.map((m) => ({ from: m.from, into: this.#resolve(m.into) })),
    };
  }

  remember(): void {
    const cache = this.cache;
    if (!cache) return;
    const owners: [string, string | null][] = [];
    for (const key of this.#readKeys) {
      const owner = this.#owners.get(key);
      owners.push([key, owner === undefined ? null : this.#resolve(owner)]);
    }
    for (const key of this.#newIdentifiers.keys()) {
      owners.push([key, this.#resolve(this.#owners.get(key) ?? '')]);
    }
    cache.remember({
      workspaceId: this.workspaceId,
      owners,
      profiles: this.#fresh.filter((p) => !this.#mergedInto.has(p.id)),
      merged: [...this.#mergedInto.keys()].map((from) => [from, this.#resolve(from)]),
    });
  }

  async write(trx: Trx): Promise<void> {
    for (const m of this.#merges) {
      await this.store.mergeProfiles(trx, {
        ...m,
        workspaceId: this.workspaceId,
        now: this.now,
      });
    }
    await this.store.saveIdentifiers(
      trx,
      [...this.#newIdentifiers.entries()].map(([key, l]) => ({
        workspaceId: this.workspaceId,
        kind: l.kind,
        value: l.value,
        profileId: this.#resolve(this.#owners.get(key) ?? ''),
        now: this.now,
      })),
    );
    const dirty = [...this.#dirty].map((id) => this.#profiles.get(this.#resolve(id)));
    await this.store.saveProfiles(
      trx,
      [...new Set(dirty)].filter((p): p is ProfileState => p !== undefined),
    );
    await this.orderStore.save(
      trx,
      this.workspaceId,
      this.now,
      this.#orders.changes((id) => this.#resolve(id)),
    );
    await this.store.assignEvents(
      trx,
      this.#assignments.map(([seq, pid, ...rest]) => [seq, this.#resolve(pid), ...rest]),
    );
    await this.store.deleteEvents(trx, this.#dropped);
  }
}
