/**
 * The workspace-aware checks of a segment definition: fields against the registry, operators
 * against field types, operands against their field, anniversary spans, and references
 * (existing, valid, acyclic, bounded). Each fault is validation_failed at its exact JSON path.
 */
import type { CustomField, SegmentCondition } from '@comeback/contracts';
import { describe, expect, it } from 'vitest';
import {
  fieldRegistry,
  operatorsFor,
  resolveField,
} from '../../src/modules/segments/field-registry.js';
import { checkSegmentCondition } from '../../src/modules/segments/segment-check.js';

const declared: CustomField[] = [
  { name: 'plan', type: 'string' },
  { name: 'score', type: 'number' },
  { name: 'vip', type: 'boolean' },
  { name: 'birthday', type: 'date' },
  { name: 'tier', type: 'enum', values: ['gold', 'silver'] },
  { name: 'tags', type: 'list' },
];
const customFields = new Map(declared.map((f) => [f.name, f]));

// Definitions zod accepts; the checker is what is under test.
const field = (path: string, operator: string, operands: object = {}) =>
  ({ type: 'field', field: path, operator, ...operands }) as SegmentCondition;
const and = (...conditions: SegmentCondition[]): SegmentCondition => ({ type: 'and', conditions });
const ref = (segment: string): SegmentCondition => ({ type: 'segment', segment });

/** Runs the checker over stored segments; records which were loaded. */
async function check(
  condition: SegmentCondition,
  stored: Record<string, SegmentCondition> = {},
  opts: { selfId?: string; basePath?: string } = {},
) {
  const loaded: string[] = [];
  const result = await checkSegmentCondition(condition, {
    customFields,
    loadCondition: (id) => {
      loaded.push(id);
      return Promise.resolve(Object.hasOwn(stored, id) ? (stored[id] ?? null) : null);
    },
    ...opts,
  });
  return { result, loaded };
}
/** The fault paths (and messages) of a definition the checker refuses. */
async function faults(
  condition: SegmentCondition,
  stored: Record<string, SegmentCondition> = {},
  opts: { selfId?: string; basePath?: string } = {},
) {
  const { result } = await check(condition, stored, opts);
  if (result.ok) throw new Error('expected the checker to refuse the definition');
  expect(result.error.code).toBe('validation_failed');
  return result.error.details;
}
const paths = async (...args: Parameters<typeof faults>) =>
  (await faults(...args)).map((d) => d.field);

