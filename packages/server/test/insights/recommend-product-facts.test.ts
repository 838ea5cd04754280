/**
 * What order lines teach about products: titles, categories, and which codes are charges
 * (postage, carriage, fees, adjustments) rather than merchandise - by rule on small cases,
 * then on the real Online Retail data: the 10% customer sample (../shared/data, skipped with
 * the run's notice when absent), fitted as production fits it, recommends none of them.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  isChargeName,
  learnProductFacts,
  merchandiseOnly,
  type FactLine,
} from '../../src/modules/insights/recommend/product-facts.js';
import { PurchaseHistory } from '../../src/modules/insights/recommend/purchase-history.js';
import {
  fitRecommendations,
  modelView,
} from '../../src/modules/insights/recommend/recommendation-model.js';
import { recommend, STRATEGIES } from '../../src/modules/insights/recommend/recommender.js';
import { dueNow, type CustomerContext } from '../../src/modules/insights/recommend/strategies.js';
import { fitWorkspace, type FitLine } from '../../src/modules/insights/recommendation-fit.js';
import { hasSharedData, sharedDataPath } from '../support/shared-data.js';

const T0 = Date.parse('2011-01-01T00:00:00Z');
let n = 0;
const line = (productId: string, name: string | null, price: number, order = `o${n++}`) => ({
  orderId: order,
  orderedAt: T0 + n * 1000,
  productId,
  category: null,
  name,
  price,
});
/** 100 orders of ordinary products ("85123A"-like codes), to which each case adds lines. */
const store = (): FactLine[] =>
  Array.from({ length: 100 }, (_, i) =>
    line(`2${String(i % 40).padStart(4, '0')}`, `MUG ${i % 40}`, 2.5, `s${i}`),
  );
const verdict = (lines: FactLine[], id: string) => learnProductFacts(lines).get(id)?.nonProduct;

describe('charges in the names', () => {
  it('reads the head of the name, so a carriage clock stays a product', () => {
    for (const charge of [
      'POSTAGE',
      'DOTCOM POSTAGE',
      'Next Day Carriage',
      'PACKING CHARGE',
      'AMAZON FEE',
      'Bank Charges',
      'CRUK Commission',
      'Discount',
      'Manual',
      'Adjust bad debt',
      'SAMPLES',
      'Shipping',
    ]) {
      expect(isChargeName(charge), charge).toBe(true);
    }
    for (const product of [
      'BLACK BAROQUE CARRIAGE CLOCK',
      'FRENCH CARRIAGE LANTERN',
      'COFFEE MUG',
      'MANUAL PENCIL SHARPENER CLOCK',
      'SHIPPING CONTAINER TOY BOX',
    ]) {
      expect(isChargeName(product), product).toBe(false);
    }
  });
});

describe('learned facts', () => {
  it('names a product by the name most of its lines carried', () => {
    const lines = [
      ...store(),
      line('22423', 'REGENCY CAKESTAND', 10),
      line('22423', 'REGENCY CAKESTAND 3 TIER', 10),
      line('22423', 'REGENCY CAKESTAND 3 TIER', 10),
      line('22423', 'taig adjust no stock', 0),
    ];
    const fact = learnProductFacts(lines).get('22423');
    // One inventory-adjustment line does not turn a cakestand into an adjustment.
    expect(fact).toMatchObject({ title: 'REGENCY CAKESTAND 3 TIER', nonProduct: null, orders: 4 });
  });

  it('flags charges by description, odd code, price and frequency; the catalog wins', () => {
    expect(verdict([...store(), line('C2', 'CARRIAGE', 50)], 'C2')).toBe('description');
    // Among codes with digits, a code without one and without a real description is odd.
    expect(verdict([...store(), line('POST', null, 18)], 'POST')).toBe('code');
    expect(verdict([...store(), line('DCGSSBOY', 'BOYS PARTY BAG', 3)], 'DCGSSBOY')).toBe(null);
    expect(verdict([...store(), line('PADS', 'PADS TO MATCH ALL CUSHIONS', 0.001)], 'PADS')).toBe(
      'price',
    );
    expect(verdict([...store(), line('99999', 'GIFT', -5)], '99999')).toBe('price');
    // A line in most orders is a charge, not something 60% of buyers chose.
    const everywhere = store().flatMap((l, i) =>
      i < 60 ? [l, { ...l, productId: '77777', name: 'SERVICE' }] : [l],
    );
    expect(verdict(everywhere, '77777')).toBe('frequency');
    expect(verdict(everywhere, '20001')).toBe(null);
    const configured = learnProductFacts(
      [...store(), line('20001', 'MUG 1', 2.5)],
      (id) => id === '20001',
    );
    expect(configured.get('20001')?.nonProduct).toBe('catalog');
  });

  it('keeps only merchandise lines', () => {
    const lines = [...store(), line('C2', 'CARRIAGE', 50)];
    const kept = merchandiseOnly(lines, learnProductFacts(lines));
    expect(kept.length).toBe(100);
    expect(kept.some((l) => l.productId === 'C2')).toBe(false);
  });
});

