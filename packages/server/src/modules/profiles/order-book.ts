import { asRecord } from '../../platform/json.js';
import {
  fulfilmentFacts,
  orderFacts,
  refundFacts,
  type OrderFacts,
  type OrderLine,
} from './ecommerce-facts.js';
import type { LoggedEvent } from './identifiers.js';
import {
  recordCancellation,
  recordOrder,
  recordRefund,
  reviseOrder,
  round2,
  type ProfileState,
} from './profile-state.js';
import {
  AWAITING_ORDER,
  type FulfilmentRecord,
  type OrderRecord,
  type RefundRecord,
} from './order-store.js';

export const ORDER_EVENTS = new Set([
  'Order Completed',
  'Order Updated',
  'Order Cancelled',
  'Order Refunded',
  'Order Fulfilled',
  'Order Delivered',
]);
/** In an awaiting order: a refund of the whole order, whatever its total turns out to be. */
const WHOLE_ORDER = -1;
const CLOSED = new Set(['cancelled']);

/** The order an order event is about (its `order_id`, else its message id); null for others. */
export function orderIdOf(e: LoggedEvent): string | null {
  if (e.event === null || !ORDER_EVENTS.has(e.event)) return null;
  return refundFacts(asRecord(e.payload.properties)).orderId ?? e.messageId;
}

/** Which orders and refunds a batch's events touch, to load them in bulk first. */
export function orderKeysOf(events: LoggedEvent[]): { orderIds: string[]; refundIds: string[] } {
  const orderIds: string[] = [];
  const refundIds: string[] = [];
  for (const e of events) {
    if (e.event === null || !ORDER_EVENTS.has(e.event)) continue;
    const facts = refundFacts(asRecord(e.payload.properties));
    orderIds.push(facts.orderId ?? e.messageId);
    if (e.event === 'Order Refunded') refundIds.push(facts.refundId ?? e.messageId);
  }
  return { orderIds, refundIds };
}

const blank = (orderId: string, profileId: string): OrderRecord => ({
  orderId,
  profileId,
  total: 0,
  refunded: 0,
  currency: null,
  orderedAt: AWAITING_ORDER,
  status: 'placed',
  orderNumber: null,
  customerId: null,
  subtotal: null,
  discount: null,
  tax: null,
  shipping: null,
  checkoutId: null,
  sourceUpdatedAt: 0,
  cancelledAt: null,
  fulfilledAt: null,
  deliveredAt: null,
});

/** How far a store's own time in an event (updated_at, delivered_at) may run past the event's. */
const STORE_TIME_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * A store's own time for an order change, bounded like event times are at the edge: under
 * last-writer-wins by `updated_at`, an order stamped 9999-12-31 would refuse every later
 * change, so a time more than a day past its event's counts as the event's time.
 */
function storeTime(given: number | null, event: LoggedEvent): number {
  return given !== null && given <= event.timestamp + STORE_TIME_AHEAD_MS ? given : event.timestamp;
}

/**
 * Orders as linked records of a profile, and what they do to its computed fields. One order is
 * one order however often and by whichever path (tracking, webhook, import) it is reported:
 * the first report counts it, later ones only update its details - and only when they are newer
 * by the store's own `updated_at`, so an out-of-order delivery never rolls an order back.
 */
export class OrderBook {
  readonly dirty = new Set<string>();
  readonly lines = new Map<string, OrderLine[]>();
  readonly refunds: RefundRecord[] = [];
  readonly fulfilments = new Map<string, FulfilmentRecord>();

  constructor(
    readonly orders: Map<string, OrderRecord>,
    private readonly knownRefunds: Set<string>,
    /** The live profile an order belongs to (following merges), marked as changed. */
    private readonly ownerOf: (profileId: string) => ProfileState | undefined,
  ) {}

  apply(profile: ProfileState, event: LoggedEvent, properties: Record<string, unknown>): void {
    switch (event.event) {
      case 'Order Completed':
      case 'Order Updated':
        return this.#reported(profile, event, properties);
      case 'Order Cancelled':
        return this.#cancelled(profile, event, properties);
      case 'Order Refunded':
        return this.#refunded(profile, event, properties);
      case 'Order Fulfilled':
      case 'Order Delivered':
        return this.#shipped(profile, event, properties);
    }
  }

  /** Who a known order belongs to, for news of it that names no person (a store's refund). */
  ownerIdOf(event: LoggedEvent): string | null {
    if (event.event === null || !ORDER_EVENTS.has(event.event)) return null;
    const orderId = refundFacts(asRecord(event.payload.properties)).orderId;
    return orderId === null ? null : (this.orders.get(orderId)?.profileId ?? null);
  }

