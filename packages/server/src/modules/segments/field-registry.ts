import { rfmGroups, type CustomField, type FieldOperator } from '@comeback/contracts';
import type { FieldSpec, FieldType } from './segment-model.js';

/**
 * Every field a segment may test, in one table: its type (which decides the operators), what
 * it means, and where its value lives. The compiler asks the registry how to read a field and
 * has no code of its own for any one field; a new field is a new row here.
 */

/** Columns of `profiles` a field may read. */
export type ProfileColumn =
  | 'order_count'
  | 'total_spent'
  | 'refunded_total'
  | 'first_order_at'
  | 'last_order_at'
  | 'last_seen_at'
  | 'created_at'
  | 'categories_bought'
  | 'products_bought'
  | 'last_product_viewed';

/** Tables with one row per (workspace_id, profile_id); no row means every field is missing. */
export type ProfileRowTable = 'customer_value_predictions' | 'profile_insights' | 'profile_rfm';

/**
 * Where a value lives. Dates are epoch ms in columns and ISO strings in traits; lists are JSON
 * arrays of strings.
 */
export type FieldSource =
  | { from: 'column'; column: ProfileColumn }
  /** numerator / denominator when the denominator is above zero, else missing. */
  | { from: 'ratio'; numerator: ProfileColumn; denominator: ProfileColumn }
  | { from: 'row'; table: ProfileRowTable; column: string }
  | { from: 'trait'; key: string };

export interface RegisteredField extends FieldSpec {
  source: FieldSource;
}

export interface FieldRegistry {
  lookup(path: string): FieldSpec | null;
  list(): FieldSpec[];
}

const column = (c: ProfileColumn): FieldSource => ({ from: 'column', column: c });
const prediction = (c: string): FieldSource => ({
  from: 'row',
  table: 'customer_value_predictions',
  column: c,
});
const insight = (c: string): FieldSource => ({ from: 'row', table: 'profile_insights', column: c });
const rfm = (c: string): FieldSource => ({ from: 'row', table: 'profile_rfm', column: c });

const BUILT_IN: readonly RegisteredField[] = [
  f('computed.order_count', 'number', 'Orders placed (not cancelled)', column('order_count')),
  f('computed.total_spent', 'number', 'Sum of order totals', column('total_spent')),
  f('computed.refunded_total', 'number', 'Sum of refunds', column('refunded_total')),
  f(
    'computed.average_order_value',
    'number',
    'total_spent / order_count; missing before the first order',
    { from: 'ratio', numerator: 'total_spent', denominator: 'order_count' },
  ),
  f('computed.first_order_at', 'date', 'When the first order was placed', column('first_order_at')),
  f('computed.last_order_at', 'date', 'When the latest order was placed', column('last_order_at')),
  f('computed.last_seen_at', 'date', 'When the latest event was received', column('last_seen_at')),
  f(
    'computed.categories_bought',
    'list',
    'Categories of the products bought',
    column('categories_bought'),
  ),
  f('computed.products_bought', 'list', 'Ids of the products bought', column('products_bought')),
  f(
    'computed.last_product_viewed',
    'string',
    'Id of the product viewed last',
    column('last_product_viewed'),
  ),
  f('profile.created_at', 'date', 'When the profile was created', column('created_at')),
  f(
    'predictions.p_alive',
    'number',
    'Probability the customer is still active (0-1)',
    prediction('p_alive'),
  ),
  f(
    'predictions.expected_orders_90d',
    'number',
    'Orders expected in the next 90 days',
    prediction('expected_orders_90d'),
  ),
  f(
    'predictions.expected_orders_365d',
    'number',
    'Orders expected in the next 365 days',
    prediction('expected_orders_365d'),
  ),
  f(
    'predictions.predicted_clv_365d',
    'number',
    'Predicted spend in the next 365 days',
    prediction('predicted_clv_365d'),
  ),
  f(
    'predictions.churn_score',
    'number',
    'Churn score (0-1, higher: more likely gone)',
    prediction('churn_score'),
  ),
  {
    ...f('predictions.churn_risk', 'enum', 'Churn risk band', prediction('churn_risk')),
    values: ['low', 'medium', 'high'],
  },
  f(
    'predictions.expected_next_order_at',
    'date',
    'When the next order is expected',
    prediction('expected_next_order_at'),
  ),
  f(
    'insights.next_replenishment_due_at',
    'date',
    'When the earliest replenishment is due',
    insight('next_replenishment_due_at'),
  ),
  f(
    'insights.next_replenishment_product',
    'string',
    'The product of the earliest replenishment due',
    insight('next_replenishment_product'),
  ),
  f(
    'insights.next_likely_category',
    'string',
    'The category customers like this one buy next',
    insight('next_likely_category'),
  ),
  f(
    'insights.next_likely_category_probability',
    'number',
    'How likely that next category is (0-1)',
    insight('next_likely_category_probability'),
  ),
  f(
    'insights.replacement_category',
    'string',
    'The category of the latest durable purchase',
    insight('replacement_category'),
  ),
  f(
    'insights.replacement_due_at',
    'date',
    'When that durable purchase is due for replacement',
    insight('replacement_due_at'),
  ),
  f(
    'rfm.recency_score',
    'number',
    'Recency quintile, 1-5 (5: bought most recently)',
    rfm('recency_score'),
  ),
  f(
    'rfm.frequency_score',
    'number',
    'Frequency quintile, 1-5 (5: most orders)',
    rfm('frequency_score'),
  ),
  f(
    'rfm.monetary_score',
    'number',
    'Monetary quintile, 1-5 (5: spent most)',
    rfm('monetary_score'),
  ),
  {
    ...f('rfm.group', 'enum', 'RFM group (champions, loyal, at risk, ...)', rfm('rfm_group')),
    values: rfmGroups,
  },
];
const BY_PATH = new Map(BUILT_IN.map((b) => [b.path, b]));

