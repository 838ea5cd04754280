import {
  customFieldTypes,
  segmentConditionSchema,
  type CustomField,
  type SegmentCondition,
} from '@comeback/contracts';
import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { idList } from '../../platform/db/bulk-write.js';
import { oneOf, readStringArray } from '../../platform/json.js';
import type { Logger } from '../../platform/logger.js';
import type { WorkspaceChanges } from '../profiles/index.js';
import { MembershipStore, type MembershipChange } from './membership-store.js';
import { segmentFilter } from './segment-sql.js';
import { SegmentTimers, TimerReads, timedAtomsOf } from './segment-timers.js';
import { dependenciesOf, readsConsent, readsFits } from './segment-dependencies.js';
import { moveConsentCursor, readConsentChanges } from './consent-feed.js';
import { StockRechecks } from './segment-stock-rechecks.js';
import type { SegmentQuery } from './segment-model.js';
import { completedFits } from '../../platform/db/fit-markers.js';

interface LoadedSegment {
  id: string;
  workspaceId: string;
  version: number;
  condition: SegmentCondition;
}

/** Profiles per evaluation query (one bound array each). */
const CHUNK = 2000;
/** Due re-checks taken per batch: a backlog of them is worked off batch by batch. */
const TIMERS_PER_BATCH = 10_000;

/**
 * Keeps stored segment membership exact as the processor applies events (ADR 0018). It runs
 * inside each batch's transaction, after the batch's writes:
 * 1. a segment created or edited since its membership was last computed (its version differs
 *    from `segment_states`) is evaluated over the whole workspace and the difference written as
 *    entries and exits; a deleted one's memberships are removed;
 * 2. for the profiles the batch touched, each segment whose answer the batch's calls can change
 *    is evaluated for those profiles only, with the same compiled SQL, and the difference
 *    written. Merged-away profiles' memberships move to the survivor first.
 * Definitions live in the main file and are re-read when any segment's version changes.
 */
export class LiveSegments {
  readonly #database: Database;
  readonly #logger: Logger;
  readonly #store: MembershipStore;
  readonly #timers: SegmentTimers;
  readonly #stock: StockRechecks;
  #segments = new Map<string, LoadedSegment>();
  readonly #customFields = new Map<string, Map<string, CustomField>>();
  #signature = '';
  /** Per workspace, the latest model fits this processor has taken in (see #followFits). */
  readonly #fits = new Map<string, string>();

  constructor(database: Database, logger: Logger) {
    this.#database = database;
    this.#logger = logger;
    this.#store = new MembershipStore(database);
    this.#timers = new SegmentTimers(database);
    this.#stock = new StockRechecks(database);
  }

