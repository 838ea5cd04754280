import type { CustomField } from '@comeback/contracts';
import type { FieldType } from '../../src/modules/segments/segment-model.js';
import type { World, WorldProfile } from './segment-world-model.js';

/**
 * The reference evaluator's reading of a registry field (segment-reference.ts): its type, and
 * its value from the plain world, as the segment semantics state it.
 */

/** A field's type and its value; undefined = missing (absent, NULL, JSON null, wrong type). */
export interface Read {
  type: FieldType;
  value: unknown;
}

const own = (table: Record<string, Read>, key: string) =>
  Object.hasOwn(table, key) ? table[key] : undefined;
const num = (v: number | null | undefined) => (typeof v === 'number' ? v : undefined);
const str = (v: string | null | undefined) => (typeof v === 'string' ? v : undefined);

/** A registry field of a profile: its type and value (exported for the generator's samples). */
export function referenceField(
  world: World,
  customFields: ReadonlyMap<string, CustomField>,
  p: WorldProfile,
  path: string,
): Read {
  const dot = path.indexOf('.');
  const area = path.slice(0, dot);
  const name = path.slice(dot + 1);
  if (area === 'traits') {
    const raw = Object.hasOwn(p.traits, name) ? p.traits[name] : undefined;
    const declared = customFields.get(name);
    if (!declared) return { type: 'any', value: raw === null ? undefined : raw };
    return { type: declared.type, value: typedTrait(declared.type, raw) };
  }
  if (area === 'computed' || area === 'profile') {
    const computed: Record<string, Read> = {
      'computed.order_count': { type: 'number', value: p.orderCount },
      'computed.total_spent': { type: 'number', value: p.totalSpent },
      'computed.refunded_total': { type: 'number', value: p.refundedTotal },
      'computed.average_order_value': {
        type: 'number',
        value: p.orderCount > 0 ? p.totalSpent / p.orderCount : undefined,
      },
      'computed.first_order_at': { type: 'date', value: num(p.firstOrderAt) },
      'computed.last_order_at': { type: 'date', value: num(p.lastOrderAt) },
      'computed.last_seen_at': { type: 'date', value: num(p.lastSeenAt) },
      'computed.categories_bought': { type: 'list', value: p.categoriesBought },
      'computed.products_bought': { type: 'list', value: p.productsBought },
      'computed.last_product_viewed': { type: 'string', value: str(p.lastProductViewed) },
      'profile.created_at': { type: 'date', value: p.createdAt },
    };
    const read = own(computed, path);
    if (read) return read;
  }
  if (area === 'predictions') {
    const r = world.predictions.find((x) => x.profileId === p.id);
    const values: Record<string, Read> = {
      p_alive: { type: 'number', value: r?.pAlive },
      expected_orders_90d: { type: 'number', value: r?.expectedOrders90d },
      expected_orders_365d: { type: 'number', value: r?.expectedOrders365d },
      predicted_clv_365d: { type: 'number', value: r?.predictedClv365d },
      churn_score: { type: 'number', value: r?.churnScore },
      churn_risk: { type: 'enum', value: r?.churnRisk },
      expected_next_order_at: { type: 'date', value: num(r?.expectedNextOrderAt) },
    };
    const read = own(values, name);
    if (read) return read;
  }
  if (area === 'insights') {
    const r = world.insights.find((x) => x.profileId === p.id);
    const values: Record<string, Read> = {
      next_replenishment_due_at: { type: 'date', value: num(r?.nextReplenishmentDueAt) },
      next_replenishment_product: { type: 'string', value: str(r?.nextReplenishmentProduct) },
      next_likely_category: { type: 'string', value: str(r?.nextLikelyCategory) },
      next_likely_category_probability: {
        type: 'number',
        value: num(r?.nextLikelyCategoryProbability),
      },
      replacement_category: { type: 'string', value: str(r?.replacementCategory) },
      replacement_due_at: { type: 'date', value: num(r?.replacementDueAt) },
    };
    const read = own(values, name);
    if (read) return read;
  }
  throw new Error(`no field ${path} (the checker should have refused it)`);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A declared trait's JSON value read as its declared type. A value of another JSON type is
 * treated as missing: ingestion coerces declared traits, so only a date trait is expected to
 * hold something unparseable (the generator produces no other mismatch).
 */
function typedTrait(type: CustomField['type'], raw: unknown): unknown {
  switch (type) {
    case 'number':
      return typeof raw === 'number' ? raw : undefined;
    case 'string':
    case 'enum':
      return typeof raw === 'string' ? raw : undefined;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'list':
      return Array.isArray(raw) ? raw : undefined;
    case 'date': {
      if (typeof raw !== 'string' || !ISO_DATE.test(raw)) return undefined;
      const t = Date.parse(raw);
      return Number.isNaN(t) ? undefined : t;
    }
  }
}
