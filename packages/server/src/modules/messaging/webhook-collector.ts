import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Database, Trx } from '../../platform/db/database.js';
import type { OutgoingDeliveryTable } from '../../platform/db/schema-messaging.js';
import { readJsonObject, readStringArray } from '../../platform/json.js';
import {
  ensureWebhookCursors,
  EVENTS_CURSOR,
  PROCESSOR_CURSOR,
  SEGMENT_ENTERED,
  SEGMENT_EXITED,
  SEGMENTS_CURSOR,
  wants,
} from './webhook-subscriptions.js';

/*
 * The collecting half of the webhook dispatcher (webhook-dispatcher.ts sends what this
 * creates): applied events and segment changes become one pending delivery row per matching
 * subscription, in the same transaction that moves the cursors past them.
 */

const INSERT_CHUNK = 500;

const iso = (t: number) => new Date(Number(t)).toISOString();
const newDeliveryId = () => `whd_${randomBytes(12).toString('hex')}`;

/** What one event or segment change offers the subscriptions of its workspace. */
interface Offer {
  workspaceId: string;
  /** Unique per event: `event:<messageId>` or `seg:<seq>` (the subscription id goes before). */
  key: string;
  type: string;
  /** When it happened to us: subscriptions created after it do not receive it. */
  at: number;
  /** Whom it is about: an erasure removes the person's pending and logged deliveries. */
  profileId: string | null;
  /**
   * The delivery's body, built only for an offer a subscription takes: an event's is read from
   * its stored payload, and most events of a busy store go to no subscription at all.
   */
  payload: () => Record<string, unknown>;
}

/**
 * One batch (at most `batch` events and `batch` segment changes) turned into deliveries, with
 * the cursors moved past it; `more` when a full batch suggests there is more to collect.
 */
