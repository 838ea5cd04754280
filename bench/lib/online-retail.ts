/**
 * Reads the UCI Online Retail data (../shared/data/online-retail, see its README) into purchase
 * lines, cleaned as the README says: a CustomerID, an invoice not starting with 'C' (a
 * cancellation), Quantity > 0 and UnitPrice > 0. Lines that are not merchandise (postage,
 * bank charges, manual adjustments, ...) are dropped too, by the production rule
 * (learnProductFacts over descriptions, prices, codes and frequency; no list kept here), unless
 * the caller asks to keep them to learn the rule at its own cut-off as production would.
 *
 * The data has no categories. A product's category here is its *type* taken from the
 * description: the last word that is not a colour, size, pattern or other modifier, singular
 * ("WHITE HANGING HEART T-LIGHT HOLDER" -> HOLDER, "JUMBO BAG RED RETROSPOT" -> BAG); types held
 * by fewer than 3 products are dropped (null). A heuristic for the benchmark only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { parse } from 'csv-parse';
import {
  learnProductFacts,
  merchandiseOnly,
  type FactLine,
} from '../../packages/server/dist/modules/insights/recommend/product-facts.js';
import type { PurchaseLine } from '../../packages/server/dist/modules/insights/recommend/purchase-history.js';

export const DATA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/online-retail',
);
export const FULL_FILE = path.join(DATA_DIR, 'online_retail_full.csv.gz');
export const SAMPLE_FILE = path.join(DATA_DIR, 'online_retail_sample_10pct_customers.csv');

const MODIFIERS = new Set(
  (
    'PINK RED BLUE GREEN WHITE BLACK IVORY GOLD SILVER CREAM PURPLE ORANGE YELLOW BROWN GREY ' +
    'CHOCOLATE LILAC TURQUOISE CLEAR AMBER COPPER ZINC WOODEN SMALL LARGE MEDIUM MINI JUMBO ' +
    'GIANT BIG DESIGN DESIGNS SET ASSORTED ASSTD COLOUR COLOURS RETROSPOT POLKADOT SPOTS SPOT ' +
    'PAISLEY CHRISTMAS VINTAGE LONDON HOME GARDEN HEART HEARTS FLOWER FLOWERS STAR STARS GIRL ' +
    'BOY ART DOLLY SKULL SKULLS BIRD BIRDS OF AND IN WITH THE A 2 3 4 6 12 24'
  ).split(' '),
);

const singular = (w: string) =>
  w.endsWith('SS') || w.length <= 3
    ? w
    : w.endsWith('ES') && /(CH|SH|X)ES$/.test(w)
      ? w.slice(0, -2)
      : w.endsWith('S')
        ? w.slice(0, -1)
        : w;

function typeOf(description: string): string | null {
  const words = description
    .toUpperCase()
    .replace(/[^A-Z0-9\- ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k] ?? '';
    if (!MODIFIERS.has(w) && !/^\d/.test(w)) return singular(w);
  }
  return null;
}

export interface RetailLine extends PurchaseLine {
  description: string;
  price: number;
}

/** The production fit's view of a line (recommend/product-facts.ts). */
export const factLine = (l: RetailLine): FactLine => ({ ...l, name: l.description });

/** Drops what production learns to be postage, fees and adjustments from `learnFrom`. */
export function withoutNonProducts<L extends RetailLine>(
  lines: readonly L[],
  learnFrom = lines,
): L[] {
  return merchandiseOnly(lines, learnProductFacts(learnFrom.map(factLine)));
}

/**
 * Streams the raw file (gzip or not) and returns the cleaned lines, oldest first; non-products
 * dropped (learned on the whole file) unless `keepNonProducts`.
 */
export async function readOnlineRetail(
  file = FULL_FILE,
  options: { keepNonProducts?: boolean } = {},
): Promise<RetailLine[]> {
  const input = fs.createReadStream(file);
  const stream = (file.endsWith('.gz') ? input.pipe(zlib.createGunzip()) : input).pipe(
    parse({ columns: true, skip_empty_lines: true }),
  );
  const lines: RetailLine[] = [];
  const descriptions = new Map<string, string>();
  for await (const row of stream as AsyncIterable<Record<string, string>>) {
    const invoice = row.InvoiceNo ?? row.invoice ?? '';
    const code = (row.StockCode ?? row.stock_code ?? '').trim().toUpperCase();
    const customer = (row.CustomerID ?? row.customer_id ?? '').trim().replace(/\.0$/, '');
    const quantity = Number(row.Quantity ?? row.quantity);
    const price = Number(row.UnitPrice ?? row.unit_price);
    const when = row.InvoiceDate ?? row.invoice_date ?? '';
    if (!customer || invoice.startsWith('C') || !(quantity > 0) || !(price > 0)) continue;
    const description = (row.Description ?? '').trim();
    if (description && !descriptions.has(code)) descriptions.set(code, description);
    lines.push({
      customerId: customer,
      orderId: invoice,
      orderedAt: Date.parse(`${when.replace(' ', 'T')}Z`),
      productId: code,
      category: null,
      quantity,
      description,
      price,
    });
  }
  if (descriptions.size === 0) await readDescriptions(descriptions);
  const types = new Map<string, string | null>();
  const perType = new Map<string, number>();
  for (const [code, d] of descriptions) {
    const t = typeOf(d);
    types.set(code, t);
    if (t) perType.set(t, (perType.get(t) ?? 0) + 1);
  }
  for (const line of lines) {
    const t = types.get(line.productId) ?? null;
    line.category = t !== null && (perType.get(t) ?? 0) >= 3 ? t : null;
    line.description ||= descriptions.get(line.productId) ?? '';
  }
  lines.sort((a, b) => a.orderedAt - b.orderedAt);
  return options.keepNonProducts ? lines : withoutNonProducts(lines);
}

/** The sample file has no descriptions: products.csv has the first one seen per stock code. */
async function readDescriptions(into: Map<string, string>): Promise<void> {
  const stream = fs
    .createReadStream(path.join(DATA_DIR, 'products.csv'))
    .pipe(parse({ columns: true }));
  for await (const row of stream as AsyncIterable<Record<string, string>>) {
    const code = (row.stock_code ?? '').trim().toUpperCase();
    if (code) into.set(code, (row.description ?? '').trim());
  }
}