  /** Profiles merged away: their orders move to the survivor. */
  moveOrders(from: string, to: string): void {
    for (const o of this.orders.values()) if (o.profileId === from) o.profileId = to;
  }

  #owner(order: OrderRecord, fallback: ProfileState): ProfileState {
    return this.ownerOf(order.profileId) ?? fallback;
  }

  #reported(profile: ProfileState, event: LoggedEvent, properties: Record<string, unknown>) {
    const facts = orderFacts(properties);
    const orderId = facts.orderId ?? event.messageId;
    const stamp = storeTime(facts.updatedAt, event);
    const known = this.orders.get(orderId);
    if (known && known.orderedAt !== AWAITING_ORDER) {
      if (stamp < known.sourceUpdatedAt) return;
      const owner = this.#owner(known, profile);
      const counted = !CLOSED.has(known.status);
      if (counted && facts.totalGiven && facts.total !== known.total) {
        reviseOrder(owner, round2(facts.total - known.total), facts);
      } else if (counted) reviseOrder(owner, 0, facts);
      this.#details(known, facts, stamp);
      if (facts.status === 'cancelled') this.#cancel(known, owner, event.timestamp);
      this.dirty.add(orderId);
      return;
    }
    if (event.event === 'Order Updated') return this.#updatedBeforePlaced(profile, event, facts);
    const order: OrderRecord = { ...(known ?? blank(orderId, profile.id)), profileId: profile.id };
    order.orderedAt = event.timestamp;
    // An update that arrived first holds newer details than the placement: they are kept.
    if (!known || stamp >= known.sourceUpdatedAt) this.#details(order, facts, stamp);
    else if (order.total === 0) order.total = facts.total;
    if (!CLOSED.has(order.status) && order.deliveredAt !== null) order.status = 'delivered';
    else if (!CLOSED.has(order.status) && order.fulfilledAt !== null) order.status = 'fulfilled';
    this.orders.set(orderId, order);
    this.dirty.add(orderId);
    if (known?.status === 'cancelled' || facts.status === 'cancelled') {
      // Cancelled before (or as) it was first reported: recorded, never counted.
      order.status = 'cancelled';
      order.cancelledAt ??= event.timestamp;
      return;
    }
    recordOrder(profile, { ...facts, total: order.total, at: event.timestamp });
    if (known && known.refunded !== 0) {
      // Refunds that arrived before the order apply now, exactly as if they had come after it.
      const requested = known.refunded === WHOLE_ORDER ? order.total : known.refunded;
      const amount = round2(Math.min(order.total, requested));
      order.refunded = amount;
      recordRefund(profile, amount, amount >= order.total);
    } else order.refunded = 0;
  }

  /**
   * An update of an order that was never placed here (its Order Completed is late, was lost, or
   * was erased - then the processor drops the update before it gets here). An update says when
   * the order changed, not when it was placed, so it neither places nor counts the order: its
   * details wait, like a refund awaiting its order, until the Order Completed arrives.
   */
  #updatedBeforePlaced(profile: ProfileState, event: LoggedEvent, facts: OrderFacts): void {
    const orderId = facts.orderId ?? event.messageId;
    const stamp = storeTime(facts.updatedAt, event);
    const known = this.orders.get(orderId);
    if (known && stamp < known.sourceUpdatedAt) return;
    const order = known ?? blank(orderId, profile.id);
    this.#details(order, facts, stamp);
    if (facts.status === 'cancelled') {
      order.status = 'cancelled';
      order.cancelledAt ??= event.timestamp;
    }
    this.orders.set(orderId, order);
    this.dirty.add(orderId);
  }

  #details(order: OrderRecord, facts: ReturnType<typeof orderFacts>, stamp: number): void {
    if (facts.totalGiven || order.total === 0) order.total = facts.total;
    order.currency = facts.currency ?? order.currency;
    order.subtotal = facts.subtotal ?? order.subtotal;
    order.discount = facts.discount ?? order.discount;
    order.tax = facts.tax ?? order.tax;
    order.shipping = facts.shipping ?? order.shipping;
    order.orderNumber = facts.orderNumber ?? order.orderNumber;
    order.checkoutId = facts.checkoutId ?? order.checkoutId;
    // Closing is #cancel's: it takes the order out of the counts, which a status alone would not.
    if (facts.status !== null && !CLOSED.has(order.status) && !CLOSED.has(facts.status)) {
      order.status = facts.status;
    }
    order.sourceUpdatedAt = Math.max(order.sourceUpdatedAt, stamp);
    if (facts.lines.length) this.lines.set(order.orderId, facts.lines);
  }

  #cancel(order: OrderRecord, owner: ProfileState, at: number): void {
    if (order.status === 'cancelled') return;
    order.status = 'cancelled';
    order.cancelledAt = at;
    const remaining = round2(order.total - order.refunded);
    // A whole refund already took the order back out of the count.
    recordCancellation(owner, Math.max(0, remaining), remaining > 0);
  }

  #cancelled(profile: ProfileState, event: LoggedEvent, properties: Record<string, unknown>) {
    const facts = orderFacts(properties);
    const orderId = facts.orderId ?? event.messageId;
    const order = this.orders.get(orderId) ?? blank(orderId, profile.id);
    this.orders.set(orderId, order);
    this.dirty.add(orderId);
    if (order.orderedAt === AWAITING_ORDER) {
      order.status = 'cancelled';
      order.cancelledAt = event.timestamp;
      return;
    }
    this.#cancel(order, this.#owner(order, profile), event.timestamp);
  }

  #refunded(profile: ProfileState, event: LoggedEvent, properties: Record<string, unknown>) {
    const facts = refundFacts(properties);
    const orderId = facts.orderId ?? event.messageId;
    const refundId = facts.refundId ?? event.messageId;
    // The same refund reported twice (the webhook and the storefront) is one refund.
    if (this.knownRefunds.has(refundId)) return;
    this.knownRefunds.add(refundId);
    const order = this.orders.get(orderId);
    const record = (amount: number) =>
      this.refunds.push({
        refundId,
        orderId,
        amount,
        refundedAt: event.timestamp,
        reason: facts.reason,
        lines: facts.lines,
      });
    if (!order || order.orderedAt === AWAITING_ORDER) {
      // The order has not arrived (yet): keep the refund with it, so the result does not depend
      // on which of the two is processed first. Nothing changes until the order is seen.
      const pending = order ?? blank(orderId, profile.id);
      pending.refunded =
        facts.amount === null || pending.refunded === WHOLE_ORDER
          ? WHOLE_ORDER
          : round2(pending.refunded + facts.amount);
      this.orders.set(orderId, pending);
      this.dirty.add(orderId);
      record(facts.amount ?? 0);
      return;
    }
    const remaining = round2(order.total - order.refunded);
    const amount = CLOSED.has(order.status)
      ? 0
      : Math.max(0, Math.min(remaining, facts.amount ?? remaining));
    record(amount);
    if (amount <= 0) return;
    const owner = this.#owner(order, profile);
    order.refunded = round2(order.refunded + amount);
    recordRefund(owner, amount, order.refunded >= order.total);
    this.dirty.add(orderId);
  }

  #shipped(profile: ProfileState, event: LoggedEvent, properties: Record<string, unknown>) {
    const facts = fulfilmentFacts(properties);
    const orderId = facts.orderId ?? event.messageId;
    const delivered = event.event === 'Order Delivered';
    const at = delivered ? storeTime(facts.deliveredAt, event) : event.timestamp;
    const id = facts.fulfilmentId ?? orderId;
    const before = this.fulfilments.get(id);
    const stamp = storeTime(facts.updatedAt, event);
    const newer = !before || stamp >= before.sourceUpdatedAt;
    this.fulfilments.set(id, {
      fulfilmentId: id,
      orderId,
      status: newer ? (facts.status ?? (delivered ? 'delivered' : 'fulfilled')) : before.status,
      trackingCompany: facts.trackingCompany ?? before?.trackingCompany ?? null,
      trackingNumber: facts.trackingNumber ?? before?.trackingNumber ?? null,
      trackingUrl: facts.trackingUrl ?? before?.trackingUrl ?? null,
      shippedAt: before?.shippedAt ?? (delivered ? null : event.timestamp),
      deliveredAt: delivered ? at : (before?.deliveredAt ?? null),
      sourceUpdatedAt: Math.max(stamp, before?.sourceUpdatedAt ?? 0),
    });
    const order = this.orders.get(orderId) ?? blank(orderId, profile.id);
    this.orders.set(orderId, order);
    this.dirty.add(orderId);
    if (delivered) {
      order.deliveredAt = Math.max(order.deliveredAt ?? 0, at);
      order.fulfilledAt ??= at;
    } else order.fulfilledAt = Math.min(order.fulfilledAt ?? Infinity, event.timestamp);
    if (!CLOSED.has(order.status) && order.orderedAt !== AWAITING_ORDER) {
      order.status = order.deliveredAt !== null ? 'delivered' : 'fulfilled';
    }
  }

  changes(resolve: (profileId: string) => string) {
    return {
      orders: [...this.dirty].flatMap((id) => {
        const o = this.orders.get(id);
        return o ? [{ ...o, profileId: resolve(o.profileId) }] : [];
      }),
      lines: this.lines,
      refunds: this.refunds,
      fulfilments: [...this.fulfilments.values()],
    };
  }
}