export async function collectWebhookBatch(
  trx: Trx,
  dialect: Database['dialect'],
  batch: number,
  clock: Clock,
): Promise<{ created: number; more: boolean }> {
  await ensureWebhookCursors(trx);
  // Locks both cursor rows on PostgreSQL: two collectors take turns instead of both reading
  // the same range (the unique event_key would absorb the duplicates, but not the work).
  let cursorQuery = trx
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', [EVENTS_CURSOR, SEGMENTS_CURSOR]);
  if (dialect === 'postgres') cursorQuery = cursorQuery.forUpdate();
  const cursors = new Map((await cursorQuery.execute()).map((r) => [r.key, Number(r.value)]));
  const eventsAfter = cursors.get(EVENTS_CURSOR) ?? 0;
  const segmentsAfter = cursors.get(SEGMENTS_CURSOR) ?? 0;
  const processor = await trx
    .selectFrom('processor_cursors')
    .select('position')
    .where('name', '=', PROCESSOR_CURSOR)
    .executeTakeFirst();
  const appliedThrough = Number(processor?.position ?? 0);
  // No subscription anywhere (most stores): nothing can be delivered, so the cursors move to
  // the end without reading the log. A subscription created later takes only what is received
  // after it was created, which is after everything skipped here.
  const anySubscription = await trx
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('disabled_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (anySubscription === undefined) {
    const lastChange = await trx
      .selectFrom('segment_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const changesThrough = Number(lastChange?.seq ?? 0);
    if (appliedThrough > eventsAfter) await setCursor(trx, EVENTS_CURSOR, appliedThrough);
    if (changesThrough > segmentsAfter) await setCursor(trx, SEGMENTS_CURSOR, changesThrough);
    return { created: 0, more: false };
  }

  const events =
    appliedThrough > eventsAfter
      ? await trx
          .selectFrom('events as e')
          .leftJoin('event_profiles as ep', 'ep.seq', 'e.seq')
          .select(['e.seq', 'e.workspace_id', 'e.message_id', 'e.type', 'e.event'])
          .select(['e.timestamp', 'e.received_at', 'e.payload', 'ep.profile_id'])
          .where('e.seq', '>', eventsAfter)
          .where('e.seq', '<=', appliedThrough)
          .orderBy('e.seq')
          .limit(batch)
          .execute()
      : [];
  const changes = await trx
    .selectFrom('segment_changes as c')
    .leftJoin('segments as s', 's.id', 'c.segment_id')
    .select(['c.seq', 'c.workspace_id', 'c.segment_id', 'c.profile_id', 'c.kind', 'c.at'])
    .select(['c.cause', 's.name'])
    .where('c.seq', '>', segmentsAfter)
    .orderBy('c.seq')
    .limit(batch)
    .execute();

  const offers: Offer[] = [];
  for (const e of events) {
    // An event without a profile was dropped (or its person erased): nothing to tell.
    if (e.profile_id === null) continue;
    const track = e.type === 'track';
    const bodyKey = e.type === 'identify' || e.type === 'group' ? 'traits' : 'properties';
    const profileId = e.profile_id;
    offers.push({
      workspaceId: e.workspace_id,
      key: `event:${e.message_id}`,
      type: track ? (e.event ?? '') : e.type,
      at: Number(e.received_at),
      profileId,
      payload: () => ({
        id: e.message_id,
        type: e.type,
        event: track ? e.event : null,
        profileId,
        timestamp: iso(e.timestamp),
        [bodyKey]: readJsonObject(readJsonObject(e.payload)[bodyKey]),
      }),
    });
  }
  for (const c of changes) {
    const type = c.kind === 'entered' ? SEGMENT_ENTERED : SEGMENT_EXITED;
    offers.push({
      workspaceId: c.workspace_id,
      key: `seg:${c.seq}`,
      type,
      at: Number(c.at),
      profileId: c.profile_id,
      payload: () => ({
        id: `seg:${c.seq}`,
        type,
        segment: { id: c.segment_id, name: c.name },
        profileId: c.profile_id,
        at: iso(c.at),
        cause: c.cause,
      }),
    });
  }

  const created = offers.length > 0 ? await insertDeliveries(trx, offers, clock) : 0;
  const lastEvent = events[events.length - 1];
  const lastChange = changes[changes.length - 1];
  if (lastEvent) await setCursor(trx, EVENTS_CURSOR, Number(lastEvent.seq));
  if (lastChange) await setCursor(trx, SEGMENTS_CURSOR, Number(lastChange.seq));
  return { created, more: events.length === batch || changes.length === batch };
}

async function insertDeliveries(trx: Trx, offers: Offer[], clock: Clock): Promise<number> {
  const workspaces = [...new Set(offers.map((o) => o.workspaceId))];
  const subscriptions = await trx
    .selectFrom('webhook_subscriptions')
    .select(['id', 'workspace_id', 'url', 'event_types', 'created_at'])
    .where('disabled_at', 'is', null)
    .where('workspace_id', 'in', workspaces)
    .execute();
  if (subscriptions.length === 0) return 0;
  const now = clock.now();
  const types = new Map(subscriptions.map((s) => [s.id, readStringArray(s.event_types)]));
  const rows: Insertable<OutgoingDeliveryTable>[] = [];
  for (const offer of offers) {
    let body: string | undefined;
    for (const s of subscriptions) {
      if (s.workspace_id !== offer.workspaceId || offer.at < Number(s.created_at)) continue;
      if (!wants(types.get(s.id) ?? [], offer.type)) continue;
      body ??= JSON.stringify(offer.payload());
      rows.push({
        id: newDeliveryId(),
        workspace_id: offer.workspaceId,
        subscription_id: s.id,
        profile_id: offer.profileId,
        event_key: `${s.id}:${offer.key}`,
        event_type: offer.type,
        url: s.url,
        payload: body,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      });
    }
  }
  let created = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const r = await trx
      .insertInto('outgoing_deliveries')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['workspace_id', 'event_key']).doNothing())
      .executeTakeFirst();
    created += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return created;
}

async function setCursor(trx: Trx, key: string, position: number): Promise<void> {
  await trx
    .updateTable('settings')
    .set({ value: String(position) })
    .where('key', '=', key)
    .execute();
}