describe('segment definition check', () => {
  it('accepts valid definitions of every kind, undeclared traits included', async () => {
    const condition = and(
      field('traits.plan', 'starts_with', { value: 'pro' }),
      field('traits.anything', 'gt', { value: 3 }),
      field('traits.other', 'in', { values: ['a', 1, true] }),
      field('traits.tier', 'in', { values: ['gold'] }),
      field('traits.birthday', 'anniversary_within', { amount: 366, unit: 'days' }),
      field('traits.birthday', 'between', { values: ['2020-01-01', '2021-01-01T00:00:00+02:00'] }),
      field('predictions.churn_risk', 'eq', { value: 'high' }),
      field('insights.replacement_due_at', 'within_next', { amount: 52, unit: 'weeks' }),
      field('computed.categories_bought', 'contains', { value: 'shoes' }),
      {
        type: 'event',
        event: 'Order Completed',
        where: [
          { property: 'total', operator: 'gte', value: 10 },
          { property: 'currency', operator: 'in', values: ['EUR', 1] },
        ],
      },
      { type: 'purchased', similarTo: 'sku1', window: { kind: 'last', amount: 3, unit: 'months' } },
      { type: 'not', condition: { type: 'viewed_out_of_stock' } },
      { type: 'category_views', atLeast: 2 },
    );
    const { result } = await check(condition);
    expect(result).toEqual({ ok: true, value: new Map() });
  });

  it('refuses unknown fields at .field (an undeclared trait is fine)', async () => {
    const condition = and(
      field('traits.undeclared', 'exists'),
      field('computed.nope', 'exists'),
      field('predictions.p_dead', 'gt', { value: 1 }),
      field('insights.next_thing', 'exists'),
      field('profile.updated_at', 'exists'),
    );
    expect(await faults(condition)).toEqual([
      { field: 'condition.conditions.1.field', message: 'unknown field computed.nope' },
      { field: 'condition.conditions.2.field', message: 'unknown field predictions.p_dead' },
      { field: 'condition.conditions.3.field', message: 'unknown field insights.next_thing' },
      { field: 'condition.conditions.4.field', message: 'unknown field profile.updated_at' },
    ]);
  });

  it('refuses an operator that does not fit the field type at .operator', async () => {
    const misfits: [string, string, object][] = [
      ['traits.plan', 'gt', { value: 1 }],
      ['traits.score', 'contains', { value: 'x' }],
      ['traits.vip', 'in', { values: [true] }],
      ['traits.birthday', 'eq', { value: '2020-01-01' }],
      ['traits.tags', 'starts_with', { value: 'x' }],
      ['traits.tier', 'contains', { value: 'g' }],
      ['predictions.churn_risk', 'gt', { value: 1 }],
      ['computed.last_seen_at', 'gt', { value: 1 }],
      ['traits.undeclared', 'before', { value: '2020-01-01' }],
    ];
    const condition = and(...misfits.map(([path, op, operands]) => field(path, op, operands)));
    expect(await paths(condition)).toEqual(
      misfits.map((_, i) => `condition.conditions.${i}.operator`),
    );
    const [first] = await faults(field('traits.plan', 'gt', { value: 1 }));
    expect(first?.message).toBe(
      'gt does not apply to traits.plan (of type string): use exists, not_exists, eq, neq, in, not_in, contains, not_contains, starts_with',
    );
  });

  it('refuses operands of the wrong type at .value / .values.N', async () => {
    const wrong: [SegmentCondition, string][] = [
      [field('traits.score', 'eq', { value: '5' }), 'value'],
      [field('computed.total_spent', 'between', { values: [1, '9'] }), 'values.1'],
      [field('traits.plan', 'in', { values: [1, 'a'] }), 'values.0'],
      [field('traits.vip', 'eq', { value: 'true' }), 'value'],
      [field('traits.tier', 'eq', { value: 'platinum' }), 'value'],
      [field('predictions.churn_risk', 'in', { values: ['low', 'extreme'] }), 'values.1'],
      [field('traits.birthday', 'before', { value: 'yesterday' }), 'value'],
      [field('traits.birthday', 'after', { value: 5 }), 'value'],
      [field('traits.birthday', 'between', { values: ['2024-01-01', '2024-02-30'] }), 'values.1'],
      [field('traits.tags', 'contains', { value: 5 }), 'value'],
      [field('traits.undeclared', 'contains', { value: 5 }), 'value'],
      [field('traits.undeclared', 'gt', { value: 'x' }), 'value'],
      [field('traits.undeclared', 'between', { values: [1, 'b'] }), 'values.1'],
    ];
    expect(await paths(and(...wrong.map(([c]) => c)))).toEqual(
      wrong.map(([, at], i) => `condition.conditions.${i}.${at}`),
    );
    const [enumFault] = await faults(field('traits.tier', 'eq', { value: 'platinum' }));
    expect(enumFault).toEqual({
      field: 'condition.value',
      message: 'expected one of gold, silver for traits.tier',
    });
  });

  it('checks event property filters like undeclared traits', async () => {
    const condition: SegmentCondition = {
      type: 'event',
      event: 'x',
      where: [
        { property: 'a', operator: 'eq', value: 'fine' },
        { property: 'b', operator: 'gt', value: 'nope' },
        { property: 'c', operator: 'contains', value: 5 },
        { property: 'd', operator: 'in', values: [1, 'fine', false] },
      ],
    };
    expect(await paths(condition)).toEqual(['condition.where.1.value', 'condition.where.2.value']);
  });

  it('limits anniversary_within to days or weeks and at most 366 days', async () => {
    const span = (amount: number, unit: string) =>
      field('traits.birthday', 'anniversary_within', { amount, unit });
    expect(
      await paths(and(span(1, 'months'), span(367, 'days'), span(53, 'weeks'), span(1, 'years'))),
    ).toEqual([
      'condition.conditions.0.unit',
      'condition.conditions.1.amount',
      'condition.conditions.2.amount',
      'condition.conditions.3.unit',
    ]);
    expect((await check(and(span(366, 'days'), span(52, 'weeks')))).result.ok).toBe(true);
  });

  it('reports every fault, under the base path given', async () => {
    const condition = and(
      field('computed.nope', 'exists'),
      { type: 'not', condition: field('traits.score', 'contains', { value: 'x' }) },
      ref('missing'),
    );
    const details = await faults(condition, {}, { basePath: 'definition.condition' });
    expect(details.map((d) => d.field)).toEqual([
      'definition.condition.conditions.0.field',
      'definition.condition.conditions.1.condition.operator',
      'definition.condition.conditions.2.segment',
    ]);
    const { result } = await check(condition);
    expect(!result.ok && result.error.message).toBe(
      'condition.conditions.0.field: unknown field computed.nope (and 2 more)',
    );
  });

  it('resolves references transitively and loads each segment once', async () => {
    const stored = {
      b: and(ref('d'), field('traits.plan', 'exists')),
      c: ref('d'),
      d: field('computed.order_count', 'gt', { value: 1 }),
    };
    const { result, loaded } = await check(and(ref('b'), ref('c'), ref('b')), stored, {
      selfId: 'a',
    });
    expect(result).toEqual({
      ok: true,
      value: new Map([
        ['b', stored.b],
        ['c', stored.c],
        ['d', stored.d],
      ]),
    });
    expect(loaded.sort()).toEqual(['b', 'c', 'd']);
  });

  it('refuses a missing segment, also one referred to by a referenced segment', async () => {
    expect(await faults(ref('ghost'))).toEqual([
      { field: 'condition.segment', message: 'no segment ghost' },
    ]);
    expect(await faults(and(field('traits.x', 'exists'), ref('b')), { b: ref('ghost') })).toEqual([
      { field: 'condition.conditions.1.segment', message: 'no segment ghost (via b)' },
    ]);
  });

  it('refuses cycles: a reference to itself, a -> b -> a, and b -> c -> b', async () => {
    expect(await faults(ref('a'), {}, { selfId: 'a' })).toEqual([
      { field: 'condition.segment', message: 'refers back to the segment itself: a -> a' },
    ]);
    expect(await faults(and(ref('b')), { b: ref('a') }, { selfId: 'a' })).toEqual([
      {
        field: 'condition.conditions.0.segment',
        message: 'refers back to the segment itself: a -> b -> a',
      },
    ]);
    const stored = { b: ref('c'), c: ref('b') };
    expect(await paths(and(field('traits.x', 'exists'), ref('b')), stored)).toEqual([
      'condition.conditions.1.segment',
    ]);
    expect((await faults(ref('c'), stored))[0]?.message).toBe(
      'refers to a cycle of segments: c -> b -> c',
    );
  });

  it('refuses a reference to a segment whose own definition is no longer valid', async () => {
    const stored = { b: field('traits.score', 'contains', { value: 'x' }) };
    expect(await faults(ref('b'), stored)).toEqual([
      {
        field: 'condition.segment',
        message: expect.stringMatching(/^segment b is not valid: condition\.operator: contains/),
      },
    ]);
  });

  it('loads at most 50 segments however long the chain', async () => {
    const stored = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`s${i}`, ref(`s${i + 1}`)]),
    );
    stored.s60 = field('traits.x', 'exists');
    const { result, loaded } = await check(ref('s0'), stored);
    expect(loaded.length).toBe(50);
    expect(!result.ok && result.error.details).toEqual([
      {
        field: 'condition.segment',
        message: 'refers to more than 50 segments, directly or through others',
      },
    ]);
    const short = Object.fromEntries(
      Array.from({ length: 49 }, (_, i) => [`s${i}`, ref(`s${i + 1}`)]),
    );
    short.s49 = field('traits.x', 'exists');
    const ok = await check(ref('s0'), short);
    expect(ok.result.ok && ok.result.value.size).toBe(50);
  });
});

