import type { CustomField, FieldType, ImportKind } from '@comeback/contracts';
import { ownValue, unsafeSegmentOf } from '../../platform/safe-object.js';

/**
 * The fields an import can fill, per kind, with their natural type. A mapping's target is one of
 * these, or a free name under a prefix (`traits.*`, `properties.*`, `context.*`,
 * `attributes.*`). Without a mapping, a column named like a target fills it.
 */
const IDENTITY: Record<string, FieldType> = {
  email: 'string',
  phone: 'string',
  customer_id: 'string',
};

/** Segment's reserved profile traits: a column of that name is a trait without a mapping. */
const STANDARD_TRAITS = [
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
];

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
  customers: {
    ...IDENTITY,
    updated_at: 'date',
  },
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

const PREFIXES: Record<ImportKind, string[]> = {
  customers: ['traits.'],
  orders: ['traits.', 'properties.'],
  products: ['attributes.'],
  events: ['properties.', 'traits.', 'context.'],
};

export interface TargetInfo {
  type: FieldType;
  /** A declared custom field, whose values are checked against its type. */
  customField?: CustomField;
}

/** The type of `target` for `kind`, or null when the kind has no such field. */
export function targetInfo(
  kind: ImportKind,
  target: string,
  customFields: Map<string, CustomField>,
): TargetInfo | null {
  if (unsafeSegmentOf(target) !== null) return null;
  const fixed = ownValue(FIXED[kind], target);
  if (fixed !== undefined) return { type: fixed };
  const trait = traitName(kind, target);
  if (trait !== null) {
    const field = customFields.get(trait);
    return field ? { type: field.type, customField: field } : { type: 'string' };
  }
  if (PREFIXES[kind].some((p) => target.startsWith(p) && target.length > p.length)) {
    return { type: 'string' };
  }
  return null;
}

/**
 * Why a column or key may not fill a field although it is named like one (`traits.__proto__`,
 * `context.constructor.prototype.x`): a path through a prototype segment. Null when it is fine.
 * Names outside the kind's free prefixes are simply unknown columns and are not reported here.
 */
export function refusedPath(kind: ImportKind, name: string): string | null {
  const segment = unsafeSegmentOf(name);
  if (segment === null) return null;
  const normal = name.trim().toLowerCase();
  if (!PREFIXES[kind].some((p) => normal.startsWith(p))) return null;
  return `column ${JSON.stringify(name)}: ${segment} cannot be a field name`;
}

/**
 * The profile trait a target writes (`traits.tier` or, for customers, a bare standard trait or
 * declared custom field name), else null.
 */
export function traitName(kind: ImportKind, target: string): string | null {
  if (kind !== 'customers' && kind !== 'orders') return null;
  if (target.startsWith('traits.') && target.length > 7) return target.slice(7);
  return null;
}

/**
 * The target a column fills when no mapping is given: its own name when that is a field
 * (`Order ID`, `order-id` and `order_id` alike), an order line field by its bare name, a
 * standard or declared trait for customers. Null: the column is reported as unknown.
 */
export function defaultTarget(
  kind: ImportKind,
  column: string,
  customFields: Map<string, CustomField>,
): string | null {
  const exact = targetInfo(kind, column, customFields) !== null ? column : null;
  if (exact !== null) return exact;
  const normal = column
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (kind === 'events') return ownValue(FIXED.events, column) ? column : null;
  if (ownValue(FIXED[kind], normal) !== undefined) return normal;
  if (kind === 'orders') {
    const bare = normal.replace(/^(lines|products|line)[._]/, '');
    if (ownValue(LINE_FIELDS, bare) !== undefined) return `line.${bare}`;
  }
  if (kind === 'customers' || kind === 'orders') {
    if (customFields.has(normal) || (kind === 'customers' && STANDARD_TRAITS.includes(normal))) {
      return `traits.${normal}`;
    }
  }
  if (kind === 'products' && /^variants?[._]/.test(normal)) {
    const field = `variant.${normal.replace(/^variants?[._]/, '')}`;
    if (ownValue(FIXED.products, field) !== undefined) return field;
  }
  return null;
}

/** Event times: read as epoch milliseconds, not kept as text. */
export const TIME_TARGETS = new Set(['ordered_at', 'updated_at', 'timestamp']);
