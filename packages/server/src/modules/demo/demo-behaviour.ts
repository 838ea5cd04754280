import type { BatchItem } from '@comeback/contracts';
import {
  CATEGORY_NAMES,
  STORE_CURRENCY,
  inStockAt,
  priceAt,
  type DemoProduct,
} from './demo-catalog.js';
import { localTime, type DemoCustomer } from './demo-people.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, cents, type DemoRandom } from './demo-random.js';

/** One call of one customer; messageIds are given once the whole store is in order. */
export interface TimedCall {
  at: number;
  call: BatchItem;
}

/** The catalog as visits pick from it: popular products more often. */
export class ProductPicker {
  readonly #byCategory = new Map<string, { products: DemoProduct[]; cumulative: number[] }>();

  constructor(products: readonly DemoProduct[]) {
    for (const p of products) {
      const entry = this.#byCategory.get(p.category) ?? { products: [], cumulative: [] };
      const before = entry.cumulative[entry.cumulative.length - 1] ?? 0;
      entry.products.push(p);
      entry.cumulative.push(before + p.weight);
      this.#byCategory.set(p.category, entry);
    }
  }

  /** A product of `category` released by `at`, by popularity. */
  pick(rng: DemoRandom, category: string, at: number, filter?: (p: DemoProduct) => boolean) {
    const entry = this.#byCategory.get(category);
    if (!entry) return null;
    const total = entry.cumulative[entry.cumulative.length - 1] ?? 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const r = rng.next() * total;
      const i = entry.cumulative.findIndex((c) => c > r);
      const p = entry.products[i < 0 ? entry.products.length - 1 : i];
      if (p && p.releasedAt <= at && (!filter || filter(p))) return p;
    }
    return entry.products.find((p) => p.releasedAt <= at && (!filter || filter(p))) ?? null;
  }
}

interface Line {
  product: DemoProduct;
  price: number;
  quantity: number;
}

const productProps = (p: DemoProduct, price: number) => ({
  product_id: p.id,
  name: p.title,
  price,
  currency: STORE_CURRENCY,
  category: p.category,
  url: p.url,
  image_url: p.imageUrl,
});
const lineProps = (l: Line) => ({ ...productProps(l.product, l.price), quantity: l.quantity });
const totalOf = (lines: readonly Line[]) =>
  cents(lines.reduce((s, l) => s + l.price * l.quantity, 0));

/** How a cart ends: abandoned at the cart or checkout, or bought now, hours or days later. */
type Outcome = 'cart' | 'checkout' | 'now' | 'hours' | 'days';

/**
 * One customer's calls over the period, from their persona. Times only move forward, so a
 * customer's calls are in order before the store sorts everyone's together.
 */
export class CustomerStory {
  readonly calls: TimedCall[] = [];
  #carts = 0;
  #orders = 0;
  /** When the latest consumable bought runs out (replenishers re-buy around then). */
  #runsOutAt: number | null = null;
  #lastConsumable: DemoProduct | null = null;

  constructor(
    private readonly c: DemoCustomer,
    private readonly rng: DemoRandom,
    private readonly picker: ProductPicker,
    private readonly start: number,
    private readonly end: number,
  ) {}

