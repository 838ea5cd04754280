import type { Database, Db, Trx } from '../../platform/db/database.js';
import { erasureHash } from './identifiers.js';
import type { ProfileTable } from '../../platform/db/schema.js';
import type { Selectable } from 'kysely';
import { ownZoneOf } from '../../platform/time-zones.js';
import { storeZoneOffsets, type ZoneOffsetsSeen } from '../../platform/zone-offsets.js';
import { readJsonObject, readStringArray } from '../../platform/json.js';
import { setOwn } from '../../platform/safe-object.js';
import type { ProfileState } from './profile-state.js';
import { OrderStore } from './order-store.js';
import {
  anyOf,
  bulkInsert,
  bulkTable,
  type BulkTarget,
  type BulkValue,
  type PgType,
} from '../../platform/db/bulk-write.js';

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

/** The processor's hot writes: fixed SQL, prepared once (see bulk-write.ts). */
const PROFILE_COLUMNS = [
  ['id', 'text'],
  ['workspace_id', 'text'],
  ['created_at', 'int8'],
  ['updated_at', 'int8'],
  ['traits', 'jsonb'],
  ['trait_times', 'jsonb'],
  ['order_count', 'int4'],
  ['total_spent', 'float8'],
  ['refunded_total', 'float8'],
  ['first_order_at', 'int8'],
  ['last_order_at', 'int8'],
  ['last_seen_at', 'int8'],
  ['last_product_viewed', 'text'],
  ['last_product_viewed_at', 'int8'],
  ['categories_bought', 'jsonb'],
  ['products_bought', 'jsonb'],
  ['recreated_after_erasure', 'int4'],
  ['time_zone', 'text'],
] as const satisfies readonly (readonly [keyof ProfileTable, PgType])[];
const PROFILES = bulkTable({
  table: 'profiles',
  columns: PROFILE_COLUMNS.map(([name, pgType]) => ({ name, pgType })),
  // created_at is never updated: a merge's survivor is always the older profile, and
  // rewriting it would move the row in the (workspace_id, created_at) index every time.
  conflict: {
    target: ['id'],
    update: PROFILE_COLUMNS.map(([name]) => name).filter(
      (n) => n !== 'id' && n !== 'workspace_id' && n !== 'created_at',
    ),
  },
});
const IDENTIFIERS = bulkTable({
  table: 'identifiers',
  columns: [
    { name: 'workspace_id', pgType: 'text' },
    { name: 'kind', pgType: 'text' },
    { name: 'value', pgType: 'text' },
    { name: 'profile_id', pgType: 'text' },
    { name: 'created_at', pgType: 'int8' },
  ],
  conflict: { target: ['workspace_id', 'kind', 'value'], update: ['profile_id'] },
});
const EVENT_PROFILES = bulkTable({
  table: 'event_profiles',
  columns: [
    { name: 'seq', pgType: 'int8' },
    { name: 'profile_id', pgType: 'text' },
    { name: 'event', pgType: 'text' },
    { name: 'at', pgType: 'int8' },
    { name: 'product_id', pgType: 'text' },
    { name: 'category', pgType: 'text' },
  ],
});

const DROPPED_EVENTS = bulkTable({
  table: 'dropped_events',
  columns: [{ name: 'seq', pgType: 'int8' }],
  conflict: { target: ['seq'], update: 'nothing' },
});

/**
 * One applied event's row in `event_profiles`: its profile, a track event's name, its time, and
 * a `Product Viewed` event's product id and category (each when a string).
 */
export type EventAssignment = [
  seq: number,
  profileId: string,
  event: string | null,
  at: number,
  productId: string | null,
  category: string | null,
];

