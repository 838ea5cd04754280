import {
  BATCH_CHECK_KEYS,
  batchRequestSchema,
  callSchemas,
  callTypes,
  isSurelyValidBatch,
} from '@comeback/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * The batch fast check (contracts/src/batch-check.ts) may say "not sure" to anything, but must
 * never pass a body the schema refuses, and must pass what SDKs commonly send.
 */

const longString = (n: number, unit = 'x') => unit.repeat(n);
/** Values each field is tried with: valid ones, near-misses and plain wrong types. */
const anything = [
  'x',
  '',
  ' ',
  longString(256),
  longString(257),
  longString(512),
  longString(513),
  // 300 code points in 600 UTF-16 units: within 512 for the schema, not for the check.
  longString(300, '😀'),
  0,
  -1,
  1.5,
  Infinity,
  -Infinity,
  true,
  null,
  {},
  { a: 1 },
  [],
  ['x'],
];
const dates = [
  '2026-05-01T10:00:00Z',
  '2026-05-01T10:00:00.123Z',
  '2026-05-01T12:00:00+02:00',
  '2026-05-01T12:00:00-23:59',
  '2026-05-01',
  '2024-02-29',
  '2025-02-29',
  '2026-02-30T10:00:00Z',
  '2026-05-01T10:00Z',
  '2026-05-01T10:00:00',
  '2026-05-01 10:00:00Z',
  '2026-05-01T10:00:00z',
  '2026-05-01T24:00:00Z',
  '2026-05-01T10:00:00+24:00',
  ' 2026-05-01',
  '20260501',
];
const amounts = [
  {},
  { total: 10 },
  { total: -5 },
  { total: '59.90' },
  { total: 'abc' },
  { price: 1e13 },
  { quantity: 2e6 },
  { discount: -3 },
  { products: [{ price: 10, quantity: 2 }] },
  { products: [{ price: 'abc' }] },
  { products: [{ price: 9e11 }, { price: 9e11 }] },
  { products: 'x' },
];

const valid: Record<string, unknown[]> = {
  messageId: ['m-1', longString(256)],
  userId: ['u-1', 42, -1.5, null, longString(512)],
  anonymousId: ['a-1', 7, null],
  timestamp: dates.slice(0, 6),
  originalTimestamp: dates.slice(0, 6),
  sentAt: dates.slice(0, 6),
  context: [{}, { traits: { email: 'a@example.com' } }],
  integrations: [{}, { All: true }],
  event: ['Order Completed', 'Order Refunded', 'Product Viewed', longString(256)],
  properties: amounts.slice(0, 4),
  traits: [{}, { email: 'a@example.com' }],
  name: ['Home', null, '', longString(512)],
  category: ['Docs', null],
  previousId: ['p-1', 3],
  groupId: ['g-1', 9],
  channel: ['web', 5, null],
};
const keys = Object.keys(valid);
const badIds = ['', longString(513), longString(300, '😀'), {}, Infinity, true, []];
const badObjects = ['x', [], null, 0];
const badDates = [...dates.slice(6), 12, null, ''];
/** Near misses per field, tried more often than the rest of `anything`. */
const nearMisses: Record<string, unknown[]> = {
  messageId: ['', longString(257), longString(200, '😀'), 5, null],
  userId: badIds,
  anonymousId: badIds,
  timestamp: badDates,
  originalTimestamp: badDates,
  sentAt: badDates,
  context: badObjects,
  integrations: badObjects,
  event: ['', longString(257), longString(200, '😀'), 5, null],
  properties: [...amounts.slice(4), ...badObjects],
  traits: badObjects,
  name: [longString(513), longString(300, '😀'), 5, {}, true],
  category: [longString(513), 5, []],
  previousId: [...badIds, null],
  groupId: [...badIds, null],
  channel: anything,
};
const brokenField = fc.oneof(
  fc
    .constantFrom(...keys)
    .chain((k) => fc.tuple(fc.constant(k), fc.constantFrom(...(nearMisses[k] ?? [])))),
  fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...anything, ...dates, ...amounts)),
);

