import { z } from 'zod';
import { storableText } from './errors.js';
import { consentConditionSchema } from './segment-consent.js';
import {
  dateZones,
  segmentIdSchema,
  segmentWindowSchema,
  spanAmountSchema,
  timeUnits,
  zonedOperators,
  type TimeUnit,
} from './segment-windows.js';

export * from './segment-windows.js';
export { consentConditionSchema } from './segment-consent.js';

/**
 * The segment definition language: a tree of `and` / `or` / `not` over conditions on a
 * profile's fields, its events, its orders, its product affinity and its membership of other
 * segments. This file fixes the shape (what a client may send); the server checks what needs
 * the workspace (that a field exists and the operator fits its type, that a referenced segment
 * exists and no cycle forms) and answers with the JSON path of the fault. docs/guides/segments.md
 * gives the meaning of each condition with examples.
 */

/** The RFM groups a customer-value fit assigns (field `rfm.group`; docs/guides/segments.md). */
export const rfmGroups = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
  'lost',
] as const;
export type RfmGroup = (typeof rfmGroups)[number];

/** A value compared with: text up to 1,000 characters, a finite number, or a boolean. */
export const segmentScalarSchema = z.union([
  storableText().max(1000),
  z.number().min(-1e15).max(1e15),
  z.boolean(),
]);
export type SegmentScalar = z.infer<typeof segmentScalarSchema>;

export const fieldOperators = [
  'exists',
  'not_exists',
  'eq',
  'neq',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'before',
  'after',
  'within_last',
  'more_than_ago',
  'within_next',
  'anniversary_within',
] as const;
export type FieldOperator = (typeof fieldOperators)[number];

/** Which operands each operator takes; the rest must be absent. */
export const operatorOperands: Record<
  FieldOperator,
  'none' | 'value' | 'values' | 'pair' | 'span'
> = {
  exists: 'none',
  not_exists: 'none',
  eq: 'value',
  neq: 'value',
  in: 'values',
  not_in: 'values',
  contains: 'value',
  not_contains: 'value',
  starts_with: 'value',
  gt: 'value',
  gte: 'value',
  lt: 'value',
  lte: 'value',
  between: 'pair',
  before: 'value',
  after: 'value',
  within_last: 'span',
  more_than_ago: 'span',
  within_next: 'span',
  anniversary_within: 'span',
};

const operandShape = {
  value: segmentScalarSchema.optional(),
  values: z.array(segmentScalarSchema).min(1).max(1000).optional(),
  amount: spanAmountSchema.optional(),
  unit: z.enum(timeUnits).optional(),
};

type Operands = {
  operator: FieldOperator;
  value?: unknown;
  values?: unknown[] | undefined;
  amount?: number | undefined;
  unit?: TimeUnit | undefined;
};
/** Each operator's operands present, the others absent, each fault at its own path. */
function checkOperands(c: Operands, ctx: z.RefinementCtx): void {
  const needs = operatorOperands[c.operator];
  const want = {
    value: needs === 'value',
    values: needs === 'values' || needs === 'pair',
    amount: needs === 'span',
    unit: needs === 'span',
  };
  for (const key of ['value', 'values', 'amount', 'unit'] as const) {
    const present = c[key] !== undefined;
    if (present && !want[key]) {
      ctx.addIssue({ code: 'custom', path: [key], message: `not used by ${c.operator}` });
    } else if (!present && want[key]) {
      ctx.addIssue({ code: 'custom', path: [key], message: `required by ${c.operator}` });
    }
  }
  if (needs === 'pair' && c.values !== undefined && c.values.length !== 2) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: 'between takes [low, high]' });
  }
}

/**
 * A field of the registry: `traits.<name>`, `computed.<name>`, `predictions.<name>`,
 * `insights.<name>`, `rfm.<name>` (GET /segments/fields lists them with their types).
 */
const fieldPath = z
  .string()
  .min(3)
  .max(200)
  .regex(/^(traits|computed|predictions|insights|rfm|profile)\.[^.]+$/, {
    message:
      'a registry field: traits.NAME, computed.NAME, predictions.NAME, insights.NAME or rfm.NAME',
  })
  .refine((s) => !/\.(__proto__|constructor|prototype)$/.test(s), 'names a reserved property');

