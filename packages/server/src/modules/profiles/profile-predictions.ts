import {
  customerValueRunSchema,
  qualityFindingsOf,
  type ProfilePredictions,
  type QualityFinding,
} from '@comeback/contracts';
import type { Selectable } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import type { CustomerValuePredictionTable } from '../../platform/db/schema.js';
import { readJsonObject } from '../../platform/json.js';

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
 * `findings`: its run's (a weak prediction is weak for its run's reasons).
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
  findings: QualityFinding[],
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
    quality_findings: row.quality === 'weak' ? findings : [],
    computed_at: new Date(Number(row.computed_at)).toISOString(),
  };
}

/** What the findings are read from: the run's stored checks, parameters and counts. */
const storedChecks = customerValueRunSchema.shape.quality.unwrap().omit({ findings: true });
const storedBgNbd = customerValueRunSchema.shape.parameters.shape.bg_nbd;

function runFindings(run: {
  method: 'bg_nbd' | 'rules' | null;
  customers: number | null;
  repeat_customers: number | null;
  parameters: unknown;
  details: unknown;
}): QualityFinding[] {
  if (run.method === null) return [];
  const checks = storedChecks.safeParse(readJsonObject(run.details).quality);
  const bgNbd = storedBgNbd.safeParse(readJsonObject(run.parameters).bg_nbd ?? null);
  return qualityFindingsOf({
    method: run.method,
    customers: Number(run.customers),
    repeatCustomers: Number(run.repeat_customers),
    bgNbd: bgNbd.success ? bgNbd.data : null,
    quality: checks.success ? checks.data : null,
  });
}

export async function predictionsOf(
  db: Db | Trx,
  workspaceId: string,
  profileId: string,
): Promise<ProfilePredictions | null> {
  return (await predictionsOfMany(db, workspaceId, [profileId])).get(profileId) ?? null;
}

/** Profile ids per query: well within both engines' limits on bound parameters. */
const IDS_PER_QUERY = 500;

/**
 * `predictionsOf` for many profiles in one query per 500 (a journey pass's batch): the profiles
 * that have a prediction, each with its view. A run's findings are worked out once for all of
 * its profiles.
 */
export async function predictionsOfMany(
  db: Db | Trx,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, ProfilePredictions>> {
  const out = new Map<string, ProfilePredictions>();
  const unique = [...new Set(profileIds)];
  const findingsOfRun = new Map<string, QualityFinding[]>();
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('customer_value_predictions as p')
      .leftJoin('insights_model_runs as r', (join) =>
        join.onRef('r.id', '=', 'p.run_id').onRef('r.workspace_id', '=', 'p.workspace_id'),
      )
      .select([
        'p.profile_id',
        'p.run_id',
        'p.p_alive',
        'p.expected_orders_90d',
        'p.expected_orders_365d',
        'p.predicted_clv_365d',
        'p.churn_risk',
        'p.expected_next_order_at',
        'p.method',
        'p.computed_at',
        'p.quality',
        'p.quality_reason',
        'r.method as run_method',
        'r.customers as run_customers',
        'r.repeat_customers as run_repeat_customers',
        'r.parameters as run_parameters',
        'r.details as run_details',
      ])
      .where('p.workspace_id', '=', workspaceId)
      .where('p.profile_id', 'in', unique.slice(i, i + IDS_PER_QUERY))
      .execute();
    for (const row of rows) {
      // The findings are the run's; only a weak prediction carries them, so only then are they
      // read (and once per run).
      let findings: QualityFinding[] = [];
      if (row.quality === 'weak') {
        const run = String(row.run_id);
        findings =
          findingsOfRun.get(run) ??
          runFindings({
            method: row.run_method,
            customers: row.run_customers,
            repeat_customers: row.run_repeat_customers,
            parameters: row.run_parameters,
            details: row.run_details,
          });
        findingsOfRun.set(run, findings);
      }
      out.set(row.profile_id, predictionsView(row, findings));
    }
  }
  return out;
}
