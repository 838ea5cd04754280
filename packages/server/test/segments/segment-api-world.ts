import type { ErrorEnvelope, Profile, Segment, SegmentCondition } from '@comeback/contracts';
import { expect } from 'vitest';
import { json, type TestServer } from '../support/test-server.js';

/**
 * A small store where it is known, person by person, who must be in each recipe's segment at
 * NOW. Everything arrives through the tracking API (identify, Product Viewed / Added / Added to
 * Wishlist, Order Completed / Cancelled) and the catalog API; only what a model would fit
 * (predictions, related products) is written straight into its table.
 */
export const NOW = Date.parse('2026-06-15T12:00:00.000Z');

/** The product the `bought-similar` recipe is pointed at (its placeholder replaced). */
export const LAUNCHED = 'frame-new';

interface Person {
  first?: string;
  last?: string;
  lensPower?: number;
}
/** userId -> traits; email is `${userId}@example.com`. */
export const people: Record<string, Person> = {
  ana: { first: 'Ana', last: 'Silva', lensPower: -3 },
  bo: { first: '=Bo', lensPower: -1.5 },
  cy: { first: 'Cy', lensPower: -4 },
  dee: { first: 'Dee', lensPower: -2.5 },
  eve: { lensPower: 0 },
  fay: {},
  gus: {},
  hal: {},
  ivy: {},
  jon: {},
  kim: {},
  lee: {},
  max: {},
  ned: {},
  oli: {},
  pat: {},
  quinn: {},
  rae: {},
  sam: {},
  uma: {},
};

/** Who is in each recipe's segment at NOW, worked out by hand from the calls below. */
export const expectedRecipeMembers: Record<string, string[]> = {
  // Orders after May 15 12:00 (a calendar month back); rae's was cancelled.
  'bought-last-month': ['ana', 'cy', 'dee', 'eve', 'gus'],
  // After March 15 12:00: sam's April order too; bo's March 1 order is older.
  'bought-last-3-months': ['ana', 'cy', 'dee', 'eve', 'gus', 'sam'],
  // ivy saw four Frames in 30 days; jon three distinct (one twice, a fourth 40 days ago).
  'category-browsers': ['ivy'],
  // kim saw oos-1 (stock 0) 5 days ago; lee 46 days ago, and in-stock / untracked products.
  'viewed-out-of-stock': ['kim'],
  // max on May 1; ned in January, over 90 days ago.
  wishlisted: ['max'],
  // dee's first order 5 hours ago, 150; eve's today but 60; gus's first order 27 hours ago.
  'new-big-first-order': ['dee'],
  // Bought before, nothing after April 16 12:00; rae's only order was cancelled (count 0).
  'no-purchase-60-days': ['bo', 'oli', 'pat', 'sam', 'uma'],
  // frame-classic is related to the launch at rank 1; frame-round only at rank 11.
  'bought-similar': ['oli'],
  // cy's Baby order of 2018; uma's of 2020 is 6 years old.
  'baby-product-7-years-ago': ['cy'],
  // ana: 120 + 450 in 90 days; rae's 700 was cancelled.
  'spent-500-in-90-days': ['ana'],
  // High churn risk: bo (a buyer) and quinn (never bought).
  'likely-to-lapse': ['bo'],
  // fay added to cart yesterday, no order; gus ordered after; hal added 14 days ago.
  'cart-abandoners': ['fay'],
};

let n = 0;
const track = (userId: string, event: string, at: string, properties: Record<string, unknown>) => ({
  type: 'track',
  userId,
  event,
  messageId: `seg-${++n}`,
  timestamp: at,
  properties,
});
const line = (productId: string, category: string, price: number) => ({
  product_id: productId,
  category,
  price,
  quantity: 1,
});
const order = (
  userId: string,
  orderId: string,
  at: string,
  total: number,
  product: [string, string],
) =>
  track(userId, 'Order Completed', at, {
    order_id: orderId,
    total,
    currency: 'EUR',
    products: [line(product[0], product[1], total)],
  });
const viewed = (userId: string, at: string, productId: string, category: string) =>
  track(userId, 'Product Viewed', at, { product_id: productId, category });

