import { postTracking } from './harness.js';

/**
 * A reproducible store workload: identifies (userId + email), orders (some reported twice, as
 * stores do), and partial refunds. Refunds are the canary for double application: an order
 * reported twice is still one order, but a refund applied twice is refunded twice.
 */
export interface Call {
  type: 'identify' | 'track';
  messageId: string;
  userId: string;
  event?: string;
  traits?: { email: string };
  properties?: { order_id: string; total: number; currency?: string };
}

export interface Batch {
  index: number;
  calls: Call[];
}

export interface ExpectedProfile {
  email: string;
  orderCount: number;
  totalSpent: number;
  refundedTotal: number;
}

export interface Workload {
  batches: Batch[];
  messageIds: string[];
  /** What the profiles must show once every batch is stored and applied exactly once. */
  expected: Map<string, ExpectedProfile>;
  orderIds: Set<string>;
}

const REFUND_CENTS = 125;

export function makeWorkload(
  prefix: string,
  batchCount: number,
  opts: { perBatch?: number; users?: number } = {},
): Workload {
  const perBatch = opts.perBatch ?? 50;
  const users = Array.from({ length: opts.users ?? 25 }, (_, i) => `${prefix}-user-${i}`);
  const orders: { id: string; userId: string; cents: number }[] = [];
  let refunded = 0;
  let identified = 0;
  let k = 0;
  const batches: Batch[] = [];
  for (let index = 0; index < batchCount; index++) {
    const calls: Call[] = [];
    for (let j = 0; j < perBatch; j++, k++) {
      const messageId = `${prefix}-m-${k}`;
      const userId = users[(k * 7) % users.length] ?? '';
      const kind = k % 10;
      if (kind >= 2 && kind <= 7) {
        const order = {
          id: `${prefix}-o-${orders.length}`,
          userId,
          cents: 1000 + ((k * 37) % 9000),
        };
        orders.push(order);
        calls.push(orderCall(messageId, order));
      } else if (kind === 8 && orders.length) {
        const again = orders[(k * 13) % orders.length];
        if (again) calls.push(orderCall(messageId, again));
      } else if (kind === 9 && refunded < orders.length) {
        const order = orders[refunded++];
        if (order)
          calls.push({
            type: 'track',
            messageId,
            userId: order.userId,
            event: 'Order Refunded',
            properties: { order_id: order.id, total: REFUND_CENTS / 100 },
          });
      } else {
        const userId = users[identified++ % users.length] ?? '';
        calls.push({ type: 'identify', messageId, userId, traits: { email: emailOf(userId) } });
      }
    }
    batches.push({ index, calls });
  }

  const expected = new Map<string, { email: string; cents: number; refunds: number; n: number }>();
  for (const u of users) expected.set(u, { email: emailOf(u), cents: 0, refunds: 0, n: 0 });
  for (const o of orders) {
    const e = expected.get(o.userId);
    if (!e) continue;
    e.cents += o.cents;
    e.n += 1;
  }
  for (const o of orders.slice(0, refunded)) {
    const e = expected.get(o.userId);
    if (e) e.refunds += REFUND_CENTS;
  }
  return {
    batches,
    messageIds: batches.flatMap((b) => b.calls.map((c) => c.messageId)),
    orderIds: new Set(orders.map((o) => o.id)),
    expected: new Map(
      [...expected].map(([u, e]) => [
        u,
        {
          email: e.email,
          orderCount: e.n,
          totalSpent: (e.cents - e.refunds) / 100,
          refundedTotal: e.refunds / 100,
        },
      ]),
    ),
  };
}

const emailOf = (userId: string) => `${userId}@example.com`;

function orderCall(messageId: string, order: { id: string; userId: string; cents: number }): Call {
  return {
    type: 'track',
    messageId,
    userId: order.userId,
    event: 'Order Completed',
    properties: { order_id: order.id, total: order.cents / 100, currency: 'USD' },
  };
}

export interface SendResult {
  acked: Set<number>;
  /** Batches sent whose request failed or did not answer 200 (outcome unknown to the sender). */
  failed: Map<number, string>;
}

/**
 * Sends batches to /v1/batch with `concurrency` requests in flight, like an SDK with a send
 * queue. `onAck` runs after each acknowledgement; once `stop()` is true no new request starts.
 */
export async function sendBatches(
  url: string,
  writeKey: string,
  batches: Batch[],
  opts: { concurrency?: number; onAck?: (acked: number) => void; stop?: () => boolean } = {},
): Promise<SendResult> {
  const result: SendResult = { acked: new Set(), failed: new Map() };
  let next = 0;
  const worker = async () => {
    while (next < batches.length && !opts.stop?.()) {
      const batch = batches[next++];
      if (!batch) break;
      try {
        const res = await postTracking(url, '/v1/batch', writeKey, { batch: batch.calls });
        const body = await res.text();
        if (res.status === 200) {
          result.acked.add(batch.index);
          opts.onAck?.(result.acked.size);
        } else {
          result.failed.set(batch.index, `${res.status} ${body.slice(0, 200)}`);
        }
      } catch (error) {
        result.failed.set(batch.index, String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return result;
}
