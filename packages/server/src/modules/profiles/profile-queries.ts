import { OrderQueries } from './order-queries.js';
import { identifierKinds, type IdentifierKind, type Profile } from '@comeback/contracts';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import { oneOf } from '../../platform/json.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { presentEvent } from './event-view.js';
import { normalizeIdentifier } from './identifiers.js';
import { insightsOf } from './profile-insights.js';
import { predictionsOf } from './profile-predictions.js';
import { computedOf } from './profile-state.js';
import type { ProfileStore } from './profile-store.js';

export type LookupKey = Partial<Record<IdentifierKind, string>>;

/** The admin API's view of profiles: lookup, detail, events, export and erasure. */
export class ProfileQueries {
  readonly #database: Database;
  readonly #store: ProfileStore;
  constructor(database: Database, store: ProfileStore) {
    this.#database = database;
    this.#store = store;
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

  /** A merged-away id answers with the profile it was merged into. */
  async get(workspaceId: string, id: string): Promise<Result<Profile>> {
    const liveId = await this.#followMerges(workspaceId, id);
    const state = (await this.#store.loadProfiles(this.#db, [liveId])).get(liveId);
    if (!state || state.workspaceId !== workspaceId) return fail('not_found', `no profile ${id}`);
    const identifiers = await this.#db
      .selectFrom('identifiers')
      .select(['kind', 'value'])
      .where('profile_id', '=', liveId)
      .where('kind', '!=', 'alias')
      .orderBy('kind')
      .orderBy('value')
      .execute();
    const merged = await this.#db
      .selectFrom('profile_merges')
      .select('from_profile_id')
      .where('into_profile_id', '=', liveId)
      .orderBy('id')
      .execute();
    return ok({
      id: state.id,
      createdAt: new Date(state.createdAt).toISOString(),
      updatedAt: new Date(state.updatedAt).toISOString(),
      traits: state.traits,
      identifiers: identifiers.flatMap((i) => {
        const kind = oneOf(identifierKinds, i.kind);
        return kind ? [{ kind, value: i.value }] : [];
      }),
      computed: computedOf(state),
      // Consent and segment membership arrive with their own issues; the shape is fixed now.
      consent: {},
      segments: [],
      mergedFrom: merged.map((m) => m.from_profile_id),
      recreatedAfterErasure: state.recreatedAfterErasure,
      predictions: await predictionsOf(this.#db, workspaceId, liveId),
      insights: await insightsOf(this.#db, workspaceId, liveId),
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

  async events(workspaceId: string, profileId: string, opts: { limit: number; cursor?: number }) {
    const liveId = await this.#followMerges(workspaceId, profileId);
    let q = this.#db
      .selectFrom('events')
      .select(['seq', 'message_id', 'type', 'event', 'timestamp', 'received_at', 'payload'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', liveId)
      .orderBy('seq', 'desc')
      .limit(opts.limit + 1);
    if (opts.cursor !== undefined) q = q.where('seq', '<', opts.cursor);
    const rows = await q.execute();
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => ({
        messageId: r.message_id,
        type: r.type,
        event: r.event,
        timestamp: new Date(r.timestamp).toISOString(),
        receivedAt: new Date(r.received_at).toISOString(),
        payload: presentEvent(r),
      })),
      nextCursor: rows.length > opts.limit && last ? String(last.seq) : null,
    };
  }

  /** GDPR access: everything held about the person, as JSON. */
  async export(workspaceId: string, id: string) {
    const profile = await this.get(workspaceId, id);
    if (!profile.ok) return profile;
    const events = await this.#db
      .selectFrom('events')
      .select(['message_id', 'type', 'event', 'timestamp', 'received_at', 'payload'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profile.value.id)
      .orderBy('seq')
      .execute();
    const orders = await new OrderQueries(this.#db).forProfile(workspaceId, profile.value.id);
    const identifiers = profile.value.identifiers;
    const parked = await parkedEventsOf(this.#db, workspaceId, identifiers);
    const unapplied = parked.length
      ? await this.#db
          .selectFrom('events')
          .select(['message_id', 'type', 'event', 'timestamp', 'received_at', 'payload'])
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
   * transaction. What stays is a hash of each identifier with the erasure time, so a late or
   * retried event from before the erasure cannot quietly rebuild the person.
   */
  async erase(workspaceId: string, id: string, now: number): Promise<Result<{ erased: string }>> {
    const liveId = await this.#followMerges(workspaceId, id);
    return this.#db.transaction().execute(async (trx: Trx) => {
      if (this.#database.dialect === 'postgres') {
        // Serialise with the processor, which may hold this profile in a batch right now.
        await trx.selectFrom('processor_cursors').select('name').forUpdate().execute();
      }
      const profile = await trx
        .selectFrom('profiles')
        .select('id')
        .where('id', '=', liveId)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (!profile) return fail('not_found', `no profile ${id}`);
      const identifiers = await trx
        .selectFrom('identifiers')
        .select(['kind', 'value'])
        .where('profile_id', '=', liveId)
        .execute();
      if (identifiers.length) {
        await trx
          .insertInto('erasures')
          .values(
            identifiers.map((i) => ({
              workspace_id: workspaceId,
              identifier_hash: this.#store.erasureHash(workspaceId, i),
              profile_id: liveId,
              erased_at: now,
            })),
          )
          .execute();
      }
      await trx
        .deleteFrom('events')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', liveId)
        .execute();
      // Events the processor could not apply belong to no profile; the person's ids find them.
      const parked = await parkedEventsOf(trx, workspaceId, identifiers);
      if (parked.length) {
        await trx.deleteFrom('events').where('seq', 'in', parked).execute();
        await trx.deleteFrom('processor_failures').where('seq', 'in', parked).execute();
      }
      await trx.deleteFrom('identifiers').where('profile_id', '=', liveId).execute();
      const ordersOfPerson = trx
        .selectFrom('profile_orders')
        .select('order_id')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', liveId);
      for (const table of ['order_lines', 'order_refunds', 'order_fulfilments'] as const) {
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('order_id', 'in', ordersOfPerson)
          .execute();
      }
      await trx.deleteFrom('profile_orders').where('profile_id', '=', liveId).execute();
      await trx
        .deleteFrom('customer_value_predictions')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', liveId)
        .execute();
      for (const table of ['profile_insights', 'profile_replenishment'] as const) {
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', '=', liveId)
          .execute();
      }
      await trx.deleteFrom('profile_merges').where('into_profile_id', '=', liveId).execute();
      await trx.deleteFrom('profiles').where('id', '=', liveId).execute();
      return ok({ erased: liveId });
    });
  }
}

/** Seqs of parked (unapplied) events sent under any of these user or anonymous ids. */
async function parkedEventsOf(
  db: Db | Trx,
  workspaceId: string,
  identifiers: readonly { kind: string; value: string }[],
): Promise<number[]> {
  const users = identifiers.filter((i) => i.kind === 'user_id').map((i) => i.value);
  const anons = identifiers.filter((i) => i.kind === 'anonymous_id').map((i) => i.value);
  if (!users.length && !anons.length) return [];
  const rows = await db
    .selectFrom('events')
    .select('events.seq')
    .innerJoin('processor_failures', 'processor_failures.seq', 'events.seq')
    .where('events.workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(users.length ? [eb('events.user_id', 'in', users)] : []),
        ...(anons.length ? [eb('events.anonymous_id', 'in', anons)] : []),
      ]),
    )
    .execute();
  return rows.map((r) => Number(r.seq));
}
