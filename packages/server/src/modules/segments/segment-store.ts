import { randomUUID } from 'node:crypto';
import {
  segmentConditionSchema,
  type SegmentCondition,
  type SegmentDefinition,
} from '@comeback/contracts';
import type { Db, Trx } from '../../platform/db/database.js';
import type { SegmentTable } from '../../platform/db/schema.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { entryWindowOf } from './segment-dependencies.js';

/** A stored segment as the module works with it (times in epoch ms). */
export interface SegmentRecord {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  condition: SegmentCondition;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** Another segment's name and id, for messages that must say which one. */
export interface SegmentName {
  id: string;
  name: string;
}

/** Same shape as the other admin ids (`sftp_...`, `imp_...`): a prefix and random hex. */
export const newSegmentId = (): string => `seg_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/**
 * The ids of the segments a condition names directly (not those they name in turn): in a
 * membership condition, or as the segment a window counts "since entering".
 */
export function referencedSegmentIds(condition: SegmentCondition): Set<string> {
  const out = new Set<string>();
  const walk = (c: SegmentCondition): void => {
    if (c.type === 'and' || c.type === 'or') c.conditions.forEach(walk);
    else if (c.type === 'not') walk(c.condition);
    else if (c.type === 'segment') out.add(c.segment);
    const entered = entryWindowOf(c);
    if (entered !== undefined) out.add(entered);
  };
  walk(condition);
  return out;
}

/** SQLite and PostgreSQL name a unique-key violation differently. */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === '23505' || error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const duplicateName = (name: string) =>
  fail('conflict', `a segment named "${name}" already exists in this workspace`, [
    { field: 'name', message: 'already used by another segment of this workspace' },
  ]);

function recordOf(row: SegmentTable): SegmentRecord {
  const stored: unknown =
    typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    // Only checked definitions are stored: one that no longer parses is a bug, and throws.
    condition: segmentConditionSchema.parse(stored),
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * The rows of `segments`: a workspace's saved definitions. The store keeps names unique and
 * refuses to delete a segment another one refers to; whether a definition makes sense for the
 * workspace is the service's business (segment-check.ts), done before anything reaches here.
 */
export class SegmentStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async insert(
    workspaceId: string,
    definition: SegmentDefinition,
    now: number,
  ): Promise<Result<SegmentRecord>> {
    const row: SegmentTable = {
      id: newSegmentId(),
      workspace_id: workspaceId,
      name: definition.name,
      description: definition.description ?? null,
      definition: JSON.stringify(definition.condition),
      version: 1,
      created_at: now,
      updated_at: now,
    };
    // A concurrent create of the same name loses here rather than failing on the key.
    const inserted = await this.#db
      .insertInto('segments')
      .values(row)
      .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return duplicateName(definition.name);
    return ok(recordOf(row));
  }

  async get(workspaceId: string, id: string): Promise<SegmentRecord | null> {
    const row = await this.#row(this.#db, workspaceId, id);
    return row ? recordOf(row) : null;
  }

  /** The workspace's segments, by name. */
  async list(workspaceId: string): Promise<SegmentRecord[]> {
    const rows = await this.#db
      .selectFrom('segments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(recordOf);
  }

  /** For the checker: the condition of a segment of this workspace, or null. */
  async loadCondition(workspaceId: string, id: string): Promise<SegmentCondition | null> {
    return (await this.get(workspaceId, id))?.condition ?? null;
  }

  /** Replaces the definition and bumps the version; null when there is no such segment. */
  async update(
    workspaceId: string,
    id: string,
    definition: SegmentDefinition,
    now: number,
  ): Promise<Result<SegmentRecord | null>> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const current = await this.#row(trx, workspaceId, id);
        if (!current) return ok(null);
        const taken = await trx
          .selectFrom('segments')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('name', '=', definition.name)
          .where('id', '!=', id)
          .executeTakeFirst();
        if (taken) return duplicateName(definition.name);
        const next: SegmentTable = {
          ...current,
          name: definition.name,
          description: definition.description ?? null,
          definition: JSON.stringify(definition.condition),
          version: Number(current.version) + 1,
          updated_at: now,
        };
        await trx
          .updateTable('segments')
          .set({
            name: next.name,
            description: next.description,
            definition: next.definition,
            version: next.version,
            updated_at: next.updated_at,
          })
          .where('id', '=', id)
          .execute();
        return ok(recordOf(next));
      });
    } catch (error) {
      // A rename racing another segment's create of the same name.
      if (isUniqueViolation(error)) return duplicateName(definition.name);
      throw error;
    }
  }

  /**
   * Deletes a segment nothing refers to. Referrers are looked for in the same transaction, so
   * the refusal names every segment that still depends on this one.
   */
  async delete(workspaceId: string, id: string): Promise<Result<SegmentName>> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await this.#row(trx, workspaceId, id);
      if (!row) return fail('not_found', `no segment ${id}`);
      const referrers = (await this.#rows(trx, workspaceId))
        .filter((r) => r.id !== id && referencedSegmentIds(recordOf(r).condition).has(id))
        .map((r) => ({ id: r.id, name: r.name }));
      if (referrers.length > 0) {
        const named = referrers.map((r) => `"${r.name}" (${r.id})`).join(', ');
        return fail(
          'conflict',
          `segment "${row.name}" is used by ${named}: change or delete ${referrers.length === 1 ? 'it' : 'them'} first`,
          referrers.map((r) => ({
            field: 'id',
            message: `referred to by segment "${r.name}" (${r.id})`,
          })),
        );
      }
      await trx.deleteFrom('segments').where('id', '=', id).execute();
      return ok({ id: row.id, name: row.name });
    });
  }

  #row(db: Db | Trx, workspaceId: string, id: string): Promise<SegmentTable | undefined> {
    return db
      .selectFrom('segments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  #rows(db: Db | Trx, workspaceId: string): Promise<SegmentTable[]> {
    return db
      .selectFrom('segments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
  }
}
