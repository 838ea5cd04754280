/**
 * The synthetic store `comeback demo` replays (modules/demo): deterministic for a seed, every
 * action valid as the API takes it, and the behaviour the flow library needs to show anything
 * (stock-outs, price drops, a launch, abandoned and returning carts, lapsers, unsubscribes).
 */
import {
  batchItemSchema,
  productInputSchema,
  type BatchItem,
  type ProductInput,
} from '@comeback/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoStore, type DemoStore } from '../../src/modules/demo/demo-store.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const SMALL = { seed: 7, customers: 300, days: 120, start: START };

type Props = Record<string, unknown>;
const callsOf = (store: DemoStore): BatchItem[] =>
  store.actions.flatMap((a) => (a.kind === 'call' ? [a.call] : []));
const tracks = (store: DemoStore, event: string) =>
  callsOf(store).filter((c) => c.type === 'track' && c.event === event);
const props = (c: BatchItem): Props => ('properties' in c ? (c.properties as Props) : {});
const traits = (c: BatchItem): Props => ('traits' in c ? (c.traits as Props) : {});
const upserts = (store: DemoStore): { at: number; product: ProductInput }[] =>
  store.actions.flatMap((a) => (a.kind === 'product' ? [a] : []));
const time = (c: BatchItem) => Date.parse(String(c.timestamp));

