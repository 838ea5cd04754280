/**
 * The reference evaluator on "since entering" windows and dates in the profile's zone, each
 * expectation worked out by hand from the guide, so the property tests' oracle is right on them
 * before it judges the SQL.
 */
import type { SegmentCondition } from '@comeback/contracts';
import { describe, expect, it } from 'vitest';
import { referenceMembers } from './segment-reference.js';
import type { World, WorldProfile } from './segment-world-model.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (text: string) => Date.parse(text);

const profile = (id: string, over: Partial<WorldProfile> = {}): WorldProfile => ({
  id,
  createdAt: at('2020-01-01T00:00:00Z'),
  traits: {},
  orderCount: 0,
  totalSpent: 0,
  refundedTotal: 0,
  firstOrderAt: null,
  lastOrderAt: null,
  lastSeenAt: null,
  lastProductViewed: null,
  categoriesBought: [],
  productsBought: [],
  ...over,
});
const world = (over: Partial<World>): World => ({
  profiles: [],
  events: [],
  orders: [],
  products: [],
  predictions: [],
  insights: [],
  neighbours: [],
  consents: [],
  customFields: [{ name: 'birthday', type: 'date' }],
  memberships: [],
  workspaceZone: null,
  ...over,
});
const members = (w: World, condition: SegmentCondition, now: number) =>
  [
    ...referenceMembers(w, {
      condition,
      references: new Map(),
      at: now,
      customFields: new Map(w.customFields.map((f) => [f.name, f])),
    }),
  ].sort();

describe('since entering', () => {
  const entered = at('2026-03-01T10:00:00Z');
  const w = world({
    profiles: ['in', 'before', 'out'].map((id) => profile(id)),
    memberships: [
      { segmentId: 'carts', profileId: 'in', enteredAt: entered },
      { segmentId: 'carts', profileId: 'before', enteredAt: entered },
    ],
    events: [
      {
        messageId: 'a',
        profileId: 'in',
        type: 'track',
        event: 'Order Completed',
        timestamp: entered,
      },
      {
        messageId: 'b',
        profileId: 'before',
        type: 'track',
        event: 'Order Completed',
        timestamp: entered - 1,
      },
      {
        messageId: 'c',
        profileId: 'out',
        type: 'track',
        event: 'Order Completed',
        timestamp: entered,
      },
    ],
  });
  const ordered = (count?: { operator: 'eq'; value: 0 }): SegmentCondition => ({
    type: 'event',
    event: 'Order Completed',
    window: { kind: 'since_entering', segment: 'carts' },
    ...(count ? { count } : {}),
  });

  it('counts items at or after the stored entry, of members only', () => {
    expect(members(w, ordered(), entered + DAY)).toEqual(['in']);
    // "did not" holds for a member without such items and for everyone not in the segment.
    expect(members(w, ordered({ operator: 'eq', value: 0 }), entered + DAY)).toEqual([
      'before',
      'out',
    ]);
  });
});

describe('dates in the profile zone', () => {
  const birthday = (zone?: 'profile' | 'utc'): SegmentCondition => ({
    type: 'field',
    field: 'traits.birthday',
    operator: 'anniversary_within',
    amount: 1,
    unit: 'days',
    ...(zone ? { zone } : {}),
  });
  // Stored as ingestion stores a declared date: midnight UTC names the day.
  const w = world({
    workspaceZone: 'America/New_York',
    profiles: [
      profile('jer', {
        traits: { timezone: 'Asia/Jerusalem', birthday: '1990-03-28T00:00:00.000Z' },
      }),
      profile('ny', { traits: { birthday: '1990-03-28T00:00:00.000Z' } }),
      profile('late', { traits: { country: 'Israel', birthday: '1990-03-27T22:30:00.000Z' } }),
    ],
  });

  it('starts the day at the local midnight, summer time included', () => {
    // Jerusalem's 2026-03-28 starts at 21:00 UTC (+03 since 02:00 that Friday).
    expect(members(w, birthday('profile'), at('2026-03-27T20:59:59.999Z'))).toEqual([]);
    // 'late' was born at 00:30 on the 28th in Israel (+02 in 1990): an instant, read locally.
    expect(members(w, birthday('profile'), at('2026-03-27T21:00:00Z'))).toEqual(['jer', 'late']);
    expect(members(w, birthday('profile'), at('2026-03-28T03:59:59.999Z'))).toEqual([
      'jer',
      'late',
    ]);
    expect(members(w, birthday('profile'), at('2026-03-28T04:00:00Z'))).toEqual([
      'jer',
      'late',
      'ny',
    ]);
    // UTC (the default): the UTC date of at against each value's UTC month-day.
    expect(members(w, birthday(), at('2026-03-27T23:00:00Z'))).toEqual(['late']);
    expect(members(w, birthday('utc'), at('2026-03-28T00:00:00Z'))).toEqual(['jer', 'ny']);
  });

  it('compares calendar dates: spans in local days, operands as dates', () => {
    const ordered = world({
      profiles: [
        profile('jer', {
          traits: { timezone: 'Asia/Jerusalem' },
          lastOrderAt: at('2026-03-26T22:30:00Z'), // 00:30 on the 27th in Jerusalem
        }),
        profile('utc', { lastOrderAt: at('2026-03-26T22:30:00Z') }),
      ],
    });
    const lastOrder = (operator: string, operands: object): SegmentCondition =>
      ({
        type: 'field',
        field: 'computed.last_order_at',
        operator,
        zone: 'profile',
        ...operands,
      }) as SegmentCondition;
    const now = at('2026-03-28T12:00:00Z');
    // Today is the 28th for both; "the last 2 days" are the 27th and 28th.
    expect(members(ordered, lastOrder('within_last', { amount: 2, unit: 'days' }), now)).toEqual([
      'jer',
    ]);
    expect(members(ordered, lastOrder('more_than_ago', { amount: 2, unit: 'days' }), now)).toEqual([
      'utc',
    ]);
    // Hours stay elapsed time: 37.5 hours ago is within 38 hours for both.
    expect(members(ordered, lastOrder('within_last', { amount: 38, unit: 'hours' }), now)).toEqual([
      'jer',
      'utc',
    ]);
    expect(members(ordered, lastOrder('before', { value: '2026-03-27' }), now)).toEqual(['utc']);
    expect(members(ordered, lastOrder('after', { value: '2026-03-26' }), now)).toEqual(['jer']);
    expect(
      members(ordered, lastOrder('between', { values: ['2026-03-27', '2026-03-27'] }), now),
    ).toEqual(['jer']);
    // Today counts in "the next N days" whole: for jer the 27th runs until 21:00 UTC (+03).
    const late27 = at('2026-03-27T20:59:00Z');
    expect(members(ordered, lastOrder('within_next', { amount: 1, unit: 'days' }), late27)).toEqual(
      ['jer'],
    );
  });
});
