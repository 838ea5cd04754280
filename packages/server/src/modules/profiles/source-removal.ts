import type { Trx } from '../../platform/db/database.js';
import { readJsonObject } from '../../platform/json.js';
import { viewedProductOf } from './ecommerce-facts.js';
import { identifierKey, identifiersOf, loggedEventOf, traitsOf } from './identifiers.js';
import { decodeLines } from './order-lines.js';
import { AWAITING_ORDER } from './order-store.js';
import {
  round2,
  seen,
  setTraits,
  union,
  viewedProduct,
  type ProfileState,
} from './profile-state.js';
import type { ProfileStore } from './profile-store.js';

/**
 * What is left of a profile once one source's events and orders are gone (a store's
 * shop/redact): null when nothing is (the caller erases the profile), else the identifiers no
 * remaining event carries, which were removed.
 *
 * The profile is worked out again from what remains - traits, identifiers and `last_seen_at`
 * from its remaining events, the order fields from its remaining orders - rather than by
 * subtracting: a trait the store overwrote gets back the value another source gave it. Identity
 * is not resolved again: merges made because of the removed events stay.
 */
export async function removeSourceWithin(
  trx: Trx,
  store: ProfileStore,
  workspaceId: string,
  profileId: string,
  now: number,
): Promise<{ removed: { kind: string; value: string }[] } | null> {
  const rows = await trx
    .selectFrom('event_profiles as ep')
    .innerJoin('events', 'events.seq', 'ep.seq')
    .select(['events.seq', 'workspace_id', 'message_id', 'type', 'events.event', 'user_id'])
    .select(['anonymous_id', 'timestamp', 'payload'])
    .where('ep.profile_id', '=', profileId)
    .where('events.workspace_id', '=', workspaceId)
    .orderBy('ep.seq')
    .execute();
  if (!rows.length) return null;
  const state = (await store.loadProfiles(trx, [profileId])).get(profileId);
  if (!state) return null;
  state.traits = {};
  state.traitTimes = {};
  state.lastSeenAt = null;
  state.lastProductViewed = null;
  state.lastProductViewedAt = null;
  state.updatedAt = now;
  const evidenced = new Set<string>();
  for (const r of rows) {
    const event = loggedEventOf(r);
    for (const l of identifiersOf(event).links) evidenced.add(identifierKey(l));
    seen(state, event.timestamp);
    const traits = traitsOf(event);
    if (Object.keys(traits).length) setTraits(state, traits, event.timestamp, event.messageId);
    if (event.event === 'Product Viewed') {
      const product = viewedProductOf(readJsonObject(event.payload.properties));
      if (product) viewedProduct(state, product, event.timestamp);
    }
  }
  await recomputeOrderFields(trx, workspaceId, state);
  await store.saveProfiles(trx, [state]);

  const held = await trx
    .selectFrom('identifiers')
    .select(['kind', 'value'])
    .where('profile_id', '=', profileId)
    .execute();
  const removed = held.filter((i) => !evidenced.has(`${i.kind}:${i.value}`));
  for (const i of removed) {
    await trx
      .deleteFrom('identifiers')
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', i.kind)
      .where('value', '=', i.value)
      .execute();
  }
  return { removed };
}

/** The order fields of a profile, from the orders it still has. */
async function recomputeOrderFields(
  trx: Trx,
  workspaceId: string,
  state: ProfileState,
): Promise<void> {
  const orders = await trx
    .selectFrom('profile_orders')
    .select(['order_id', 'total', 'refunded', 'ordered_at', 'status', 'lines'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', state.id)
    .where('ordered_at', '!=', AWAITING_ORDER)
    .execute();
  const lines = orders.flatMap((o) => decodeLines(o.lines));
  state.orderCount = 0;
  state.totalSpent = 0;
  state.refundedTotal = 0;
  state.firstOrderAt = null;
  state.lastOrderAt = null;
  for (const o of orders) {
    state.refundedTotal = round2(state.refundedTotal + o.refunded);
    state.firstOrderAt = Math.min(state.firstOrderAt ?? o.ordered_at, o.ordered_at);
    state.lastOrderAt = Math.max(state.lastOrderAt ?? o.ordered_at, o.ordered_at);
    if (o.status === 'cancelled') continue;
    state.totalSpent = round2(state.totalSpent + o.total - o.refunded);
    if (!(o.refunded > 0 && o.refunded >= o.total)) state.orderCount += 1;
  }
  state.categoriesBought = union(
    [],
    lines.flatMap((l) => (l.category ? [l.category] : [])),
  );
  state.productsBought = union(
    [],
    lines.flatMap((l) => (l.id ? [l.id] : [])),
  );
}