describe('demo store', () => {
  let store: DemoStore;
  let full: DemoStore;
  beforeAll(() => {
    store = demoStore(SMALL);
    const t0 = performance.now();
    full = demoStore({ seed: 1, customers: 3000, days: 120, start: START });
    const ms = Math.round(performance.now() - t0);
    // Reported for the runner's budget: the replay must fit in about two minutes.
    console.log(`demo store defaults: ${full.actions.length} actions in ${ms} ms`);
    expect(ms).toBeLessThan(10_000);
  });

  it('is the same store for the same seed, another for another seed', () => {
    expect(JSON.stringify(demoStore(SMALL))).toBe(JSON.stringify(store));
    expect(JSON.stringify(demoStore({ ...SMALL, seed: 8 }).actions.slice(0, 400))).not.toBe(
      JSON.stringify(store.actions.slice(0, 400)),
    );
  });

  it('is in time order within the period, each call stamped with its time and a unique id', () => {
    const end = START + SMALL.days * DAY;
    const ids = new Set<string>();
    let previous = START;
    for (const a of store.actions) {
      expect(a.at).toBeGreaterThanOrEqual(previous);
      expect(a.at).toBeLessThan(end);
      previous = a.at;
      if (a.kind !== 'call') continue;
      expect(a.call.timestamp).toBe(new Date(a.at).toISOString());
      expect(a.call.messageId).toMatch(/^demo-7-\d+$/);
      ids.add(String(a.call.messageId));
      expect(a.call.userId ?? a.call.anonymousId).toBeTruthy();
    }
    expect(ids.size).toBe(callsOf(store).length);
  });

  it('validates against the contracts', () => {
    for (const a of full.actions) {
      const parsed =
        a.kind === 'product'
          ? productInputSchema.safeParse(a.product)
          : batchItemSchema.safeParse(a.call);
      if (!parsed.success) throw new Error(`${JSON.stringify(a)}: ${parsed.error.message}`);
    }
  });

  it('has the volume the replay budget allows', () => {
    expect(full.products).toBe(300);
    expect(full.customers).toBe(3000);
    expect(full.actions.length).toBeLessThanOrEqual(120_000);
    const perCustomer = callsOf(full).length / 3000;
    expect(perCustomer).toBeGreaterThan(25);
    expect(perCustomer).toBeLessThan(40);
  });

  it('has customers in three languages with fitting traits and consent', () => {
    const { he = 0, sr = 0, en = 0 } = full.languages;
    expect(he + sr + en).toBe(3000);
    expect(he / 3000).toBeCloseTo(0.4, 1);
    expect(sr / 3000).toBeCloseTo(0.3, 1);
    expect(en / 3000).toBeCloseTo(0.3, 1);
    const people = callsOf(full).filter((c) => c.type === 'identify' && 'email' in traits(c));
    expect(people).toHaveLength(3000);
    const share = (f: (t: Props) => boolean) => people.filter((c) => f(traits(c))).length / 3000;
    expect(new Set(people.map((c) => traits(c).email)).size).toBe(3000);
    expect(people.every((c) => /^[a-z.-]+\.\d+@example\.com$/.test(String(traits(c).email)))).toBe(
      true,
    );
    expect(share((t) => t.first_name === undefined)).toBeCloseTo(0.1, 1);
    expect(share((t) => t.phone !== undefined)).toBeCloseTo(0.6, 1);
    expect(share((t) => t.birthday !== undefined)).toBeCloseTo(0.7, 1);
    expect(share((t) => t.email_marketing_consent === 'subscribed')).toBeCloseTo(0.8, 1);
    expect(share((t) => t.whatsapp_consent === 'subscribed')).toBeCloseTo(0.3, 1);
    for (const c of people) {
      const t = traits(c);
      if (t.phone !== undefined) expect(t.phone).toMatch(/^\+[1-9]\d{7,14}$/);
      if (t.birthday !== undefined) expect(t.birthday).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (t.phone === undefined) expect(t.sms_marketing_consent).toBeUndefined();
    }
    const hebrew = people.find((c) => traits(c).language === 'he' && traits(c).first_name);
    expect(String(traits(hebrew as BatchItem).first_name)).toMatch(/[\u0590-\u05ff]/);
    expect(people.some((c) => traits(c).timezone === 'Asia/Jerusalem')).toBe(true);
    expect(people.some((c) => traits(c).timezone === 'Europe/Belgrade')).toBe(true);
    // Birthdays within the period (January to early May) for the birthday flow.
    expect(share((t) => /^\d{4}-0[1-4]-/.test(String(t.birthday ?? '')))).toBeGreaterThan(0.1);
  });

  it('has customers from day 0 and sign-ups over the period, browsing anonymously first', () => {
    const identifies = callsOf(full).filter((c) => c.type === 'identify' && 'email' in traits(c));
    const firstDay = identifies.filter((c) => time(c) < START + DAY).length;
    expect(firstDay).toBeGreaterThan(1200);
    const signUps = tracks(full, 'Signed Up');
    expect(signUps.length).toBe(identifies.filter((c) => time(c) >= START + DAY).length);
    const identifiedAt = new Map(identifies.map((c) => [c.userId, time(c)]));
    for (const s of signUps)
      expect(time(s)).toBeGreaterThan(identifiedAt.get(s.userId) ?? Infinity);
    const anonymous = callsOf(full).filter((c) => c.userId === undefined);
    expect(anonymous.length).toBeGreaterThan(500);
    const linked = identifies.filter((c) => c.anonymousId !== undefined);
    expect(linked.length).toBeGreaterThan(500);
    // Known customers act only once identified.
    for (const c of callsOf(full)) {
      if (c.userId !== undefined)
        expect(time(c)).toBeGreaterThanOrEqual(identifiedAt.get(c.userId) ?? 0);
    }
    const unsubscribed = callsOf(full).filter(
      (c) =>
        c.type === 'identify' &&
        !('email' in traits(c)) &&
        traits(c).email_marketing_consent === 'unsubscribed',
    );
    expect(unsubscribed.length).toBeGreaterThan(20);
  });

  it('has a catalog with consumables, stock-outs with restocks, price drops and a launch', () => {
    const all = upserts(full);
    const first = new Map<string, { at: number; product: ProductInput }>();
    for (const u of all) if (!first.has(u.product.id)) first.set(u.product.id, u);
    expect(first.size).toBe(300);
    for (const { product } of first.values()) {
      expect(product.url).toMatch(/^https:\/\/demo\.comeback\.shop\/p\/[a-z0-9-]+$/);
      expect(product.currency).toBe('EUR');
      expect(product.price).toBeGreaterThan(0);
      if (['Coffee', 'Tea', 'Skincare'].includes(product.categories?.[0] ?? '')) {
        expect(product.consumable).toBe(true);
        expect(product.usage_days).toBeGreaterThan(0);
      }
    }
    expect(new Set([...first.values()].map((u) => u.product.url)).size).toBe(300);
    const launch = first.get('new-product');
    expect(launch?.product.categories).toEqual(['Coffee']);
    expect(Math.floor(((launch?.at ?? 0) - START) / DAY)).toBe(60);
    const history = (id: string) => all.filter((u) => u.product.id === id);
    const restocked = [...first.keys()].filter((id) => {
      const h = history(id);
      const out = h.findIndex((u) => u.product.stock === 0);
      return out > 0 && h.slice(out + 1).some((u) => (u.product.stock ?? 0) > 0);
    });
    expect(restocked.length).toBeGreaterThanOrEqual(12);
    const dropped = [...first.keys()].filter((id) =>
      history(id).some((u) => (u.product.price ?? Infinity) < (first.get(id)?.product.price ?? 0)),
    );
    expect(dropped.length).toBeGreaterThanOrEqual(8);
    // Interest in what runs out: views while out of stock, and "notify me" requests.
    const asked = tracks(full, 'Back In Stock Requested').map((c) => props(c).product_id);
    expect(asked.length).toBeGreaterThan(50);
    expect(asked.every((id) => restocked.includes(String(id)))).toBe(true);
    const launchViews = tracks(full, 'Product Viewed').filter(
      (c) => props(c).product_id === 'new-product',
    );
    expect(launchViews.length).toBeGreaterThan(20);
    expect(launchViews.every((c) => time(c) >= (launch?.at ?? 0))).toBe(true);
  });

  it('has orders the order book reads, some returning after a checkout', () => {
    const completed = tracks(full, 'Order Completed');
    expect(completed.length).toBeGreaterThan(2000);
    const orderAt = new Map<unknown, number>();
    for (const c of completed) {
      const p = props(c);
      expect(p.order_id).toBeTypeOf('string');
      expect(p.currency).toBe('EUR');
      const lines = p.products as Props[];
      expect(lines.length).toBeGreaterThan(0);
      const sum = lines.reduce((s, l) => s + Number(l.price) * Number(l.quantity), 0);
      expect(p.total).toBeCloseTo(sum, 2);
      for (const l of lines) expect(l.product_id).toBeTypeOf('string');
      orderAt.set(p.order_id, time(c));
    }
    expect(orderAt.size).toBe(completed.length);
    for (const c of tracks(full, 'Order Fulfilled')) {
      const gap = time(c) - (orderAt.get(props(c).order_id) ?? NaN);
      expect(gap).toBeGreaterThanOrEqual(DAY);
      expect(gap).toBeLessThanOrEqual(2 * DAY);
    }
    const refunds = tracks(full, 'Order Refunded').length / completed.length;
    expect(refunds).toBeGreaterThan(0.01);
    expect(refunds).toBeLessThan(0.06);
    const checkoutAt = new Map(
      tracks(full, 'Checkout Started').map((c) => [props(c).order_id, time(c)]),
    );
    const returns = completed.map((c) => time(c) - (checkoutAt.get(props(c).order_id) ?? Infinity));
    expect(returns.filter((g) => g >= 30 * 60_000 && g < 4 * 3_600_000).length).toBeGreaterThan(
      100,
    );
    expect(returns.filter((g) => g >= 18 * 3_600_000 && g < 3 * DAY).length).toBeGreaterThan(100);
    const abandoned = [...checkoutAt.keys()].filter((id) => !orderAt.has(id));
    expect(abandoned.length).toBeGreaterThan(200);
    expect(tracks(full, 'Product Reviewed').length).toBeGreaterThan(200);
    expect(tracks(full, 'Survey Answered').length).toBeGreaterThan(100);
  });

  it('has re-buyers of consumables and lapsers silent for 60+ days', () => {
    const end = START + 120 * DAY;
    const last = new Map<unknown, number>();
    const bought = new Map<string, number[]>();
    for (const c of callsOf(full)) {
      if (c.userId === undefined || c.type !== 'track') continue;
      if (['Order Fulfilled', 'Order Delivered', 'Order Refunded'].includes(c.event)) continue;
      last.set(c.userId, time(c));
      if (c.event !== 'Order Completed') continue;
      for (const l of props(c).products as Props[]) {
        const key = `${c.userId} ${String(l.product_id)}`;
        bought.set(key, [...(bought.get(key) ?? []), time(c)]);
      }
    }
    const lapsed = [...last.values()].filter((t) => t < end - 60 * DAY).length;
    expect(lapsed).toBeGreaterThan(200);
    const rebought = [...bought.values()].filter((times) => times.length > 1).length;
    expect(rebought).toBeGreaterThan(150);
  });
});
