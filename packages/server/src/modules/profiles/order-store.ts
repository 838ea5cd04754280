import type { Db, Trx } from '../../platform/db/database.js';
import type { OrderLine } from './ecommerce-facts.js';

/** An order as the processor holds it while applying a batch. */
export interface OrderRecord {
  orderId: string;
  profileId: string;
  total: number;
  refunded: number;
  currency: string | null;
  /** When it was placed; AWAITING_ORDER while only later news (a refund, a delivery) arrived. */
  orderedAt: number;
  status: string;
  orderNumber: string | null;
  customerId: string | null;
  subtotal: number | null;
  discount: number | null;
  tax: number | null;
  shipping: number | null;
  checkoutId: string | null;
  sourceUpdatedAt: number;
  cancelledAt: number | null;
  fulfilledAt: number | null;
  deliveredAt: number | null;
}

export interface RefundRecord {
  refundId: string;
  orderId: string;
  amount: number;
  refundedAt: number;
  reason: string | null;
  lines: OrderLine[];
}

export interface FulfilmentRecord {
  fulfilmentId: string;
  orderId: string;
  status: string;
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  sourceUpdatedAt: number;
}

export const AWAITING_ORDER = -1;

const CHUNK = 300;
const chunks = <T>(xs: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
};

/** Set-based reads and writes of orders and their linked records for the processor. */
export class OrderStore {
  async load(trx: Trx | Db, workspaceId: string, orderIds: string[]) {
    const out = new Map<string, OrderRecord>();
    for (const part of chunks([...new Set(orderIds)])) {
      const rows = await trx
        .selectFrom('profile_orders')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('order_id', 'in', part)
        .execute();
      for (const r of rows) {
        out.set(r.order_id, {
          orderId: r.order_id,
          profileId: r.profile_id,
          total: r.total,
          refunded: r.refunded,
          currency: r.currency,
          orderedAt: r.ordered_at,
          status: r.status,
          orderNumber: r.order_number,
          customerId: r.customer_id,
          subtotal: r.subtotal,
          discount: r.discount,
          tax: r.tax,
          shipping: r.shipping,
          checkoutId: r.checkout_id,
          sourceUpdatedAt: r.source_updated_at,
          cancelledAt: r.cancelled_at,
          fulfilledAt: r.fulfilled_at,
          deliveredAt: r.delivered_at,
        });
      }
    }
    return out;
  }

  async knownRefunds(trx: Trx | Db, workspaceId: string, refundIds: string[]) {
    const out = new Set<string>();
    for (const part of chunks([...new Set(refundIds)])) {
      const rows = await trx
        .selectFrom('order_refunds')
        .select('refund_id')
        .where('workspace_id', '=', workspaceId)
        .where('refund_id', 'in', part)
        .execute();
      for (const r of rows) out.add(r.refund_id);
    }
    return out;
  }

