import { anyOf, bulkInsert, bulkTable, type BulkTarget } from '../../platform/db/bulk-write.js';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import type { OrderLine } from './ecommerce-facts.js';
import { encodeLines } from './order-lines.js';

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

const TEXT = 'text' as const;
const REAL = 'float8' as const;
const TIME = 'int8' as const;

/**
 * What a batch reads back of a stored order: every column but the workspace, the time of the
 * write and the lines (which a report only ever replaces whole).
 */
const ORDER_FIELDS = [
  'order_id',
  'profile_id',
  'total',
  'refunded',
  'currency',
  'ordered_at',
  'status',
  'order_number',
  'customer_id',
  'subtotal',
  'discount',
  'tax',
  'shipping',
  'checkout_id',
  'source_updated_at',
  'cancelled_at',
  'fulfilled_at',
  'delivered_at',
] as const;

/** Every column of `profile_orders`: a reported order replaces the stored one whole. */
const ORDERS = bulkTable({
  table: 'profile_orders',
  columns: [
    { name: 'workspace_id', pgType: TEXT },
    { name: 'order_id', pgType: TEXT },
    { name: 'profile_id', pgType: TEXT },
    { name: 'total', pgType: REAL },
    { name: 'refunded', pgType: REAL },
    { name: 'currency', pgType: TEXT },
    { name: 'ordered_at', pgType: TIME },
    { name: 'status', pgType: TEXT },
    { name: 'order_number', pgType: TEXT },
    { name: 'customer_id', pgType: TEXT },
    { name: 'subtotal', pgType: REAL },
    { name: 'discount', pgType: REAL },
    { name: 'tax', pgType: REAL },
    { name: 'shipping', pgType: REAL },
    { name: 'checkout_id', pgType: TEXT },
    { name: 'source_updated_at', pgType: TIME },
    { name: 'cancelled_at', pgType: TIME },
    { name: 'fulfilled_at', pgType: TIME },
    { name: 'delivered_at', pgType: TIME },
    { name: 'updated_at', pgType: TIME },
    { name: 'lines', pgType: 'jsonb' },
  ],
  conflict: {
    target: ['workspace_id', 'order_id'],
    update: [
      ...ORDER_FIELDS.filter((c) => c !== 'order_id'),
      'updated_at',
      // Lines come whole with an order's report; news without them keeps those stored.
      { column: 'lines', expression: 'coalesce(excluded.lines, profile_orders.lines)' },
    ],
  },
});

/** A refund is recorded once: the same refund reported again changes nothing. */
const REFUNDS = bulkTable({
  table: 'order_refunds',
  columns: [
    { name: 'workspace_id', pgType: TEXT },
    { name: 'refund_id', pgType: TEXT },
    { name: 'order_id', pgType: TEXT },
    { name: 'amount', pgType: REAL },
    { name: 'refunded_at', pgType: TIME },
    { name: 'reason', pgType: TEXT },
    { name: 'lines', pgType: 'jsonb' },
  ],
  conflict: { target: ['workspace_id', 'refund_id'], update: 'nothing' },
});

/** Newer by the store's own time decides the status; a time or tracking detail once known stays. */
const newer = (column: string) =>
  `case when excluded.source_updated_at >= order_fulfilments.source_updated_at ` +
  `then excluded.${column} else order_fulfilments.${column} end`;
