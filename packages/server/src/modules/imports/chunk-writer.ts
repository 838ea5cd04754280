import type { ProductInput } from '@comeback/contracts';
import type { Trx } from '../../platform/db/database.js';
import type { CatalogStore } from '../catalog/index.js';
import { serverCallRow, type AppendRow, type EventLog } from '../ingest/index.js';
import { ledgerKey } from './import-erasure.js';
import type { ImportKind } from './import-types.js';
import type { Unit } from './units.js';

export interface ChunkCounts {
  imported: number;
  updated: number;
  unchanged: number;
  /** Events appended (new ones; duplicates are skipped by the log's unique key). */
  appended: number;
}

const SLICE = 500;
const slices = <T>(items: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += SLICE) out.push(items.slice(i, i + SLICE));
  return out;
};

/**
 * Writes one chunk of units inside the caller's transaction (which also moves the checkpoint):
 * each unit is classified first - unchanged when every call it makes is already in the log (or,
 * for a product, the ledger holds the same digest), updated when an earlier import brought the
 * same record, else imported - and only what is new is written.
 */
export class ChunkWriter {
  constructor(
    private readonly eventLog: EventLog,
    private readonly catalog: CatalogStore,
    private readonly kind: ImportKind,
    private readonly workspaceId: string,
    private readonly jobId: string,
    private readonly source: Record<string, unknown>,
  ) {}

  /** The unit's calls as log rows, made as soon as it is built (a string holds less memory). */
  serialize(unit: Unit, receivedAt: number): void {
    if (unit.calls.length) {
      unit.events = unit.calls.map((c) =>
        serverCallRow(this.workspaceId, c, this.source, receivedAt),
      );
      unit.calls = [];
    }
  }

  async write(trx: Trx, units: Unit[], now: number): Promise<ChunkCounts> {
    const counts: ChunkCounts = { imported: 0, updated: 0, unchanged: 0, appended: 0 };
    for (const u of units) this.serialize(u, now);
    const unitRows = units.map((u) => u.events ?? []);
    const existing = await this.#existingMessageIds(
      trx,
      unitRows.flatMap((rows) => rows.map((r) => r.messageId)),
    );
    const ledger = await this.#ledger(
      trx,
      units.flatMap((u) => (u.key === null ? [] : [u.key])),
    );
    const append: AppendRow[] = [];
    const products: ProductInput[] = [];
    const remember: Unit[] = [];
    units.forEach((unit, i) => {
      const rows = unitRows[i] ?? [];
      const known = unit.key === null ? undefined : ledger.get(unit.key);
      const same = unit.product
        ? known?.digest === unit.digest
        : rows.every((r) => existing.has(r.messageId));
      if (same) {
        counts.unchanged += unit.rows;
        return;
      }
      if (known && known.jobId !== this.jobId) counts.updated += unit.rows;
      else counts.imported += unit.rows;
      for (const r of rows) if (!existing.has(r.messageId)) append.push(r);
      if (unit.product) products.push(unit.product);
      if (unit.key !== null) remember.push(unit);
    });
    counts.appended = await this.eventLog.appendWithin(trx, append);
    if (products.length) {
      await this.catalog.upsert(trx, this.workspaceId, products, { source: 'import', now });
    }
    await this.#remember(trx, remember, now);
    return counts;
  }

  async #existingMessageIds(trx: Trx, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of slices(ids)) {
      const rows = await trx
        .selectFrom('events')
        .select('message_id')
        .where('workspace_id', '=', this.workspaceId)
        .where('message_id', 'in', part)
        .execute();
      for (const r of rows) found.add(r.message_id);
    }
    return found;
  }

  /** The ledger rows of these record keys, by record key (the ledger holds only hashes). */
  async #ledger(trx: Trx, keys: string[]) {
    const found = new Map<string, { digest: string; jobId: string }>();
    const keyOf = new Map(keys.map((k) => [ledgerKey(this.workspaceId, this.kind, k), k]));
    for (const part of slices([...keyOf.keys()])) {
      const rows = await trx
        .selectFrom('import_ledger')
        .select(['key', 'digest', 'job_id'])
        .where('workspace_id', '=', this.workspaceId)
        .where('kind', '=', this.kind)
        .where('key', 'in', part)
        .execute();
      for (const r of rows) {
        const key = keyOf.get(r.key);
        if (key !== undefined) found.set(key, { digest: r.digest, jobId: r.job_id });
      }
    }
    return found;
  }

  async #remember(trx: Trx, units: Unit[], now: number): Promise<void> {
    // The same key twice in one chunk (an order joined with its earlier rows): the last wins.
    const byKey = new Map(
      units.flatMap((u) =>
        u.key === null ? [] : [[ledgerKey(this.workspaceId, this.kind, u.key), u.digest]],
      ),
    );
    for (const part of slices([...byKey])) {
      await trx
        .insertInto('import_ledger')
        .values(
          part.map(([key, digest]) => ({
            workspace_id: this.workspaceId,
            kind: this.kind,
            key,
            digest,
            job_id: this.jobId,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'kind', 'key']).doUpdateSet((eb) => ({
            digest: eb.ref('excluded.digest'),
            job_id: eb.ref('excluded.job_id'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }
}
