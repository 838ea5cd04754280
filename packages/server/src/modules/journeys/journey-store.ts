import { randomBytes } from 'node:crypto';
import {
  channels,
  journeyDefinitionSchema,
  type ChannelKind,
  type JourneyDefinition,
  type JourneyStatus,
} from '@comeback/contracts';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import type { JourneyTable } from '../../platform/db/schema-journeys.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { isRecord, oneOf } from '../../platform/json.js';

/** How a journey's references to segments and templates are looked up (wired to those modules). */
export interface JourneyReferences {
  /** A segment's id by id or name in the workspace, or null. */
  segmentId(workspaceId: string, ref: string): Promise<string | null>;
  /** A template's id and channel by id or name, or null. */
  template(workspaceId: string, ref: string): Promise<{ id: string; channel: ChannelKind } | null>;
}

/** A stored journey as the module works with it (times in epoch ms). */
export interface JourneyRecord {
  id: string;
  workspaceId: string;
  name: string;
  status: JourneyStatus;
  draft: JourneyDefinition;
  activeVersion: number | null;
  /** The definition of `activeVersion` (null until first activated). */
  activeDefinition: JourneyDefinition | null;
  createdAt: number;
  updatedAt: number;
}

export interface JourneyVersion {
  version: number;
  activatedAt: number;
  definition: JourneyDefinition;
}

/** Same shape as the other admin ids: a prefix and 20 random hex characters. */
export const newJourneyId = (): string => `jrn_${randomBytes(10).toString('hex')}`;
/** A reference of this shape is an id; anything else is a name. */
export const isJourneyId = (idOrName: string): boolean => /^jrn_[0-9a-f]{20}$/.test(idOrName);

/**
 * JSON with every object's keys sorted, so two equal definitions give the same text whatever
 * order their keys arrived (or PostgreSQL's jsonb gave them back) in. Keys are written as
 * strings, never assigned to an object, so a `__proto__` key is just a key.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SQLite and PostgreSQL name a unique-key violation differently. */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === '23505' || error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export const duplicateJourneyName = (name: string) =>
  fail('conflict', `a journey named "${name}" already exists in this workspace`, [
    { field: 'name', message: 'already used by another journey of this workspace' },
  ]);
export const noJourney = (idOrName: string) => fail('not_found', `no journey ${idOrName}`);
export const archivedJourney = (name: string) =>
  fail('conflict', `journey "${name}" is archived: it cannot be edited or activated`, [
    { field: 'status', message: 'archived' },
  ]);

/** Only checked definitions are stored: one that no longer parses is a bug, and throws. */
function definitionOf(stored: unknown): JourneyDefinition {
  return journeyDefinitionSchema.parse(typeof stored === 'string' ? JSON.parse(stored) : stored);
}

type JoinedRow = JourneyTable & { active_definition: unknown };

function recordOf(row: JoinedRow): JourneyRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    status: row.status,
    draft: definitionOf(row.draft),
    activeVersion: row.active_version === null ? null : Number(row.active_version),
    activeDefinition:
      row.active_definition === null || row.active_definition === undefined
        ? null
        : definitionOf(row.active_definition),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The states a journey may be activated, edited or paused from. */
const LIVE_STATES: JourneyStatus[] = ['draft', 'active', 'paused'];

/**
 * The rows of `journeys` and `journey_versions`. Status changes are single guarded UPDATEs
 * (`where status in (...)`), and a version is born by inserting its primary key, so racing
 * requests cannot both win. Whether a definition's references exist is the service's business.
 */
export class JourneyStore {
  readonly #database: Database;
  readonly #db: Db;
  constructor(database: Database) {
    this.#database = database;
    this.#db = database.db;
  }

