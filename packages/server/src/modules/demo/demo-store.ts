import type { BatchItem, ProductInput } from '@comeback/contracts';
import { CustomerStory, ProductPicker } from './demo-behaviour.js';
import { buildCatalog, catalogUpserts } from './demo-catalog.js';
import { buildCustomer } from './demo-people.js';
import { DAY_MS, DemoRandom } from './demo-random.js';

/**
 * The synthetic store `comeback demo` replays: a catalog and its customers' behaviour over a
 * period, as the API calls a real store would send. Pure and deterministic: the same options
 * always give the same actions, so a demo (and its test) can be reproduced from its seed.
 */
export interface DemoStoreOptions {
  seed: number; // same seed -> identical output
  customers: number; // `comeback demo` uses 300 by default; the e2e test 150
  days: number; // default 120
  start: number; // epoch ms of the first day's 00:00 UTC
  products?: number; // default 300
}

export type DemoAction =
  /** Body of POST /api/v1/products; an upsert by id (stock and price changes upsert again). */
  | { at: number; kind: 'product'; product: ProductInput }
  /** One item of POST /v1/batch: identify or track. */
  | { at: number; kind: 'call'; call: BatchItem };

export interface DemoStore {
  /** Sorted by `at` (stable), every `at` within [start, start + days*86400000). */
  actions: DemoAction[];
  products: number;
  customers: number;
  /** Customers per language. */
  languages: Record<string, number>;
}

export const DEMO_DEFAULTS = { customers: 300, days: 120, products: 300 } as const;

/** Separate streams of chance for the catalog and for each customer (see DemoRandom.derive). */
const CATALOG_STREAM = 0x7fffffff;

export function demoStore(options: DemoStoreOptions): DemoStore {
  const { seed, start } = options;
  const days = Math.max(1, Math.floor(options.days));
  const customers = Math.max(0, Math.floor(options.customers));
  const end = start + days * DAY_MS;
  const catalog = buildCatalog(DemoRandom.derive(seed, CATALOG_STREAM), {
    products: Math.max(1, Math.floor(options.products ?? DEMO_DEFAULTS.products)),
    start,
    days,
  });
  const actions: DemoAction[] = catalogUpserts(catalog, end).map(({ at, product }) => ({
    at,
    kind: 'product',
    product,
  }));

  const picker = new ProductPicker(catalog);
  const languages: Record<string, number> = {};
  for (let i = 0; i < customers; i++) {
    const rng = DemoRandom.derive(seed, i);
    const customer = buildCustomer(rng, i, { start, days });
    languages[customer.language] = (languages[customer.language] ?? 0) + 1;
    const story = new CustomerStory(customer, rng, picker, start, end);
    // Each customer's own calls in time order, so equal times keep their causal order (an
    // identify before the Signed Up it explains) through the stable sort below.
    const calls = story.tell().sort((a, b) => a.at - b.at);
    for (const { at, call } of calls) actions.push({ at, kind: 'call', call });
  }

  actions.sort((a, b) => a.at - b.at);
  let n = 0;
  for (const action of actions) {
    if (action.kind === 'call') action.call.messageId = `demo-${seed}-${++n}`;
  }
  return { actions, products: catalog.length, customers, languages };
}
