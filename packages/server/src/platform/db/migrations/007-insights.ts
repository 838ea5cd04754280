import { sql, type Kysely } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

/**
 * Customer value and churn: every fit of a workspace's models (when, on how much data, the
 * parameters and the log-likelihood, or the rules and why), and each profile's latest
 * predictions with the summary they were computed from (x, t_x, T in weeks, monetary value).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const { json, big, real, serial, keyed } = columnTypes(dialect);
  const run = (q: ReturnType<typeof sql>) => q.execute(db);

  await run(sql`create table insights_model_runs (
    id ${serial}, workspace_id text not null, model text not null, method text not null,
    reason text, fitted_at ${big} not null, customers integer not null,
    repeat_customers integer not null, scored_profiles integer not null,
    parameters ${json} not null, log_likelihood ${real}, details ${json} not null,
    duration_ms ${real} not null)`);
  await run(
    sql`create index insights_model_runs_latest on insights_model_runs (workspace_id, model, id)`,
  );
  await run(sql`create table customer_value_predictions (
    workspace_id text not null, profile_id text not null, run_id ${big} not null,
    method text not null, p_alive ${real} not null, expected_orders_90d ${real} not null,
    expected_orders_365d ${real} not null, predicted_clv_365d ${real} not null,
    expected_spend ${real} not null, churn_risk text not null, churn_basis text not null,
    churn_score ${real} not null, expected_next_order_at ${big}, x integer not null,
    t_x ${real} not null, t_cal ${real} not null, monetary ${real},
    average_order_value ${real} not null, computed_at ${big} not null,
    primary key (workspace_id, profile_id))${keyed}`);
  await run(
    sql`create index customer_value_predictions_run on customer_value_predictions (workspace_id, run_id)`,
  );
}
