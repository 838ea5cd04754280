import type { Order } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import { decodeLines } from './order-lines.js';
import { AWAITING_ORDER } from './order-store.js';
import { MAX_MONEY_SUM } from './profile-state.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
/** Numbers stored before the edges bounded them (Infinity) are shown bounded, never a 500. */
const finite = (n: number) =>
  Number.isFinite(n) ? n : Number.isNaN(n) ? 0 : Math.sign(n) * MAX_MONEY_SUM;
const money = (n: number | null) => (n === null ? null : finite(n));

/** Orders with their lines, refunds and fulfilments, as the admin API shows them. */
export class OrderQueries {
  constructor(private readonly db: Db) {}

  async get(workspaceId: string, orderId: string): Promise<Order | null> {
    const [order] = await this.#load(workspaceId, { orderId });
    return order ?? null;
  }

  /** A person's orders, newest first (orders of profiles merged into it included). */
  forProfile(workspaceId: string, profileId: string): Promise<Order[]> {
    return this.#load(workspaceId, { profileId });
  }

  async #load(
    workspaceId: string,
    by: { orderId: string } | { profileId: string },
  ): Promise<Order[]> {
    let q = this.db
      .selectFrom('profile_orders')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      // A row holding only news about an order that never arrived is not an order.
      .where('ordered_at', '!=', AWAITING_ORDER)
      .orderBy('ordered_at', 'desc')
      .limit(1000);
    q =
      'orderId' in by
        ? q.where('order_id', '=', by.orderId)
        : q.where('profile_id', '=', by.profileId);
    const rows = await q.execute();
    if (!rows.length) return [];
    const ids = rows.map((r) => r.order_id);
    const [refunds, fulfilments] = await Promise.all([
      this.db
        .selectFrom('order_refunds')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('order_id', 'in', ids)
        .orderBy('refunded_at')
        .execute(),
      this.db
        .selectFrom('order_fulfilments')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('order_id', 'in', ids)
        .orderBy('fulfilment_id')
        .execute(),
    ]);
    return rows.map((o) => ({
      orderId: o.order_id,
      profileId: o.profile_id,
      status: o.status,
      orderNumber: o.order_number,
      total: finite(o.total),
      refunded: finite(o.refunded),
      currency: o.currency,
      subtotal: money(o.subtotal),
      discount: money(o.discount),
      tax: money(o.tax),
      shipping: money(o.shipping),
      checkoutId: o.checkout_id,
      orderedAt: new Date(o.ordered_at).toISOString(),
      cancelledAt: iso(o.cancelled_at),
      fulfilledAt: iso(o.fulfilled_at),
      deliveredAt: iso(o.delivered_at),
      sourceUpdatedAt: o.source_updated_at > 0 ? iso(o.source_updated_at) : null,
      lines: decodeLines(o.lines).map((l) => ({
        productId: l.id,
        variantId: l.variantId,
        sku: l.sku,
        name: l.name,
        category: l.category,
        price: money(l.price),
        quantity: finite(l.quantity),
      })),
      refunds: refunds
        .filter((r) => r.order_id === o.order_id)
        .map((r) => ({
          refundId: r.refund_id,
          amount: finite(r.amount),
          refundedAt: new Date(r.refunded_at).toISOString(),
          reason: r.reason,
        })),
      fulfilments: fulfilments
        .filter((f) => f.order_id === o.order_id)
        .map((f) => ({
          fulfilmentId: f.fulfilment_id,
          status: f.status,
          trackingCompany: f.tracking_company,
          trackingNumber: f.tracking_number,
          trackingUrl: f.tracking_url,
          shippedAt: iso(f.shipped_at),
          deliveredAt: iso(f.delivered_at),
        })),
    }));
  }
}
