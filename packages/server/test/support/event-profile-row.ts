/**
 * An `event_profiles` row as the processor writes it (event-applier.ts), for tests that write
 * their worlds straight into the tables: a track event's name, every event's time, and a
 * `Product Viewed` event's product id and category, each only when a string (migration 039).
 */
export function eventProfileRow(e: {
  seq: number;
  profileId: string;
  type: string;
  event: string | null | undefined;
  at: number;
  properties?: unknown;
}) {
  const name = e.type === 'track' ? (e.event ?? null) : null;
  const viewed =
    name === 'Product Viewed' && isObject(e.properties)
      ? e.properties
      : ({} as Record<string, unknown>);
  const productId = Object.hasOwn(viewed, 'product_id') ? viewed.product_id : undefined;
  const category = Object.hasOwn(viewed, 'category') ? viewed.category : undefined;
  return {
    seq: e.seq,
    profile_id: e.profileId,
    event: name,
    at: e.at,
    product_id: typeof productId === 'string' ? productId : null,
    category: typeof category === 'string' ? category : null,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