  // Calls are built with one fixed set of keys per type (messageId filled in later), so the
  // ~100k objects share their shapes: spreads here made generation several times slower.
  #identify(at: number, traits: Record<string, unknown>, withAnonymousId = false) {
    if (at < this.start || at >= this.end) return;
    const call: BatchItem = {
      messageId: '',
      type: 'identify',
      userId: this.c.userId,
      ...(withAnonymousId ? { anonymousId: this.c.anonymousId } : {}),
      timestamp: new Date(at).toISOString(),
      traits,
    };
    this.calls.push({ at, call });
  }

  #track(at: number, event: string, properties: Record<string, unknown>, anonymous = false) {
    if (at < this.start || at >= this.end) return;
    const timestamp = new Date(at).toISOString();
    const call: BatchItem = anonymous
      ? {
          messageId: '',
          type: 'track',
          event,
          anonymousId: this.c.anonymousId,
          timestamp,
          properties,
        }
      : { messageId: '', type: 'track', event, userId: this.c.userId, timestamp, properties };
    this.calls.push({ at, call });
  }

  /** A few minutes on: the next step of a visit. */
  #later(t: number, minMinutes = 1, maxMinutes = 4) {
    return t + this.rng.int(minMinutes * 60, maxMinutes * 60) * 1000;
  }

  /** The next day-time moment at least `gapMs` after `t`, in the customer's local hours. */
  #dayTimeAfter(t: number, gapMs: number): number {
    const at = t + gapMs;
    const day = Math.floor((at - this.start) / DAY_MS);
    const local = localTime(this.start, day, this.c.offset, this.rng);
    return local > at ? local : localTime(this.start, day + 1, this.c.offset, this.rng);
  }

  tell(): TimedCall[] {
    const { c, rng } = this;
    let t = c.arrivesAt;
    if (c.signsUp) t = this.#signUp(t);
    else this.#identify(t, c.traits);
    if (c.unsubscribesAt !== null) {
      this.#identify(c.unsubscribesAt, { email_marketing_consent: 'unsubscribed' });
    }
    const mean = { browser: 12, one_time: 13, repeat: 8, replenisher: 14, lapser: 5 }[c.persona];
    // Sign-ups often buy during their first visits: welcome flows see both kinds.
    let bought = false;
    for (let visit = 0; ; visit++) {
      // A sign-up browses on in the same visit; customers the store had come back in daytime.
      const sameVisit = visit === 0 && c.signsUp;
      const gap = visit === 0 ? rng.int(0, 3) * DAY_MS : rng.exponential(mean) * DAY_MS;
      let next = sameVisit
        ? t + rng.int(2, 20) * MINUTE_MS
        : this.#dayTimeAfter(t, Math.max(0.3 * DAY_MS, gap));
      if (c.persona === 'replenisher' && this.#runsOutAt !== null && this.#runsOutAt < next) {
        // Re-buy around running out: most a little before or after, some much later.
        const drift = rng.chance(0.25) ? rng.int(6, 20) : rng.int(-4, 3);
        next = Math.max(t + HOUR_MS, this.#dayTimeAfter(this.#runsOutAt, drift * DAY_MS));
        this.#runsOutAt = null;
        if (next >= c.activeUntil) break;
        t = this.#rebuy(next);
        continue;
      }
      if (next >= c.activeUntil) break;
      t = this.#visit(next, visit, bought);
      bought ||= this.#orders > 0;
    }
    return this.calls;
  }

  #signUp(at: number): number {
    const { c, rng } = this;
    // Browsing before signing up, on the same visit and sometimes days before.
    if (rng.chance(0.3)) this.#browse(at - rng.int(1, 3) * DAY_MS - HOUR_MS, c.favourite, true);
    if (rng.chance(0.6)) this.#browse(at - rng.int(10, 40) * MINUTE_MS, c.favourite, true);
    this.#identify(at, c.traits, true);
    this.#track(at + 1000, 'Signed Up', { method: 'email', language: c.language });
    return at + 1000;
  }

  #visit(at: number, index: number, bought: boolean): number {
    const { c, rng } = this;
    const category = rng.chance(0.7) ? c.favourite : rng.pick(CATEGORY_NAMES);
    const { t, viewed } = this.#browse(at, category, false);
    const inStock = viewed.filter((p) => inStockAt(p, t));
    if (inStock.length === 0) return t;
    const buyChance = {
      browser: 0,
      one_time: bought ? 0 : index < 2 ? 0.45 : 0.3,
      repeat: 0.35,
      replenisher: bought ? 0.1 : 0.6,
      lapser: 0.35,
    }[c.persona];
    const cartChance = c.persona === 'browser' ? 0.2 : 0.12;
    if (rng.chance(buyChance)) return this.#shop(t, this.#linesFrom(inStock, t), this.#buying());
    if (rng.chance(cartChance)) {
      return this.#shop(t, this.#linesFrom(inStock, t), rng.chance(0.6) ? 'cart' : 'checkout');
    }
    return t;
  }

  #buying(): Outcome {
    return this.rng.weighted<Outcome>([
      ['now', 0.6],
      ['hours', 0.2],
      ['days', 0.2],
    ]);
  }

  /** A list page and a few product pages; out-of-stock ones get a "notify me" or a wish. */
  #browse(at: number, category: string, anonymous: boolean) {
    const { rng } = this;
    let t = at;
    if (rng.chance(0.65)) this.#track(t, 'Product List Viewed', { category }, anonymous);
    const viewed: DemoProduct[] = [];
    const count = rng.weighted([
      [1, 0.35],
      [2, 0.35],
      [3, 0.2],
      [4, 0.1],
    ] as const);
    for (let i = 0; i < count; i++) {
      t = this.#later(t);
      const p = this.picker.pick(rng, category, t);
      if (!p || viewed.includes(p)) continue;
      viewed.push(p);
      this.#track(t, 'Product Viewed', productProps(p, priceAt(p, t)), anonymous);
      if (!inStockAt(p, t) && rng.chance(0.45)) {
        t = this.#later(t, 0, 1);
        this.#track(t, 'Back In Stock Requested', { product_id: p.id }, anonymous);
      } else if (rng.chance(0.08)) {
        t = this.#later(t, 0, 1);
        this.#track(t, 'Product Added to Wishlist', { product_id: p.id }, anonymous);
      }
    }
    return { t, viewed };
  }

  #linesFrom(inStock: DemoProduct[], t: number): Line[] {
    const { rng } = this;
    const n = Math.min(inStock.length, rng.chance(0.75) ? 1 : 2);
    return inStock.slice(0, n).map((product) => ({
      product,
      price: priceAt(product, t),
      quantity: product.consumable && rng.chance(0.25) ? 2 : 1,
    }));
  }

  /** A consumable re-bought: straight to the product and the checkout. */
  #rebuy(at: number): number {
    const { c, rng } = this;
    let p = this.#lastConsumable;
    // Now and then a different blend, or the launch once it is out.
    if (!p || !inStockAt(p, at) || rng.chance(0.2)) {
      p = this.picker.pick(rng, c.favourite, at, (q) => q.consumable && inStockAt(q, at));
    }
    if (!p) return at;
    this.#track(at, 'Product Viewed', productProps(p, priceAt(p, at)));
    const lines = [{ product: p, price: priceAt(p, at), quantity: rng.chance(0.2) ? 2 : 1 }];
    return this.#shop(this.#later(at), lines, rng.chance(0.85) ? 'now' : 'hours');
  }

  #shop(at: number, lines: Line[], outcome: Outcome): number {
    const { c, rng } = this;
    this.#carts++;
    const cartId = `cart-${c.index + 1}-${this.#carts}`;
    const orderId = `order-${c.index + 1}-${this.#carts}`;
    let t = at;
    for (const l of lines) {
      t = this.#later(t);
      this.#track(t, 'Product Added', { cart_id: cartId, ...lineProps(l) });
    }
    if (outcome === 'cart') return t;
    const total = totalOf(lines);
    const checkout = {
      order_id: orderId,
      checkout_id: cartId,
      value: total,
      currency: STORE_CURRENCY,
      products: lines.map(lineProps),
    };
    // Some come back to a cart they left: within hours (cart abandonment must not message
    // them) or a day or two later (it should have).
    if (outcome !== 'days' || rng.chance(0.5)) {
      t = this.#later(t, 1, 6);
      this.#track(t, 'Checkout Started', checkout);
    }
    if (outcome === 'checkout') return t;
    if (outcome === 'hours') t += rng.int(40, 180) * MINUTE_MS;
    else if (outcome === 'days') t = this.#dayTimeAfter(t, rng.int(20, 44) * HOUR_MS);
    else t = this.#later(t, 2, 8);
    if (t >= this.c.activeUntil) return t;
    const first = lines[0];
    if (outcome === 'days' && first) {
      this.#track(
        this.#later(t, -3, -1),
        'Product Viewed',
        productProps(first.product, first.price),
      );
    }
    this.#track(t, 'Order Completed', {
      order_id: orderId,
      checkout_id: cartId,
      total,
      revenue: total,
      shipping: 0,
      currency: STORE_CURRENCY,
      products: checkout.products,
    });
    this.#orders++;
    const consumable = lines.find((l) => l.product.consumable);
    if (consumable?.product.usageDays) {
      this.#lastConsumable = consumable.product;
      this.#runsOutAt = t + consumable.product.usageDays * consumable.quantity * DAY_MS;
    }
    this.#afterOrder(t, orderId, lines, total);
    return t;
  }

  /** Shipping, delivery, and what some customers do after: refunds, reviews, surveys. */
  #afterOrder(at: number, orderId: string, lines: Line[], total: number) {
    const { rng } = this;
    // What the customer does (reviews, surveys) stops when they lapse; the store's parcels do not.
    const ownMove = (t: number) => (t < this.c.activeUntil ? t : this.end);
    const fulfilled = at + rng.int(24, 48) * HOUR_MS;
    this.#track(fulfilled, 'Order Fulfilled', { order_id: orderId });
    const delivered = fulfilled + rng.int(2 * 24, 5 * 24) * HOUR_MS;
    this.#track(delivered, 'Order Delivered', { order_id: orderId });
    if (rng.chance(0.03)) {
      this.#track(this.#dayTimeAfter(delivered, rng.int(1, 6) * DAY_MS), 'Order Refunded', {
        order_id: orderId,
        total,
        currency: STORE_CURRENCY,
        reason: 'returned',
      });
      return;
    }
    if (rng.chance(0.25)) {
      const line = rng.pick(lines);
      this.#track(
        ownMove(this.#dayTimeAfter(delivered, rng.int(2, 10) * DAY_MS)),
        'Product Reviewed',
        {
          product_id: line.product.id,
          order_id: orderId,
          rating: rng.weighted([
            [5, 0.5],
            [4, 0.3],
            [3, 0.1],
            [2, 0.05],
            [1, 0.05],
          ] as const),
        },
      );
    }
    if (rng.chance(0.12)) {
      this.#track(
        ownMove(this.#dayTimeAfter(delivered, rng.int(1, 7) * DAY_MS)),
        'Survey Answered',
        {
          survey: 'satisfaction',
          order_id: orderId,
          score: rng.weighted([
            [10, 0.3],
            [9, 0.25],
            [8, 0.2],
            [7, 0.1],
            [5, 0.1],
            [2, 0.05],
          ] as const),
        },
      );
    }
  }
}