describe('since entering and dates in the profile zone', () => {
  const since = (segment: string, type: 'event' | 'purchased' = 'event'): SegmentCondition =>
    type === 'event'
      ? { type, event: 'Order Completed', window: { kind: 'since_entering', segment } }
      : { type, window: { kind: 'since_entering', segment } };

  it('treats the entered segment as a reference: it must exist, at .window.segment', async () => {
    const { result, loaded } = await check(since('carts'), {
      carts: field('traits.plan', 'exists'),
    });
    expect(result.ok && [...result.value.keys()]).toEqual(['carts']);
    expect(loaded).toEqual(['carts']);
    expect(await paths(and(field('traits.plan', 'exists'), since('gone', 'purchased')))).toEqual([
      'condition.conditions.1.window.segment',
    ]);
  });

  it('refuses cycles through since entering, the segment itself included', async () => {
    const self = await faults(since('me'), {}, { selfId: 'me' });
    expect(self.map((d) => d.field)).toEqual(['condition.window.segment']);
    expect(self[0]?.message).toMatch(/refers back to the segment itself/);
    // a (being saved) counts since entering b, whose definition counts since entering a.
    const stored = {
      b: { type: 'category_views', atLeast: 2, window: { kind: 'since_entering', segment: 'a' } },
    } as Record<string, SegmentCondition>;
    expect(await paths(since('b'), stored, { selfId: 'a' })).toEqual(['condition.window.segment']);
  });

  it('takes a zone on date fields only, at .zone', async () => {
    expect(
      (
        await check(
          field('traits.birthday', 'anniversary_within', {
            amount: 7,
            unit: 'days',
            zone: 'profile',
          }),
        )
      ).result.ok,
    ).toBe(true);
    expect(
      (await check(field('computed.last_order_at', 'before', { value: '2025-01-01', zone: 'utc' })))
        .result.ok,
    ).toBe(true);
    expect(
      await paths(field('traits.score', 'between', { values: [1, 2], zone: 'profile' })),
    ).toEqual(['condition.zone']);
  });
});

