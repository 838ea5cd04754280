import type { SegmentCondition } from '@comeback/contracts';

/** What can change a segment's answer for a profile: any call, some track events, or none. */
export type Dependencies =
  { kind: 'any' } | { kind: 'calls'; calls: Set<string> } | { kind: 'none' };

/** A workspace's segment conditions by id (undefined: no such segment there). */
export type ConditionLookup = (segmentId: string) => SegmentCondition | undefined;

const PRODUCT_VIEWED = 'track:Product Viewed';
/** Fields the daily model fits write (predictions, insights, RFM), not events. */
const FIT_FIELDS = /^(predictions|insights|rfm)\./;

/**
 * Which calls of a batch can change the answer (as `TouchedProfile.calls` names them): events
 * and affinity depend on their track events; traits, computed fields, purchases and consent on
 * any call (identify, orders, last seen, a merge); predictions and insights on none (the model
 * fits change them, see readsFits). References count what the referenced segment depends on.
 */
export function dependenciesOf(
  condition: SegmentCondition,
  lookup: ConditionLookup,
  visiting = new Set<string>(),
): Dependencies {
  const merge = (parts: Dependencies[]): Dependencies => {
    if (parts.some((p) => p.kind === 'any')) return { kind: 'any' };
    const calls = new Set<string>();
    for (const p of parts) if (p.kind === 'calls') for (const c of p.calls) calls.add(c);
    return calls.size ? { kind: 'calls', calls } : { kind: 'none' };
  };
  switch (condition.type) {
    case 'and':
    case 'or':
      return merge(condition.conditions.map((c) => dependenciesOf(c, lookup, visiting)));
    case 'not':
      return dependenciesOf(condition.condition, lookup, visiting);
    case 'field':
      return condition.field.startsWith('predictions.') || condition.field.startsWith('insights.')
        ? { kind: 'none' }
        : { kind: 'any' };
    case 'event':
      return { kind: 'calls', calls: new Set([`track:${condition.event}`]) };
    case 'category_views':
    case 'viewed_out_of_stock':
      return { kind: 'calls', calls: new Set([PRODUCT_VIEWED]) };
    case 'purchased':
      return { kind: 'any' };
    case 'consent':
      // Consent is written outside the log (see readsConsent), but a merge moves memberships
      // and not consent records: any call re-checks the survivor (one keyed row to read).
      return { kind: 'any' };
    case 'segment': {
      const target = lookup(condition.segment);
      if (!target || visiting.has(condition.segment)) return { kind: 'none' };
      visiting.add(condition.segment);
      const deps = dependenciesOf(target, lookup, visiting);
      visiting.delete(condition.segment);
      return deps;
    }
  }
}

/**
 * Whether any leaf condition of the answer, through and/or/not and the segments it references
 * (a cycle counts once), satisfies `leaf`.
 */
function readsAny(
  condition: SegmentCondition,
  lookup: ConditionLookup,
  leaf: (c: SegmentCondition) => boolean,
  visiting = new Set<string>(),
): boolean {
  switch (condition.type) {
    case 'and':
    case 'or':
      return condition.conditions.some((c) => readsAny(c, lookup, leaf, visiting));
    case 'not':
      return readsAny(condition.condition, lookup, leaf, visiting);
    case 'segment': {
      const target = lookup(condition.segment);
      if (!target || visiting.has(condition.segment)) return false;
      visiting.add(condition.segment);
      return readsAny(target, lookup, leaf, visiting);
    }
    default:
      return leaf(condition);
  }
}

/** Whether the answer reads what the daily model fits write (predictions, insights, related). */
export function readsFits(condition: SegmentCondition, lookup: ConditionLookup): boolean {
  return readsAny(condition, lookup, (c) =>
    c.type === 'field'
      ? FIT_FIELDS.test(c.field)
      : c.type === 'purchased' && c.similarTo !== undefined,
  );
}

/**
 * Whether the answer reads consent, which the consent service writes outside the event log
 * (API, preference pages, webhooks, the consent follower): LiveSegments follows its changes.
 */
export function readsConsent(condition: SegmentCondition, lookup: ConditionLookup): boolean {
  return readsAny(condition, lookup, (c) => c.type === 'consent');
}
