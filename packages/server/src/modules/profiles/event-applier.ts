import { randomUUID } from 'node:crypto';
import { asRecord } from '../../platform/json.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { orderFacts, refundFacts, viewedProductOf } from './ecommerce-facts.js';
import {
  identifierKey,
  identifiersOf,
  traitsOf,
  type Identifier,
  type LoggedEvent,
} from './identifiers.js';
import {
  emptyProfile,
  mergeInto,
  recordOrder,
  recordRefund,
  round2,
  seen,
  setTraits,
  viewedProduct,
  type ProfileState,
} from './profile-state.js';
import type { OrderRow, ProfileStore } from './profile-store.js';

export interface BatchOutcome {
  applied: number;
  /** Events dropped because they predate the erasure of one of their identifiers. */
  dropped: number;
  merges: number;
}

const STRONG_KINDS = new Set(['user_id', 'customer_id']);
/** An order row that so far only holds refunds: its order has not been reported yet. */
const REFUND_AWAITING_ORDER = -1;
/** In such a row: a refund of the whole order, whatever its total turns out to be. */
const WHOLE_ORDER = -1;

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
  /** Writes every change; the caller's transaction also checks nothing changed meanwhile. */
  write(trx: Trx): Promise<void>;
}

/**
 * Computes what a batch of logged events does to profiles, reading through `reader` (which
 * need not be a write transaction: the processor reads outside SQLite's write lock and commits
 * only if its cursor and the erasure mark are unchanged).
 */
export async function prepareEventBatch(
  reader: Trx | Db,
  store: ProfileStore,
  events: LoggedEvent[],
  now: number,
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
    const batch = new WorkspaceBatch(reader, store, workspaceId, now);
    const r = await batch.prepare(list);
    batches.push(batch);
    outcome.applied += r.applied;
    outcome.dropped += r.dropped;
    outcome.merges += r.merges;
  }
  return {
    outcome,
    write: async (trx) => {
      for (const batch of batches) await batch.write(trx);
    },
  };
}

class WorkspaceBatch {
  readonly #owners = new Map<string, string>(); // identifier key -> profile id
  readonly #profiles = new Map<string, ProfileState>();
  readonly #mergedInto = new Map<string, string>();
  readonly #merges: { from: string; into: string; reason: string; seq: number }[] = [];
  readonly #newIdentifiers = new Map<string, Identifier>();
  readonly #orders = new Map<string, OrderRow>();
  readonly #dirtyOrders = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #assignments: [number, string][] = [];
  readonly #dropped: number[] = [];
  #erasures = new Map<string, number>();

  constructor(
    private readonly reader: Trx | Db,
    private readonly store: ProfileStore,
    private readonly workspaceId: string,
    private readonly now: number,
  ) {}

