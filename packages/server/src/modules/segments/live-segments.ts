import type { Database, Trx } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import type { WorkspaceChanges } from '../profiles/index.js';
import { MembershipStore, type MembershipChange } from './membership-store.js';
import { SegmentTimers, TimerReads, timedAtomsOf } from './segment-timers.js';
import { dependenciesOf, directionOf, readsConsent, readsFits } from './segment-dependencies.js';
import { moveConsentCursor, readSlotsConsentChanges } from './consent-feed.js';
import { StockRechecks } from './segment-stock-rechecks.js';
import { takeRecheckRequests } from './segment-recheck-requests.js';
import { EntryRechecks } from './segment-entry-rechecks.js';
import { completedFits } from '../../platform/db/fit-markers.js';
import { slotOfWorkspace } from '../../platform/db/processor-slots.js';
import { SegmentDefinitions, type LoadedSegment } from './segment-definitions.js';
import { SegmentEvaluator } from './segment-evaluator.js';

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
  readonly #store: MembershipStore;
  readonly #timers: SegmentTimers;
  readonly #stock: StockRechecks;
  /** "Since entering" windows: membership changes re-check their readers (own file). */
  readonly #entries = new EntryRechecks();
  readonly #definitions: SegmentDefinitions;
  readonly #evaluator: SegmentEvaluator;
  /** Per workspace, the latest model fits this processor has taken in (see #followFits). */
  readonly #fits = new Map<string, string>();

  constructor(database: Database, logger: Logger) {
    this.#definitions = new SegmentDefinitions(logger);
    this.#evaluator = new SegmentEvaluator(database.dialect, this.#definitions);
    this.#store = new MembershipStore(database, (...change) => this.#entries.note(...change));
    this.#timers = new SegmentTimers(database);
    this.#stock = new StockRechecks(database);
  }

  /**
   * The batch's part: call inside its transaction, after its writes, with its changes. With
   * `slots` (PostgreSQL's processor slots the batch holds, ADR 0027) the work no event of the
   * batch announces is done for those slots' workspaces only: another worker may hold the
   * others' at the same time.
   */
  async afterApply(
    trx: Trx,
    changes: readonly WorkspaceChanges[],
    now: number,
    slots?: readonly number[],
  ): Promise<void> {
    const inScope = (workspaceId: string) =>
      slots === undefined || slots.includes(slotOfWorkspace(workspaceId));
    await this.#definitions.refresh(trx);
    await this.#reconcileDefinitions(trx, now, inScope);
    await this.#followFits(trx, now, inScope);
    await this.#followConsent(trx, now, slots);
    for (const change of changes) {
      for (const m of change.merges) await this.#store.moveMerged(trx, m.from, m.into);
      await this.#reevaluate(trx, change, now);
    }
    // Stock crossing zero, recorded by the catalog: re-checks who viewed the product.
    await this.#stock.run(
      trx,
      now,
      this.#definitions.all.values(),
      (segment, ids, cause) => this.#recheck(trx, segment, ids, now, () => cause),
      slots,
    );
    // Profiles changed outside the log (a shop's redaction): every segment, asked again.
    for (const [workspaceId, causes] of await takeRecheckRequests(trx, slots)) {
      const segments = [...this.#definitions.all.values()].filter(
        (s) => s.workspaceId === workspaceId,
      );
      await this.#recheckAll(trx, segments, [...causes.keys()], now, (id) => causes.get(id) ?? '');
    }
    await this.#runDueTimers(trx, now, slots);
    await this.#entries.drain(this.#definitions.all, (s, ids, why) =>
      this.#recheck(trx, s, ids, now, why),
    );
    // Last: every re-check above offered its profiles' next instants.
    await this.#timers.flush(trx);
  }

  /**
   * Re-checks the profiles whose timer is due at `now` (a window slid, a date came) for every
   * segment of their workspace with clock-dependent parts, writes the resulting exits and
   * entries and offers each one's next instants.
   */
  async #runDueTimers(trx: Trx, now: number, slots?: readonly number[]): Promise<void> {
    const due = await this.#timers.takeDue(trx, now, TIMERS_PER_BATCH, slots);
    for (const [workspaceId, profileIds] of due) {
      const timed = [...this.#definitions.all.values()].filter(
        (s) => s.workspaceId === workspaceId && this.#atomsOf(s).length > 0,
      );
      await this.#recheckAll(trx, timed, profileIds, now, () => 'time: a window moved');
    }
  }

  /** Re-checks `profileIds` for each of `segments` (one workspace): one query for all. */
  async #recheckAll(
    trx: Trx,
    segments: readonly LoadedSegment[],
    profileIds: readonly string[],
    now: number,
    causeOf: (profileId: string) => string,
  ): Promise<void> {
    if (segments.length === 0 || profileIds.length === 0) return;
    const answers = await this.#evaluator.evaluateMany(trx, segments, now, profileIds);
    const stored = await this.#store.storedAmong(trx, profileIds);
    const reads = new TimerReads(profileIds);
    for (const segment of segments) {
      await this.#recheck(trx, segment, profileIds, now, causeOf, reads, {
        members: answers.get(segment.id) ?? new Set(),
        stored: stored.get(segment.id) ?? new Set(),
      });
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
    known?: { members?: ReadonlySet<string>; stored: ReadonlySet<string> },
  ): Promise<void> {
    let members = known?.members;
    if (!members) {
      const found = new Set<string>();
      for (let i = 0; i < profileIds.length; i += CHUNK) {
        const part = profileIds.slice(i, i + CHUNK);
        for (const id of await this.#evaluator.evaluate(trx, segment, now, part)) found.add(id);
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
      this.#definitions.referencesOf(segment.workspaceId),
      this.#definitions.customFields(segment.workspaceId),
    );
  }

  /** A batch that failed may have left the definitions half-read: read them afresh. */
  reset(): void {
    this.#timers.reset();
    this.#definitions.reset();
    this.#fits.clear();
    this.#entries.clear();
  }

  async #reconcileDefinitions(
    trx: Trx,
    now: number,
    inScope: (workspaceId: string) => boolean,
  ): Promise<void> {
    const states = await this.#store.states(trx);
    for (const [segmentId, state] of states) {
      if (this.#definitions.all.has(segmentId) || !inScope(state.workspaceId)) continue;
      await this.#store.forget(trx, segmentId);
    }
    for (const segment of this.#definitions.all.values()) {
      if (!inScope(segment.workspaceId)) continue;
      const version = states.get(segment.id)?.version;
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
  async #followFits(
    trx: Trx,
    now: number,
    inScope: (workspaceId: string) => boolean,
  ): Promise<void> {
    const latest = await completedFits(trx);
    for (const [workspaceId, signature] of latest) {
      if (this.#fits.get(workspaceId) === signature || !inScope(workspaceId)) continue;
      for (const segment of this.#definitions.all.values()) {
        if (segment.workspaceId !== workspaceId) continue;
        if (readsFits(segment.condition, this.#definitions.resolver(workspaceId))) {
          await this.#backfill(trx, segment, now, 'model fit');
        }
      }
      this.#fits.set(workspaceId, signature);
    }
  }

  /** Consent changes no event announces: the segments reading consent re-check those profiles. */
  async #followConsent(trx: Trx, now: number, slots: readonly number[] | undefined): Promise<void> {
    for (const [slot, read] of await readSlotsConsentChanges(trx, slots)) {
      if (read.byWorkspace.size === 0) continue;
      for (const [workspaceId, causes] of read.byWorkspace) {
        for (const segment of this.#definitions.all.values()) {
          if (segment.workspaceId !== workspaceId) continue;
          if (!readsConsent(segment.condition, this.#definitions.resolver(workspaceId))) continue;
          await this.#recheck(trx, segment, [...causes.keys()], now, (id) => causes.get(id) ?? '');
        }
      }
      await moveConsentCursor(trx, read.position, now, slot);
    }
  }

  /** Evaluates `segment` over its whole workspace and writes the differences. */
  async #backfill(trx: Trx, segment: LoadedSegment, now: number, cause: string): Promise<void> {
    const members = new Set(await this.#evaluator.evaluate(trx, segment, now));
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
    const segments = [...this.#definitions.all.values()].filter(
      (s) => s.workspaceId === change.workspaceId,
    );
    const depsOf = new Map(
      segments.map((s) => [
        s.id,
        dependenciesOf(s.condition, this.#definitions.resolver(s.workspaceId)),
      ]),
    );
    // Segments any call can change are asked for every touched profile: all of them in one
    // query per chunk (one pass over the profiles, a column each), with one read of their
    // stored memberships.
    const everyCall = segments.filter((s) => depsOf.get(s.id)?.kind === 'any');
    // A new profile, and a merge survivor (the merged-away history and traits joined it), is
    // asked about every segment, whatever the batch's own calls were.
    const survivors = new Set(change.merges.map((m) => m.into));
    const askedAll = touchedIds.filter(
      (id) => survivors.has(id) || change.touched.get(id)?.created === true,
    );
    const stored =
      touchedIds.length > 0 ? await this.#store.storedAmong(trx, touchedIds) : new Map();
    if (everyCall.length > 0 && touchedIds.length > 0) {
      const answers = await this.#evaluator.evaluateMany(trx, everyCall, now, touchedIds);
      for (const segment of everyCall) {
        await this.#recheck(trx, segment, touchedIds, now, causeOf, reads, {
          members: answers.get(segment.id) ?? new Set(),
          stored: stored.get(segment.id) ?? new Set(),
        });
      }
    }
    for (const segment of segments) {
      const deps = depsOf.get(segment.id);
      if (!deps || deps.kind === 'any') continue;
      const members = stored.get(segment.id) ?? new Set<string>();
      const candidates = new Set(askedAll);
      if (deps.kind === 'calls') {
        // A batch only adds events to a profile: a one-way segment (ADR 0018) needs asking
        // only of those on the side it can move from.
        const direction = directionOf(
          segment.condition,
          this.#definitions.resolver(segment.workspaceId),
        );
        for (const [id, touched] of change.touched) {
          if (direction === 'up' && members.has(id)) continue;
          if (direction === 'down' && !members.has(id)) continue;
          for (const call of touched.calls) {
            if (deps.calls.has(call)) {
              candidates.add(id);
              break;
            }
          }
        }
      }
      if (candidates.size === 0) continue;
      await this.#recheck(trx, segment, [...candidates], now, causeOf, reads, { stored: members });
    }
  }
}
