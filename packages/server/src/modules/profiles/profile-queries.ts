import { OrderQueries } from './order-queries.js';
import { identifierKinds, type IdentifierKind, type Profile } from '@comeback/contracts';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import { prefetchScoped, scoped } from '../../platform/read-scope.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { presentEvent } from './event-view.js';
import type { TimelineEntry } from './profile-timeline.js';
import { normalizeIdentifier, type Identifier } from './identifiers.js';
import { readProfiles } from './profile-reads.js';
import { ProfileEraser, parkedEventsOf, type ErasureParticipant } from './profile-erasure.js';
import { removeSourceWithin } from './source-removal.js';
import type { ProfileStore } from './profile-store.js';
import { decodeProfileCursor, pageProfileIds, type ProfilePageRequest } from './profile-search.js';

export type LookupKey = Partial<Record<IdentifierKind, string>>;

/** A profile's key in a read scope. */
const profileKey = (workspaceId: string, id: string) => `profile\u0000${workspaceId}\u0000${id}`;

/** The columns of an event the API shows (its events list, a GDPR export). */
const EXPORTED_EVENT_COLUMNS = [
  'events.message_id',
  'events.type',
  'events.event',
  'events.timestamp',
  'events.received_at',
  'events.payload',
  'time_adjusted',
] as const;