function f(
  path: string,
  type: FieldType,
  description: string,
  source: FieldSource,
): RegisteredField {
  return { path, type, description, source };
}

/**
 * The field at `path` with where it lives, or null: `traits.NAME` always resolves (an
 * undeclared trait is of type `any`), the other prefixes only to the table's rows.
 */
export function resolveField(
  customFields: ReadonlyMap<string, CustomField>,
  path: string,
): RegisteredField | null {
  if (path.startsWith('traits.')) {
    const key = path.slice('traits.'.length);
    if (key === '' || key.includes('.')) return null;
    const declared = customFields.get(key);
    return {
      path,
      type: declared?.type ?? 'any',
      description: declared?.description ?? (declared ? `Custom field ${key}` : `Trait ${key}`),
      ...(declared?.values ? { values: declared.values } : {}),
      source: { from: 'trait', key },
    };
  }
  return BY_PATH.get(path) ?? null;
}

const spec = (r: RegisteredField): FieldSpec => ({
  path: r.path,
  type: r.type,
  description: r.description,
  ...(r.values ? { values: r.values } : {}),
});

export function fieldRegistry(customFields: ReadonlyMap<string, CustomField>): FieldRegistry {
  return {
    lookup: (path) => {
      const r = resolveField(customFields, path);
      return r ? spec(r) : null;
    },
    list: () => [
      ...[...customFields.keys()].sort().flatMap((name) => {
        const r = resolveField(customFields, `traits.${name}`);
        return r ? [spec(r)] : [];
      }),
      ...BUILT_IN.map(spec),
    ],
  };
}

// The operator groups the types combine (docs/guides/segments.md, "Operators by type").
const PRESENCE = ['exists', 'not_exists'] as const;
const EQUALITY = ['eq', 'neq'] as const;
const MEMBERSHIP = ['in', 'not_in'] as const;
const ORDERED = ['gt', 'gte', 'lt', 'lte', 'between'] as const;
const TEXT = ['contains', 'not_contains', 'starts_with'] as const;
const SPANS = ['within_last', 'more_than_ago', 'within_next', 'anniversary_within'] as const;

const OPERATORS: Record<FieldType, readonly FieldOperator[]> = {
  number: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP, ...ORDERED],
  string: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP, ...TEXT],
  enum: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP],
  boolean: [...PRESENCE, ...EQUALITY],
  date: [...PRESENCE, 'before', 'after', 'between', ...SPANS],
  list: [...PRESENCE, 'contains', 'not_contains', ...MEMBERSHIP],
  any: [...PRESENCE, ...EQUALITY, ...MEMBERSHIP, ...TEXT, ...ORDERED],
};

/** The operators that apply to a field of `type`. */
export function operatorsFor(type: FieldType): readonly FieldOperator[] {
  return OPERATORS[type];
}