export class ProfileStore {
  /** Orders and their linked records, written in the same batches as the profiles. */
  readonly orders: OrderStore;
  readonly #target: BulkTarget;
  /** Batches record dropped events in the outbox instead of deleting them (see deleteEvents). */
  readonly #deferred: boolean;
  readonly #erasureKey: string;
  /** Zones whose offsets are known stored (see storeZoneOffsets). */
  readonly #zones: ZoneOffsetsSeen = { stored: new Set(), inserted: new Map() };
  /** The writes run on `database`'s connection (on SQLite, its prepared statements). */
  constructor(database: Database, erasureKey: string) {
    this.#target = database;
    this.#deferred = database.dialect === 'sqlite' && database.deferWriteLocks;
    this.#erasureKey = erasureKey;
    this.orders = new OrderStore(database);
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
      const rows = await trx
        .selectFrom('identifiers')
        .select(['value', 'profile_id'])
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', kind)
        .where(anyOf(this.#target.dialect, 'value', [...values]))
        .execute();
      for (const r of rows) found.set(`${kind}:${r.value}`, r.profile_id);
    }
    return found;
  }

  async loadProfiles(trx: Trx | Db, ids: string[]): Promise<Map<string, ProfileState>> {
    const out = new Map<string, ProfileState>();
    if (ids.length === 0) return out;
    const unique = [...new Set(ids)];
    const dialect = this.#target.dialect;
    const rows = await trx
      .selectFrom('profiles')
      .selectAll()
      .where(anyOf(dialect, 'id', unique))
      .execute();
    for (const r of rows) out.set(r.id, toState(r));
    const strong = await trx
      .selectFrom('identifiers')
      .select(['profile_id', 'kind', 'value'])
      .where(anyOf(dialect, 'profile_id', unique))
      .where('kind', 'in', ['user_id', 'customer_id'])
      .execute();
    for (const s of strong) out.get(s.profile_id)?.strongIds.add(`${s.kind}:${s.value}`);
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
    if (hashes.length === 0) return out;
    const rows = await trx
      .selectFrom('erasures')
      .select(['identifier_hash', 'erased_at'])
      .where('workspace_id', '=', workspaceId)
      .where(anyOf(this.#target.dialect, 'identifier_hash', [...new Set(hashes)]))
      .execute();
    for (const r of rows) {
      out.set(r.identifier_hash, Math.max(out.get(r.identifier_hash) ?? 0, r.erased_at));
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
    // In key order, the B-tree's pages are visited once each, in order (not at random).
    const sorted = [...profiles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rows = sorted.map(toValues);
    // A zone stored with a profile has its offsets stored too, for SQL that reads local dates.
    const zones = rows.flatMap((r) => (typeof r[ZONE_COLUMN] === 'string' ? [r[ZONE_COLUMN]] : []));
    await storeZoneOffsets(trx, zones, this.#zones);
    await bulkInsert(this.#target, trx, PROFILES, rows);
  }

  async saveIdentifiers(
    trx: Trx,
    rows: { workspaceId: string; kind: string; value: string; profileId: string; now: number }[],
  ): Promise<void> {
    const values = rows.map((r) => [r.workspaceId, r.kind, r.value, r.profileId, r.now] as const);
    // In key order (see saveProfiles).
    values.sort((a, b) => compareKeys(a, b, 3));
    await bulkInsert(this.#target, trx, IDENTIFIERS, values);
  }

  /**
   * Records which profile each event belongs to, with a track event's name and every event's
   * time (segments read a profile's events by name and time: migration 038): append-only rows,
   * never a log rewrite.
   */
  async assignEvents(trx: Trx, assignments: EventAssignment[]): Promise<void> {
    await bulkInsert(this.#target, trx, EVENT_PROFILES, assignments);
  }

  /**
   * Deletes events the batch dropped (they predate an erasure, or name nobody) from the log, in
   * the batch's transaction - or, on a connection with deferred write locks (the processor
   * thread's), records them in the outbox `dropped_events` for `deleteDroppedEvents` (a batch
   * there cannot write the log's file: see migration 015).
   */
  async deleteEvents(trx: Trx, seqs: number[]): Promise<void> {
    if (this.#deferred) {
      await bulkInsert(
        this.#target,
        trx,
        DROPPED_EVENTS,
        seqs.map((seq) => [seq]),
      );
      return;
    }
    for (const part of chunks(seqs)) {
      await trx.deleteFrom('events').where('seq', 'in', part).execute();
    }
  }

  /**
   * Empties the outbox: first the log rows, then the outbox rows, a transaction each writing
   * one file, so a crash between them only repeats a delete that finds nothing. The log's
   * delete waits for appends' write lock (busy_timeout), which its transaction takes first.
   */
  async deleteDroppedEvents(db: Db): Promise<void> {
    for (;;) {
      const part = (
        await db.selectFrom('dropped_events').select('seq').orderBy('seq').limit(CHUNK).execute()
      ).map((r) => Number(r.seq));
      const last = part[part.length - 1];
      if (last === undefined) return;
      await db
        .transaction()
        .execute((trx) => trx.deleteFrom('events').where('seq', 'in', part).execute());
      await db.deleteFrom('dropped_events').where('seq', '<=', last).execute();
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

function toState(r: Selectable<ProfileTable>): ProfileState {
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

/** Compares the first `n` values of two rows of strings. */
function compareKeys(a: readonly BulkValue[], b: readonly BulkValue[], n: number): number {
  for (let i = 0; i < n; i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A profile's row, in PROFILE_COLUMNS order. */
function toValues(p: ProfileState): BulkValue[] {
  return [
    p.id,
    p.workspaceId,
    p.createdAt,
    p.updatedAt,
    JSON.stringify(p.traits),
    JSON.stringify(p.traitTimes),
    p.orderCount,
    p.totalSpent,
    p.refundedTotal,
    p.firstOrderAt,
    p.lastOrderAt,
    p.lastSeenAt,
    p.lastProductViewed,
    p.lastProductViewedAt,
    JSON.stringify(p.categoriesBought),
    JSON.stringify(p.productsBought),
    p.recreatedAfterErasure ? 1 : 0,
    ownZoneOf(p.traits),
  ];
}
const ZONE_COLUMN = PROFILE_COLUMNS.findIndex(([name]) => name === 'time_zone');
