import { fieldMappingSchema, type FieldMapping, type SavedMapping } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { CustomFieldRegistry } from '../profiles/index.js';
import { validateMapping } from './row-mapper.js';

/** The mapping itself, without its name and times. */
export const mappingOf = (saved: SavedMapping): FieldMapping => ({
  kind: saved.kind,
  columns: saved.columns,
  ...(saved.constants !== undefined ? { constants: saved.constants } : {}),
  ...(saved.ignore !== undefined ? { ignore: saved.ignore } : {}),
  ...(saved.refunds !== undefined ? { refunds: saved.refunds } : {}),
});

const parsedJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const iso = (t: number) => new Date(Number(t)).toISOString();

/** Saved, named field mappings of a workspace (the CLI and uploads take one by name). */
export class MappingStore {
  constructor(
    private readonly db: Db,
    private readonly customFields: CustomFieldRegistry,
  ) {}

  async get(workspaceId: string, name: string): Promise<SavedMapping | null> {
    const row = await this.db
      .selectFrom('import_mappings')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return null;
    const mapping = fieldMappingSchema.safeParse(parsedJson(row.mapping));
    if (!mapping.success) return null;
    return {
      ...mapping.data,
      name: row.name,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }

  async list(workspaceId: string): Promise<SavedMapping[]> {
    const rows = await this.db
      .selectFrom('import_mappings')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    const out: SavedMapping[] = [];
    for (const r of rows) {
      const m = await this.get(workspaceId, r.name);
      if (m) out.push(m);
    }
    return out;
  }

  /** `create`: 409 when the name is taken; `replace`: 404 when it is not. */
  async save(
    workspaceId: string,
    name: string,
    mapping: FieldMapping,
    mode: 'create' | 'replace',
    now: number,
  ): Promise<Result<SavedMapping>> {
    const valid = validateMapping(mapping, await this.customFields.fieldsOf(workspaceId));
    if (!valid.ok) return valid;
    const body = JSON.stringify(mapping);
    if (mode === 'create') {
      const r = await this.db
        .insertInto('import_mappings')
        .values({
          workspace_id: workspaceId,
          name,
          kind: mapping.kind,
          mapping: body,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) {
        return fail('conflict', `a mapping named ${name} exists; PUT it to change it`, [
          { field: 'name', message: 'taken' },
        ]);
      }
    } else {
      const r = await this.db
        .updateTable('import_mappings')
        .set({ kind: mapping.kind, mapping: body, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) {
        return fail('not_found', `no mapping named ${name} in this workspace`, [
          { field: 'name', message: 'not found' },
        ]);
      }
    }
    const saved = await this.get(workspaceId, name);
    return saved ? ok(saved) : fail('internal', 'the mapping was not stored');
  }
}