const calls = [
  order('ana', 'A1', '2026-06-01T10:00:00Z', 120, ['lens-30', 'Lenses']),
  order('ana', 'A2', '2026-04-20T10:00:00Z', 450, ['lens-90', 'Lenses']),
  order('bo', 'B1', '2026-03-01T10:00:00Z', 80, ['solution-1', 'Lens Care']),
  order('cy', 'C1', '2018-01-10T10:00:00Z', 40, ['baby-bottle', 'Baby']),
  order('cy', 'C2', '2026-05-20T10:00:00Z', 30, ['solution-1', 'Lens Care']),
  order('dee', 'D1', '2026-06-15T07:00:00Z', 150, ['lens-30', 'Lenses']),
  order('eve', 'E1', '2026-06-15T02:00:00Z', 60, ['lens-30', 'Lenses']),
  track('fay', 'Product Added', '2026-06-14T08:00:00Z', { product_id: 'lens-30' }),
  track('gus', 'Product Added', '2026-06-13T08:00:00Z', { product_id: 'solution-1' }),
  order('gus', 'G1', '2026-06-14T09:00:00Z', 25, ['solution-1', 'Lens Care']),
  track('hal', 'Product Added', '2026-06-01T08:00:00Z', { product_id: 'lens-30' }),
  ...['f1', 'f2', 'f3', 'f4'].map((p, i) =>
    viewed('ivy', `2026-06-0${i + 1}T10:00:00Z`, p, 'Frames'),
  ),
  viewed('jon', '2026-06-01T10:00:00Z', 'f1', 'Frames'),
  viewed('jon', '2026-06-02T10:00:00Z', 'f1', 'Frames'),
  viewed('jon', '2026-06-03T10:00:00Z', 'f2', 'Frames'),
  viewed('jon', '2026-06-04T10:00:00Z', 'f3', 'Frames'),
  viewed('jon', '2026-05-06T10:00:00Z', 'f4', 'Frames'),
  viewed('jon', '2026-06-05T10:00:00Z', 'l1', 'Lenses'),
  viewed('kim', '2026-06-10T10:00:00Z', 'oos-1', 'Frames'),
  viewed('lee', '2026-04-30T10:00:00Z', 'oos-1', 'Frames'),
  viewed('lee', '2026-06-10T10:00:00Z', 'instock-1', 'Frames'),
  viewed('lee', '2026-06-11T10:00:00Z', 'untracked-1', 'Frames'),
  track('max', 'Product Added to Wishlist', '2026-05-01T10:00:00Z', { product_id: 'f1' }),
  track('ned', 'Product Added to Wishlist', '2026-01-01T10:00:00Z', { product_id: 'f1' }),
  order('oli', 'O1', '2025-11-01T10:00:00Z', 99, ['frame-classic', 'Frames']),
  order('pat', 'P1', '2025-11-02T10:00:00Z', 89, ['frame-round', 'Frames']),
  order('rae', 'R1', '2026-06-10T10:00:00Z', 700, ['lens-90', 'Lenses']),
  track('rae', 'Order Cancelled', '2026-06-11T10:00:00Z', { order_id: 'R1' }),
  order('sam', 'S1', '2026-04-01T10:00:00Z', 10, ['solution-1', 'Lens Care']),
  order('uma', 'U1', '2020-03-01T10:00:00Z', 35, ['baby-spoon', 'Baby']),
];

const expectOk = async (res: Response | Promise<Response>, status = 200) => {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return r;
};

