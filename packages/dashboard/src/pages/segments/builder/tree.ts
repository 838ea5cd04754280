import type { SegmentCondition, SegmentWindow } from '@comeback/contracts';
import type { ErrorDetail } from '../../../api/client';

/** The kinds of node a person can add; `and`/`or` are one "group" that switches between them. */
export const addableKinds = [
  'field',
  'event',
  'purchased',
  'category_views',
  'viewed_out_of_stock',
  'consent',
  'segment',
  'group',
  'not',
] as const;
export type AddableKind = (typeof addableKinds)[number];

const LAST_30_DAYS: SegmentWindow = { kind: 'last', amount: 30, unit: 'days' };

/** A new node of `kind`, valid as it stands wherever a default exists, so the size shows at once. */
export function newCondition(kind: AddableKind): SegmentCondition {
  switch (kind) {
    case 'field':
      return { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 };
    case 'event':
      return { type: 'event', event: 'Product Viewed', window: LAST_30_DAYS };
    case 'purchased':
      return { type: 'purchased', window: LAST_30_DAYS };
    case 'category_views':
      return { type: 'category_views', atLeast: 3, window: LAST_30_DAYS };
    case 'viewed_out_of_stock':
      return { type: 'viewed_out_of_stock', window: LAST_30_DAYS };
    case 'consent':
      return { type: 'consent', channel: 'email', status: 'subscribed' };
    case 'segment':
      return { type: 'segment', segment: '' };
    case 'group':
      return { type: 'and', conditions: [newCondition('field')] };
    case 'not':
      return { type: 'not', condition: newCondition('purchased') };
  }
}

export const isGroup = (
  c: SegmentCondition,
): c is Extract<SegmentCondition, { type: 'and' | 'or' }> => c.type === 'and' || c.type === 'or';

/** A root group with nothing in it yet: nothing to preview. */
export const isEmptyRoot = (c: SegmentCondition) => isGroup(c) && c.conditions.length === 0;

/**
 * The server names each fault by its JSON path (`condition.conditions.1.value`). A leaf owns
 * every path under it; a group or `not` owns only its own path and its `conditions` list.
 */
export function ownsDetail(path: string, leaf: boolean, field: string): boolean {
  if (field === path) return true;
  if (leaf) return field.startsWith(`${path}.`);
  return field === `${path}.conditions`;
}

/** The nodes of the tree with their paths, to find which faults no node can show. */
function nodePaths(c: SegmentCondition, path: string, out: { path: string; leaf: boolean }[]) {
  if (isGroup(c)) {
    out.push({ path, leaf: false });
    c.conditions.forEach((child, i) => nodePaths(child, `${path}.conditions.${i}`, out));
  } else if (c.type === 'not') {
    out.push({ path, leaf: false });
    nodePaths(c.condition, `${path}.condition`, out);
  } else {
    out.push({ path, leaf: true });
  }
  return out;
}

/** The faults that belong to no node of the builder (shown in an alert instead). */
export function unplacedDetails(
  c: SegmentCondition,
  root: string,
  details: ErrorDetail[],
): ErrorDetail[] {
  const nodes = nodePaths(c, root, []);
  return details.filter((d) => !nodes.some((n) => ownsDetail(n.path, n.leaf, d.field)));
}

/** A copy of `value` without `keys`: optional parts of a condition switched off. */
export function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}
