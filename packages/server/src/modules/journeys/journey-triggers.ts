import type { JourneyDefinition } from '@comeback/contracts';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import { inMainFileTransaction } from '../../platform/db/main-file-transaction.js';
import { yieldToEventLoop } from '../../platform/event-loop.js';
import { appliedTracks, lazyProperties } from './applied-tracks.js';
import type { DefinitionCache } from './definition-cache.js';
import { storedContextOf } from './enrollment-store.js';
import type { StepEnv, TriggerEvent } from './engine-types.js';
import {
  activeJourneys,
  enrollProfile,
  type ActiveJourney,
  type SegmentResolver,
} from './journey-entry.js';

export type { SegmentResolver } from './journey-entry.js';
import type { EnrollmentContext } from './engine-types.js';
import { convertEnrollment, signalEnrollment } from './journey-signals.js';
import { matchesFilters, sameAsTrigger } from './property-match.js';

export const EVENTS_CURSOR = 'journey-cursor:events';
export const SEGMENTS_CURSOR = 'journey-cursor:segments';
const PROCESSOR_CURSOR = 'profiles';

/** A profile a trigger matched, before the entry rules are checked in the transaction. */
interface Candidate {
  journey: ActiveJourney;
  profileId: string;
  entryKey: string;
  context: EnrollmentContext;
  /** The log position of the triggering event (none for a segment change). */
  seq: number | null;
}

/** A running enrollment as the follower matches events against it. */
interface Running {
  id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  node: string | null;
  armed_node: string | null;
  entered_at: number;
  entry_seq: number | null;
  last_message_id: string | null;
  last_message_at: number | null;
}

interface AppliedEvent {
  seq: number;
  workspaceId: string;
  profileId: string;
  receivedAt: number;
  event: TriggerEvent;
}

/**
 * The follower that turns what happened into journey work (ADR 0021): applied events (after
 * the processor, so computed fields already count them) and segment entries and exits. Per
 * batch, in one transaction with both cursors: goals convert enrollments, awaited events
 * signal waiting ones, and triggers enroll profiles. Only events received after a journey
 * version was activated trigger it, so activating never replays a store's history.
 */
export class JourneyTriggers {
  readonly #database: Database;
  readonly #definitions: DefinitionCache;
  readonly #env: StepEnv;
  readonly #resolveSegment: SegmentResolver;
  readonly #batch: number;
  #cursorsReady = false;

  constructor(deps: {
    database: Database;
    definitions: DefinitionCache;
    env: StepEnv;
    resolveSegment: SegmentResolver;
    batch?: number;
  }) {
    this.#database = deps.database;
    this.#definitions = deps.definitions;
    this.#env = deps.env;
    this.#resolveSegment = deps.resolveSegment;
    this.#batch = deps.batch ?? 500;
  }

