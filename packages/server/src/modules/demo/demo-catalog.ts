import type { ProductInput } from '@comeback/contracts';
import { DAY_MS, HOUR_MS, MINUTE_MS, cents, type DemoRandom } from './demo-random.js';

/** One currency for the whole store: a demo mixing currencies would make every sum a question. */
export const STORE_CURRENCY = 'EUR';
export const STORE_URL = 'https://demo.comeback.shop';
/** The launch flow's default `similarTo`: the product released mid-period. */
export const NEW_PRODUCT_ID = 'new-product';

interface CategorySpec {
  name: string;
  /** Part of the catalog in this category. */
  share: number;
  price: readonly [number, number];
  /** Consumables: how long one unit lasts, in days (sizes may scale it). */
  usageDays?: readonly [number, number];
  first: readonly string[];
  second: readonly string[];
  /** Extra attributes the lifecycle flows can read (replacement, life stage). */
  attributes?: (rng: DemoRandom) => Record<string, unknown>;
}

const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Coffee',
    share: 0.18,
    price: [9, 32],
    usageDays: [14, 30],
    first: ['Ethiopia Yirgacheffe', 'Colombia Huila', 'Brazil Santos', 'Kenya Nyeri'].concat(
      ['Guatemala Antigua', 'Sumatra Mandheling', 'Costa Rica Tarrazú', 'Rwanda Nyamasheke'],
      ['Honduras Marcala', 'Peru Cajamarca', 'House Blend', 'Italian Blend'],
    ),
    second: ['Light Roast', 'Medium Roast', 'Espresso Roast', 'Filter Roast', 'Decaf'],
  },
  {
    name: 'Tea',
    share: 0.12,
    price: [6, 24],
    usageDays: [30, 60],
    first: ['Darjeeling', 'Assam', 'Sencha', 'Jasmine', 'Earl Grey', 'Rooibos', 'Chamomile'].concat(
      ['Oolong', 'Matcha', 'Peppermint', 'Lapsang Souchong', 'Genmaicha'],
    ),
    second: ['Loose Leaf', 'Tea Bags (40)', 'First Flush', 'Organic', 'Reserve'],
  },
  {
    name: 'Skincare',
    share: 0.12,
    price: [12, 58],
    usageDays: [30, 75],
    first: ['Hydrating', 'Vitamin C', 'Retinol', 'Gentle', 'Niacinamide', 'Hyaluronic'].concat([
      'Calming',
      'Daily',
    ]),
    second: ['Face Serum', 'Night Cream', 'Cleanser', 'Moisturiser', 'Eye Cream'].concat([
      'Sunscreen SPF 50',
      'Toner',
      'Face Mask',
    ]),
  },
  {
    name: 'Kitchen',
    share: 0.12,
    price: [18, 120],
    first: ['Cast Iron', 'Stainless', 'Bamboo', 'Ceramic', 'Copper', 'Enamel', 'Oak', 'Glass'],
    second: ['Skillet', 'Saucepan', 'Cutting Board', 'Pour-Over Dripper', 'Knife Set'].concat([
      'Mixing Bowls',
      'Milk Frother',
      'Tea Kettle',
      'Storage Jars',
    ]),
  },
  {
    name: 'Appliances',
    share: 0.07,
    price: [60, 450],
    first: ['Barista', 'Compact', 'Pro', 'Smart', 'Classic', 'Digital'],
    second: ['Espresso Machine', 'Electric Kettle', 'Burr Grinder', 'Blender', 'Air Fryer'].concat([
      'Water Filter Jug',
      'Toaster',
      'Stand Mixer',
    ]),
    // The replacement-due flow needs to know when a machine (or its filter) is worn out.
    attributes: (rng) => ({ replace_after_days: rng.pick([180, 365, 730, 1095]) }),
  },
  {
    name: 'Baby',
    share: 0.09,
    price: [8, 90],
    first: ['Organic Cotton', 'Soft', 'Newborn', 'Bamboo', 'Gentle'],
    second: ['Bodysuit Set', 'Swaddle Blanket', 'Baby Bottle', 'Teether', 'Baby Lotion'].concat([
      'Sleep Sack',
      'Burp Cloths',
      'Play Mat',
    ]),
    // The next-life-stage flow moves Baby buyers on to Toddler.
    attributes: () => ({ life_stage: 'baby', age_months: '0-12', next_stage: 'Toddler' }),
  },
  {
    name: 'Toddler',
    share: 0.08,
    price: [8, 110],
    first: ['Wooden', 'First', 'Stacking', 'Soft', 'Montessori'],
    second: ['Shape Sorter', 'Walker', 'Sippy Cup', 'Picture Book Set', 'Balance Bike'].concat([
      'Stacking Rings',
      'Toddler Shoes',
      'Snack Cups',
    ]),
    attributes: () => ({ life_stage: 'toddler', age_months: '12-36' }),
  },
  {
    name: 'Home',
    share: 0.12,
    price: [10, 150],
    first: ['Linen', 'Wool', 'Scented', 'Woven', 'Ceramic', 'Minimalist'],
    second: ['Throw Blanket', 'Candle', 'Cushion Cover', 'Vase', 'Table Runner'].concat([
      'Wall Clock',
      'Doormat',
      'Storage Basket',
    ]),
  },
  {
    name: 'Books',
    share: 0.1,
    price: [9, 45],
    first: ['The Art of', 'A Guide to', 'The Little Book of', 'Everyday', 'Mastering'],
    second: ['Coffee', 'Tea Rituals', 'Slow Mornings', 'Home Baking', 'Skin Care'].concat([
      'Parenting',
      'Minimalist Living',
      'Fermentation',
    ]),
  },
];

