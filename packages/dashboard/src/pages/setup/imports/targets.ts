import type { FieldType, ImportKind } from '@comeback/contracts';

/**
 * The fields an import can fill, per kind, with their own type: the table of the imports guide
 * (docs/guides/imports.md, "Targets"), which the server checks a mapping against when it is
 * saved. Used here to suggest a target for each column as the server would match it without a
 * mapping, and to offer the names in the mapping table.
 */
const IDENTITY = { email: 'string', phone: 'string', customer_id: 'string' } as const;
const LINE_FIELDS: Record<string, FieldType> = {
  product_id: 'string',
  variant_id: 'string',
  sku: 'string',
  name: 'string',
  category: 'string',
  brand: 'string',
  url: 'string',
  price: 'number',
  quantity: 'number',
};

const FIXED: Record<ImportKind, Record<string, FieldType>> = {
  customers: { ...IDENTITY, updated_at: 'date' },
  orders: {
    ...IDENTITY,
    order_id: 'string',
    order_number: 'string',
    status: 'string',
    total: 'number',
    subtotal: 'number',
    tax: 'number',
    shipping: 'number',
    discount: 'number',
    currency: 'string',
    coupon: 'string',
    checkout_id: 'string',
    ordered_at: 'date',
    updated_at: 'date',
    refund_id: 'string',
    refund_reason: 'string',
    ...Object.fromEntries(Object.entries(LINE_FIELDS).map(([k, t]) => [`line.${k}`, t])),
  },
  products: {
    id: 'string',
    title: 'string',
    url: 'string',
    image_url: 'string',
    categories: 'list',
    price: 'number',
    currency: 'string',
    stock: 'number',
    active: 'boolean',
    consumable: 'boolean',
    usage_days: 'number',
    non_product: 'boolean',
    updated_at: 'date',
    'variant.id': 'string',
    'variant.sku': 'string',
    'variant.title': 'string',
    'variant.price': 'number',
    'variant.stock': 'number',
    'variant.inventory_item_id': 'string',
    'variant.active': 'boolean',
  },
  events: {
    type: 'string',
    event: 'string',
    userId: 'string',
    anonymousId: 'string',
    messageId: 'string',
    timestamp: 'date',
    previousId: 'string',
    groupId: 'string',
    name: 'string',
    category: 'string',
  },
};

/** Free names under these prefixes are fields too (`traits.tier`). */
export const FREE_PREFIXES: Record<ImportKind, string[]> = {
  customers: ['traits.'],
  orders: ['traits.', 'properties.'],
  products: ['attributes.'],
  events: ['properties.', 'traits.', 'context.'],
};

/** Where a column no field takes goes by default (orders: nowhere, to keep orders clean). */
const FREE_DEFAULT: Record<ImportKind, string | null> = {
  customers: 'traits.',
  orders: null,
  products: 'attributes.',
  events: 'properties.',
};

const STANDARD_TRAITS = new Set([
  'first_name',
  'last_name',
  'name',
  'username',
  'title',
  'gender',
  'birthday',
  'age',
  'avatar',
  'company',
  'website',
  'description',
  'created_at',
  'city',
  'country',
  'postal_code',
  'state',
  'street',
  'language',
  'timezone',
]);

const TARGET = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const own = (record: Record<string, FieldType>, key: string) =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** `Order ID`, `order-id`, `orderId` -> `order_id`. */
export function snakeName(column: string): string {
  return column
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The fixed fields of a kind, for the target picker. */
export function fixedTargets(kind: ImportKind): string[] {
  return Object.keys(FIXED[kind]);
}

/** The field's own type when it is a fixed field; null for free (prefixed) names. */
export function fixedType(kind: ImportKind, target: string): FieldType | null {
  return own(FIXED[kind], target) ?? null;
}

/** Why `target` is no field of `kind`, or null when it is one. */
export function targetProblem(kind: ImportKind, target: string): 'unknown' | null {
  if (fixedType(kind, target) !== null) return null;
  const free = FREE_PREFIXES[kind].some((p) => target.startsWith(p) && target.length > p.length);
  return free && TARGET.test(target) ? null : 'unknown';
}

/**
 * The target a column is matched to first: the one the server would fill without a mapping,
 * else a free field named after it (customers, products, events), else '' (not imported).
 */
export function suggestTarget(kind: ImportKind, column: string): string {
  if (targetProblem(kind, column) === null) return column;
  const normal = snakeName(column);
  if (kind === 'events') {
    const camel = Object.keys(FIXED.events).find(
      (k) => k.toLowerCase() === normal.replace(/_/g, ''),
    );
    if (camel) return camel;
  } else if (own(FIXED[kind], normal) !== undefined) return normal;
  if (kind === 'orders') {
    const bare = normal.replace(/^(lines|products|line)_/, '');
    if (own(LINE_FIELDS, bare) !== undefined) return `line.${bare}`;
  }
  if (kind === 'customers' && STANDARD_TRAITS.has(normal)) return `traits.${normal}`;
  if (kind === 'products' && /^variants?_/.test(normal)) {
    const field = `variant.${normal.replace(/^variants?_/, '')}`;
    if (own(FIXED.products, field) !== undefined) return field;
  }
  const prefix = FREE_DEFAULT[kind];
  if (prefix === null || normal === '') return '';
  return `${prefix}${/^[0-9]/.test(normal) ? `_${normal}` : normal}`;
}
