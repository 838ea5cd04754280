/**
 * The definition language's own rules (packages/contracts/src/segments.ts): what zod refuses
 * before any workspace is consulted, each fault at its JSON path; the recipes all validate; the
 * JSON Schema for editors in docs/schemas is the one the contracts produce.
 */
import fs from 'node:fs';
import {
  SEGMENT_MAX_DEPTH,
  segmentDefinitionJsonSchema,
  segmentDefinitionSchema,
  segmentRecipes,
  type SegmentCondition,
} from '@comeback/contracts';
import { describe, expect, it } from 'vitest';

const faultsOf = (condition: unknown): string[] => {
  const r = segmentDefinitionSchema.safeParse({ name: 'x', condition });
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('segment definition language', () => {
  it('accepts every recipe', () => {
    expect(segmentRecipes.length).toBeGreaterThanOrEqual(10);
    for (const recipe of segmentRecipes) {
      const r = segmentDefinitionSchema.safeParse({
        name: recipe.name,
        condition: recipe.condition,
      });
      expect(r.success, recipe.id).toBe(true);
    }
    expect(new Set(segmentRecipes.map((r) => r.id)).size).toBe(segmentRecipes.length);
  });

  it('names the path of a fault deep in the tree', () => {
    expect(
      faultsOf({
        type: 'and',
        conditions: [
          { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
          {
            type: 'event',
            event: 'Product Viewed',
            window: { kind: 'last', amount: -3, unit: 'days' },
          },
        ],
      }),
    ).toEqual(['condition.conditions.1.window.amount']);
  });

  it('requires exactly the operands each operator takes', () => {
    const field = (over: Record<string, unknown>) => ({
      type: 'field',
      field: 'traits.plan',
      ...over,
    });
    expect(faultsOf(field({ operator: 'eq' }))).toEqual(['condition.value']);
    expect(faultsOf(field({ operator: 'exists', value: 1 }))).toEqual(['condition.value']);
    expect(faultsOf(field({ operator: 'between', values: [1] }))).toEqual(['condition.values']);
    expect(faultsOf(field({ operator: 'within_last', amount: 3 }))).toEqual(['condition.unit']);
    expect(faultsOf(field({ operator: 'between', values: [1, 5] }))).toEqual([]);
    // A zone is for the operators that read a date's calendar.
    expect(faultsOf(field({ operator: 'eq', value: 'x', zone: 'profile' }))).toEqual([
      'condition.zone',
    ]);
    expect(faultsOf(field({ operator: 'before', value: '2026-01-01', zone: 'local' })).length).toBe(
      1,
    );
    expect(
      faultsOf(field({ operator: 'anniversary_within', amount: 7, unit: 'days', zone: 'profile' })),
    ).toEqual([]);
  });

  it('takes a since entering window naming a segment, and nothing else', () => {
    const since = (window: unknown) => ({ type: 'purchased', window });
    expect(faultsOf(since({ kind: 'since_entering', segment: 'seg_1' }))).toEqual([]);
    expect(faultsOf(since({ kind: 'since_entering' })).length).toBeGreaterThan(0);
    expect(faultsOf(since({ kind: 'since_entering', segment: 's', amount: 3 })).length).toBe(1);
  });

  it('refuses reserved property names, unknown keys and bad windows', () => {
    expect(
      faultsOf({ type: 'field', field: 'traits.__proto__', operator: 'exists' }).length,
    ).toBeGreaterThan(0);
    expect(
      faultsOf({
        type: 'event',
        event: 'X',
        where: [{ property: 'a.constructor.b', operator: 'exists' }],
      }).length,
    ).toBeGreaterThan(0);
    expect(faultsOf({ type: 'segment', segment: 's', extra: 1 }).length).toBeGreaterThan(0);
    expect(
      faultsOf({
        type: 'event',
        event: 'X',
        window: { kind: 'between', from: '2026-02-01', to: '2026-01-01' },
      }),
    ).toEqual(['condition.window.to']);
    expect(faultsOf({ type: 'purchased', product: 'a', category: 'b' })).toEqual([
      'condition.similarTo',
    ]);
  });

  it('bounds the depth of a tree', () => {
    let deep: SegmentCondition = { type: 'segment', segment: 's' };
    for (let i = 0; i < SEGMENT_MAX_DEPTH; i++) deep = { type: 'not', condition: deep };
    expect(faultsOf(deep)).toEqual(['condition']);
  });

  it('ships the JSON Schema the contracts produce (npm run schemas rewrites it)', () => {
    const file = new URL(
      '../../../../docs/schemas/segment-definition.schema.json',
      import.meta.url,
    );
    const stored: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(stored).toEqual(segmentDefinitionJsonSchema());
  });
});
