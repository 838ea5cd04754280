import { randomBytes } from 'node:crypto';
import { templateInputSchema, type TemplateDefinition } from '@comeback/contracts';
import type { Db, Trx } from '../../platform/db/database.js';
import type { MessageTemplateTable } from '../../platform/db/schema-messaging.js';
import { fail, ok, type Result } from '../../platform/errors.js';

/** One saved version of a template as the module works with it (times in epoch ms). */
export interface TemplateRecord {
  id: string;
  workspaceId: string;
  name: string;
  version: number;
  definition: TemplateDefinition;
  createdAt: number;
  /** When this version was saved. */
  updatedAt: number;
}

/** Same shape as the other admin ids: a prefix and 20 random hex characters. */
export const newTemplateId = (): string => `tpl_${randomBytes(10).toString('hex')}`;

/** `tpl_...` is an id; anything else is a name. */
export const isTemplateId = (idOrName: string): boolean => idOrName.startsWith('tpl_');

/** SQLite and PostgreSQL name a unique-key violation differently. */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === '23505' || error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const duplicateName = (name: string) =>
  fail('conflict', `a template named "${name}" already exists in this workspace`, [
    { field: 'name', message: 'already used by another template of this workspace' },
  ]);
export const noTemplate = (idOrName: string) => fail('not_found', `no template ${idOrName}`);

function definitionOf(stored: unknown): TemplateDefinition {
  const value: unknown = typeof stored === 'string' ? JSON.parse(stored) : stored;
  // Only checked definitions are stored: one that no longer parses is a bug, and throws.
  return templateInputSchema.parse(value);
}

/**
 * Parsed definitions by template id and version. A saved version is never changed (a save adds
 * the next one), so its parse - JSON and the schema's check of a three-language MJML body, most
 * of the cost of reading a template, which a journey pass does for every template it sends -
 * is done once. Frozen: every reader shares the object.
 */
const parsedVersions = new Map<string, TemplateDefinition>();
/** Versions kept parsed at most (then the map starts again). */
const PARSED_KEPT = 500;

const versionKey = (templateId: string, version: number) => `${templateId}\u0000${version}`;

function versionDefinition(templateId: string, version: number, stored: unknown) {
  const key = versionKey(templateId, version);
  let definition = parsedVersions.get(key);
  if (definition === undefined) {
    definition = deepFreeze(definitionOf(stored));
    if (parsedVersions.size >= PARSED_KEPT) parsedVersions.clear();
    parsedVersions.set(key, definition);
  }
  return definition;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

interface VersionRow {
  id: string;
  workspace_id: string;
  name: string;
  created_at: number | string;
  version: number | string;
  definition: unknown;
  saved_at: number | string;
}

function recordOf(row: VersionRow): TemplateRecord {
  const definition = versionDefinition(row.id, Number(row.version), row.definition);
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    // The name is the template's current one, whichever version is read.
    name: row.name,
    version: Number(row.version),
    definition: { ...definition, name: row.name },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.saved_at),
  };
}

/**
 * The rows of `message_templates` (one per template, naming its latest version) and
 * `message_template_versions` (every saved definition, never changed). Names are unique per
 * workspace by the table's key; whether a definition compiles is the service's business.
 */