const SAMPLE = sharedDataPath('online-retail', 'online_retail_sample_10pct_customers.csv');
const PRODUCTS = sharedDataPath('online-retail', 'products.csv');
const CUT = Date.parse('2011-09-01T00:00:00Z');
/** The codes the benchmark once listed by hand; the rule must find those present. */
const KNOWN = new Set([
  'POST',
  'DOT',
  'M',
  'C2',
  'BANK CHARGES',
  'PADS',
  'AMAZONFEE',
  'CRUK',
  'D',
  'S',
  'B',
]);

/** The sample, cleaned as its README says, with names from products.csv (the sample has none). */
function readSample(): FitLine[] {
  const names = new Map<string, string>();
  for (const r of parse(fs.readFileSync(PRODUCTS), { columns: true }) as Record<string, string>[]) {
    names.set(r.stock_code ?? '', r.description ?? '');
  }
  const rows: Record<string, string>[] = parse(fs.readFileSync(SAMPLE), { columns: true });
  return rows.flatMap((r) => {
    const quantity = Number(r.quantity);
    const price = Number(r.unit_price);
    if (!r.customer_id || r.invoice?.startsWith('C') || !(quantity > 0) || !(price > 0)) return [];
    const productId = r.stock_code ?? '';
    return [
      {
        customerId: r.customer_id.replace(/\.0$/, ''),
        orderId: r.invoice ?? '',
        orderedAt: Date.parse(`${(r.invoice_date ?? '').replace(' ', 'T')}Z`),
        productId,
        category: null,
        quantity,
        name: names.get(productId) ?? null,
        price,
      },
    ];
  });
}

describe.skipIf(!hasSharedData)('Online Retail (10% sample)', () => {
  it('recommends no charge to anyone, with any strategy', () => {
    const lines = readSample().filter((l) => l.orderedAt < CUT);
    const facts = learnProductFacts(lines);
    const flagged = new Set(
      [...facts.values()].filter((f) => f.nonProduct).map((f) => f.productId),
    );
    const present = new Set(lines.map((l) => l.productId));
    expect([...KNOWN].filter((id) => present.has(id) && !flagged.has(id))).toEqual([]);
    expect(flagged.size).toBeGreaterThanOrEqual(3);

    // What production stores: no charge in any neighbour list, popularity list or due date.
    const fit = fitWorkspace(lines, new Map(), CUT);
    const stored = [
      ...fit.neighbours.flatMap((r) => [r.product_id, r.related_id]),
      ...fit.popular.map((r) => r.product_id),
      ...fit.productReplenishment.map((r) => r.product_id),
      ...fit.profileReplenishment.map((r) => r.product_id),
    ];
    expect(stored.length).toBeGreaterThan(1000);
    expect(stored.filter((id) => flagged.has(id))).toEqual([]);
    // Every product some line named has a title.
    const named = new Set(lines.filter((l) => l.name?.trim()).map((l) => l.productId));
    expect(fit.learnedProducts.filter((p) => p.title === null && named.has(p.product_id))).toEqual(
      [],
    );
    expect(fit.learnedProducts.filter((p) => p.title !== null).length).toBeGreaterThan(1000);

    // And what a request computes from it, for every customer and strategy.
    const history = PurchaseHistory.from(merchandiseOnly(lines, facts));
    const model = modelView(fitRecommendations(history, { now: CUT }));
    let offered = 0;
    for (const [c, indexes] of history.basketsOf.entries()) {
      const purchases = indexes.flatMap((b) =>
        (history.baskets[b]?.items ?? []).map((i) => ({
          productId: history.products[i] ?? '',
          orderId: String(b),
          at: history.baskets[b]?.orderedAt ?? 0,
        })),
      );
      const ctx: CustomerContext = {
        now: CUT,
        purchases,
        viewed: [],
        removedFromCart: new Set(),
        replenishments: [],
        orderGapDays: null,
      };
      const rules = {
        bought: new Set(purchases.map((p) => p.productId)),
        dueNow: dueNow(ctx),
        removedFromCart: new Set<string>(),
        catalog: () => undefined,
        requireCatalog: false,
      };
      for (const strategy of STRATEGIES) {
        for (const r of recommend(strategy, ctx, model, rules, 10)) {
          expect(flagged.has(r.productId), `${history.customers[c]} ${strategy}`).toBe(false);
          offered++;
        }
      }
    }
    expect(offered).toBeGreaterThan(10_000);
  }, 120_000);
});
