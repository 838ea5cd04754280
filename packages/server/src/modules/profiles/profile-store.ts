import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import { erasureHash } from './identifiers.js';
import type { ProfileTable } from '../../platform/db/schema.js';
import { readJsonObject, readStringArray } from '../../platform/json.js';
import { setOwn } from '../../platform/safe-object.js';
import type { ProfileState } from './profile-state.js';
import { OrderStore } from './order-store.js';

/**
 * Set-based reads and writes for the processor: a handful of statements per batch, however many
 * events it holds, so the cost per event stays flat on both engines.
 */
const CHUNK = 400;
const chunks = <T>(xs: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
};

export class ProfileStore {
  /** Orders and their linked records, written in the same batches as the profiles. */
  readonly orders = new OrderStore();
  readonly #postgres: boolean;
  readonly #erasureKey: string;
  constructor(dialect: 'sqlite' | 'postgres', erasureKey: string) {
    this.#postgres = dialect === 'postgres';
    this.#erasureKey = erasureKey;
  }

  /**
   * Lookups: one array parameter on PostgreSQL (`= any($1)`, planned once, any length)
   * instead of a list of hundreds of parameters planned anew each time; an IN list on SQLite.
   */
  get #chunk(): number {
    return this.#postgres ? 5000 : CHUNK;
  }
  #oneOf(column: 'value' | 'id' | 'profile_id', values: string[]) {
    return this.#postgres
      ? sql<boolean>`${sql.ref(column)} = any(${sql.val(values)}::text[])`
      : sql<boolean>`${sql.ref(column)} in (${sql.join(values)})`;
  }

  erasureHash(workspaceId: string, id: { kind: string; value: string }): string {
    return erasureHash(this.#erasureKey, workspaceId, id);
  }

  /** Owners of the given identifiers: one query per kind, so the primary key serves each. */
  async loadIdentifiers(
    trx: Trx | Db,
    workspaceId: string,
    ids: { kind: string; value: string }[],
  ) {
    const byKind = new Map<string, Set<string>>();
    for (const id of ids) {
      const values = byKind.get(id.kind) ?? new Set<string>();
      values.add(id.value);
      byKind.set(id.kind, values);
    }
    const found = new Map<string, string>();
    for (const [kind, values] of byKind) {
      for (const part of chunks([...values], this.#chunk)) {
        const rows = await trx
          .selectFrom('identifiers')
          .select(['value', 'profile_id'])
          .where('workspace_id', '=', workspaceId)
          .where('kind', '=', kind)
          .where(this.#oneOf('value', part))
          .execute();
        for (const r of rows) found.set(`${kind}:${r.value}`, r.profile_id);
      }
    }
    return found;
  }

  async loadProfiles(trx: Trx | Db, ids: string[]): Promise<Map<string, ProfileState>> {
    const out = new Map<string, ProfileState>();
    for (const part of chunks([...new Set(ids)], this.#chunk)) {
      const rows = await trx
        .selectFrom('profiles')
        .selectAll()
        .where(this.#oneOf('id', part))
        .execute();
      for (const r of rows) out.set(r.id, toState(r));
      const strong = await trx
        .selectFrom('identifiers')
        .select(['profile_id', 'kind', 'value'])
        .where(this.#oneOf('profile_id', part))
        .where('kind', 'in', ['user_id', 'customer_id'])
        .execute();
      for (const s of strong) out.get(s.profile_id)?.strongIds.add(`${s.kind}:${s.value}`);
    }
    return out;
  }

  async hasErasures(trx: Trx | Db, workspaceId: string): Promise<boolean> {
    const row = await trx
      .selectFrom('erasures')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async loadErasures(trx: Trx | Db, workspaceId: string, hashes: string[]) {
    const out = new Map<string, number>();
    for (const part of chunks([...new Set(hashes)])) {
      const rows = await trx
        .selectFrom('erasures')
        .select(['identifier_hash', 'erased_at'])
        .where('workspace_id', '=', workspaceId)
        .where('identifier_hash', 'in', part)
        .execute();
      for (const r of rows) {
        out.set(r.identifier_hash, Math.max(out.get(r.identifier_hash) ?? 0, r.erased_at));
      }
    }
    return out;
  }

  /** Moves everything of `from` to `into` and records the merge; the caller merged the state. */
  async mergeProfiles(
    trx: Trx,
    m: {
      workspaceId: string;
      from: string;
      into: string;
      reason: string;
      seq: number;
      now: number;
    },
  ): Promise<void> {
    await trx
      .updateTable('identifiers')
      .set({ profile_id: m.into })
      .where('profile_id', '=', m.from)
      .execute();
    await trx
      .updateTable('event_profiles')
      .set({ profile_id: m.into })
      .where('profile_id', '=', m.from)
      .execute();
    await trx
      .updateTable('profile_orders')
      .set({ profile_id: m.into })
      .where('profile_id', '=', m.from)
      .execute();
    await trx
      .updateTable('profile_merges')
      .set({ into_profile_id: m.into })
      .where('into_profile_id', '=', m.from)
      .execute();
    await trx.deleteFrom('profiles').where('id', '=', m.from).execute();
    await trx
      .insertInto('profile_merges')
      .values({
        workspace_id: m.workspaceId,
        from_profile_id: m.from,
        into_profile_id: m.into,
        reason: m.reason,
        event_seq: m.seq,
        merged_at: m.now,
      })
      .execute();
  }

  async saveProfiles(trx: Trx, profiles: ProfileState[]): Promise<void> {
    for (const part of chunks(profiles, 200)) {
      await trx
        .insertInto('profiles')
        .values(part.map(toRow))
        // created_at is never updated: a merge's survivor is always the older profile, and
        // rewriting it would move the row in the (workspace_id, created_at) index every time.
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            updated_at: eb.ref('excluded.updated_at'),
            traits: eb.ref('excluded.traits'),
            trait_times: eb.ref('excluded.trait_times'),
            order_count: eb.ref('excluded.order_count'),
            total_spent: eb.ref('excluded.total_spent'),
            refunded_total: eb.ref('excluded.refunded_total'),
            first_order_at: eb.ref('excluded.first_order_at'),
            last_order_at: eb.ref('excluded.last_order_at'),
            last_seen_at: eb.ref('excluded.last_seen_at'),
            last_product_viewed: eb.ref('excluded.last_product_viewed'),
            last_product_viewed_at: eb.ref('excluded.last_product_viewed_at'),
            categories_bought: eb.ref('excluded.categories_bought'),
            products_bought: eb.ref('excluded.products_bought'),
            recreated_after_erasure: eb.ref('excluded.recreated_after_erasure'),
          })),
        )
        .execute();
    }
  }

  async saveIdentifiers(
    trx: Trx,
    rows: { workspaceId: string; kind: string; value: string; profileId: string; now: number }[],
  ): Promise<void> {
    for (const part of chunks(rows)) {
      await trx
        .insertInto('identifiers')
        .values(
          part.map((r) => ({
            workspace_id: r.workspaceId,
            kind: r.kind,
            value: r.value,
            profile_id: r.profileId,
            created_at: r.now,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'kind', 'value'])
            .doUpdateSet((eb) => ({ profile_id: eb.ref('excluded.profile_id') })),
        )
        .execute();
    }
  }

  /** Records which profile each event belongs to: append-only rows, never a log rewrite. */
  async assignEvents(trx: Trx, assignments: [seq: number, profileId: string][]): Promise<void> {
    for (const part of chunks(assignments, 500)) {
      await trx
        .insertInto('event_profiles')
        .values(part.map(([seq, profileId]) => ({ seq, profile_id: profileId })))
        .execute();
    }
  }

  /**
   * Deletes events the batch dropped (they predate an erasure) from the log, in the batch's
   * transaction. On SQLite that transaction then writes both files; SQLite commits the main
   * file (the log) first, so a crash between the two leaves the events deleted and the batch
   * to be done again - never the batch applied with the events still there (ADR 0015).
   */
  async deleteEvents(trx: Trx, seqs: number[]): Promise<void> {
    for (const part of chunks(seqs)) {
      await trx.deleteFrom('events').where('seq', 'in', part).execute();
    }
  }
}

function readTraitTimes(value: unknown): Record<string, [number, string]> {
  const out: Record<string, [number, string]> = {};
  for (const [name, stamp] of Object.entries(readJsonObject(value))) {
    if (Array.isArray(stamp) && typeof stamp[0] === 'number' && typeof stamp[1] === 'string') {
      setOwn(out, name, [stamp[0], stamp[1]]);
    }
  }
  return out;
}

function toState(r: ProfileTable): ProfileState {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    traits: readJsonObject(r.traits),
    traitTimes: readTraitTimes(r.trait_times),
    orderCount: r.order_count,
    totalSpent: r.total_spent,
    refundedTotal: r.refunded_total,
    firstOrderAt: r.first_order_at,
    lastOrderAt: r.last_order_at,
    lastSeenAt: r.last_seen_at,
    lastProductViewed: r.last_product_viewed,
    lastProductViewedAt: r.last_product_viewed_at,
    categoriesBought: readStringArray(r.categories_bought),
    productsBought: readStringArray(r.products_bought),
    recreatedAfterErasure: r.recreated_after_erasure === 1,
    strongIds: new Set(),
  };
}

function toRow(p: ProfileState): ProfileTable {
  return {
    id: p.id,
    workspace_id: p.workspaceId,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    traits: JSON.stringify(p.traits),
    trait_times: JSON.stringify(p.traitTimes),
    order_count: p.orderCount,
    total_spent: p.totalSpent,
    refunded_total: p.refundedTotal,
    first_order_at: p.firstOrderAt,
    last_order_at: p.lastOrderAt,
    last_seen_at: p.lastSeenAt,
    last_product_viewed: p.lastProductViewed,
    last_product_viewed_at: p.lastProductViewedAt,
    categories_bought: JSON.stringify(p.categoriesBought),
    products_bought: JSON.stringify(p.productsBought),
    recreated_after_erasure: p.recreatedAfterErasure ? 1 : 0,
  };
}
