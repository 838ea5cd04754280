import type { SegmentCondition } from '@comeback/contracts';
import { API_KEY, type ServerHandle } from './server.js';

/**
 * Twenty live segments of the kinds the seeds ask for, over what the bench generator sends
 * (data.ts: views, carts, searches, checkouts, identifies with names and emails, orders with
 * lines): event counts and filters in windows, aggregates, category affinity, out-of-stock
 * views, purchases by category and spend, traits, computed fields, predictions, insights, a
 * reference to another segment and a negation. Windows are long because the generated events
 * are dated from June 2025 on.
 */
const longAgo = { kind: 'last', amount: 3, unit: 'years' } as const;
export const SEGMENT_MIX: readonly {
  name: string;
  /** A function of the ids created before it, for references. */
  condition: SegmentCondition | ((earlier: readonly string[]) => SegmentCondition);
}[] = [
  {
    name: 'viewed 3+ products',
    condition: {
      type: 'event',
      event: 'Product Viewed',
      window: longAgo,
      count: { operator: 'gte', value: 3 },
    },
  },
  {
    name: 'added sunglasses',
    condition: {
      type: 'event',
      event: 'Product Added',
      window: longAgo,
      where: [{ property: 'category', operator: 'eq', value: 'Sunglasses' }],
    },
  },
  {
    name: 'browsed a category',
    condition: { type: 'category_views', atLeast: 3, window: longAgo },
  },
  {
    name: 'contact-lens browsers',
    condition: { type: 'category_views', category: 'Contact Lenses', atLeast: 2, window: longAgo },
  },
  { name: 'buyers', condition: { type: 'purchased' } },
  {
    name: 'spent over 100',
    condition: { type: 'purchased', window: longAgo, spent: { operator: 'gt', value: 100 } },
  },
  { name: 'bought kids', condition: { type: 'purchased', category: 'Kids' } },
  {
    name: 'repeat buyers',
    condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 2 },
  },
  {
    name: 'big spenders',
    condition: { type: 'field', field: 'computed.total_spent', operator: 'gt', value: 200 },
  },
  {
    name: 'named Ana',
    condition: { type: 'field', field: 'traits.first_name', operator: 'eq', value: 'Ana' },
  },
  {
    name: 'email a*',
    condition: { type: 'field', field: 'traits.email', operator: 'starts_with', value: 'a' },
  },
  {
    name: 'seen in 2 years',
    condition: {
      type: 'field',
      field: 'computed.last_seen_at',
      operator: 'within_last',
      amount: 2,
      unit: 'years',
    },
  },
  {
    name: 'high churn risk',
    condition: { type: 'field', field: 'predictions.churn_risk', operator: 'eq', value: 'high' },
  },
  {
    name: 'next: frames',
    condition: {
      type: 'field',
      field: 'insights.next_likely_category',
      operator: 'eq',
      value: 'Frames',
    },
  },
  {
    name: 'cart, no checkout',
    condition: {
      type: 'and',
      conditions: [
        { type: 'event', event: 'Product Added', window: longAgo },
        { type: 'not', condition: { type: 'event', event: 'Checkout Started' } },
      ],
    },
  },
  { name: 'viewed out of stock', condition: { type: 'viewed_out_of_stock', window: longAgo } },
  {
    name: 'order revenue over 300',
    condition: {
      type: 'event',
      event: 'Order Completed',
      aggregate: { fn: 'sum', property: 'revenue', operator: 'gt', value: 300 },
    },
  },
  {
    name: 'searchers',
    condition: { type: 'event', event: 'Products Searched', count: { operator: 'gte', value: 2 } },
  },
  {
    name: 'bought eyeglasses',
    condition: {
      type: 'field',
      field: 'computed.categories_bought',
      operator: 'contains',
      value: 'Eyeglasses',
    },
  },
  // Refers to the first segment and to repeat buyers.
  {
    name: 'engaged',
    condition: (earlier) => ({
      type: 'or',
      conditions: [
        { type: 'segment', segment: earlier[0] ?? '' },
        { type: 'segment', segment: earlier[7] ?? '' },
      ],
    }),
  },
];

async function api(
  server: ServerHandle,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
}

/** Creates the twenty segments; returns their ids. */
export async function createSegmentMix(server: ServerHandle): Promise<string[]> {
  const ids: string[] = [];
  for (const s of SEGMENT_MIX) {
    const condition = typeof s.condition === 'function' ? s.condition(ids) : s.condition;
    const created = await api(server, '/segments', {
      method: 'POST',
      body: { name: s.name, condition },
    });
    ids.push(String(created?.id));
  }
  return ids;
}

/** Stored members of each segment (what the processor kept live during the load). */
export async function storedSizes(server: ServerHandle, ids: readonly string[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const id of ids) {
    const history = await api(server, `/segments/${id}/history?days=1`);
    sizes.push(Number(history?.size ?? 0));
  }
  return sizes;
}