/** The admin API's view of profiles: lookup, detail, events, export and erasure. */
export class ProfileQueries {
  readonly #database: Database;
  readonly #store: ProfileStore;
  readonly #eraser: ProfileEraser;
  constructor(database: Database, store: ProfileStore) {
    this.#database = database;
    this.#store = store;
    this.#eraser = new ProfileEraser(database, store);
  }
  get #db(): Db {
    return this.#database.db;
  }

  async lookup(workspaceId: string, key: LookupKey): Promise<Profile[]> {
    const ids = new Set<string>();
    for (const kind of identifierKinds) {
      const raw = key[kind];
      if (raw === undefined) continue;
      const value = normalizeIdentifier(kind, raw);
      if (value === null) continue;
      const row = await this.#db
        .selectFrom('identifiers')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', kind)
        .where('value', '=', value)
        .executeTakeFirst();
      if (row) ids.add(row.profile_id);
    }
    const out: Profile[] = [];
    for (const id of ids) {
      const p = await this.get(workspaceId, id);
      if (p.ok) out.push(p.value);
    }
    return out;
  }

  /**
   * A page of the workspace's profiles, newest first, optionally narrowed to those whose email,
   * user id or name starts with `q` (profile-search.ts). A cursor this server did not hand out
   * is a validation failure naming it.
   */
  async list(
    workspaceId: string,
    request: ProfilePageRequest,
  ): Promise<Result<{ data: Profile[]; nextCursor: string | null }>> {
    const after = request.cursor === undefined ? null : decodeProfileCursor(request.cursor);
    if (request.cursor !== undefined && after === null) {
      return fail('validation_failed', 'cursor: must be the nextCursor of a previous page', [
        { field: 'querystring.cursor', message: 'must be the nextCursor of a previous page' },
      ]);
    }
    const page = await pageProfileIds(this.#database, workspaceId, request, after);
    const data: Profile[] = [];
    for (const id of page.ids) {
      const p = await this.get(workspaceId, id);
      if (p.ok) data.push(p.value);
    }
    return ok({ data, nextCursor: page.nextCursor });
  }

  /**
   * A merged-away id answers with the profile it was merged into. Read once per read scope (a
   * journey pass asks for the same profile per message it composes): callers never change the
   * profile they are given.
   */
  get(workspaceId: string, id: string): Promise<Result<Profile>> {
    return scoped(profileKey(workspaceId, id), async () => {
      const read = await readProfiles(this.#db, this.#store, workspaceId, [id]);
      return read.get(id) ?? fail('not_found', `no profile ${id}`);
    });
  }

  /**
   * Reads the profiles of `ids` the current read scope does not hold yet, all at once, so that
   * the `get`s that follow find them: a journey pass reads its batch's profiles in a few
   * queries rather than a few per profile. Outside a read scope it does nothing.
   */
  prefetch(workspaceId: string, ids: readonly string[]): Promise<void> {
    const idOfKey = new Map(ids.map((id) => [profileKey(workspaceId, id), id]));
    return prefetchScoped([...idOfKey.keys()], async (keys) => {
      const wanted = keys.flatMap((key) => {
        const id = idOfKey.get(key);
        return id === undefined ? [] : [id];
      });
      const read = await readProfiles(this.#db, this.#store, workspaceId, wanted);
      return new Map(
        wanted.flatMap((id) => {
          const answer = read.get(id);
          return answer ? [[profileKey(workspaceId, id), answer] as const] : [];
        }),
      );
    });
  }

  async #followMerges(workspaceId: string, id: string): Promise<string> {
    const row = await this.#db
      .selectFrom('profile_merges')
      .select('into_profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('from_profile_id', '=', id)
      .executeTakeFirst();
    return row?.into_profile_id ?? id;
  }

  /**
   * The profile's logged events below log position `before`, newest first, as a timeline source
   * (profile-timeline.ts): ordered by when they were received, which is when they could take
   * effect. `event` keeps only those of that name.
   */
  async events(
    workspaceId: string,
    profileId: string,
    page: { limit: number; before?: number; event?: string },
  ): Promise<TimelineEntry[]> {
    const liveId = await this.#followMerges(workspaceId, profileId);
    let q = this.#db
      .selectFrom('event_profiles as ep')
      .innerJoin('events', 'events.seq', 'ep.seq')
      .select(['events.seq', ...EXPORTED_EVENT_COLUMNS])
      .where('ep.profile_id', '=', liveId)
      .where('events.workspace_id', '=', workspaceId)
      .orderBy('ep.seq', 'desc')
      .limit(page.limit);
    if (page.before !== undefined) q = q.where('ep.seq', '<', page.before);
    if (page.event !== undefined) q = q.where('events.event', '=', page.event);
    const rows = await q.execute();
    return rows.map((r) => ({
      position: Number(r.seq),
      at: Number(r.received_at),
      event: {
        messageId: r.message_id,
        type: r.type,
        event: r.event,
        timestamp: new Date(r.timestamp).toISOString(),
        receivedAt: new Date(r.received_at).toISOString(),
        ...(r.time_adjusted === 1 ? { timeAdjusted: true } : {}),
        payload: presentEvent(r),
      },
    }));
  }

  /** GDPR access: everything held about the person, as JSON. */
  async export(workspaceId: string, id: string) {
    const profile = await this.get(workspaceId, id);
    if (!profile.ok) return profile;
    const events = await this.#db
      .selectFrom('event_profiles as ep')
      .innerJoin('events', 'events.seq', 'ep.seq')
      .select(EXPORTED_EVENT_COLUMNS)
      .where('ep.profile_id', '=', profile.value.id)
      .where('events.workspace_id', '=', workspaceId)
      .orderBy('ep.seq')
      .execute();
    const orders = await new OrderQueries(this.#db).forProfile(workspaceId, profile.value.id);
    const identifiers = profile.value.identifiers;
    const parked = await parkedEventsOf(this.#db, workspaceId, identifiers);
    const unapplied = parked.length
      ? await this.#db
          .selectFrom('events')
          .select(EXPORTED_EVENT_COLUMNS)
          .where('seq', 'in', parked)
          .orderBy('seq')
          .execute()
      : [];
    return ok({
      profile: profile.value,
      /** Events that could not be applied (see /health failedEvents), matched by this person's ids. */
      unappliedEvents: unapplied.map((e) => presentEvent(e)),
      orders,
      events: events.map((e) => ({
        messageId: e.message_id,
        type: e.type,
        event: e.event,
        timestamp: new Date(e.timestamp).toISOString(),
        payload: presentEvent(e),
      })),
    });
  }

  /**
   * GDPR erasure: the profile, its identifiers, orders and events are deleted in one
   * transaction (with every copy a registered participant keeps). What stays is a hash of each
   * identifier and order id with the erasure time, so a late or retried event from before the
   * erasure cannot quietly rebuild the person, and an erased order never comes back.
   */
  async erase(workspaceId: string, id: string, now: number): Promise<Result<{ erased: string }>> {
    const liveId = await this.#followMerges(workspaceId, id);
    return this.#eraser.erase(workspaceId, liveId, now, id);
  }

  /** Erasure inside the caller's transaction (a store's redaction); see `afterErasure`. */
  eraseWithin(trx: Trx, workspaceId: string, id: string, now: number) {
    return this.#eraser.eraseWithin(trx, workspaceId, id, now);
  }

  /** See ProfileEraser.eraseOrdersWithin. */
  eraseOrdersWithin(trx: Trx, workspaceId: string, orderIds: string[], now: number) {
    return this.#eraser.eraseOrdersWithin(trx, workspaceId, orderIds, now);
  }

  /** See ProfileEraser.forgetIdentifiersWithin. */
  forgetIdentifiersWithin(trx: Trx, workspaceId: string, identifiers: Identifier[], now: number) {
    return this.#eraser.forgetIdentifiersWithin(trx, workspaceId, identifiers, now);
  }

  /** See ProfileEraser.markWithin. */
  markChangeWithin(trx: Trx, workspaceId: string, label: string, now: number) {
    return this.#eraser.markWithin(trx, workspaceId, label, now);
  }

  /** See removeSourceWithin: null when nothing of the profile is left. */
  removeSourceWithin(trx: Trx, workspaceId: string, profileId: string, now: number) {
    return removeSourceWithin(trx, this.#store, workspaceId, profileId, now);
  }

  /** Once an erasure made within a caller's transaction has committed. */
  afterErasure(): Promise<void> {
    return this.#eraser.afterErasure();
  }

  /** Another area's copies of a person, removed by every erasure (see ErasureParticipant). */
  addErasureParticipant(participant: ErasureParticipant): void {
    this.#eraser.addParticipant(participant);
  }
}
