/** A small store for the browser tests: customers (some who ordered, one twice), a segment. */
import type { DashboardRig } from './dashboard-harness.js';

export async function seedStore(
  rig: DashboardRig,
  customers = 12,
): Promise<{ profileIds: string[] }> {
  const batch: unknown[] = [];
  for (let i = 0; i < customers; i++) {
    const userId = `u-${i}`;
    batch.push({
      type: 'identify',
      userId,
      traits: {
        email: `customer${i}@example.com`,
        first_name: `Dana${i}`,
        phone: `+97250000${1000 + i}`,
      },
    });
    if (i % 2 === 0) {
      batch.push({
        type: 'track',
        userId,
        event: 'Order Completed',
        properties: { order_id: `o-${i}`, total: 40 + i, currency: 'USD', products: [] },
      });
    }
    if (i % 4 === 0) {
      batch.push({
        type: 'track',
        userId,
        event: 'Order Completed',
        properties: { order_id: `o-${i}-b`, total: 25, currency: 'USD', products: [] },
      });
    }
  }
  const sent = await rig.server.send('/v1/batch', { batch });
  if (!sent.ok) throw new Error(`seeding failed: ${sent.status} ${await sent.text()}`);
  await rig.server.settle();
  const list = await rig.api('/api/v1/profiles?limit=100');
  const body = (await list.json()) as { data: { id: string }[] };
  return { profileIds: body.data.map((p) => p.id) };
}