describe('field registry', () => {
  it('types traits from the declared fields and lists built-ins with their types', () => {
    const registry = fieldRegistry(customFields);
    expect(registry.lookup('traits.tier')).toEqual({
      path: 'traits.tier',
      type: 'enum',
      description: 'Custom field tier',
      values: ['gold', 'silver'],
    });
    expect(registry.lookup('traits.whatever')?.type).toBe('any');
    expect(registry.lookup('computed.whatever')).toBeNull();
    expect(registry.lookup('traits.a.b')).toBeNull();
    expect(registry.lookup('predictions.churn_risk')?.values).toEqual(['low', 'medium', 'high']);
    const listed = registry.list();
    expect(listed.slice(0, 6).map((f) => `${f.path}:${f.type}`)).toEqual([
      'traits.birthday:date',
      'traits.plan:string',
      'traits.score:number',
      'traits.tags:list',
      'traits.tier:enum',
      'traits.vip:boolean',
    ]);
    expect(listed.length).toBe(6 + 28);
    expect(registry.lookup('rfm.group')?.values).toContain('champions');
    expect(listed.every((f) => !('source' in f))).toBe(true);
    expect(resolveField(customFields, 'computed.average_order_value')?.source).toEqual({
      from: 'ratio',
      numerator: 'total_spent',
      denominator: 'order_count',
    });
  });

  it('gives the operators of each type', () => {
    expect(operatorsFor('boolean')).toEqual(['exists', 'not_exists', 'eq', 'neq']);
    expect(operatorsFor('date')).toContain('anniversary_within');
    expect(operatorsFor('list')).not.toContain('eq');
    expect(operatorsFor('any')).toHaveLength(14);
  });
});