/** A call of each type with some of its fields, mostly valid, with up to two fields broken. */
const callArb = fc
  .record({
    type: fc.constantFrom<unknown>(...callTypes, ...callTypes, 'TRACK', 5, null, undefined),
    present: fc.subarray(keys),
    picks: fc.array(fc.nat(), { minLength: keys.length, maxLength: keys.length }),
    broken: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      fc.array(brokenField, { minLength: 1, maxLength: 2 }),
    ),
  })
  .map(({ type, present, picks, broken }) => {
    const call: Record<string, unknown> = type === undefined ? {} : { type };
    for (const [i, key] of keys.entries()) {
      const values = valid[key] ?? [];
      if (present.includes(key)) call[key] = values[(picks[i] ?? 0) % values.length];
    }
    for (const [key, value] of broken) call[key] = value;
    return Object.fromEntries(Object.entries(call).filter(([, v]) => v !== undefined));
  });
const field = (values: unknown[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
const bodyArb = fc
  .record(
    {
      batch: fc.oneof(
        { weight: 9, arbitrary: fc.array(callArb, { minLength: 0, maxLength: 3 }) },
        fc.constantFrom(null, 'x', {}, [5], [null], [[]]),
      ),
      sentAt: field([...dates.slice(0, 6), ...dates.slice(0, 6), ...dates, 12]),
      context: field([{}, {}, ...anything]),
      integrations: field([{}, {}, ...anything]),
      extra: field(anything),
    },
    { requiredKeys: ['batch'] },
  )
  .map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)));

describe('isSurelyValidBatch', () => {
  it('knows every key of every call schema, and no other', () => {
    for (const type of callTypes) {
      const known = [...BATCH_CHECK_KEYS.common, ...BATCH_CHECK_KEYS[type]].sort();
      expect(Object.keys(callSchemas[type].shape).sort(), type).toEqual(known);
    }
    expect(Object.keys(batchRequestSchema.shape).sort()).toEqual([
      'batch',
      'context',
      'integrations',
      'sentAt',
    ]);
  });

  it('never passes a body the schema refuses, and passes it unchanged', () => {
    let passed = 0;
    fc.assert(
      fc.property(bodyArb, (body) => {
        if (!isSurelyValidBatch(body)) return;
        passed++;
        const parsed = batchRequestSchema.safeParse(body);
        expect(parsed.error).toBeUndefined();
        // The schema's output is the body itself, but for unknown top-level keys.
        const known = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'extra'));
        expect(parsed.data).toStrictEqual(known);
      }),
      { numRuns: 20_000 },
    );
    // Not vacuous: a good share of the generated bodies are valid and passed.
    expect(passed).toBeGreaterThan(200);
  });

  it('never passes a near miss of any field on any call type', () => {
    const minimal: Record<string, Record<string, unknown>> = {
      track: { event: 'E' },
      identify: {},
      page: {},
      screen: {},
      alias: { previousId: 'p' },
      group: { groupId: 'g' },
    };
    let checked = 0;
    for (const type of callTypes) {
      for (const [key, values] of Object.entries(nearMisses)) {
        for (const value of [...values, ...anything]) {
          const call = { type, userId: 'u', ...minimal[type], [key]: value };
          const body = { batch: [call] };
          if (isSurelyValidBatch(body)) {
            expect(batchRequestSchema.safeParse(body).error, `${type}.${key}`).toBeUndefined();
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('passes what SDKs send', () => {
    const context = {
      library: { name: 'analytics.js', version: 'next-1.72.0' },
      page: { path: '/', url: 'https://shop.example.com/', title: 'Home', referrer: '' },
      userAgent: 'Mozilla/5.0',
      locale: 'en-US',
      ip: '10.0.0.1',
    };
    const base = {
      messageId: 'ajs-next-1746093600000-4b1f',
      timestamp: '2026-05-01T10:00:00.000Z',
      anonymousId: '3a1c2d3e-aaaa-4bbb-8ccc-123456789abc',
      context,
      integrations: {},
    };
    const batch = [
      { ...base, type: 'page', name: 'Home', properties: { path: '/' } },
      { ...base, type: 'identify', userId: 'user-1', traits: { email: 'a@example.com' } },
      {
        ...base,
        type: 'track',
        userId: 'user-1',
        event: 'Order Completed',
        properties: { order_id: 'o-1', total: 59.9, products: [{ price: 29.95, quantity: 2 }] },
      },
      { ...base, type: 'screen', name: null, category: 'Home' },
      { ...base, type: 'alias', userId: 'user-1', previousId: base.anonymousId },
      { ...base, type: 'group', userId: 42, groupId: 'g-1', traits: { name: 'Acme' } },
    ];
    expect(isSurelyValidBatch({ batch, sentAt: '2026-05-01T10:00:01.000Z' })).toBe(true);
    expect(isSurelyValidBatch({ batch, sentAt: '2026-05-01T10:00:01' })).toBe(false);
  });
});
