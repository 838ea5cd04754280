import type { Profile } from '@comeback/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace, generateKey, insertKey } from '../src/modules/workspaces/index.js';
import { engines } from './support/engines.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Identity as a property: whatever order identify / alias / track calls for the same people
 * arrive in, and however they are split into requests and processor batches, the final
 * profiles are the same - one per person, with the same identifiers, traits and computed fields.
 */
interface Person {
  userId: string;
  anonIds: string[];
  email: string;
  orders: { total: number; refund: number | 'whole' | null }[];
}

type Call = Record<string, unknown> & { type: string; messageId: string };

const personArb = fc.record({
  anonCount: fc.integer({ min: 1, max: 3 }),
  orders: fc.array(
    fc.record({
      total: fc.integer({ min: 1, max: 500 }),
      refund: fc.oneof(
        fc.constant(null),
        fc.constant('whole' as const),
        fc.integer({ min: 1, max: 600 }),
      ),
    }),
    { maxLength: 3 },
  ),
  linkByAlias: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  views: fc.integer({ min: 0, max: 3 }),
});

const scenarioArb = fc.array(personArb, { minLength: 1, maxLength: 4 }).chain((people) => {
  const calls = callsFor(people);
  return fc.record({
    people: fc.constant(people),
    calls: fc.constant(calls),
    order: fc.shuffledSubarray(
      calls.map((_, i) => i),
      { minLength: calls.length, maxLength: calls.length },
    ),
    cuts: fc.array(fc.integer({ min: 1, max: 6 }), {
      minLength: calls.length,
      maxLength: calls.length,
    }),
  });
});

type PersonSpec = typeof personArb extends fc.Arbitrary<infer T> ? T : never;

function callsFor(specs: PersonSpec[]) {
  const calls: Call[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const at = () => new Date((clock += 60_000)).toISOString();
  specs.forEach((spec, p) => {
    const person: Person = {
      userId: `user-${p}`,
      anonIds: Array.from({ length: spec.anonCount }, (_, a) => `anon-${p}-${a}`),
      email: `person${p}@example.com`,
      orders: spec.orders,
    };
    person.anonIds.forEach((anon, a) => {
      for (let v = 0; v < spec.views; v++) {
        calls.push({
          type: 'track',
          messageId: `view-${p}-${a}-${v}`,
          anonymousId: anon,
          event: 'Product Viewed',
          timestamp: at(),
          properties: { product_id: `prod-${p}-${v}` },
        });
      }
      calls.push(
        spec.linkByAlias[a]
          ? {
              type: 'alias',
              messageId: `alias-${p}-${a}`,
              previousId: anon,
              userId: person.userId,
              timestamp: at(),
            }
          : {
              type: 'identify',
              messageId: `identify-${p}-${a}`,
              anonymousId: anon,
              userId: person.userId,
              timestamp: at(),
              traits: { name: `name-${p}-${a}`, [`seen_on_${a}`]: true },
            },
      );
    });
    calls.push({
      type: 'identify',
      messageId: `email-${p}`,
      userId: person.userId,
      timestamp: at(),
      traits: { email: person.email },
    });
    spec.orders.forEach(({ total, refund }, o) => {
      calls.push({
        type: 'track',
        messageId: `order-${p}-${o}`,
        // Orders are tracked from the browser, before or after login: by anonymous id.
        anonymousId: person.anonIds[o % person.anonIds.length],
        event: 'Order Completed',
        timestamp: at(),
        properties: {
          order_id: `o-${p}-${o}`,
          total,
          products: [{ product_id: `prod-${p}-0`, category: `cat-${p}` }],
        },
      });
      if (refund !== null) {
        calls.push({
          type: 'track',
          messageId: `refund-${p}-${o}`,
          userId: person.userId,
          event: 'Order Refunded',
          timestamp: at(),
          properties: { order_id: `o-${p}-${o}`, ...(refund === 'whole' ? {} : { total: refund }) },
        });
      }
    });
  });
  return calls;
}

/** A profile without what legitimately depends on processing order (ids, creation times). */
const fingerprint = (p: Profile) =>
  JSON.stringify({
    identifiers: [...p.identifiers].sort((a, b) =>
      `${a.kind}:${a.value}`.localeCompare(`${b.kind}:${b.value}`),
    ),
    traits: Object.fromEntries(Object.entries(p.traits).sort(([a], [b]) => a.localeCompare(b))),
    computed: p.computed,
  });

describe.each(engines)('identity resolution is order-independent on %s', (engine) => {
  let t: TestServer;
  let runs = 0;
  beforeAll(async () => {
    // Tiny processor batches, so resolution happens both within and across batches.
    t = await startTestServer(engine, { config: { processorBatchSize: 3 }, background: false });
  });
  afterAll(async () => t?.stop());

  async function play(calls: Call[], order: number[], cuts: number[]): Promise<string[]> {
    const db = t.server.services.database.db;
    const workspaceId = `ws-${engine}-${runs++}`;
    await ensureWorkspace(db, { id: workspaceId, name: workspaceId, now: 0 });
    const writeKey = generateKey('write');
    await insertKey(db, { workspaceId, scope: 'write', key: writeKey, now: 0 });
    for (let i = 0, c = 0; i < order.length; c++) {
      const size = cuts[c] ?? 1;
      const batch = order.slice(i, i + size).map((k) => calls[k]);
      i += size;
      const res = await t.send('/v1/batch', { batch }, writeKey);
      expect(res.status).toBe(200);
    }
    await t.settle();
    const rows = await db
      .selectFrom('profiles')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    const profiles = await Promise.all(
      rows.map(async (r) => {
        const p = await t.server.services.profiles.get(workspaceId, r.id);
        if (!p.ok) throw new Error(p.error.message);
        return fingerprint(p.value);
      }),
    );
    return profiles.sort();
  }

  it('yields the same profiles for any interleaving and batching', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ people, calls, order, cuts }) => {
        const canonical = await play(
          calls,
          calls.map((_, i) => i),
          calls.map(() => 1),
        );
        const shuffled = await play(calls, order, cuts);
        expect(shuffled).toEqual(canonical);
        // And the canonical answer is right: one profile per person with all their orders.
        expect(canonical).toHaveLength(people.length);
        const parsed = canonical.map((f) => JSON.parse(f) as { computed: Profile['computed'] });
        const totals = parsed.map((p) => p.computed.total_spent).sort((a, b) => a - b);
        const kept = (o: PersonSpec['orders'][number]) =>
          o.refund === null ? o.total : o.refund === 'whole' ? 0 : Math.max(0, o.total - o.refund);
        const expected = people
          .map((p) => p.orders.reduce((s, o) => s + kept(o), 0))
          .sort((a, b) => a - b);
        expect(totals).toEqual(expected);
        const counts = parsed.map((p) => p.computed.order_count).sort((a, b) => a - b);
        const whole = (o: PersonSpec['orders'][number]) =>
          o.refund === 'whole' || (typeof o.refund === 'number' && o.refund >= o.total);
        expect(counts).toEqual(
          people.map((p) => p.orders.filter((o) => !whole(o)).length).sort((a, b) => a - b),
        );
      }),
      { numRuns: 25, seed: 20261124 },
    );
  });
});
