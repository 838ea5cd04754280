import type { ProfilePredictions } from '@comeback/contracts';
import type { Selectable } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import type { CustomerValuePredictionTable } from '../../platform/db/schema.js';

/** A prediction stored before the inputs were bounded may be Infinity or NaN: shown as 0. */
const finite = (v: unknown): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

const isoOrNull = (v: number | null): string | null => {
  const t = Number(v);
  return v === null || !Number.isFinite(t) || Math.abs(t) > 8.64e15
    ? null
    : new Date(t).toISOString();
};

/**
 * A profile's customer-value predictions as the profile API shows them. The insights module
 * computes and stores them (customer_value_predictions); a profile only reads its row.
 */
export function predictionsView(
  row: Pick<
    Selectable<CustomerValuePredictionTable>,
    | 'p_alive'
    | 'expected_orders_90d'
    | 'expected_orders_365d'
    | 'predicted_clv_365d'
    | 'churn_risk'
    | 'expected_next_order_at'
    | 'method'
    | 'computed_at'
    | 'quality'
    | 'quality_reason'
  >,
): ProfilePredictions {
  return {
    p_alive: finite(row.p_alive),
    expected_orders_90d: finite(row.expected_orders_90d),
    expected_orders_365d: finite(row.expected_orders_365d),
    predicted_clv_365d: finite(row.predicted_clv_365d),
    churn_risk: row.churn_risk,
    expected_next_order_at: isoOrNull(row.expected_next_order_at),
    method: row.method,
    quality: row.quality,
    quality_reason: row.quality_reason,
    computed_at: new Date(Number(row.computed_at)).toISOString(),
  };
}

export async function predictionsOf(
  db: Db | Trx,
  workspaceId: string,
  profileId: string,
): Promise<ProfilePredictions | null> {
  const row = await db
    .selectFrom('customer_value_predictions')
    .select([
      'p_alive',
      'expected_orders_90d',
      'expected_orders_365d',
      'predicted_clv_365d',
      'churn_risk',
      'expected_next_order_at',
      'method',
      'computed_at',
      'quality',
      'quality_reason',
    ])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .executeTakeFirst();
  return row ? predictionsView(row) : null;
}
