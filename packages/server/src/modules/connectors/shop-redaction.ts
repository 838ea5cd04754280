import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { asRecord, readJsonObject } from '../../platform/json.js';
import { CatalogStore } from '../catalog/index.js';
import { ORDER_EVENTS, type ProfileQueries } from '../profiles/index.js';
import { requestSegmentRechecks } from '../segments/index.js';

const CHUNK = 300;
const chunks = <T>(xs: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * shop/redact (Shopify sends it 48 hours after the shop uninstalled the app): everything that
 * came from THIS connector's shop is removed, and nothing else - not tracking, not imports, not
 * another connector's data.
 *
 * - the connector's events: server calls whose message id carries the connector's prefix and
 *   whose `context.source.connectorId` names it (a tracking call always has a user or anonymous
 *   id, a server call never: so a storefront cannot pass its events off as the shop's);
 * - the orders those events report, with lines, refunds and fulfilments, tombstoned so a
 *   storefront's later report of one does not bring it back;
 * - the products the connector wrote last (`source = connector:<id>`), their variants, stock
 *   levels and catalog events; the access requests it forwarded;
 * - every profile those events or orders touched: a profile with nothing left is erased like
 *   `DELETE /profiles/{id}`; a profile with events from elsewhere (the person also browsed the
 *   storefront, or came in an import) is kept and worked out again from what remains (see
 *   `ProfileQueries.removeSourceWithin`): traits, identifiers and order fields the shop alone
 *   gave are gone, those other sources gave stay.
 *
 * The connector is disabled in the same transaction: the shop uninstalled the app, so any later
 * delivery can only be a replay.
 */
export async function redactShop(
  database: Database,
  profiles: ProfileQueries,
  workspaceId: string,
  connectorId: string,
  now: number,
  forgetJob: (trx: Trx) => Promise<void>,
): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const connector = await trx
      .selectFrom('connectors')
      .select('platform')
      .where('id', '=', connectorId)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!connector) return;
    // First: a processor batch worked out before this change must not be committed after it.
    await profiles.markChangeWithin(trx, workspaceId, `shop:${connectorId}`, now);
    const events = await connectorEvents(trx, workspaceId, connector.platform, connectorId);
    const orderIds = new Set<string>();
    const touched = new Set<string>();
    for (const e of events) {
      if (e.profileId !== null) touched.add(e.profileId);
      if (e.orderId !== null) orderIds.add(e.orderId);
    }
    for (const part of chunks([...orderIds])) {
      const owners = await trx
        .selectFrom('profile_orders')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('order_id', 'in', part)
        .execute();
      for (const o of owners) touched.add(o.profile_id);
    }
    for (const part of chunks(events.map((e) => e.seq))) {
      await trx.deleteFrom('events').where('seq', 'in', part).execute();
      await trx.deleteFrom('event_profiles').where('seq', 'in', part).execute();
      await trx.deleteFrom('processor_failures').where('seq', 'in', part).execute();
    }
    await profiles.eraseOrdersWithin(trx, workspaceId, [...orderIds], now);
    const kept: string[] = [];
    for (const profileId of touched) {
      const left = await profiles.removeSourceWithin(trx, workspaceId, profileId, now);
      if (left !== null) {
        kept.push(profileId);
        continue;
      }
      const erased = await profiles.eraseWithin(trx, workspaceId, profileId, now);
      if (!erased.ok && erased.error.code !== 'not_found') throw new Error(erased.error.message);
    }
    // Their segments read what was removed (orders, events, order fields): re-checked by the
    // processor, as are the viewers of a removed product that was out of stock.
    await requestSegmentRechecks(trx, workspaceId, kept, 'shop data removed');
    await removeCatalogOf(trx, database.dialect, workspaceId, connectorId, now);
    await trx
      .deleteFrom('data_requests')
      .where('workspace_id', '=', workspaceId)
      .where('connector_id', '=', connectorId)
      .execute();
    await trx
      .updateTable('connectors')
      .set({ disabled_at: now })
      .where('id', '=', connectorId)
      .where('disabled_at', 'is', null)
      .execute();
    await forgetJob(trx);
  });
}

interface ConnectorEvent {
  seq: number;
  profileId: string | null;
  orderId: string | null;
}

async function connectorEvents(
  trx: Trx,
  workspaceId: string,
  platform: string,
  connectorId: string,
): Promise<ConnectorEvent[]> {
  const rows = await trx
    .selectFrom('events')
    .leftJoin('event_profiles as ep', 'ep.seq', 'events.seq')
    .select(['events.seq', 'ep.profile_id', 'events.event', 'events.payload'])
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`message_id like ${likePrefix(`${platform}:${connectorId}:`)} escape '\\'`)
    .where('user_id', 'is', null)
    .where('anonymous_id', 'is', null)
    .execute();
  const out: ConnectorEvent[] = [];
  for (const r of rows) {
    const payload = readJsonObject(r.payload);
    const source = asRecord(asRecord(payload.context).source);
    if (source.connectorId !== connectorId) continue;
    const orderId =
      r.event !== null && ORDER_EVENTS.has(r.event) ? asRecord(payload.properties).order_id : null;
    out.push({
      seq: Number(r.seq),
      profileId: r.profile_id,
      orderId: typeof orderId === 'string' || typeof orderId === 'number' ? String(orderId) : null,
    });
  }
  return out;
}

async function removeCatalogOf(
  trx: Trx,
  dialect: Database['dialect'],
  workspaceId: string,
  connectorId: string,
  now: number,
) {
  const removed = await trx
    .selectFrom('products')
    .select(['id', 'stock'])
    .where('workspace_id', '=', workspaceId)
    .where('source', '=', `connector:${connectorId}`)
    .execute();
  const products = removed.map((p) => p.id);
  await new CatalogStore(dialect).recordRemovals(
    trx,
    workspaceId,
    removed.map((p) => ({ id: p.id, stock: p.stock === null ? null : Number(p.stock) })),
    now,
  );
  for (const part of chunks(products)) {
    const items = await trx
      .selectFrom('product_variants')
      .select('inventory_item_id')
      .where('workspace_id', '=', workspaceId)
      .where('product_id', 'in', part)
      .where('inventory_item_id', 'is not', null)
      .execute();
    const itemIds = items.flatMap((i) => (i.inventory_item_id ? [i.inventory_item_id] : []));
    if (itemIds.length) {
      await trx
        .deleteFrom('inventory_levels')
        .where('workspace_id', '=', workspaceId)
        .where('inventory_item_id', 'in', itemIds)
        .execute();
    }
    for (const table of ['product_variants', 'catalog_events'] as const) {
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('product_id', 'in', part)
        .execute();
    }
    await trx
      .deleteFrom('products')
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', part)
      .execute();
  }
}