  async save(
    trx: Trx,
    workspaceId: string,
    now: number,
    changes: {
      orders: OrderRecord[];
      lines: Map<string, OrderLine[]>;
      refunds: RefundRecord[];
      fulfilments: FulfilmentRecord[];
    },
  ): Promise<void> {
    for (const part of chunks(changes.orders)) {
      await trx
        .insertInto('profile_orders')
        .values(
          part.map((o) => ({
            workspace_id: workspaceId,
            order_id: o.orderId,
            profile_id: o.profileId,
            total: o.total,
            refunded: o.refunded,
            currency: o.currency,
            ordered_at: o.orderedAt,
            status: o.status,
            order_number: o.orderNumber,
            customer_id: o.customerId,
            subtotal: o.subtotal,
            discount: o.discount,
            tax: o.tax,
            shipping: o.shipping,
            checkout_id: o.checkoutId,
            source_updated_at: o.sourceUpdatedAt,
            cancelled_at: o.cancelledAt,
            fulfilled_at: o.fulfilledAt,
            delivered_at: o.deliveredAt,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'order_id']).doUpdateSet((eb) => ({
            profile_id: eb.ref('excluded.profile_id'),
            total: eb.ref('excluded.total'),
            refunded: eb.ref('excluded.refunded'),
            currency: eb.ref('excluded.currency'),
            ordered_at: eb.ref('excluded.ordered_at'),
            status: eb.ref('excluded.status'),
            order_number: eb.ref('excluded.order_number'),
            customer_id: eb.ref('excluded.customer_id'),
            subtotal: eb.ref('excluded.subtotal'),
            discount: eb.ref('excluded.discount'),
            tax: eb.ref('excluded.tax'),
            shipping: eb.ref('excluded.shipping'),
            checkout_id: eb.ref('excluded.checkout_id'),
            source_updated_at: eb.ref('excluded.source_updated_at'),
            cancelled_at: eb.ref('excluded.cancelled_at'),
            fulfilled_at: eb.ref('excluded.fulfilled_at'),
            delivered_at: eb.ref('excluded.delivered_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    const replaced = [...changes.lines.keys()];
    for (const part of chunks(replaced)) {
      await trx
        .deleteFrom('order_lines')
        .where('workspace_id', '=', workspaceId)
        .where('order_id', 'in', part)
        .execute();
    }
    const lineRows = [...changes.lines].flatMap(([orderId, lines]) =>
      lines.map((l, i) => ({
        workspace_id: workspaceId,
        order_id: orderId,
        line_no: i + 1,
        product_id: l.id,
        variant_id: l.variantId,
        sku: l.sku,
        name: l.name,
        category: l.category,
        price: l.price,
        quantity: l.quantity,
      })),
    );
    for (const part of chunks(lineRows, 150)) {
      await trx.insertInto('order_lines').values(part).execute();
    }
    for (const part of chunks(changes.refunds)) {
      await trx
        .insertInto('order_refunds')
        .values(
          part.map((r) => ({
            workspace_id: workspaceId,
            refund_id: r.refundId,
            order_id: r.orderId,
            amount: r.amount,
            refunded_at: r.refundedAt,
            reason: r.reason,
            lines: JSON.stringify(r.lines),
          })),
        )
        .onConflict((oc) => oc.columns(['workspace_id', 'refund_id']).doNothing())
        .execute();
    }
    for (const f of changes.fulfilments) {
      await trx
        .insertInto('order_fulfilments')
        .values({
          workspace_id: workspaceId,
          fulfilment_id: f.fulfilmentId,
          order_id: f.orderId,
          status: f.status,
          tracking_company: f.trackingCompany,
          tracking_number: f.trackingNumber,
          tracking_url: f.trackingUrl,
          shipped_at: f.shippedAt,
          delivered_at: f.deliveredAt,
          source_updated_at: f.sourceUpdatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'fulfilment_id']).doUpdateSet((eb) => ({
            // Status and tracking: last writer by the store's time. Times: once known, kept.
            status: eb
              .case()
              .when(
                'excluded.source_updated_at',
                '>=',
                eb.ref('order_fulfilments.source_updated_at'),
              )
              .then(eb.ref('excluded.status'))
              .else(eb.ref('order_fulfilments.status'))
              .end(),
            tracking_company: eb.fn.coalesce(
              'excluded.tracking_company',
              'order_fulfilments.tracking_company',
            ),
            tracking_number: eb.fn.coalesce(
              'excluded.tracking_number',
              'order_fulfilments.tracking_number',
            ),
            tracking_url: eb.fn.coalesce('excluded.tracking_url', 'order_fulfilments.tracking_url'),
            shipped_at: eb.fn.coalesce('order_fulfilments.shipped_at', 'excluded.shipped_at'),
            delivered_at: eb.fn.coalesce('excluded.delivered_at', 'order_fulfilments.delivered_at'),
            source_updated_at: eb
              .case()
              .when(
                'excluded.source_updated_at',
                '>=',
                eb.ref('order_fulfilments.source_updated_at'),
              )
              .then(eb.ref('excluded.source_updated_at'))
              .else(eb.ref('order_fulfilments.source_updated_at'))
              .end(),
          })),
        )
        .execute();
    }
  }
}