export class TemplateStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async insert(
    workspaceId: string,
    definition: TemplateDefinition,
    now: number,
  ): Promise<Result<TemplateRecord>> {
    const row: MessageTemplateTable = {
      id: newTemplateId(),
      workspace_id: workspaceId,
      name: definition.name,
      channel: definition.channel,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    return this.#db.transaction().execute(async (trx) => {
      // A concurrent create of the same name loses here rather than failing on the key.
      const inserted = await trx
        .insertInto('message_templates')
        .values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0)
        return duplicateName(definition.name);
      await this.#insertVersion(trx, row.id, 1, definition, now);
      return ok({
        id: row.id,
        workspaceId,
        name: row.name,
        version: 1,
        definition,
        createdAt: now,
        updatedAt: now,
      });
    });
  }

  /** Saves `definition` as the next version; null when there is no such template. */
  async update(
    workspaceId: string,
    idOrName: string,
    definition: TemplateDefinition,
    now: number,
    /** Refuses the change (nothing saved) when it returns a failure. */
    check: (current: { channel: string }) => Result<true>,
  ): Promise<Result<TemplateRecord | null>> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const current = await this.#templateRow(trx, workspaceId, idOrName);
        if (!current) return ok(null);
        const allowed = check(current);
        if (!allowed.ok) return allowed;
        const version = Number(current.version) + 1;
        // Guarded by the version read: of two concurrent saves, the second is told to retry.
        const updated = await trx
          .updateTable('message_templates')
          .set({ name: definition.name, version, updated_at: now })
          .where('id', '=', current.id)
          .where('version', '=', current.version)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0)
          return fail(
            'conflict',
            `template ${current.id} was saved by someone else meanwhile: retry`,
          );
        await this.#insertVersion(trx, current.id, version, definition, now);
        return ok({
          id: current.id,
          workspaceId,
          name: definition.name,
          version,
          definition,
          createdAt: Number(current.created_at),
          updatedAt: now,
        });
      });
    } catch (error) {
      // A rename to a name another template has (or takes concurrently).
      if (isUniqueViolation(error)) return duplicateName(definition.name);
      throw error;
    }
  }

  /**
   * The latest version, by id or name. The version is looked up without its definition, which
   * is read only when it is not parsed already: a journey pass asks for every template it
   * sends, and the stored definition (three languages of MJML) was most of what that read.
   */
  async latest(workspaceId: string, idOrName: string): Promise<TemplateRecord | null> {
    const head = await this.#db
      .selectFrom('message_templates as t')
      .innerJoin('message_template_versions as v', 'v.template_id', 't.id')
      .select([
        't.id',
        't.workspace_id',
        't.name',
        't.created_at',
        'v.version',
        'v.created_at as saved_at',
      ])
      .where('t.workspace_id', '=', workspaceId)
      .where(isTemplateId(idOrName) ? 't.id' : 't.name', '=', idOrName)
      .whereRef('v.version', '=', 't.version')
      .executeTakeFirst();
    if (!head) return null;
    if (parsedVersions.has(versionKey(head.id, Number(head.version))))
      return recordOf({ ...head, definition: null });
    // A version is never changed, so reading its definition apart reads the same one; it is
    // gone only when the template was deleted meanwhile.
    const stored = await this.#db
      .selectFrom('message_template_versions')
      .select('definition')
      .where('template_id', '=', head.id)
      .where('version', '=', head.version)
      .executeTakeFirst();
    return stored ? recordOf({ ...head, definition: stored.definition }) : null;
  }

  async version(workspaceId: string, id: string, version: number): Promise<TemplateRecord | null> {
    const row = await this.#versions(workspaceId)
      .where('t.id', '=', id)
      .where('v.version', '=', version)
      .executeTakeFirst();
    return row ? recordOf(row) : null;
  }

  /** Every template's latest version, by name. */
  async list(workspaceId: string): Promise<TemplateRecord[]> {
    const rows = await this.#versions(workspaceId)
      .whereRef('v.version', '=', 't.version')
      .orderBy('t.name')
      .orderBy('t.id')
      .execute();
    return rows.map(recordOf);
  }

  /** Deletes a template and its versions; messages keep the id and version they were sent from. */
  async remove(workspaceId: string, idOrName: string): Promise<string | null> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await this.#templateRow(trx, workspaceId, idOrName);
      if (!row) return null;
      await trx.deleteFrom('message_template_versions').where('template_id', '=', row.id).execute();
      await trx.deleteFrom('message_templates').where('id', '=', row.id).execute();
      return row.id;
    });
  }

  #versions(workspaceId: string) {
    return this.#db
      .selectFrom('message_templates as t')
      .innerJoin('message_template_versions as v', 'v.template_id', 't.id')
      .select([
        't.id',
        't.workspace_id',
        't.name',
        't.created_at',
        'v.version',
        'v.definition',
        'v.created_at as saved_at',
      ])
      .where('t.workspace_id', '=', workspaceId);
  }

  #templateRow(
    db: Db | Trx,
    workspaceId: string,
    idOrName: string,
  ): Promise<MessageTemplateTable | undefined> {
    return db
      .selectFrom('message_templates')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where(isTemplateId(idOrName) ? 'id' : 'name', '=', idOrName)
      .executeTakeFirst();
  }

  async #insertVersion(
    trx: Trx,
    templateId: string,
    version: number,
    definition: TemplateDefinition,
    now: number,
  ): Promise<void> {
    await trx
      .insertInto('message_template_versions')
      .values({
        template_id: templateId,
        version,
        definition: JSON.stringify(definition),
        created_at: now,
      })
      .execute();
  }
}