  async insert(
    workspaceId: string,
    definition: JourneyDefinition,
    now: number,
  ): Promise<Result<JourneyRecord>> {
    const row: JourneyTable = {
      id: newJourneyId(),
      workspace_id: workspaceId,
      name: definition.name,
      status: 'draft',
      draft: JSON.stringify(definition),
      active_version: null,
      created_at: now,
      updated_at: now,
    };
    // A concurrent create of the same name loses here rather than failing on the key.
    const inserted = await this.#db
      .insertInto('journeys')
      .values(row)
      .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0)
      return duplicateJourneyName(definition.name);
    return ok(recordOf({ ...row, active_definition: null }));
  }

  /** By id (`jrn_...`) or name. */
  async find(db: Db | Trx, workspaceId: string, idOrName: string): Promise<JourneyRecord | null> {
    const row = await this.#joined(db, workspaceId)
      .where(isJourneyId(idOrName) ? 'j.id' : 'j.name', '=', idOrName)
      .executeTakeFirst();
    return row ? recordOf(row) : null;
  }

  get(workspaceId: string, idOrName: string): Promise<JourneyRecord | null> {
    return this.find(this.#db, workspaceId, idOrName);
  }

  /** The workspace's journeys, by name. */
  async list(workspaceId: string): Promise<JourneyRecord[]> {
    const rows = await this.#joined(this.#db, workspaceId)
      .orderBy('j.name')
      .orderBy('j.id')
      .execute();
    return rows.map(recordOf);
  }

  /** Replaces the draft of a journey that is not archived; false when none was changed. */
  async updateDraft(
    workspaceId: string,
    id: string,
    definition: JourneyDefinition,
    now: number,
  ): Promise<Result<boolean>> {
    try {
      const updated = await this.#db
        .updateTable('journeys')
        .set({ name: definition.name, draft: JSON.stringify(definition), updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('status', 'in', LIVE_STATES)
        .executeTakeFirst();
      return ok(Number(updated.numUpdatedRows) === 1);
    } catch (error) {
      // A rename onto the name of another journey (racing or not).
      if (isUniqueViolation(error)) return duplicateJourneyName(definition.name);
      throw error;
    }
  }

  /** Moves a journey to `to` if it is in one of `from` now; false when it was not. */
  async transition(
    workspaceId: string,
    id: string,
    from: readonly JourneyStatus[],
    to: JourneyStatus,
    now: number,
  ): Promise<boolean> {
    const updated = await this.#db
      .updateTable('journeys')
      .set({ status: to, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /**
   * Makes the draft live: a new version when it differs from the active one (or there is none),
   * else the same version, active again. `checked` is the canonical JSON of the draft whose
   * references the caller checked: a draft edited since is refused, not activated unchecked.
   * On PostgreSQL the row is locked first, so a second activation waits and then finds the
   * first one's version; the guarded UPDATE and the versions' key hold on SQLite as well.
   */
  async activate(
    workspaceId: string,
    id: string,
    checked: string,
    now: number,
  ): Promise<Result<JourneyRecord>> {
    const lost = fail(
      'conflict',
      'another change to this journey happened at the same time: retry',
    );
    try {
      return await this.#db.transaction().execute(async (trx) => {
        let lock = trx
          .selectFrom('journeys')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', id);
        if (this.#database.dialect === 'postgres') lock = lock.forUpdate();
        if (!(await lock.executeTakeFirst())) return noJourney(id);
        const current = await this.find(trx, workspaceId, id);
        if (!current) return noJourney(id);
        if (current.status === 'archived') return archivedJourney(current.name);
        if (canonicalJson(current.draft) !== checked)
          return fail('conflict', 'the draft changed while it was being activated: activate again');
        const previous = current.activeVersion;
        const unchanged =
          current.activeDefinition !== null && canonicalJson(current.activeDefinition) === checked;
        let guard = trx
          .updateTable('journeys')
          .where('id', '=', id)
          .where('status', 'in', LIVE_STATES)
          .where('active_version', previous === null ? 'is' : '=', previous);
        if (unchanged) {
          guard = guard.set({ status: 'active', updated_at: now });
        } else {
          const version = (await this.#lastVersion(trx, id)) + 1;
          const inserted = await trx
            .insertInto('journey_versions')
            .values({ journey_id: id, version, definition: checked, activated_at: now })
            .onConflict((oc) => oc.columns(['journey_id', 'version']).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new LostRace();
          guard = guard.set({ status: 'active', active_version: version, updated_at: now });
        }
        const updated = await guard.executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new LostRace();
        const after = await this.find(trx, workspaceId, id);
        return after ? ok(after) : noJourney(id);
      });
    } catch (error) {
      // Thrown to roll the version back; PostgreSQL may also refuse the key outright.
      if (error instanceof LostRace || isUniqueViolation(error)) return lost;
      throw error;
    }
  }

  /** Every activated version, oldest first. */
  async versions(journeyId: string): Promise<JourneyVersion[]> {
    const rows = await this.#db
      .selectFrom('journey_versions')
      .selectAll()
      .where('journey_id', '=', journeyId)
      .orderBy('version')
      .execute();
    return rows.map((r) => ({
      version: Number(r.version),
      activatedAt: Number(r.activated_at),
      definition: definitionOf(r.definition),
    }));
  }

  async #lastVersion(trx: Trx, journeyId: string): Promise<number> {
    const row = await trx
      .selectFrom('journey_versions')
      .select((eb) => eb.fn.max('version').as('last'))
      .where('journey_id', '=', journeyId)
      .executeTakeFirst();
    return row?.last === null || row?.last === undefined ? 0 : Number(row.last);
  }

  #joined(db: Db | Trx, workspaceId: string) {
    return db
      .selectFrom('journeys as j')
      .leftJoin('journey_versions as v', (join) =>
        join.onRef('v.journey_id', '=', 'j.id').onRef('v.version', '=', 'j.active_version'),
      )
      .selectAll('j')
      .select('v.definition as active_definition')
      .where('j.workspace_id', '=', workspaceId);
  }
}

/** Rolls an activation back when another one got there first. */
class LostRace extends Error {}

/**
 * References looked up in the segments and templates tables themselves: an id (`seg_...`,
 * `tpl_...`) or else a name, as those modules resolve them. The lead may wire the services
 * instead; this keeps the journeys module testable on a bare database.
 */
export function storedJourneyReferences(db: Db): JourneyReferences {
  return {
    async segmentId(workspaceId, ref) {
      const row = await db
        .selectFrom('segments')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where(ref.startsWith('seg_') ? 'id' : 'name', '=', ref)
        .executeTakeFirst();
      return row?.id ?? null;
    },
    async template(workspaceId, ref) {
      const row = await db
        .selectFrom('message_templates')
        .select(['id', 'channel'])
        .where('workspace_id', '=', workspaceId)
        .where(ref.startsWith('tpl_') ? 'id' : 'name', '=', ref)
        .executeTakeFirst();
      const channel = row ? oneOf(channels, row.channel) : undefined;
      // A channel this build does not know (a newer row) cannot be sent through.
      return row && channel ? { id: row.id, channel } : null;
    },
  };
}
