import { Random } from './random.js';

/**
 * A seeded, reproducible stream of Segment calls from an online store, shaped like the
 * e-commerce v2 spec (https://segment.com/docs/connections/spec/ecommerce/v2/): mostly
 * anonymous browsing (pages, product views, carts), some sign-ups (identify with userId and
 * traits.email), and orders (Order Completed with products[], total, currency, order_id).
 * Every call has a unique messageId and an ISO timestamp; calls from the browser carry the
 * context analytics.js adds (library, page, userAgent, locale, ip).
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface SegmentCall extends JsonObject {
  type: 'track' | 'identify' | 'page';
  messageId: string;
  timestamp: string;
  anonymousId: string;
}

export interface DataOptions {
  seed: number;
  /** Distinct shoppers (each an anonymousId, a userId and an email once identified). */
  profiles: number;
  /**
   * Order-heavy stream: every call is an Order Completed (same shape as in the mixed stream)
   * with exactly `lines` products. Unset: the store's usual mix below.
   */
  ordersOnly?: { lines: number };
}

export const DEFAULT_DATA: DataOptions = { seed: 20_250_601, profiles: 50_000 };

/** Share of calls by kind; the rest of the generator follows each kind's spec properties. */
const MIX: readonly (readonly [Kind, number])[] = [
  ['page', 28],
  ['Product Viewed', 28],
  ['Product List Viewed', 6],
  ['Products Searched', 4],
  ['Product Added', 12],
  ['Product Removed', 2],
  ['Cart Viewed', 4],
  ['Checkout Started', 3],
  ['Promotion Viewed', 2],
  ['identify', 6],
  ['Order Completed', 5],
];
type Kind =
  | 'page'
  | 'identify'
  | 'Product Viewed'
  | 'Product List Viewed'
  | 'Products Searched'
  | 'Product Added'
  | 'Product Removed'
  | 'Cart Viewed'
  | 'Checkout Started'
  | 'Promotion Viewed'
  | 'Order Completed';

const CATEGORIES = [
  'Contact Lenses',
  'Eyeglasses',
  'Sunglasses',
  'Lens Care',
  'Cases',
  'Kids',
  'Sports Eyewear',
  'Reading Glasses',
  'Accessories',
  'Gift Cards',
  'Blue Light',
  'Frames',
] as const;
const BRANDS = ['Aurora', 'Northwind', 'Lumen', 'Vista', 'Clearview', 'Optica', 'Halden'];
const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Eva', 'Finn', 'Gia', 'Hugo', 'Ivy', 'Jon', 'Kai'];
const LAST = ['Silva', 'Meyer', 'Rossi', 'Novak', 'Kim', 'Garcia', 'Smith', 'Dubois', 'Berg'];
const PAGES = [
  ['/', 'Home'],
  ['/collections/contact-lenses', 'Contact Lenses'],
  ['/collections/sunglasses', 'Sunglasses'],
  ['/collections/eyeglasses', 'Eyeglasses'],
  ['/cart', 'Cart'],
  ['/blog/how-to-choose-lenses', 'How to choose lenses'],
  ['/pages/shipping', 'Shipping'],
] as const;
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
];
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'pt-BR', 'es-ES'];
const SHOP = 'https://shop.example.com';
const START_MS = Date.UTC(2025, 5, 1);

interface Product {
  product_id: string;
  sku: string;
  category: string;
  name: string;
  brand: string;
  price: number;
}

interface Shopper {
  anonymousId: string;
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  agent: string;
  locale: string;
  ip: string;
  identified: boolean;
  cart: string[];
}

export class EventGenerator {
  readonly #rng: Random;
  readonly #products: Product[];
  readonly #shoppers: Shopper[];
  readonly #mixTotal: number;
  readonly #orderLines: number | null;
  #index = 0;
  #orders = 0;