/** Builds the store; answers userId -> profile id. */
export async function buildWorld(t: TestServer): Promise<Map<string, string>> {
  for (const [name, type, values] of [
    ['lens_power', 'number', undefined],
    ['wear', 'enum', ['daily', 'monthly']],
  ] as const) {
    const body = { name, type, ...(values ? { values } : {}) };
    await expectOk(t.api('/api/v1/custom-fields', { method: 'POST', body }), 201);
  }
  for (const [id, stock] of [
    ['oos-1', 0],
    ['instock-1', 5],
    ['untracked-1', null],
  ] as const) {
    const body = { id, title: id, categories: ['Frames'], stock };
    await expectOk(t.api('/api/v1/products', { method: 'POST', body }));
  }
  const identifies = Object.entries(people).map(([userId, p]) => ({
    type: 'identify',
    userId,
    messageId: `id-${userId}`,
    timestamp: '2026-01-01T00:00:00Z',
    traits: {
      email: `${userId}@example.com`,
      ...(p.first !== undefined ? { first_name: p.first } : {}),
      ...(p.last !== undefined ? { last_name: p.last } : {}),
      ...(p.lensPower !== undefined ? { lens_power: p.lensPower } : {}),
    },
  }));
  await expectOk(t.send('/v1/batch', { batch: [...identifies, ...calls] }));
  await t.settle();

  const ids = new Map<string, string>();
  for (const userId of Object.keys(people)) {
    const found = await json<{ data: Profile[] }>(await t.api(`/api/v1/profiles?userId=${userId}`));
    const profile = found.data[0];
    if (!profile) throw new Error(`no profile for ${userId}`);
    ids.set(userId, profile.id);
  }
  await writeModelOutputs(t, ids);
  return ids;
}

/** What the customer-value and recommendation fits would have written. */
async function writeModelOutputs(t: TestServer, ids: Map<string, string>): Promise<void> {
  const db = t.server.services.database.db;
  const risks = { ana: 'low', bo: 'high', oli: 'medium', quinn: 'high' } as const;
  for (const [userId, churn_risk] of Object.entries(risks)) {
    await db
      .insertInto('customer_value_predictions')
      .values({
        workspace_id: 'default',
        profile_id: ids.get(userId) ?? '',
        run_id: 1,
        method: 'rules',
        p_alive: 0.5,
        expected_orders_90d: 0.2,
        expected_orders_365d: 0.8,
        predicted_clv_365d: 40,
        expected_spend: 50,
        churn_risk,
        churn_basis: 'test',
        churn_score: 0.5,
        expected_next_order_at: null,
        x: 0,
        t_x: 0,
        t_cal: 10,
        monetary: null,
        average_order_value: 50,
        computed_at: NOW,
      })
      .execute();
  }
  // Whichever related-products strategy segments follow, the launch has the same neighbours.
  for (const strategy of ['bought_together', 'also_bought']) {
    for (const [rank, related] of [
      [1, 'frame-classic'],
      [11, 'frame-round'],
    ] as const) {
      await db
        .insertInto('item_neighbours')
        .values({
          workspace_id: 'default',
          product_id: LAUNCHED,
          strategy,
          rank,
          related_id: related,
          score: 1 / rank,
          support: 3,
        })
        .execute();
    }
  }
}

export interface Member {
  id: string;
  email: string | null;
  userId: string | null;
  name: string | null;
}
export interface MemberPage {
  data: Member[];
  nextCursor: string | null;
}

/** Admin API calls the tests make, answering status and parsed body. */
export function segmentApi(server: () => TestServer) {
  const call = async <T = Record<string, unknown>>(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> => {
    const res = await server().api(path, init);
    const text = await res.text();
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
  };
  const create = (name: string, condition: SegmentCondition, description?: string) =>
    call<Segment>('/api/v1/segments', {
      method: 'POST',
      body: { name, condition, ...(description !== undefined ? { description } : {}) },
    });
  /** A refusal with this status: its error. */
  const refusal = async (
    path: string,
    init: { method?: string; body?: unknown },
    status: number,
  ): Promise<ErrorEnvelope['error']> => {
    const res = await call<ErrorEnvelope>(path, init);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body.error;
  };
  /** Every member id, page by page, following nextCursor with `limit` per page. */
  const allMembers = async (segmentId: string, limit: number) => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const q: string = `limit=${limit}${cursor !== null ? `&cursor=${cursor}` : ''}`;
      const res = await call<MemberPage>(`/api/v1/segments/${segmentId}/members?${q}`);
      expect(res.status).toBe(200);
      pages.push(res.body.data.map((m) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor !== null && pages.length < 100);
    return pages;
  };
  return { call, create, refusal, allMembers };
}
