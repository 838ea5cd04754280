import type { Db } from '../../src/platform/db/database.js';
import type { OrderLine } from '../../src/modules/profiles/ecommerce-facts.js';
import { decodeLines, encodeLines } from '../../src/modules/profiles/order-lines.js';

export { encodeLines };

/** A line with only a product and a category known, as test worlds write them. */
export function orderLine(
  productId: string | null,
  category: string | null,
  more: Partial<OrderLine> = {},
): OrderLine {
  const line: OrderLine = {
    id: productId,
    variantId: null,
    sku: null,
    name: null,
    category,
    price: null,
    quantity: 1,
  };
  return { ...line, ...more };
}

/** The stored lines of the orders whose id matches `like` (SQL LIKE), by order id. */
export async function storedLines(db: Db, like = '%'): Promise<Map<string, OrderLine[]>> {
  const rows = await db
    .selectFrom('profile_orders')
    .select(['order_id', 'lines'])
    .where('order_id', 'like', like)
    .execute();
  return new Map(rows.map((r) => [r.order_id, decodeLines(r.lines)]));
}

/** How many lines the orders whose id matches `like` hold in all. */
export async function countLines(db: Db, like = '%'): Promise<number> {
  let n = 0;
  for (const lines of (await storedLines(db, like)).values()) n += lines.length;
  return n;
}
