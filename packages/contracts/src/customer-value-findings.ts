import { z } from 'zod';

/**
 * Why a customer-value fit is weak, or why the rules were used, as codes with their numbers:
 * the API keeps its English sentences for scripts, and a client words these in its reader's
 * language. Derived from what a run stores (its checks, parameters and counts), so runs
 * recorded before the codes existed get them too.
 */

/** The limits the checks use (btyd/customer-value.ts and btyd/fit-quality.ts read them here). */
export const customerValueLimits = {
  /** Below these a store gets the rules: too few customers to estimate four parameters well. */
  minBuyers: 100,
  minRepeatBuyers: 20,
  /** ½χ²₀ + ½χ²₁ at 5%: χ²₁'s 90% quantile, the no-dropout test's critical value. */
  dropoutLrCritical: 2.705543454095404,
  /** The history must cover this many typical gaps between purchases. */
  minGapsInWindow: 3,
} as const;

/**
 * - `parameters_at_bounds` {r, alpha, a, b}: the fitted parameters ran to a bound;
 * - `no_dropout_signal` {likelihood_ratio, critical}: a model where nobody stops buying fits as
 *   well, so the data says nothing about who has stopped;
 * - `short_history` {window_weeks, gaps, median_gap_weeks}: the history spans fewer than `gaps`
 *   typical gaps between purchases;
 * - `too_little_data` {buyers, repeat_buyers, min_buyers, min_repeat_buyers}: the rules were
 *   used for want of buyers;
 * - `fit_did_not_settle` {}: the rules were used because BG/NBD found no finite parameters.
 */
export const qualityFindingCodes = [
  'parameters_at_bounds',
  'no_dropout_signal',
  'short_history',
  'too_little_data',
  'fit_did_not_settle',
] as const;
export type QualityFindingCode = (typeof qualityFindingCodes)[number];

/** Why the rules stand in for the models (a run's and an explanation's `reasonCode`). */
export const rulesReasonCodes = ['too_little_data', 'fit_did_not_settle'] as const;
export type RulesReasonCode = (typeof rulesReasonCodes)[number];

export const qualityFindingSchema = z.object({
  code: z.enum(qualityFindingCodes),
  params: z.record(z.string(), z.number()),
});
export type QualityFinding = z.infer<typeof qualityFindingSchema>;

/** Why the 90-day holdout check could not run: no customer at all, or none before its cut. */
export const holdoutNoteCodes = ['no_customers', 'no_customer_before_cut'] as const;

/** What a run stores that the findings are read from. */
export interface FindingsSource {
  method: 'bg_nbd' | 'rules';
  customers: number;
  repeatCustomers: number;
  bgNbd: { r: number; alpha: number; a: number; b: number } | null;
  /** The stored checks; null for runs recorded before they existed. */
  quality: {
    failed: readonly string[];
    likelihoodRatio: number | null;
    windowWeeks: number | null;
    medianGapWeeks: number | null;
  } | null;
}

/** Why the rules were used, with its numbers; null when the models were fitted. */
export function rulesReasonOf(
  run: Pick<FindingsSource, 'method' | 'customers' | 'repeatCustomers'>,
): { code: RulesReasonCode; params: Record<string, number> } | null {
  if (run.method !== 'rules') return null;
  const { minBuyers, minRepeatBuyers } = customerValueLimits;
  // The rules are chosen for want of data exactly when the counts are below the limits.
  return run.customers < minBuyers || run.repeatCustomers < minRepeatBuyers
    ? {
        code: 'too_little_data',
        params: {
          buyers: run.customers,
          repeat_buyers: run.repeatCustomers,
          min_buyers: minBuyers,
          min_repeat_buyers: minRepeatBuyers,
        },
      }
    : { code: 'fit_did_not_settle', params: {} };
}

/** The failed checks of a run with their numbers; for the rules, why they were used. */
export function qualityFindingsOf(run: FindingsSource): QualityFinding[] {
  const rules = rulesReasonOf(run);
  if (rules) return [rules];
  const q = run.quality;
  if (!q) return [];
  const findings: QualityFinding[] = [];
  if (q.failed.includes('parameters_at_bounds') && run.bgNbd) {
    const { r, alpha, a, b } = run.bgNbd;
    findings.push({ code: 'parameters_at_bounds', params: { r, alpha, a, b } });
  }
  if (q.failed.includes('no_dropout_signal') && q.likelihoodRatio !== null) {
    findings.push({
      code: 'no_dropout_signal',
      params: {
        likelihood_ratio: q.likelihoodRatio,
        critical: customerValueLimits.dropoutLrCritical,
      },
    });
  }
  if (q.failed.includes('short_history') && q.windowWeeks !== null && q.medianGapWeeks !== null) {
    findings.push({
      code: 'short_history',
      params: {
        window_weeks: q.windowWeeks,
        gaps: customerValueLimits.minGapsInWindow,
        median_gap_weeks: q.medianGapWeeks,
      },
    });
  }
  return findings;
}
