import type {
  CustomField,
  Segment,
  SegmentCondition,
  SegmentDefinition,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { CustomFieldRegistry } from '../profiles/index.js';
import { fieldRegistry } from './field-registry.js';
import { checkSegmentCondition } from './segment-check.js';
import {
  MEMBER_CSV_HEADER,
  csvLine,
  memberCsvLine,
  memberViews,
  type SegmentMember,
} from './segment-members.js';
import type { FieldSpec, SegmentQuery } from './segment-model.js';
import { countMembers, isMember, memberIds } from './segment-sql.js';
import { SegmentStore, type SegmentName, type SegmentRecord } from './segment-store.js';

/** A page of member ids; `nextCursor` (opaque) asks for the next one, null on the last. */
export interface MemberIdPage {
  ids: string[];
  nextCursor: string | null;
  /** The instant the page was evaluated at (epoch ms). */
  at: number;
}

/** Rows a members export reads per query: bounds memory whatever the segment's size. */
const EXPORT_PAGE = 500;

/** The cursor is the last id of the page, encoded so callers do not build their own. */
const encodeCursor = (lastId: string) => Buffer.from(lastId, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string | null {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  // Only what encodeCursor made decodes back to the same text.
  return id !== '' && id.length <= 200 && encodeCursor(id) === cursor ? id : null;
}

const badCursor = () =>
  fail('validation_failed', 'cursor: must be the nextCursor of a previous page', [
    { field: 'querystring.cursor', message: 'must be the nextCursor of a previous page' },
  ]);

export function segmentView(r: SegmentRecord): Segment {
  return {
    id: r.id,
    name: r.name,
    ...(r.description !== null ? { description: r.description } : {}),
    condition: r.condition,
    version: r.version,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

/**
 * Segments of a workspace: saved definitions (each checked against the workspace's fields and
 * the segments it names before it is stored), and who is in them now. Membership is computed
 * on request by the SQL compiler at the clock's instant, never stored, so it is always current.
 */
export class SegmentService {
  readonly #database: Database;
  readonly #customFields: CustomFieldRegistry;
  readonly #clock: Clock;
  readonly #store: SegmentStore;

  constructor(database: Database, customFields: CustomFieldRegistry, clock: Clock) {
    this.#database = database;
    this.#customFields = customFields;
    this.#clock = clock;
    this.#store = new SegmentStore(database.db);
  }

  async create(workspaceId: string, definition: SegmentDefinition): Promise<Result<Segment>> {
    const checked = await this.#check(workspaceId, definition.condition);
    if (!checked.ok) return checked;
    const stored = await this.#store.insert(workspaceId, definition, this.#clock.now());
    return stored.ok ? ok(segmentView(stored.value)) : stored;
  }

  async get(workspaceId: string, id: string): Promise<Result<Segment>> {
    const found = await this.#store.get(workspaceId, id);
    return found ? ok(segmentView(found)) : fail('not_found', `no segment ${id}`);
  }

  async list(workspaceId: string): Promise<Segment[]> {
    return (await this.#store.list(workspaceId)).map(segmentView);
  }

  /** Replaces a definition (version + 1); a change that would make a cycle is refused. */
  async update(
    workspaceId: string,
    id: string,
    definition: SegmentDefinition,
  ): Promise<Result<Segment>> {
    if (!(await this.#store.get(workspaceId, id))) return fail('not_found', `no segment ${id}`);
    const checked = await this.#check(workspaceId, definition.condition, id);
    if (!checked.ok) return checked;
    const stored = await this.#store.update(workspaceId, id, definition, this.#clock.now());
    if (!stored.ok) return stored;
    return stored.value ? ok(segmentView(stored.value)) : fail('not_found', `no segment ${id}`);
  }

  /** Refused (conflict) while another segment refers to it. */
  delete(workspaceId: string, id: string): Promise<Result<SegmentName>> {
    return this.#store.delete(workspaceId, id);
  }

  async count(workspaceId: string, id: string): Promise<Result<{ count: number; at: number }>> {
    const query = await this.#savedQuery(workspaceId, id);
    if (!query.ok) return query;
    return ok({ count: await countMembers(this.#database, query.value), at: query.value.at });
  }

  /** Members by ascending id, `limit` at a time; `cursor` is a previous page's nextCursor. */
  async members(
    workspaceId: string,
    id: string,
    page: { cursor?: string; limit: number },
  ): Promise<Result<MemberIdPage>> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    if (after === null) return badCursor();
    const query = await this.#savedQuery(workspaceId, id);
    if (!query.ok) return query;
    const ids = await memberIds(this.#database, query.value, {
      ...(after !== undefined ? { after } : {}),
      limit: page.limit + 1,
    });
    const shown = ids.slice(0, page.limit);
    const last = shown[shown.length - 1];
    return ok({
      ids: shown,
      nextCursor: ids.length > page.limit && last !== undefined ? encodeCursor(last) : null,
      at: query.value.at,
    });
  }

  /** Members as lists show them (id, email, user id, name, orders), in the order of `ids`. */
  describeMembers(workspaceId: string, ids: readonly string[]): Promise<SegmentMember[]> {
    return memberViews(this.#database.db, workspaceId, ids);
  }

  /**
   * How many a condition not yet saved matches now, and the first `sampleSize` of them by id.
   * Faults are reported at `condition...` paths, as for a definition.
   */
  async preview(
    workspaceId: string,
    condition: SegmentCondition,
    sampleSize: number,
  ): Promise<Result<{ count: number; sample: string[]; at: number }>> {
    const query = await this.#query(workspaceId, condition);
    if (!query.ok) return query;
    const count = await countMembers(this.#database, query.value);
    const sample =
      sampleSize > 0 ? await memberIds(this.#database, query.value, { limit: sampleSize }) : [];
    return ok({ count, sample, at: query.value.at });
  }

  /**
   * A segment's members as CSV lines (header first), read a page at a time. Every page is
   * evaluated at the same instant, so the export is one consistent answer however long it takes.
   */
  async exportCsv(workspaceId: string, id: string): Promise<Result<AsyncIterable<string>>> {
    const query = await this.#savedQuery(workspaceId, id);
    if (!query.ok) return query;
    const database = this.#database;
    const saved = query.value;
    async function* lines(): AsyncGenerator<string> {
      yield csvLine(MEMBER_CSV_HEADER);
      let after: string | undefined;
      for (;;) {
        const ids = await memberIds(database, saved, {
          ...(after !== undefined ? { after } : {}),
          limit: EXPORT_PAGE,
        });
        for (const m of await memberViews(database.db, workspaceId, ids)) yield memberCsvLine(m);
        after = ids[ids.length - 1];
        if (ids.length < EXPORT_PAGE || after === undefined) return;
      }
    }
    return ok(lines());
  }

  /** The fields a condition may test in this workspace (its declared traits included). */
  async fields(workspaceId: string): Promise<FieldSpec[]> {
    return fieldRegistry(await this.#customFields.fieldsOf(workspaceId)).list();
  }

  /**
   * The segments a profile is in now (for its detail). A segment whose definition no longer
   * fits the workspace (a custom field re-declared as another type) is left out, not an error.
   */
  async segmentsOf(workspaceId: string, profileId: string): Promise<SegmentName[]> {
    const out: SegmentName[] = [];
    const at = this.#clock.now();
    for (const segment of await this.#store.list(workspaceId)) {
      const query = await this.#query(workspaceId, segment.condition, segment.id, at);
      if (query.ok && (await isMember(this.#database, query.value, profileId)))
        out.push({ id: segment.id, name: segment.name });
    }
    return out;
  }

  /**
   * Whether one profile meets a condition at `at` (a journey's split or entry condition). A
   * condition that no longer fits the workspace holds for nobody.
   */
  async conditionHolds(
    workspaceId: string,
    profileId: string,
    condition: SegmentCondition,
    at: number,
  ): Promise<boolean> {
    return this.#holdsFor(workspaceId, profileId, condition, at, false);
  }

  /**
   * Whether the condition held for the profile as it was at a past `at` (a journey backtest
   * replaying history): events and orders after `at` do not count, and "since entering"
   * counts from the entry in effect then. Traits, computed fields and consent are today's.
   */
  async conditionHeld(
    workspaceId: string,
    profileId: string,
    condition: SegmentCondition,
    at: number,
  ): Promise<boolean> {
    return this.#holdsFor(workspaceId, profileId, condition, at, true);
  }

  async #holdsFor(
    workspaceId: string,
    profileId: string,
    condition: SegmentCondition,
    at: number,
    history: boolean,
  ): Promise<boolean> {
    const query = await this.#query(workspaceId, condition, undefined, at);
    return query.ok && isMember(this.#database, { ...query.value, history }, profileId);
  }

  /**
   * The ids of the profiles meeting a condition at `at`, after `after`, at most `limit` (a
   * journey's date trigger); none when the condition no longer fits the workspace.
   */
  async membersOf(
    workspaceId: string,
    condition: SegmentCondition,
    at: number,
    page: { after?: string; limit: number },
  ): Promise<string[]> {
    const query = await this.#query(workspaceId, condition, undefined, at);
    return query.ok ? memberIds(this.#database, query.value, page) : [];
  }

  async #check(workspaceId: string, condition: SegmentCondition, selfId?: string) {
    const customFields = await this.#customFields.fieldsOf(workspaceId);
    const references = await checkSegmentCondition(condition, {
      customFields,
      loadCondition: (segmentId) => this.#store.loadCondition(workspaceId, segmentId),
      ...(selfId !== undefined ? { selfId } : {}),
    });
    return references.ok ? ok({ references: references.value, customFields }) : references;
  }

  /** What the compiler needs; checking resolves the segments the condition names. */
  async #query(
    workspaceId: string,
    condition: SegmentCondition,
    selfId?: string,
    at: number = this.#clock.now(),
  ): Promise<Result<SegmentQuery>> {
    const checked = await this.#check(workspaceId, condition, selfId);
    if (!checked.ok) return checked;
    const customFields: ReadonlyMap<string, CustomField> = checked.value.customFields;
    return ok({ workspaceId, condition, references: checked.value.references, at, customFields });
  }

  async #savedQuery(workspaceId: string, id: string): Promise<Result<SegmentQuery>> {
    const segment = await this.#store.get(workspaceId, id);
    if (!segment) return fail('not_found', `no segment ${id}`);
    const query = await this.#query(workspaceId, segment.condition, id);
    if (query.ok) return query;
    // Saved definitions were valid when saved; the workspace's fields may have changed since.
    return fail(
      'conflict',
      `segment "${segment.name}" no longer fits this workspace (${query.error.message}): update its definition`,
      query.error.details,
    );
  }
}
