/**
 * The purchase data every model learns from, indexed once: products and customers get dense
 * integer ids so the models can count in typed arrays instead of hash maps (what keeps a fit of
 * 100k customers x 10k products within seconds). Pure: the caller reads the orders.
 */
export interface PurchaseLine {
  customerId: string;
  orderId: string;
  /** Epoch milliseconds. */
  orderedAt: number;
  productId: string;
  category: string | null;
  quantity: number;
}

export interface Basket {
  customer: number;
  orderedAt: number;
  /** Distinct products of the order, in line order. */
  items: number[];
  /** Quantity per item (summed over the order's lines of that product). */
  quantities: number[];
}

export const DAY_MS = 86_400_000;

export class PurchaseHistory {
  readonly products: string[] = [];
  readonly productIndex = new Map<string, number>();
  /** Category per product: the one its latest order line named (null: none). */
  readonly categoryOf: (string | null)[] = [];
  readonly customers: string[] = [];
  readonly customerIndex = new Map<string, number>();
  /** Orders, oldest first. */
  readonly baskets: Basket[] = [];
  /** Basket indexes per customer, oldest first. */
  readonly basketsOf: number[][] = [];

  private constructor() {}

  static from(lines: Iterable<PurchaseLine>): PurchaseHistory {
    const h = new PurchaseHistory();
    const byOrder = new Map<string, Basket>();
    const categoryAt: number[] = [];
    for (const line of lines) {
      const product = h.#product(line.productId);
      if (line.category !== null && line.orderedAt >= (categoryAt[product] ?? -Infinity)) {
        h.categoryOf[product] = line.category;
        categoryAt[product] = line.orderedAt;
      }
      let basket = byOrder.get(line.orderId);
      if (!basket) {
        basket = {
          customer: h.#customer(line.customerId),
          orderedAt: line.orderedAt,
          items: [],
          quantities: [],
        };
        byOrder.set(line.orderId, basket);
      }
      const at = basket.items.indexOf(product);
      if (at >= 0) basket.quantities[at] = (basket.quantities[at] ?? 0) + line.quantity;
      else {
        basket.items.push(product);
        basket.quantities.push(line.quantity);
      }
    }
    // (A loop, not push(...spread): a large store has more orders than the stack has room.)
    for (const b of [...byOrder.values()].sort((x, y) => x.orderedAt - y.orderedAt)) {
      h.baskets.push(b);
    }
    for (let c = 0; c < h.customers.length; c++) h.basketsOf.push([]);
    h.baskets.forEach((b, i) => h.basketsOf[b.customer]?.push(i));
    return h;
  }

  get productCount(): number {
    return this.products.length;
  }

  /** The latest order time in the data (0 when empty). */
  get lastOrderAt(): number {
    return this.baskets[this.baskets.length - 1]?.orderedAt ?? 0;
  }

  /**
   * Distinct products per customer, most recently bought first, at most `cap` of them (a
   * wholesaler with thousands of products would otherwise dominate the pair counts).
   */
  customerItems(cap: number): number[][] {
    return this.basketsOf.map((indexes) => {
      const seen = new Set<number>();
      for (let k = indexes.length - 1; k >= 0 && seen.size < cap; k--) {
        const basket = this.baskets[indexes[k] ?? -1];
        for (const item of basket?.items ?? []) {
          if (seen.size >= cap) break;
          seen.add(item);
        }
      }
      return [...seen];
    });
  }

  #product(id: string): number {
    let i = this.productIndex.get(id);
    if (i === undefined) {
      i = this.products.length;
      this.products.push(id);
      this.productIndex.set(id, i);
      this.categoryOf.push(null);
    }
    return i;
  }

  #customer(id: string): number {
    let i = this.customerIndex.get(id);
    if (i === undefined) {
      i = this.customers.length;
      this.customers.push(id);
      this.customerIndex.set(id, i);
    }
    return i;
  }
}
