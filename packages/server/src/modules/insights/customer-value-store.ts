/**
 * Storage of customer value: reading a workspace's orders as purchases, writing a model run and
 * its predictions, and reading them back.
 */
import {
  MAX_AMOUNT,
  customerValueRunSchema,
  qualityFindingsOf,
  rulesReasonOf,
  type CustomerValueRun,
} from '@comeback/contracts';
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { CustomerValuePredictionTable } from '../../platform/db/schema.js';
import { readJsonObject } from '../../platform/json.js';
import type { Purchase } from './btyd/summaries.js';

export const CUSTOMER_VALUE_MODEL = 'customer_value';
/** Rows per upsert statement and per transaction: short write locks on SQLite. */
const CHUNK = 1000;

export type PredictionRow = Selectable<CustomerValuePredictionTable>;
export type NewPredictionRow = Omit<Insertable<CustomerValuePredictionTable>, 'run_id'>;
export type NewRun = Omit<CustomerValueRun, 'id' | 'fittedAt'> & {
  fittedAt: number;
  /** Epoch ms of the data's last counted order (null with none) and of the computation. */
  dataEndsAt: number | null;
  asOfAt: number;
};

const iso = (t: number) => new Date(t).toISOString();

/**
 * Every counted order of the workspace up to `now`, per profile: not awaiting its order
 * (`ordered_at = -1`), not cancelled, not wholly refunded; worth its total minus refunds.
 */
export async function purchasesByProfile(
  db: Db,
  workspaceId: string,
  now: number,
): Promise<Map<string, Purchase[]>> {
  const rows = await db
    .selectFrom('profile_orders')
    .select(['profile_id', 'ordered_at', 'total', 'refunded'])
    .where('workspace_id', '=', workspaceId)
    .where('ordered_at', '>=', 0)
    .where('ordered_at', '<=', now)
    .where('status', '!=', 'cancelled')
    .execute();
  const out = new Map<string, Purchase[]>();
  for (const r of rows) {
    const total = Number(r.total);
    const refunded = Math.max(0, Number(r.refunded));
    // An order stored before the edges bounded amounts (Infinity, 1e200) would make the whole
    // store's estimates infinite: it is left out (the comparison is false for NaN too).
    if (!(Math.abs(total) <= MAX_AMOUNT && refunded <= MAX_AMOUNT)) continue;
    if (total > 0 && refunded >= total) continue;
    const list = out.get(r.profile_id);
    const purchase = { at: Number(r.ordered_at), value: Math.max(0, total - refunded) };
    if (list) list.push(purchase);
    else out.set(r.profile_id, [purchase]);
  }
  return out;
}

/** Records the run and replaces the workspace's predictions with `rows` (run_id filled in). */
export async function saveRun(
  db: Db,
  workspaceId: string,
  run: NewRun,
  rows: NewPredictionRow[],
): Promise<string> {
  const inserted = await db
    .insertInto('insights_model_runs')
    .values({
      workspace_id: workspaceId,
      model: CUSTOMER_VALUE_MODEL,
      method: run.method,
      reason: run.reason,
      fitted_at: run.fittedAt,
      customers: run.customers,
      repeat_customers: run.repeatCustomers,
      scored_profiles: run.scoredProfiles,
      parameters: JSON.stringify(run.parameters),
      log_likelihood: run.logLikelihood,
      // The checks ride in the details: they are read back with the run, never queried.
      details: JSON.stringify({
        ...run.models,
        quality: run.quality,
        holdout: run.holdout,
        holdoutNote: run.holdoutNote,
        holdoutNoteCode: run.holdoutNoteCode,
        asOf: { stale: run.asOf.stale, note: run.asOf.note },
      }),
      duration_ms: run.durationMs,
      data_ends_at: run.dataEndsAt,
      as_of: run.asOfAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const runId = Number(inserted.id);
  // Upserts in short transactions, then the profiles this run did not score are removed.
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((r) => ({ ...r, run_id: runId }));
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('customer_value_predictions')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'profile_id']).doUpdateSet((eb) => ({
            run_id: eb.ref('excluded.run_id'),
            method: eb.ref('excluded.method'),
            p_alive: eb.ref('excluded.p_alive'),
            expected_orders_90d: eb.ref('excluded.expected_orders_90d'),
            expected_orders_365d: eb.ref('excluded.expected_orders_365d'),
            predicted_clv_365d: eb.ref('excluded.predicted_clv_365d'),
            expected_spend: eb.ref('excluded.expected_spend'),
            churn_risk: eb.ref('excluded.churn_risk'),
            churn_basis: eb.ref('excluded.churn_basis'),
            churn_score: eb.ref('excluded.churn_score'),
            expected_next_order_at: eb.ref('excluded.expected_next_order_at'),
            x: eb.ref('excluded.x'),
            t_x: eb.ref('excluded.t_x'),
            t_cal: eb.ref('excluded.t_cal'),
            monetary: eb.ref('excluded.monetary'),
            average_order_value: eb.ref('excluded.average_order_value'),
            computed_at: eb.ref('excluded.computed_at'),
            quality: eb.ref('excluded.quality'),
            quality_reason: eb.ref('excluded.quality_reason'),
          })),
        )
        .execute();
    });
  }
  await db
    .deleteFrom('customer_value_predictions')
    .where('workspace_id', '=', workspaceId)
    .where('run_id', '!=', runId)
    .execute();
  return String(runId);
}