  async prepare(events: LoggedEvent[]): Promise<BatchOutcome> {
    const ids = events.map((e) => identifiersOf(e));
    const orderIds = events.flatMap((e) => {
      if (e.event !== 'Order Completed' && e.event !== 'Order Refunded') return [];
      const id = orderFacts(asRecord(e.payload.properties)).orderId ?? e.messageId;
      return [id];
    });
    // Bulk loads: identifiers, erasures, orders, then every profile any of them points to.
    const owners = await this.store.loadIdentifiers(
      this.reader,
      this.workspaceId,
      ids.flatMap((i) => i.lookups),
    );
    for (const [k, v] of owners) this.#owners.set(k, v);
    // Most workspaces have never erased anyone: then no identifier needs hashing at all.
    if (await this.store.hasErasures(this.reader, this.workspaceId)) {
      this.#erasures = await this.store.loadErasures(
        this.reader,
        this.workspaceId,
        ids.flatMap((i) => i.links.map((l) => this.#hash(l))),
      );
    }
    for (const [k, v] of await this.store.loadOrders(this.reader, this.workspaceId, orderIds)) {
      this.#orders.set(k, v);
    }
    const profileIds = [
      ...this.#owners.values(),
      ...[...this.#orders.values()].map((o) => o.profileId),
    ];
    for (const [k, v] of await this.store.loadProfiles(this.reader, profileIds))
      this.#profiles.set(k, v);

    events.forEach((event, i) => this.#applyOne(event, ids[i] ?? { links: [], lookups: [] }));
    return {
      applied: this.#assignments.length,
      dropped: this.#dropped.length,
      merges: this.#merges.length,
    };
  }

  readonly #hashes = new Map<string, string>();
  #hash(id: Identifier): string {
    const key = identifierKey(id);
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
    // Data from before an erasure (a late delivery, a retry) must not bring the person back.
    if (ids.links.length === 0 || erasedAt.some((t) => t !== undefined && t >= event.timestamp)) {
      this.#dropped.push(event.seq);
      return;
    }
    const profile = this.#profileFor(
      event,
      ids,
      erasedAt.some((t) => t !== undefined),
    );
    profile.updatedAt = this.now;
    this.#dirty.add(profile.id);
    this.#assignments.push([event.seq, profile.id]);

    seen(profile, event.timestamp);
    const traits = traitsOf(event);
    if (Object.keys(traits).length) setTraits(profile, traits, event.timestamp, event.messageId);
    const properties = asRecord(event.payload.properties);
    if (event.event === 'Order Completed') this.#orderCompleted(profile, event, properties);
    else if (event.event === 'Order Refunded') this.#orderRefunded(profile, event, properties);
    else if (event.event === 'Product Viewed') {
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
      survivor = emptyProfile(randomUUID(), this.workspaceId, this.now);
      survivor.recreatedAfterErasure = recreated;
      this.#profiles.set(survivor.id, survivor);
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
    for (const o of this.#orders.values()) if (o.profileId === loser.id) o.profileId = survivor.id;
    const reason = links.map(identifierKey).join(', ');
    this.#merges.push({
      from: loser.id,
      into: survivor.id,
      reason: `seen together: ${reason}`,
      seq,
    });
  }

  #orderCompleted(profile: ProfileState, event: LoggedEvent, properties: Record<string, unknown>) {
    const facts = orderFacts(properties);
    const orderId = facts.orderId ?? event.messageId;
    const known = this.#orders.get(orderId);
    // One order is one order, however many times it is reported.
    if (known && known.orderedAt !== REFUND_AWAITING_ORDER) return;
    recordOrder(profile, { ...facts, at: event.timestamp });
    const order: OrderRow = {
      orderId,
      profileId: profile.id,
      total: facts.total,
      refunded: 0,
      currency: facts.currency,
      orderedAt: event.timestamp,
    };
    this.#orders.set(orderId, order);
    this.#dirtyOrders.add(orderId);
    if (known) {
      // Refunds that arrived before the order apply now, exactly as if they had come after it.
      const requested = known.refunded === WHOLE_ORDER ? order.total : known.refunded;
      const amount = round2(Math.min(order.total, requested));
      order.refunded = amount;
      recordRefund(profile, amount, amount >= order.total);
    }
  }

  #orderRefunded(profile: ProfileState, event: LoggedEvent, properties: Record<string, unknown>) {
    const facts = refundFacts(properties);
    const orderId = facts.orderId ?? event.messageId;
    const order = this.#orders.get(orderId);
    if (!order || order.orderedAt === REFUND_AWAITING_ORDER) {
      // The order has not arrived (yet): keep the refund with it, so the result does not depend
      // on which of the two is processed first. Nothing changes until the order is seen.
      const before = order?.refunded ?? 0;
      const refunded =
        facts.amount === null || before === WHOLE_ORDER
          ? WHOLE_ORDER
          : round2(before + facts.amount);
      this.#orders.set(orderId, {
        orderId,
        profileId: profile.id,
        total: 0,
        refunded,
        currency: null,
        orderedAt: REFUND_AWAITING_ORDER,
      });
      this.#dirtyOrders.add(orderId);
      return;
    }
    const owner = this.#profiles.get(this.#resolve(order.profileId)) ?? profile;
    const remaining = round2(order.total - order.refunded);
    if (remaining <= 0) return;
    const amount = Math.min(remaining, facts.amount ?? remaining);
    order.refunded = round2(order.refunded + amount);
    recordRefund(owner, amount, order.refunded >= order.total);
    owner.updatedAt = this.now;
    this.#dirty.add(owner.id);
    this.#dirtyOrders.add(order.orderId);
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
    await this.store.saveOrders(
      trx,
      this.workspaceId,
      [...this.#dirtyOrders].flatMap((id) => {
        const o = this.#orders.get(id);
        return o ? [{ ...o, profileId: this.#resolve(o.profileId) }] : [];
      }),
    );
    await this.store.assignEvents(
      trx,
      this.#assignments.map(([seq, pid]) => [seq, this.#resolve(pid)]),
    );
    await this.store.deleteEvents(trx, this.#dropped);
  }
}

function conflicts(a: Set<string>, b: Set<string>): boolean {
  for (const kind of STRONG_KINDS) {
    const as = [...a].filter((k) => k.startsWith(`${kind}:`));
    const bs = [...b].filter((k) => k.startsWith(`${kind}:`));
    if (as.length && bs.length && !as.some((k) => bs.includes(k))) return true;
  }
  return false;
}
