import { normalizeCall, type AppendRow } from '../../src/modules/ingest/event-normalizer.js';

/**
 * Log rows for processor tests: per round, per workspace, per user, an identify, an order of
 * 10 and a partial refund of 3 of it - a refund applied twice shows in `total_spent`, and an
 * order applied twice in `order_count`. Message ids `m0`, `m1`, ... (with `prefix` before).
 */
export function orderCalls(
  workspaces: readonly string[],
  opts: { users: number; rounds: number; prefix?: string },
): AppendRow[] {
  const rows: AppendRow[] = [];
  let n = 0;
  for (let round = 0; round < opts.rounds; round++) {
    for (const ws of workspaces) {
      for (let u = 0; u < opts.users; u++) {
        const order = { order_id: `o${u}-${round}` };
        const calls: ['identify' | 'track', Record<string, unknown>][] = [
          ['identify', { userId: `u${u}`, traits: { email: `u${u}@${ws}.example` } }],
          [
            'track',
            { userId: `u${u}`, event: 'Order Completed', properties: { ...order, total: 10 } },
          ],
          [
            'track',
            { userId: `u${u}`, event: 'Order Refunded', properties: { ...order, total: 3 } },
          ],
        ];
        for (const [type, call] of calls) {
          const messageId = `${opts.prefix ?? ''}m${n++}`;
          const r = normalizeCall(ws, type, { ...call, messageId }, {}, Date.now(), '');
          if (!r.ok) throw new Error(r.error.message);
          rows.push(r.value);
        }
      }
    }
  }
  return rows;
}