export const CATEGORY_NAMES: readonly string[] = CATEGORIES.map((c) => c.name);
export const CONSUMABLE_CATEGORIES: readonly string[] = CATEGORIES.filter(
  (c) => c.usageDays !== undefined,
).map((c) => c.name);
export const CATEGORY_SHARES: readonly (readonly [string, number])[] = CATEGORIES.map((c) => [
  c.name,
  c.share,
]);

export interface DemoProduct {
  id: string;
  title: string;
  url: string;
  imageUrl: string;
  category: string;
  basePrice: number;
  stock: number;
  consumable: boolean;
  usageDays: number | null;
  attributes: Record<string, unknown> | null;
  /** Popularity weight: views and purchases concentrate on few products, as in real stores. */
  weight: number;
  releasedAt: number;
  /** [from, to): stock 0 in between (to = the restock). */
  outOfStock: { from: number; to: number } | null;
  priceDrop: { at: number; price: number } | null;
}

export const priceAt = (p: DemoProduct, t: number): number =>
  p.priceDrop !== null && t >= p.priceDrop.at ? p.priceDrop.price : p.basePrice;
export const inStockAt = (p: DemoProduct, t: number): boolean =>
  p.outOfStock === null || t < p.outOfStock.from || t >= p.outOfStock.to;

const slugOf = (title: string) =>
  title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** How many of `total` products each category gets, by share, adding up exactly. */
