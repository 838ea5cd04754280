import { eventProfileRow } from '../support/event-profile-row.js';
import { encodeLines, orderLine } from '../support/order-lines.js';
import type { Database } from '../../src/platform/db/database.js';
import {
  ownZoneOf,
  workspaceZoneOr,
  workspaceZoneSettingKey,
} from '../../src/platform/time-zones.js';
import { storeZoneOffsets } from '../../src/platform/zone-offsets.js';
import type { World } from './segment-world-model.js';

/**
 * Stores a test world directly in the tables the segment compiler reads, on either engine,
 * with the NOT NULL columns the world does not model filled with neutral values.
 */

/** The stored id of a world's profile: profile ids are unique across workspaces. */
export const profileKey = (workspaceId: string, id: string) => `${workspaceId}-${id}`;

/** Stores `world` as workspace `workspaceId` (which must be new), directly into the tables. */
export async function writeWorld(
  database: Database,
  workspaceId: string,
  world: World,
): Promise<void> {
  const db = database.db;
  const ws = workspaceId;
  const key = (id: string) => profileKey(ws, id);
  const json = (v: unknown) => JSON.stringify(v);
  await db
    .insertInto('profiles')
    .values(
      world.profiles.map((p) => ({
        id: key(p.id),
        workspace_id: ws,
        created_at: p.createdAt,
        updated_at: p.createdAt,
        traits: json(p.traits),
        trait_times: '{}',
        order_count: p.orderCount,
        total_spent: p.totalSpent,
        refunded_total: p.refundedTotal,
        first_order_at: p.firstOrderAt,
        last_order_at: p.lastOrderAt,
        last_seen_at: p.lastSeenAt,
        last_product_viewed: p.lastProductViewed,
        last_product_viewed_at: null,
        categories_bought: json(p.categoriesBought),
        products_bought: json(p.productsBought),
        recreated_after_erasure: 0,
        // As the profile store writes it: the zone the traits give, with its offsets stored.
        time_zone: ownZoneOf(p.traits),
      })),
    )
    .execute();
  const zones = world.profiles.flatMap((p) => ownZoneOf(p.traits) ?? []);
  if (world.workspaceZone !== null) {
    // As PUT /journey-settings stores it (the schema would refuse a name that is no zone).
    await db
      .insertInto('settings')
      .values({
        key: workspaceZoneSettingKey(ws),
        value: json({ timezone: world.workspaceZone }),
      })
      .execute();
    zones.push(workspaceZoneOr(world.workspaceZone));
  }
  await storeZoneOffsets(db, zones);
  if (world.memberships.length) {
    await db
      .insertInto('segment_memberships')
      .values(
        world.memberships.map((m) => ({
          segment_id: m.segmentId,
          profile_id: key(m.profileId),
          workspace_id: ws,
          entered_at: m.enteredAt,
          cause: 'test',
        })),
      )
      .execute();
  }
  if (world.events.length) {
    const seqs = await db
      .insertInto('events')
      .values(
        world.events.map((e) => ({
          workspace_id: ws,
          message_id: e.messageId,
          type: e.type,
          event: e.event,
          user_id: null,
          anonymous_id: 'anon',
          timestamp: e.timestamp,
          received_at: e.timestamp,
          payload: json({
            type: e.type,
            messageId: e.messageId,
            ...(e.event !== null ? { event: e.event } : {}),
            ...(e.properties !== undefined ? { properties: e.properties } : {}),
          }),
          time_adjusted: null,
        })),
      )
      .returning(['seq', 'message_id'])
      .execute();
    const seqOf = new Map(seqs.map((r) => [r.message_id, Number(r.seq)]));
    const applied = world.events.flatMap((e) =>
      e.profileId === null
        ? []
        : [
            eventProfileRow({
              seq: seqOf.get(e.messageId) ?? -1,
              profileId: key(e.profileId),
              type: e.type,
              event: e.event,
              at: e.timestamp,
              properties: e.properties,
            }),
          ],
    );
    if (applied.length) await db.insertInto('event_profiles').values(applied).execute();
  }
  if (world.orders.length) {
    await db
      .insertInto('profile_orders')
      .values(
        world.orders.map((o) => ({
          workspace_id: ws,
          order_id: o.id,
          profile_id: key(o.profileId),
          total: o.total,
          refunded: 0,
          currency: null,
          ordered_at: o.orderedAt,
          status: o.status,
          cancelled_at: o.status === 'cancelled' ? 0 : null,
          lines: encodeLines(o.lines.map((l) => orderLine(l.productId, l.category))),
        })),
      )
      .execute();
  }
  if (world.products.length) {
    await db
      .insertInto('products')
      .values(
        world.products.map((p) => ({
          workspace_id: ws,
          id: p.id,
          title: p.id,
          categories: '[]',
          stock: p.stock,
          active: 1,
          consumable: 0,
          attributes: '{}',
          source: 'test',
          source_updated_at: 0,
          created_at: 0,
          updated_at: 0,
        })),
      )
      .execute();
  }
  if (world.predictions.length) {
    await db
      .insertInto('customer_value_predictions')
      .values(
        world.predictions.map((p) => ({
          workspace_id: ws,
          profile_id: key(p.profileId),
          run_id: 1,
          method: 'rules' as const,
          p_alive: p.pAlive,
          expected_orders_90d: p.expectedOrders90d,
          expected_orders_365d: p.expectedOrders365d,
          predicted_clv_365d: p.predictedClv365d,
          expected_spend: 0,
          churn_risk: p.churnRisk,
          churn_basis: 'test',
          churn_score: p.churnScore,
          expected_next_order_at: p.expectedNextOrderAt,
          x: 0,
          t_x: 0,
          t_cal: 0,
          monetary: null,
          average_order_value: 0,
          computed_at: 0,
        })),
      )
      .execute();
  }
  if (world.insights.length) {
    await db
      .insertInto('profile_insights')
      .values(
        world.insights.map((x) => ({
          workspace_id: ws,
          profile_id: key(x.profileId),
          next_replenishment_due_at: x.nextReplenishmentDueAt,
          next_replenishment_product: x.nextReplenishmentProduct,
          next_likely_category: x.nextLikelyCategory,
          next_likely_category_probability: x.nextLikelyCategoryProbability,
          next_likely_category_at: null,
          replacement_category: x.replacementCategory,
          replacement_due_at: x.replacementDueAt,
          computed_at: 0,
        })),
      )
      .execute();
  }
  if (world.neighbours.length) {
    await db
      .insertInto('item_neighbours')
      .values(
        world.neighbours.map((n) => ({
          workspace_id: ws,
          product_id: n.productId,
          strategy: n.strategy,
          rank: n.rank,
          related_id: n.relatedId,
          score: 1,
          support: 1,
        })),
      )
      .execute();
  }
  if (world.consents.length) {
    // Consent is first-hand data that names its workspace (a foreign key), unlike the rest.
    await db
      .insertInto('workspaces')
      .values({ id: ws, name: ws, currency: 'USD', created_at: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await db
      .insertInto('consents')
      .values(
        world.consents.map((c) => ({
          workspace_id: ws,
          profile_id: key(c.profileId),
          channel: c.channel,
          status: c.status,
          source: 'test',
          proof: null,
          updated_at: 0,
        })),
      )
      .execute();
  }
  if (world.customFields.length) {
    await db
      .insertInto('custom_fields')
      .values(
        world.customFields.map((f) => ({
          workspace_id: ws,
          name: f.name,
          type: f.type,
          enum_values: f.values ? json(f.values) : null,
          description: null,
          created_at: 0,
        })),
      )
      .execute();
  }
}