  /**
   * One batch; `more` when there may be more to follow. Read first (entry conditions and
   * segment references are evaluated outside any transaction: on SQLite a transaction holds the
   * one connection), then commit with the cursors locked and unchanged - a follower that finds
   * them moved (another process took the batch) commits nothing and reads again.
   */
  async followOnce(now: number): Promise<{ entered: number; more: boolean }> {
    const db = this.#database.db;
    if (!this.#cursorsReady) await db.transaction().execute((trx) => this.#ensureCursors(trx));
    this.#cursorsReady = true;
    const read = await this.#cursors(db);
    const applied = await db
      .selectFrom('processor_cursors')
      .select('position')
      .where('name', '=', PROCESSOR_CURSOR)
      .executeTakeFirst();
    const through = Number(applied?.position ?? 0);
    const rows =
      through > read.events
        ? await appliedTracks(db, this.#definitions, this.#database.dialect, {
            after: read.events,
            through,
            limit: this.#batch,
          })
        : [];
    const changes = await db
      .selectFrom('segment_changes')
      .select(['seq', 'workspace_id', 'segment_id', 'profile_id', 'kind', 'at'])
      .where('seq', '>', read.segments)
      .orderBy('seq')
      .limit(this.#batch)
      .execute();
    // Past the last track event read: to the processor's position when the batch ran short.
    const eventsTo = rows.length === this.#batch ? Number(rows[rows.length - 1]?.seq) : through;
    if (eventsTo <= read.events && changes.length === 0) return { entered: 0, more: false };
    const journeys = await activeJourneys(
      this.#database.db,
      this.#definitions,
      this.#resolveSegment,
    );
    const events: AppliedEvent[] = [];
    for (const r of rows) {
      // Not a name any journey listens to: the event's row was not read.
      if (r.workspace_id === null || r.message_id === null || r.event === null) continue;
      events.push({
        seq: Number(r.seq),
        workspaceId: r.workspace_id,
        profileId: r.profile_id,
        receivedAt: Number(r.received_at),
        event: lazyProperties(r.event, r.message_id, Number(r.timestamp), r.payload),
      });
    }
    const candidates: Candidate[] = [];
    for (const e of events) {
      for (const j of journeys) {
        const t = j.definition.trigger;
        if (j.workspaceId !== e.workspaceId || t.type !== 'event' || t.event !== e.event.name)
          continue;
        if (e.receivedAt < j.activatedAt || !matchesFilters(e.event.properties, t.where)) continue;
        candidates.push({
          journey: j,
          profileId: e.profileId,
          entryKey: `event:${e.event.messageId}`,
          context: { trigger: { type: 'event', event: e.event } },
          seq: e.seq,
        });
      }
    }
    for (const c of changes) {
      for (const j of journeys) {
        const t = j.definition.trigger;
        if (j.workspaceId !== c.workspace_id || Number(c.at) < j.activatedAt) continue;
        if (t.type !== 'segment_entered' && t.type !== 'segment_exited') continue;
        if ((t.type === 'segment_entered' ? 'entered' : 'exited') !== c.kind) continue;
        if ((await this.#resolveSegment(j.workspaceId, t.segment)) !== c.segment_id) continue;
        candidates.push({
          journey: j,
          profileId: c.profile_id,
          entryKey: `segment:${c.seq}`,
          context: { trigger: { type: t.type, segment: c.segment_id } },
          seq: null,
        });
      }
    }
    const admitted: Candidate[] = [];
    for (const c of candidates) {
      const condition = c.journey.definition.entry.condition;
      if (
        condition === undefined ||
        (await this.#env.conditionHolds(c.journey.workspaceId, c.profileId, condition, now))
      )
        admitted.push(c);
    }
    // It writes journey tables and cursors only, all in the main file: on SQLite it takes no
    // lock on the derived file, so it never waits for the processor's batch.
    return inMainFileTransaction(this.#database, async (trx) => {
      const locked = await this.#cursors(trx, true);
      if (locked.events !== read.events || locked.segments !== read.segments)
        return { entered: 0, more: true };
      // In log order: each event first meets the enrollments that exist before it (those
      // created earlier in this batch included), then enrolls whom it triggers.
      const running = await this.#running(trx, events);
      const byEvent = new Map<number, Candidate[]>();
      for (const c of admitted)
        if (c.seq !== null) byEvent.set(c.seq, [...(byEvent.get(c.seq) ?? []), c]);
      let entered = 0;
      const enroll = async (c: Candidate) => {
        const start = c.journey.definition.start;
        const id = await enrollProfile(
          trx,
          c.journey,
          c.profileId,
          c.entryKey,
          c.context,
          now,
          now,
          c.seq,
        );
        if (id === null) return;
        entered += 1;
        const list = running.get(c.profileId) ?? [];
        list.push({
          id,
          journey_id: c.journey.id,
          version: c.journey.version,
          profile_id: c.profileId,
          node: start,
          armed_node: null,
          entered_at: now,
          entry_seq: c.seq,
          last_message_id: null,
          last_message_at: null,
        });
        running.set(c.profileId, list);
      };
      for (const e of events) {
        await this.#react(trx, e, running.get(e.profileId) ?? [], now);
        for (const c of byEvent.get(e.seq) ?? []) await enroll(c);
      }
      for (const c of admitted) if (c.seq === null) await enroll(c);
      const lastChange = changes[changes.length - 1];
      if (eventsTo > read.events) await setCursor(trx, EVENTS_CURSOR, eventsTo);
      if (lastChange) await setCursor(trx, SEGMENTS_CURSOR, Number(lastChange.seq));
      return { entered, more: rows.length === this.#batch || changes.length === this.#batch };
    });
  }

  async #cursors(db: Db | Trx, lock = false): Promise<{ events: number; segments: number }> {
    let q = db
      .selectFrom('settings')
      .select(['key', 'value'])
      .where('key', 'in', [EVENTS_CURSOR, SEGMENTS_CURSOR]);
    if (lock && this.#database.dialect === 'postgres') q = q.forUpdate();
    const cursors = new Map((await q.execute()).map((r) => [r.key, Number(r.value)]));
    return { events: cursors.get(EVENTS_CURSOR) ?? 0, segments: cursors.get(SEGMENTS_CURSOR) ?? 0 };
  }

  /** Batches until caught up. */
  async followAll(now: number, maxBatches = 10_000): Promise<number> {
    let entered = 0;
    for (let i = 0; i < maxBatches; i++) {
      const r = await this.followOnce(now);
      await yieldToEventLoop();
      entered += r.entered;
      if (!r.more) break;
    }
    return entered;
  }

  /** The running enrollments of the batch's profiles. */
  async #running(trx: Trx, events: readonly AppliedEvent[]): Promise<Map<string, Running[]>> {
    const profileIds = [...new Set(events.map((e) => e.profileId))];
    const out = new Map<string, Running[]>();
    for (let i = 0; i < profileIds.length; i += 1000) {
      const rows = await trx
        .selectFrom('journey_enrollments')
        .select(['id', 'journey_id', 'version', 'profile_id', 'node', 'armed_node'])
        .select(['entered_at', 'entry_seq', 'last_message_id', 'last_message_at'])
        .where('status', '=', 'active')
        .where('profile_id', 'in', profileIds.slice(i, i + 1000))
        .execute();
      for (const r of rows) {
        const running: Running = {
          ...r,
          version: Number(r.version),
          entered_at: Number(r.entered_at),
          entry_seq: r.entry_seq === null ? null : Number(r.entry_seq),
          last_message_at: r.last_message_at === null ? null : Number(r.last_message_at),
        };
        out.set(r.profile_id, [...(out.get(r.profile_id) ?? []), running]);
      }
    }
    return out;
  }

  /**
   * One applied event against the profile's running enrollments: a goal converts (and the
   * enrollment is done), an awaited event signals the enrollment at (or waiting at) that
   * wait-for-event step. Only events after the entry count: by log position when the entry
   * came from an event, else by time.
   */
  async #react(trx: Trx, e: AppliedEvent, list: Running[], now: number): Promise<void> {
    for (let i = list.length - 1; i >= 0; i--) {
      const a = list[i];
      if (!a) continue;
      const after = a.entry_seq !== null ? e.seq > a.entry_seq : e.receivedAt >= a.entered_at;
      if (!after) continue;
      const { definition, steps } = await this.#definitions.get(a.journey_id, a.version, trx);
      if (goalMatches(definition, e.event)) {
        await convertEnrollment(trx, a, definition, e.event, now);
        list.splice(i, 1);
        continue;
      }
      const at = a.armed_node ?? a.node;
      const step = at === null ? undefined : steps.get(at);
      if (
        step?.type === 'wait_for_event' &&
        step.event === e.event.name &&
        matchesFilters(e.event.properties, step.where) &&
        (await this.#aboutTrigger(trx, a, step.sameAsTrigger, e.event.properties))
      )
        await signalEnrollment(trx, a.id, step.id, e.event, now);
    }
  }

  /** `sameAsTrigger`: the event is about what the enrollment's trigger was (its order...). */
  async #aboutTrigger(
    trx: Trx,
    a: Running,
    paths: readonly string[] | undefined,
    properties: Record<string, unknown>,
  ): Promise<boolean> {
    if (!paths) return true;
    // Read only for such a wait: most enrollments never need their trigger's properties here.
    const row = await trx
      .selectFrom('journey_enrollments')
      .select('context')
      .where('id', '=', a.id)
      .executeTakeFirst();
    const trigger = row ? storedContextOf(row.context).trigger.event : undefined;
    return sameAsTrigger(properties, trigger?.properties, paths);
  }

  /**
   * A first run with no journey ever activated starts at the present: nothing could have
   * triggered. Otherwise it starts at the beginning, and the activation instants (an event
   * received before a version was activated never triggers it) keep history from replaying.
   */
  async #ensureCursors(trx: Trx): Promise<void> {
    const anyVersion = await trx
      .selectFrom('journey_versions')
      .select('version')
      .limit(1)
      .execute();
    const present = async () => {
      const processor = await trx
        .selectFrom('processor_cursors')
        .select('position')
        .where('name', '=', PROCESSOR_CURSOR)
        .executeTakeFirst();
      const segments = await trx
        .selectFrom('segment_changes')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst();
      return [Number(processor?.position ?? 0), Number(segments?.seq ?? 0)] as const;
    };
    const [events, changes] = anyVersion.length === 0 ? await present() : [0, 0];
    for (const [key, value] of [
      [EVENTS_CURSOR, events],
      [SEGMENTS_CURSOR, changes],
    ] as const)
      await trx
        .insertInto('settings')
        .values({ key, value: String(value) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
  }
}

export function goalMatches(d: JourneyDefinition, event: TriggerEvent): boolean {
  return (
    d.goal !== undefined &&
    d.goal.event === event.name &&
    matchesFilters(event.properties, d.goal.where)
  );
}

async function setCursor(trx: Trx, key: string, position: number): Promise<void> {
  await trx
    .updateTable('settings')
    .set({ value: String(position) })
    .where('key', '=', key)
    .execute();
}
