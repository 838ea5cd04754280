/** One line of an order or of a refund, as the builders keep it. */
export interface PurchasedLine {
  line: number;
  price: number;
  quantity: number;
  /** What identifies the product: its id, else its SKU, else its name. */
  product: string | undefined;
  /** The line as the order event carries it (product_id, sku, name, ..., price, quantity). */
  properties: Record<string, unknown>;
}

interface Purchase {
  orderId: string;
  at: number;
  /** Units of the product in that order not refunded yet. */
  left: number;
}

export interface RefundMatch {
  byOrder: Map<string, PurchasedLine[]>;
  unmatched: { line: PurchasedLine; reason: string }[];
  /** Refunded more units than the matched order had left: only those were refunded. */
  capped: { line: number; message: string }[];
}

const productKey = (l: PurchasedLine) => l.product;

/**
 * For credit notes that do not name the invoice they refund (the UCI Online Retail data): each
 * refunded line is attributed to the customer's latest earlier order, in this import, holding
 * that product, up to the quantity that order still has unrefunded. A line no earlier order
 * holds (a manual adjustment, a purchase from before the file starts) is rejected with that
 * reason, not guessed. Memory: one entry per (customer, product) bought.
 */
export class RefundMatcher {
  readonly #purchases = new Map<string, Map<string, Purchase>>();

  recordOrder(customerKey: string, orderId: string, at: number, lines: PurchasedLine[]): void {
    let byProduct = this.#purchases.get(customerKey);
    if (!byProduct) this.#purchases.set(customerKey, (byProduct = new Map()));
    for (const l of lines) {
      const key = productKey(l);
      if (key === undefined) continue;
      const known = byProduct.get(key);
      if (known && known.orderId === orderId) known.left += l.quantity;
      else if (!known || at >= known.at) byProduct.set(key, { orderId, at, left: l.quantity });
    }
  }

  match(customerKey: string, at: number, lines: PurchasedLine[]): RefundMatch {
    const out: RefundMatch = { byOrder: new Map(), unmatched: [], capped: [] };
    const byProduct = this.#purchases.get(customerKey);
    for (const l of lines) {
      const key = productKey(l);
      const purchase = key === undefined ? undefined : byProduct?.get(key);
      if (key === undefined) {
        out.unmatched.push({ line: l, reason: 'refund row names no product' });
      } else if (!purchase || purchase.at > at) {
        out.unmatched.push({
          line: l,
          reason: `refund of ${key}: no earlier order of customer ${customerKey} in this import holds it`,
        });
      } else if (purchase.left <= 0) {
        out.unmatched.push({
          line: l,
          reason: `refund of ${key}: its latest order ${purchase.orderId} is already refunded in full for it`,
        });
      } else {
        const quantity = Math.min(l.quantity, purchase.left);
        purchase.left -= quantity;
        if (quantity < l.quantity) {
          out.capped.push({
            line: l.line,
            message: `refund of ${key}: ${l.quantity} units, but order ${purchase.orderId} had ${quantity} left; ${quantity} refunded`,
          });
        }
        const lines = out.byOrder.get(purchase.orderId) ?? [];
        lines.push({ ...l, quantity, properties: { ...l.properties, quantity } });
        out.byOrder.set(purchase.orderId, lines);
      }
    }
    return out;
  }
}