function categoryCounts(total: number): number[] {
  const counts = CATEGORIES.map((c) => Math.floor(c.share * total));
  let left = total - counts.reduce((s, n) => s + n, 0);
  for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

function titlesFor(spec: CategorySpec, count: number, rng: DemoRandom): string[] {
  const combos = rng.shuffle(spec.first.flatMap((a) => spec.second.map((b) => `${a} ${b}`)));
  // A larger catalog than the word lists allow gets numbered editions rather than repeats.
  return Array.from({ length: count }, (_, i) => {
    const base = combos[i % combos.length] ?? spec.name;
    const edition = Math.floor(i / combos.length);
    return edition === 0 ? base : `${base} No. ${edition + 1}`;
  });
}

function productOf(spec: CategorySpec, n: number, title: string, rng: DemoRandom): DemoProduct {
  const id = `prod-${n}`;
  const slug = `${slugOf(title)}-${n}`;
  let price = rng.between(spec.price[0], spec.price[1]);
  let usageDays: number | null = null;
  if (spec.usageDays) {
    // A bigger pack costs more and lasts longer.
    const size = rng.weighted([
      [1, 0.6],
      [2, 0.3],
      [4, 0.1],
    ] as const);
    usageDays = Math.min(365, rng.int(spec.usageDays[0], spec.usageDays[1]) * size);
    price *= size === 1 ? 1 : size * 0.8;
  }
  return {
    id,
    title,
    url: `${STORE_URL}/p/${slug}`,
    imageUrl: `${STORE_URL}/img/${slug}.jpg`,
    category: spec.name,
    basePrice: Math.floor(price) + 0.9,
    stock: rng.int(8, 240),
    consumable: usageDays !== null,
    usageDays,
    attributes: spec.attributes ? spec.attributes(rng) : null,
    weight: 0,
    releasedAt: 0,
    outOfStock: null,
    priceDrop: null,
  };
}

export interface CatalogOptions {
  products: number;
  start: number;
  days: number;
}

/** A time on day `day` during the store's working morning (UTC), when catalogs change. */
const morningOf = (start: number, day: number, rng: DemoRandom) =>
  start + day * DAY_MS + 6 * HOUR_MS + rng.int(0, 4 * 60) * MINUTE_MS;

/**
 * The catalog: `products` items (the last one `new-product`, released around day 60), a few
 * popular ones out of stock for some days, a few with a price drop.
 */
export function buildCatalog(rng: DemoRandom, options: CatalogOptions): DemoProduct[] {
  const { start, days } = options;
  const regular = Math.max(0, options.products - 1);
  const counts = categoryCounts(regular);
  const products: DemoProduct[] = [];
  CATEGORIES.forEach((spec, c) => {
    const titles = titlesFor(spec, counts[c] ?? 0, rng);
    for (const title of titles) products.push(productOf(spec, products.length + 1, title, rng));
  });
  const coffee = CATEGORIES.find((c) => c.name === 'Coffee');
  if (!coffee) throw new Error('the catalog has no Coffee category for the launch');
  const launched = productOf(coffee, 0, 'Ethiopia Guji Natural Espresso (New Harvest)', rng);
  const releaseDay = Math.min(60, Math.floor(days / 2));
  products.push({
    ...launched,
    id: NEW_PRODUCT_ID,
    url: `${STORE_URL}/p/${NEW_PRODUCT_ID}`,
    imageUrl: `${STORE_URL}/img/${NEW_PRODUCT_ID}.jpg`,
    releasedAt: releaseDay === 0 ? start : morningOf(start, releaseDay, rng),
  });
  for (const p of products) if (p.id !== NEW_PRODUCT_ID) p.releasedAt = start;

  // Zipf-like popularity over a shuffled order; the launch is among the most wanted once out.
  const byPopularity = rng.shuffle(products);
  byPopularity.forEach((p, rank) => (p.weight = 1 / (rank + 1) ** 0.7));
  const top = byPopularity[0]?.weight ?? 1;
  for (const p of products) if (p.id === NEW_PRODUCT_ID) p.weight = top / 2;

  // Stock-outs and price drops hit popular products, so their audiences exist.
  const candidates = byPopularity
    .filter((p) => p.id !== NEW_PRODUCT_ID)
    .slice(0, Math.max(2, Math.ceil(products.length / 4)));
  const stockOuts = Math.max(1, Math.round(products.length * 0.05));
  const drops = Math.max(1, Math.round(products.length / 30));
  const lastDay = Math.max(1, days - 1);
  candidates.slice(0, stockOuts).forEach((p) => {
    const from = rng.int(Math.min(3, lastDay), Math.max(Math.min(3, lastDay), days - 10));
    p.outOfStock = {
      from: morningOf(start, from, rng),
      to: morningOf(start, from + rng.int(3, 7), rng),
    };
  });
  candidates.slice(stockOuts, stockOuts + drops).forEach((p) => {
    const day = rng.int(Math.min(10, lastDay), Math.max(Math.min(10, lastDay), days - 5));
    p.priceDrop = {
      at: morningOf(start, day, rng),
      price: cents(p.basePrice * rng.between(0.7, 0.9)),
    };
  });
  return products;
}

function inputOf(p: DemoProduct, at: number, price: number, stock: number): ProductInput {
  return {
    id: p.id,
    title: p.title,
    url: p.url,
    image_url: p.imageUrl,
    categories: [p.category],
    price,
    currency: STORE_CURRENCY,
    stock,
    active: true,
    consumable: p.consumable,
    ...(p.usageDays !== null ? { usage_days: p.usageDays } : {}),
    ...(p.attributes !== null ? { attributes: p.attributes } : {}),
    // Last-writer-wins by the store's own time: the replay's clock, not the server's.
    updated_at: new Date(at).toISOString(),
  };
}

/** Every catalog upsert: the first one of each product, then stock and price changes. */
export function catalogUpserts(
  products: readonly DemoProduct[],
  end: number,
): { at: number; product: ProductInput }[] {
  const out: { at: number; product: ProductInput }[] = [];
  const add = (at: number, p: DemoProduct, price: number, stock: number) => {
    if (at < end) out.push({ at, product: inputOf(p, at, price, stock) });
  };
  for (const p of products) {
    add(p.releasedAt, p, p.basePrice, p.stock);
    if (p.outOfStock) {
      add(p.outOfStock.from, p, priceAt(p, p.outOfStock.from), 0);
      // Restocked with a fresh delivery, a little over half the usual shelf.
      add(p.outOfStock.to, p, priceAt(p, p.outOfStock.to), Math.max(5, Math.round(p.stock * 0.6)));
    }
    if (p.priceDrop)
      add(p.priceDrop.at, p, p.priceDrop.price, inStockAt(p, p.priceDrop.at) ? p.stock : 0);
  }
  return out;
}