const FULFILMENTS = bulkTable({
  table: 'order_fulfilments',
  columns: [
    { name: 'workspace_id', pgType: TEXT },
    { name: 'fulfilment_id', pgType: TEXT },
    { name: 'order_id', pgType: TEXT },
    { name: 'status', pgType: TEXT },
    { name: 'tracking_company', pgType: TEXT },
    { name: 'tracking_number', pgType: TEXT },
    { name: 'tracking_url', pgType: TEXT },
    { name: 'shipped_at', pgType: TIME },
    { name: 'delivered_at', pgType: TIME },
    { name: 'source_updated_at', pgType: TIME },
  ],
  conflict: {
    target: ['workspace_id', 'fulfilment_id'],
    update: [
      { column: 'status', expression: newer('status') },
      {
        column: 'tracking_company',
        expression: 'coalesce(excluded.tracking_company, order_fulfilments.tracking_company)',
      },
      {
        column: 'tracking_number',
        expression: 'coalesce(excluded.tracking_number, order_fulfilments.tracking_number)',
      },
      {
        column: 'tracking_url',
        expression: 'coalesce(excluded.tracking_url, order_fulfilments.tracking_url)',
      },
      {
        column: 'shipped_at',
        expression: 'coalesce(order_fulfilments.shipped_at, excluded.shipped_at)',
      },
      {
        column: 'delivered_at',
        expression: 'coalesce(excluded.delivered_at, order_fulfilments.delivered_at)',
      },
      { column: 'source_updated_at', expression: newer('source_updated_at') },
    ],
  },
});

/**
 * Set-based reads and writes of orders and their linked records for the processor: each kind
 * of record is written with fixed SQL (see bulk-write.ts) and read with one lookup per batch.
 */
export class OrderStore {
  readonly #target: BulkTarget;

  /** The writes run on `database`'s connection (on SQLite, its prepared statements). */
  constructor(database: Database) {
    this.#target = database;
  }

  async load(trx: Trx | Db, workspaceId: string, orderIds: string[]) {
    const out = new Map<string, OrderRecord>();
    if (orderIds.length === 0) return out;
    const rows = await trx
      .selectFrom('profile_orders')
      .select(ORDER_FIELDS)
      .where('workspace_id', '=', workspaceId)
      .where(anyOf(this.#target.dialect, 'order_id', [...new Set(orderIds)]))
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
    return out;
  }

  async knownRefunds(trx: Trx | Db, workspaceId: string, refundIds: string[]) {
    const out = new Set<string>();
    if (refundIds.length === 0) return out;
    const rows = await trx
      .selectFrom('order_refunds')
      .select('refund_id')
      .where('workspace_id', '=', workspaceId)
      .where(anyOf(this.#target.dialect, 'refund_id', [...new Set(refundIds)]))
      .execute();
    for (const r of rows) out.add(r.refund_id);
    return out;
  }

  /**
   * Writes a batch's changes. Each list holds one record per key (orders and fulfilments by
   * id, lines by order, refunds deduplicated while applying), as bulkInsert needs.
   */
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
    const target = this.#target;
    const ws = workspaceId;
    await bulkInsert(
      target,
      trx,
      ORDERS,
      changes.orders.map((o) => [
        ws,
        o.orderId,
        o.profileId,
        o.total,
        o.refunded,
        o.currency,
        o.orderedAt,
        o.status,
        o.orderNumber,
        o.customerId,
        o.subtotal,
        o.discount,
        o.tax,
        o.shipping,
        o.checkoutId,
        o.sourceUpdatedAt,
        o.cancelledAt,
        o.fulfilledAt,
        o.deliveredAt,
        now,
        encodeLines(changes.lines.get(o.orderId) ?? []),
      ]),
    );
    await bulkInsert(
      target,
      trx,
      REFUNDS,
      changes.refunds.map((r) => [
        ws,
        r.refundId,
        r.orderId,
        r.amount,
        r.refundedAt,
        r.reason,
        JSON.stringify(r.lines),
      ]),
    );
    await bulkInsert(
      target,
      trx,
      FULFILMENTS,
      changes.fulfilments.map((f) => [
        ws,
        f.fulfilmentId,
        f.orderId,
        f.status,
        f.trackingCompany,
        f.trackingNumber,
        f.trackingUrl,
        f.shippedAt,
        f.deliveredAt,
        f.sourceUpdatedAt,
      ]),
    );
  }
}
