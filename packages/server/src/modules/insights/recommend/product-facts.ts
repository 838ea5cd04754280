/**
 * What order lines say about each product, across all customers: the name it is sold under
 * (the title when no catalog is imported), its latest category, and whether it is merchandise
 * at all. Stores put postage, carriage, fees, discounts and manual adjustments on order lines
 * as if they were products; nobody should be offered postage, so those codes are learned as
 * non-products (or configured so in the catalog) and their lines are dropped before any model
 * is fitted: the production fit and the benchmark call the same `learnProductFacts` and
 * `merchandiseOnly`, so what the benchmark measures is what production serves.
 */
export interface FactLine {
  orderId: string;
  orderedAt: number;
  productId: string;
  category: string | null;
  /** The line's product name, when the store sent one. */
  name?: string | null;
  /** Unit price, when known. */
  price?: number | null;
}

export type NonProductReason = 'catalog' | 'description' | 'code' | 'price' | 'frequency';

export interface ProductFact {
  productId: string;
  /** The name most lines carried (ties: the latest); null when no line named it. */
  title: string | null;
  /** The category of the latest line that named one. */
  category: string | null;
  /** Why this is not merchandise; null for a product. */
  nonProduct: NonProductReason | null;
  /** Orders holding it. */
  orders: number;
}

export interface ProductFactOptions {
  /** A code held by at least this share of all orders is a charge, not a product. */
  maxOrderShare: number;
  /** ... judged only once the store has this many orders. */
  minOrdersForShare: number;
  /** A code without a digit is odd when at least this share of the store's codes has one. */
  digitCodeShare: number;
  /** A median unit price below this (cents, pence) is not a sale. */
  minPrice: number;
}

export const DEFAULT_PRODUCT_FACTS: ProductFactOptions = {
  maxOrderShare: 0.5,
  minOrdersForShare: 50,
  digitCodeShare: 0.9,
  minPrice: 0.01,
};

/**
 * Head words of the names of charges: English noun phrases end on their head ("DOTCOM
 * POSTAGE", "Next Day Carriage", "PACKING CHARGE", "AMAZON FEE"), so a name *ending* on one of
 * these is a charge, while "CARRIAGE CLOCK" or "FRENCH CARRIAGE LANTERN" stay products. An
 * adjustment may lead instead ("Adjust bad debt").
 */
const CHARGE_HEADS = new Set(
  (
    'postage carriage shipping delivery fee fees charge charges surcharge commission handling ' +
    'discount discounts adjustment adjustments manual sample samples freight'
  ).split(' '),
);
const CHARGE_LEADS = new Set(['adjust', 'adjustment']);

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);

/** Whether a product name reads as a charge or an adjustment rather than merchandise. */
export function isChargeName(name: string): boolean {
  const words = wordsOf(name);
  const last = words[words.length - 1];
  const first = words[0];
  return (
    (last !== undefined && CHARGE_HEADS.has(last)) ||
    (first !== undefined && CHARGE_LEADS.has(first))
  );
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

/**
 * One fact per product of the lines. `configured(id)` is the catalog's own word and wins over
 * the learned rules both ways: true is not merchandise (reason 'catalog'), false is merchandise
 * whatever its name, code, price or frequency say; undefined leaves it to the rules.
 */
export function learnProductFacts(
  lines: Iterable<FactLine>,
  configured: (productId: string) => boolean | undefined = () => undefined,
  options: Partial<ProductFactOptions> = {},
): Map<string, ProductFact> {
  const o = { ...DEFAULT_PRODUCT_FACTS, ...options };
  type Acc = {
    names: Map<string, { n: number; at: number }>;
    category: string | null;
    categoryAt: number;
    orders: Set<string>;
    prices: number[];
  };
  const acc = new Map<string, Acc>();
  const allOrders = new Set<string>();
  for (const l of lines) {
    allOrders.add(l.orderId);
    let a = acc.get(l.productId);
    if (!a) {
      a = {
        names: new Map(),
        category: null,
        categoryAt: -Infinity,
        orders: new Set(),
        prices: [],
      };
      acc.set(l.productId, a);
    }
    a.orders.add(l.orderId);
    const name = l.name?.trim();
    if (name) {
      const n = a.names.get(name);
      a.names.set(name, { n: (n?.n ?? 0) + 1, at: Math.max(n?.at ?? -Infinity, l.orderedAt) });
    }
    if (l.category !== null && l.orderedAt >= a.categoryAt) {
      a.category = l.category;
      a.categoryAt = l.orderedAt;
    }
    if (typeof l.price === 'number' && Number.isFinite(l.price)) a.prices.push(l.price);
  }
  const ids = [...acc.keys()];
  const digitShare = ids.filter((id) => /\d/.test(id)).length / Math.max(1, ids.length);
  const out = new Map<string, ProductFact>();
  for (const [productId, a] of acc) {
    let title: string | null = null;
    let best = { n: 0, at: -Infinity };
    for (const [name, n] of a.names) {
      if (n.n > best.n || (n.n === best.n && n.at > best.at)) {
        title = name;
        best = n;
      }
    }
    const reason = ((): NonProductReason | null => {
      const said = configured(productId);
      if (said !== undefined) return said ? 'catalog' : null;
      if (isChargeName(title ?? productId)) return 'description';
      // An odd code ("POST", "M", "BANK CHARGES" among "85123A"-like codes), unless a real
      // description (three words or more) says it is merchandise after all.
      const described = title !== null && wordsOf(title).length >= 3;
      if (digitShare >= o.digitCodeShare && !/\d/.test(productId) && !described) return 'code';
      if (a.prices.length && median(a.prices) < o.minPrice) return 'price';
      if (
        allOrders.size >= o.minOrdersForShare &&
        a.orders.size >= o.maxOrderShare * allOrders.size
      ) {
        return 'frequency';
      }
      return null;
    })();
    out.set(productId, {
      productId,
      title,
      category: a.category,
      nonProduct: reason,
      orders: a.orders.size,
    });
  }
  return out;
}

/** The lines of merchandise only: what every model is fitted on. */
export function merchandiseOnly<L extends { productId: string }>(
  lines: readonly L[],
  facts: ReadonlyMap<string, ProductFact>,
): L[] {
  return lines.filter((l) => (facts.get(l.productId)?.nonProduct ?? null) === null);
}