  constructor(opts: DataOptions = DEFAULT_DATA) {
    this.#rng = new Random(opts.seed);
    const rng = this.#rng;
    this.#products = Array.from({ length: 600 }, (_, i) => {
      const category = rng.pick(CATEGORIES);
      return {
        product_id: `prod-${1000 + i}`,
        sku: `SKU-${rng.hex(6).toUpperCase()}`,
        category,
        name: `${rng.pick(BRANDS)} ${category} ${i}`,
        brand: rng.pick(BRANDS),
        price: Math.round(rng.between(499, 24_999)) / 100,
      };
    });
    this.#shoppers = Array.from({ length: opts.profiles }, (_, i) => {
      const firstName = rng.pick(FIRST);
      const lastName = rng.pick(LAST);
      return {
        anonymousId: rng.uuid(),
        userId: `user-${100_000 + i}`,
        email: `${firstName}.${lastName}.${i}@example.com`.toLowerCase(),
        firstName,
        lastName,
        agent: rng.pick(AGENTS),
        locale: rng.pick(LOCALES),
        ip: `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
        identified: false,
        cart: [],
      };
    });
    this.#mixTotal = MIX.reduce((sum, [, weight]) => sum + weight, 0);
    this.#orderLines = opts.ordersOnly?.lines ?? null;
  }

  /** How many calls have been generated so far. */
  get count(): number {
    return this.#index;
  }

  /** Timestamp of the call that `next()` will return. */
  get nowMs(): number {
    return START_MS + this.#index * 37;
  }

  next(): SegmentCall {
    const rng = this.#rng;
    // Some shoppers are far more active than others.
    const shopper = this.#shoppers[Math.floor(this.#shoppers.length * rng.next() ** 1.6)];
    if (!shopper) throw new Error('no shoppers');
    const i = this.#index++;
    const ms = START_MS + i * 37;
    const kind: Kind = this.#orderLines === null ? this.#pickKind() : 'Order Completed';
    const [path, title] = rng.pick(PAGES);
    const base = {
      messageId: `${i.toString(16).padStart(8, '0')}-${rng.uuid().slice(9)}`,
      timestamp: new Date(ms).toISOString(),
      anonymousId: shopper.anonymousId,
      ...(shopper.identified ? { userId: shopper.userId } : {}),
      context: {
        library: { name: 'analytics.js', version: 'next-1.72.0' },
        page: { path, url: SHOP + path, title, referrer: i % 5 === 0 ? 'https://google.com/' : '' },
        userAgent: shopper.agent,
        locale: shopper.locale,
        ip: shopper.ip,
      },
    };
    if (kind === 'page') return { ...base, type: 'page', name: title, properties: { path } };
    if (kind === 'identify') {
      shopper.identified = true;
      return {
        ...base,
        type: 'identify',
        userId: shopper.userId,
        traits: {
          email: shopper.email,
          first_name: shopper.firstName,
          last_name: shopper.lastName,
          accepts_marketing: rng.chance(0.6),
        },
      };
    }
    return { ...base, type: 'track', event: kind, properties: this.#properties(kind, shopper) };
  }

  /** A kind drawn from MIX (one draw, so the mixed stream is the same as before). */
  #pickKind(): Kind {
    let roll = this.#rng.next() * this.#mixTotal;
    for (const [k, weight] of MIX) {
      roll -= weight;
      if (roll < 0) return k;
    }
    return 'page';
  }

  /** The next `n` calls. */
  take(n: number): SegmentCall[] {
    return Array.from({ length: n }, () => this.next());
  }

  #line(product: Product, quantity: number): JsonObject {
    return { ...product, quantity, url: `${SHOP}/products/${product.product_id}` };
  }

  #properties(kind: Exclude<Kind, 'page' | 'identify'>, shopper: Shopper): JsonObject {
    const rng = this.#rng;
    const product = rng.pick(this.#products);
    const cartId = `cart-${shopper.anonymousId.slice(0, 8)}`;
    switch (kind) {
      case 'Product Viewed':
        return { ...this.#line(product, 1), currency: 'USD', value: product.price };
      case 'Product Added':
        shopper.cart = [...shopper.cart.slice(-5), product.product_id];
        return { cart_id: cartId, ...this.#line(product, rng.between(1, 3)) };
      case 'Product Removed':
        shopper.cart = shopper.cart.slice(1);
        return { cart_id: cartId, ...this.#line(product, 1) };
      case 'Product List Viewed':
        return {
          list_id: `list-${product.category.toLowerCase().replace(/ /g, '-')}`,
          category: product.category,
          products: Array.from({ length: 4 }, (_, position) => ({
            product_id: rng.pick(this.#products).product_id,
            position: position + 1,
          })),
        };
      case 'Products Searched':
        return { query: `${product.brand} ${product.category}`.toLowerCase() };
      case 'Cart Viewed':
        return { cart_id: cartId, products: this.#lines(rng.between(1, 3)) };
      case 'Promotion Viewed':
        return {
          promotion_id: `promo-${rng.int(20)}`,
          creative: 'summer_banner',
          name: 'Summer sale',
          position: 'home_top',
        };
      case 'Checkout Started': {
        const lines = this.#lines(rng.between(1, 3));
        return {
          order_id: `ord-${this.#orders + 1}`,
          value: sum(lines),
          currency: 'USD',
          products: lines,
        };
      }
      case 'Order Completed': {
        const lines = this.#lines(this.#orderLines ?? rng.between(1, 4));
        const subtotal = sum(lines);
        const shipping = subtotal > 100 ? 0 : 4.99;
        const tax = round2(subtotal * 0.08);
        shopper.cart = [];
        return {
          checkout_id: `chk-${rng.hex(10)}`,
          order_id: `ord-${++this.#orders}`,
          affiliation: 'Online Store',
          subtotal,
          total: round2(subtotal + shipping + tax),
          revenue: subtotal,
          shipping,
          tax,
          discount: 0,
          currency: 'USD',
          products: lines,
        };
      }
    }
  }

  #lines(n: number): JsonObject[] {
    return Array.from({ length: n }, () =>
      this.#line(this.#rng.pick(this.#products), this.#rng.between(1, 2)),
    );
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const sum = (lines: JsonObject[]) =>
  round2(
    lines.reduce(
      (s, l) =>
        s +
        (typeof l.price === 'number' ? l.price : 0) *
          (typeof l.quantity === 'number' ? l.quantity : 1),
      0,
    ),
  );

/**
 * Pre-serialised `POST /v1/batch` bodies, `perRequest` calls each, the way analytics-node sends
 * them (with `sentAt`), so the client spends its time sending, not building JSON.
 */
export function batchBodies(gen: EventGenerator, requests: number, perRequest: number): Buffer[] {
  return Array.from({ length: requests }, () => {
    const batch = gen.take(perRequest);
    const sentAt = new Date(gen.nowMs + 250).toISOString();
    return Buffer.from(JSON.stringify({ batch, sentAt }));
  });
}