  /** The batch's part: call inside its transaction, after its writes, with its changes. */
  async afterApply(trx: Trx, changes: readonly WorkspaceChanges[], now: number): Promise<void> {
    await this.#refreshDefinitions(trx);
    await this.#reconcileDefinitions(trx, now);
    await this.#followFits(trx, now);
    await this.#followConsent(trx, now);
    for (const change of changes) {
      for (const m of change.merges) await this.#store.moveMerged(trx, m.from, m.into);
      await this.#reevaluate(trx, change, now);
    }
    // Stock crossing zero, recorded by the catalog: re-checks who viewed the product.
    await this.#stock.run(trx, now, this.#segments.values(), (segment, ids, cause) =>
      this.#recheck(trx, segment, ids, now, () => cause),
    );
    await this.#runDueTimers(trx, now);
  }

  /**
   * Re-checks the (segment, profile) pairs whose window slid at or before `now` (their timers
   * are due), writes the resulting exits and entries and schedules each pair's next instant.
   */
  async #runDueTimers(trx: Trx, now: number): Promise<void> {
    const due = await this.#timers.due(trx, now, TIMERS_PER_BATCH);
    for (const [segmentId, profileIds] of due) {
      const segment = this.#segments.get(segmentId);
      if (!segment) {
        await this.#store.forget(trx, segmentId);
        continue;
      }
      await this.#timers.removeFired(trx, segmentId, profileIds, now);
      await this.#recheck(trx, segment, profileIds, now, () => 'time: a window moved');
    }
  }

  /** Evaluates `segment` for `profileIds`, writes the differences, reschedules their timers. */
  async #recheck(
    trx: Trx,
    segment: LoadedSegment,
    profileIds: readonly string[],
    now: number,
    causeOf: (profileId: string) => string,
    reads?: TimerReads,
    known?: { members: ReadonlySet<string>; stored: ReadonlySet<string> },
  ): Promise<void> {
    let members = known?.members;
    if (!members) {
      const found = new Set<string>();
      for (let i = 0; i < profileIds.length; i += CHUNK) {
        const part = profileIds.slice(i, i + CHUNK);
        for (const id of await this.#evaluate(trx, segment, now, part)) found.add(id);
      }
      members = found;
    }
    const stored = known?.stored ?? (await this.#store.storedMembers(trx, segment.id, profileIds));
    const change = (profileId: string): MembershipChange => ({
      profileId,
      cause: causeOf(profileId),
    });
    await this.#store.apply(trx, {
      workspaceId: segment.workspaceId,
      segmentId: segment.id,
      at: now,
      entered: [...members].filter((id) => !stored.has(id)).map(change),
      exited: profileIds.filter((id) => stored.has(id) && !members.has(id)).map(change),
    });
    await this.#timers.schedule(trx, segment, this.#atomsOf(segment), now, profileIds, reads);
  }

  #atomsOf(segment: LoadedSegment) {
    return timedAtomsOf(
      segment.condition,
      this.#referencesOf(segment.workspaceId),
      this.#customFields.get(segment.workspaceId) ?? new Map(),
    );
  }

  /** A batch that failed may have left the definitions half-read: read them afresh. */
  reset(): void {
    this.#signature = '';
    this.#segments = new Map();
    this.#customFields.clear();
    this.#fits.clear();
  }

  async #refreshDefinitions(trx: Trx): Promise<void> {
    const rows = await trx
      .selectFrom('segments')
      .select(['id', 'workspace_id', 'version'])
      .orderBy('id')
      .execute();
    const signature = rows.map((r) => `${r.id}:${r.version}`).join(',');
    if (signature === this.#signature) return;
    const full = await trx
      .selectFrom('segments')
      .select(['id', 'workspace_id', 'version', 'definition'])
      .execute();
    const next = new Map<string, LoadedSegment>();
    for (const r of full) {
      const parsed = segmentConditionSchema.safeParse(jsonOf(r.definition));
      if (!parsed.success) {
        this.#logger.error({ segment: r.id }, 'stored segment definition no longer parses');
        continue;
      }
      next.set(r.id, {
        id: r.id,
        workspaceId: r.workspace_id,
        version: Number(r.version),
        condition: parsed.data,
      });
    }
    this.#segments = next;
    this.#customFields.clear();
    for (const workspaceId of new Set(full.map((r) => r.workspace_id))) {
      this.#customFields.set(workspaceId, await loadCustomFields(trx, workspaceId));
    }
    this.#signature = signature;
  }

  async #reconcileDefinitions(trx: Trx, now: number): Promise<void> {
    const states = await this.#store.states(trx);
    for (const [segmentId] of states) {
      if (!this.#segments.has(segmentId)) await this.#store.forget(trx, segmentId);
    }
    for (const segment of this.#segments.values()) {
      const version = states.get(segment.id);
      if (version === segment.version) continue;
      await this.#backfill(
        trx,
        segment,
        now,
        version === undefined ? 'segment created' : `definition v${segment.version}`,
      );
    }
  }

  /**
   * The daily fits rewrite predictions, insights and related products, which no event
   * announces: when a workspace has completed a fit since this processor last looked (or after
   * a restart, when it cannot know), its segments that read them are evaluated again whole.
   * A fit marks its completion after its last row (platform/db/fit-markers.ts).
   */
  async #followFits(trx: Trx, now: number): Promise<void> {
    const latest = await completedFits(trx);
    for (const [workspaceId, signature] of latest) {
      if (this.#fits.get(workspaceId) === signature) continue;
      for (const segment of this.#segments.values()) {
        if (segment.workspaceId !== workspaceId) continue;
        if (readsFits(segment.condition, this.#resolver(workspaceId))) {
          await this.#backfill(trx, segment, now, 'model fit');
        }
      }
      this.#fits.set(workspaceId, signature);
    }
  }

  /** Consent changes no event announces: the segments reading consent re-check those profiles. */
  async #followConsent(trx: Trx, now: number): Promise<void> {
    const read = await readConsentChanges(trx);
    if (read.byWorkspace.size === 0) return;
    for (const [workspaceId, causes] of read.byWorkspace) {
      for (const segment of this.#segments.values()) {
        if (segment.workspaceId !== workspaceId) continue;
        if (!readsConsent(segment.condition, this.#resolver(workspaceId))) continue;
        await this.#recheck(trx, segment, [...causes.keys()], now, (id) => causes.get(id) ?? '');
      }
    }
    await moveConsentCursor(trx, read.position, now);
  }

  /** Evaluates `segment` over its whole workspace and writes the differences. */
  async #backfill(trx: Trx, segment: LoadedSegment, now: number, cause: string): Promise<void> {
    const members = new Set(await this.#evaluate(trx, segment, now));
    const stored = await this.#store.storedMembers(trx, segment.id);
    await this.#store.apply(trx, {
      workspaceId: segment.workspaceId,
      segmentId: segment.id,
      at: now,
      entered: [...members]
        .filter((id) => !stored.has(id))
        .map((profileId) => ({
          profileId,
          cause,
        })),
      exited: [...stored]
        .filter((id) => !members.has(id))
        .map((profileId) => ({
          profileId,
          cause,
        })),
    });
    await this.#timers.schedule(trx, segment, this.#atomsOf(segment), now);
    await this.#store.setState(trx, {
      segmentId: segment.id,
      workspaceId: segment.workspaceId,
      version: segment.version,
      at: now,
    });
  }

  async #reevaluate(trx: Trx, change: WorkspaceChanges, now: number): Promise<void> {
    const touchedIds = [...change.touched.keys()];
    const reads = new TimerReads(touchedIds);
    const causeOf = (profileId: string) => {
      const touched = change.touched.get(profileId);
      return touched ? `message ${touched.lastMessageId}` : 'batch';
    };
    const segments = [...this.#segments.values()].filter(
      (s) => s.workspaceId === change.workspaceId,
    );
    const depsOf = new Map(
      segments.map((s) => [s.id, dependenciesOf(s.condition, this.#resolver(s.workspaceId))]),
    );
    // Segments any call can change are asked for every touched profile: all of them in one
    // query per chunk (one pass over the profiles, a column each), with one read of their
    // stored memberships.
    const everyCall = segments.filter((s) => depsOf.get(s.id)?.kind === 'any');
    if (everyCall.length > 0 && touchedIds.length > 0) {
      const answers = await this.#evaluateMany(trx, everyCall, now, touchedIds);
      const stored = await this.#store.storedAmong(trx, touchedIds);
      for (const segment of everyCall) {
        await this.#recheck(trx, segment, touchedIds, now, causeOf, reads, {
          members: answers.get(segment.id) ?? new Set(),
          stored: stored.get(segment.id) ?? new Set(),
        });
      }
    }
    for (const segment of segments) {
      const deps = depsOf.get(segment.id);
      if (!deps || deps.kind !== 'calls') continue;
      const candidates = touchedIds.filter((id) =>
        [...(change.touched.get(id)?.calls ?? [])].some((c) => deps.calls.has(c)),
      );
      if (candidates.length === 0) continue;
      await this.#recheck(trx, segment, candidates, now, causeOf, reads);
    }
  }

  /** Members of each of `segments` (one workspace) among `among`, one query per chunk. */
  async #evaluateMany(
    trx: Trx,
    segments: readonly LoadedSegment[],
    now: number,
    among: readonly string[],
  ): Promise<Map<string, Set<string>>> {
    const out = new Map(segments.map((s) => [s.id, new Set<string>()]));
    const first = segments[0];
    if (!first) return out;
    const dialect = this.#database.dialect;
    for (let i = 0; i < among.length; i += CHUNK) {
      let q = trx
        .selectFrom(idList(dialect, among.slice(i, i + CHUNK)))
        .crossJoin('profiles as p')
        .whereRef('p.id', '=', 'j.value')
        .where('p.workspace_id', '=', first.workspaceId)
        .select('p.id');
      for (const [n, segment] of segments.entries()) {
        const filter = segmentFilter(dialect, this.#queryOf(segment, now));
        q = q.select(sql<number>`case when ${filter} then 1 else 0 end`.as(`s${n}`));
      }
      const rows: Record<string, unknown>[] = await q.execute();
      for (const row of rows) {
        for (const [n, segment] of segments.entries()) {
          if (Number(row[`s${n}`]) === 1) out.get(segment.id)?.add(String(row.id));
        }
      }
    }
    return out;
  }

  #queryOf(segment: LoadedSegment, now: number): SegmentQuery {
    return {
      workspaceId: segment.workspaceId,
      condition: segment.condition,
      references: this.#referencesOf(segment.workspaceId),
      at: now,
      customFields: this.#customFields.get(segment.workspaceId) ?? new Map(),
    };
  }

  /** Members of `segment` at `now`, among `among` when given (else the whole workspace). */
  async #evaluate(
    trx: Trx,
    segment: LoadedSegment,
    now: number,
    among?: readonly string[],
  ): Promise<string[]> {
    const query = this.#queryOf(segment, now);
    const filter = segmentFilter(
      this.#database.dialect,
      query,
      among === undefined ? 'whole-workspace' : 'per-profile',
    );
    const q =
      among === undefined
        ? trx
            .selectFrom('profiles as p')
            .select('p.id')
            .where('p.workspace_id', '=', segment.workspaceId)
            .where(filter)
        : trx
            .selectFrom(idList(this.#database.dialect, among))
            .crossJoin('profiles as p')
            .whereRef('p.id', '=', 'j.value')
            .select('p.id')
            .where('p.workspace_id', '=', segment.workspaceId)
            .where(filter);
    return (await q.execute()).map((r) => r.id);
  }

  /** A workspace's segment conditions by id, for references. */
  #resolver(workspaceId: string) {
    return (id: string): SegmentCondition | undefined => {
      const target = this.#segments.get(id);
      return target?.workspaceId === workspaceId ? target.condition : undefined;
    };
  }

  #referencesOf(workspaceId: string): Map<string, SegmentCondition> {
    const out = new Map<string, SegmentCondition>();
    for (const s of this.#segments.values()) {
      if (s.workspaceId === workspaceId) out.set(s.id, s.condition);
    }
    return out;
  }
}

/** A JSON column: text on SQLite, already parsed on PostgreSQL. */
function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

async function loadCustomFields(trx: Trx, workspaceId: string): Promise<Map<string, CustomField>> {
  const rows = await trx
    .selectFrom('custom_fields')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.name,
      {
        name: r.name,
        type: oneOf(customFieldTypes, r.type) ?? 'string',
        ...(r.enum_values !== null ? { values: readStringArray(r.enum_values) } : {}),
      },
    ]),
  );
}