type RunRow = {
  id: number;
  method: 'bg_nbd' | 'rules';
  reason: string | null;
  fitted_at: number;
  customers: number;
  repeat_customers: number;
  scored_profiles: number;
  parameters: unknown;
  log_likelihood: number | null;
  details: unknown;
  duration_ms: number;
  data_ends_at: number | null;
  as_of: number | null;
};

const DAY_MS = 86_400_000;
const isoOrNull = (t: number | null) => (t === null ? null : iso(Number(t)));

/** The run's "as of" view; a run from before migration 026 was computed as of its fit time. */
function asOfView(r: RunRow, details: Record<string, unknown>) {
  const recorded = readJsonObject(details.asOf);
  const asOf = r.as_of === null ? Number(r.fitted_at) : Number(r.as_of);
  const endsAt = r.data_ends_at === null ? null : Number(r.data_ends_at);
  return {
    dataEndsAt: isoOrNull(endsAt),
    asOf: iso(asOf),
    stale: recorded.stale === true,
    daysBehindClock:
      endsAt === null ? null : Math.max(0, Math.floor((Number(r.fitted_at) - endsAt) / DAY_MS)),
    note: typeof recorded.note === 'string' ? recorded.note : null,
  };
}

/** The checks as stored in a run's details (findings are derived, never read back). */
const storedChecks = customerValueRunSchema.shape.quality.unwrap().omit({ findings: true });

/** The holdout note's code; runs saved before the codes kept only the English note. */
function holdoutNoteCodeOf(details: Record<string, unknown>): string | null {
  if (typeof details.holdoutNoteCode === 'string') return details.holdoutNoteCode;
  if (typeof details.holdoutNote !== 'string') return null;
  return details.holdoutNote === 'no customer yet' ? 'no_customers' : 'no_customer_before_cut';
}

/**
 * A run as the API shows it; null when its stored figures do not read back (see latestRun).
 * The codes of its findings and of why the rules were used are read from its stored checks,
 * parameters and counts, so runs saved before the codes existed have them too.
 */
function runView(r: RunRow): CustomerValueRun | null {
  const details = readJsonObject(r.details);
  const base = customerValueRunSchema
    .omit({ quality: true, reasonCode: true, reasonParams: true })
    .safeParse({
      id: String(r.id),
      method: r.method,
      reason: r.reason,
      fittedAt: iso(Number(r.fitted_at)),
      customers: Number(r.customers),
      repeatCustomers: Number(r.repeat_customers),
      scoredProfiles: Number(r.scored_profiles),
      parameters: readJsonObject(r.parameters),
      logLikelihood: r.log_likelihood === null ? null : Number(r.log_likelihood),
      models: details,
      durationMs: Number(r.duration_ms),
      asOf: asOfView(r, details),
      holdout: details.holdout ?? null,
      holdoutNote: details.holdoutNote ?? null,
      holdoutNoteCode: holdoutNoteCodeOf(details),
    });
  if (!base.success) return null;
  const checks = storedChecks.nullable().safeParse(details.quality ?? null);
  if (!checks.success) return null;
  const run = base.data;
  const reason = rulesReasonOf(run);
  return {
    ...run,
    reasonCode: reason?.code ?? null,
    reasonParams: reason?.params ?? null,
    quality: checks.data && {
      ...checks.data,
      findings: qualityFindingsOf({ ...run, bgNbd: run.parameters.bg_nbd, quality: checks.data }),
    },
  };
}

const runColumns = [
  'id',
  'method',
  'reason',
  'fitted_at',
  'customers',
  'repeat_customers',
  'scored_profiles',
  'parameters',
  'log_likelihood',
  'details',
  'duration_ms',
  'data_ends_at',
  'as_of',
] as const;

/**
 * The newest run that reads back. A run saved before order amounts were bounded may hold
 * non-finite figures (stored as JSON null); it is passed over rather than failing the status
 * for the whole workspace, and the next fit replaces it.
 */
export async function latestRun(db: Db, workspaceId: string): Promise<CustomerValueRun | null> {
  const rows = await db
    .selectFrom('insights_model_runs')
    .select(runColumns)
    .where('workspace_id', '=', workspaceId)
    .where('model', '=', CUSTOMER_VALUE_MODEL)
    .orderBy('id', 'desc')
    .limit(10)
    .execute();
  for (const row of rows) {
    const run = runView(row);
    if (run) return run;
  }
  return null;
}

export async function runById(
  db: Db,
  workspaceId: string,
  id: number,
): Promise<CustomerValueRun | null> {
  const row = await db
    .selectFrom('insights_model_runs')
    .select(runColumns)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? runView(row) : null;
}

export async function predictionRow(
  db: Db,
  workspaceId: string,
  profileId: string,
): Promise<PredictionRow | null> {
  const row = await db
    .selectFrom('customer_value_predictions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .executeTakeFirst();
  return row ?? null;
}