const isZoned = (op: FieldOperator) => (zonedOperators as readonly string[]).includes(op);

export const fieldConditionSchema = z
  .object({ type: z.literal('field'), field: fieldPath, operator: z.enum(fieldOperators) })
  .extend(operandShape)
  .extend({
    /** Date operators: count calendar days in UTC (default) or in the profile's own zone. */
    zone: z.enum(dateZones).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOperands(c, ctx);
    if (c.zone !== undefined && !isZoned(c.operator)) {
      ctx.addIssue({ code: 'custom', path: ['zone'], message: `not used by ${c.operator}` });
    }
  });

/** A property of an event's `properties`, dotted for nested objects (`product.category`). */
export const propertyPathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+){0,7}$/, {
    message: 'dotted property names of letters, digits, _ $ @ -',
  })
  .refine(
    (s) => !s.split('.').some((p) => ['__proto__', 'constructor', 'prototype'].includes(p)),
    'names a reserved property',
  );

export const propertyOperators = [
  'exists',
  'not_exists',
  'eq',
  'neq',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'gt',
  'gte',
  'lt',
  'lte',
] as const;
export const propertyFilterSchema = z
  .object({ property: propertyPathSchema, operator: z.enum(propertyOperators) })
  .extend({
    value: segmentScalarSchema.optional(),
    values: z.array(segmentScalarSchema).min(1).max(1000).optional(),
  })
  .strict()
  .superRefine(checkOperands);
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

export const countOperators = ['gte', 'gt', 'eq', 'lte', 'lt'] as const;
export const countSchema = z
  .object({ operator: z.enum(countOperators), value: z.number().int().min(0).max(1_000_000) })
  .strict();
export type SegmentCount = z.infer<typeof countSchema>;

export const aggregateFunctions = ['sum', 'avg', 'min', 'max'] as const;
export const aggregateSchema = z
  .object({
    fn: z.enum(aggregateFunctions),
    property: propertyPathSchema,
    operator: z.enum(countOperators),
    value: z.number().min(-1e15).max(1e15),
  })
  .strict();

/**
 * Did EVENT (count >= 1 by default) or did not (count eq 0), with property filters, within a
 * window; optionally a sum / average / minimum / maximum of a numeric property compared.
 */
export const eventConditionSchema = z
  .object({
    type: z.literal('event'),
    event: storableText().min(1).max(200),
    where: z.array(propertyFilterSchema).max(20).optional(),
    window: segmentWindowSchema.optional(),
    count: countSchema.optional(),
    aggregate: aggregateSchema.optional(),
  })
  .strict();

const moneyComparison = z
  .object({ operator: z.enum(countOperators), value: z.number().min(0).max(1e15) })
  .strict();

/**
 * Orders (not cancelled) placed in the window, optionally only those with a line of a product,
 * of a category, or of a product the recommendation model relates to `similarTo`; counted
 * (at least one by default), optionally only those of a total, optionally their sum compared.
 */
export const purchaseConditionSchema = z
  .object({
    type: z.literal('purchased'),
    product: storableText().min(1).max(200).optional(),
    category: storableText().min(1).max(200).optional(),
    similarTo: storableText().min(1).max(200).optional(),
    window: segmentWindowSchema.optional(),
    count: countSchema.optional(),
    /** Only orders whose total compares so count ("a first order of 100 or more"). */
    orderTotal: moneyComparison.optional(),
    /** The counted orders' totals summed ("spent more than 500 in the last 90 days"). */
    spent: moneyComparison.optional(),
  })
  .strict()
  .refine((c) => [c.product, c.category, c.similarTo].filter((x) => x !== undefined).length <= 1, {
    message: 'at most one of product, category, similarTo',
    path: ['similarTo'],
  });

/** Viewed at least N distinct products of one category (a named one, or any) in the window. */
export const categoryViewsConditionSchema = z
  .object({
    type: z.literal('category_views'),
    category: storableText().min(1).max(200).optional(),
    atLeast: z.number().int().min(1).max(1000),
    window: segmentWindowSchema.optional(),
  })
  .strict();

/** Viewed (in the window) a product whose stock is now zero or less. */
export const viewedOutOfStockConditionSchema = z
  .object({ type: z.literal('viewed_out_of_stock'), window: segmentWindowSchema.optional() })
  .strict();

/** Member of another segment of the workspace (wrap in `not` for "not a member"). */
export const segmentMembershipConditionSchema = z
  .object({ type: z.literal('segment'), segment: segmentIdSchema })
  .strict();

export type SegmentCondition =
  | { type: 'and'; conditions: SegmentCondition[] }
  | { type: 'or'; conditions: SegmentCondition[] }
  | { type: 'not'; condition: SegmentCondition }
  | z.infer<typeof fieldConditionSchema>
  | z.infer<typeof eventConditionSchema>
  | z.infer<typeof purchaseConditionSchema>
  | z.infer<typeof categoryViewsConditionSchema>
  | z.infer<typeof viewedOutOfStockConditionSchema>
  | z.infer<typeof consentConditionSchema>
  | z.infer<typeof segmentMembershipConditionSchema>;

export const segmentConditionSchema: z.ZodType<SegmentCondition> = z
  .lazy(() =>
    z.union([
      z
        .object({
          type: z.literal('and'),
          conditions: z.array(segmentConditionSchema).min(1).max(50),
        })
        .strict(),
      z
        .object({
          type: z.literal('or'),
          conditions: z.array(segmentConditionSchema).min(1).max(50),
        })
        .strict(),
      z.object({ type: z.literal('not'), condition: segmentConditionSchema }).strict(),
      fieldConditionSchema,
      eventConditionSchema,
      purchaseConditionSchema,
      categoryViewsConditionSchema,
      viewedOutOfStockConditionSchema,
      consentConditionSchema,
      segmentMembershipConditionSchema,
    ]),
  )
  .meta({
    id: 'SegmentCondition',
    description:
      'and / or / not over field, event, purchased, category_views, viewed_out_of_stock, consent and segment conditions',
  });

/** Hostile trees are bounded: depth and the number of conditions. */
export const SEGMENT_MAX_DEPTH = 8;
export const SEGMENT_MAX_NODES = 200;
function treeSize(c: SegmentCondition, depth: number): { nodes: number; depth: number } {
  if (c.type === 'and' || c.type === 'or') {
    let nodes = 1;
    let deepest = depth;
    for (const child of c.conditions) {
      const s = treeSize(child, depth + 1);
      nodes += s.nodes;
      deepest = Math.max(deepest, s.depth);
    }
    return { nodes, depth: deepest };
  }
  if (c.type === 'not') {
    const s = treeSize(c.condition, depth + 1);
    return { nodes: s.nodes + 1, depth: s.depth };
  }
  return { nodes: 1, depth };
}

export const segmentDefinitionSchema = z
  .object({
    name: storableText().min(1).max(200),
    description: storableText().max(2000).optional(),
    condition: segmentConditionSchema,
  })
  .strict()
  .superRefine((d, ctx) => {
    const size = treeSize(d.condition, 1);
    if (size.depth > SEGMENT_MAX_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition'],
        message: `nested deeper than ${SEGMENT_MAX_DEPTH} levels`,
      });
    }
    if (size.nodes > SEGMENT_MAX_NODES) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition'],
        message: `more than ${SEGMENT_MAX_NODES} conditions`,
      });
    }
  });
export type SegmentDefinition = z.infer<typeof segmentDefinitionSchema>;

/** What the API answers for a stored segment. */
export const segmentSchema = segmentDefinitionSchema.safeExtend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Segment = z.infer<typeof segmentSchema>;

/** The JSON Schema of a definition, for editors (docs/schemas/segment-definition.schema.json). */
export function segmentDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(segmentDefinitionSchema, { io: 'input', unrepresentable: 'any' });
}
