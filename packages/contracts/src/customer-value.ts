import { z } from 'zod';
import {
  holdoutNoteCodes,
  qualityFindingSchema,
  rulesReasonCodes,
} from './customer-value-findings.js';
import { fitJobSchema } from './fit-jobs.js';

/**
 * Customer value and churn (BG/NBD + Gamma-Gamma, or transparent rules when a store has too
 * little data): the profile's `predictions`, the model run behind them and a prediction's
 * explanation. Prediction fields are snake_case like the other profile fields.
 */
export const churnRisks = ['low', 'medium', 'high'] as const;
export const predictionMethods = ['bg_nbd', 'rules'] as const;
/** weak: the fit did not identify who has stopped buying (or the rules were used). */
export const predictionQualities = ['good', 'weak'] as const;

export const profilePredictionsSchema = z.object({
  /** Probability that the customer is still active (BG/NBD), or the rules' stand-in. */
  p_alive: z.number(),
  expected_orders_90d: z.number(),
  expected_orders_365d: z.number(),
  /** Expected revenue over the next 365 days (expected orders x expected spend per order). */
  predicted_clv_365d: z.number(),
  churn_risk: z.enum(churnRisks),
  /** When the customer has an even chance of having ordered again; null: not within a year. */
  expected_next_order_at: z.string().nullable(),
  method: z.enum(predictionMethods),
  /**
   * weak: the fit could not tell who has stopped buying (p_alive, churn_risk and the next order
   * then follow the transparent rules), or the store has too little data for the models.
   */
  quality: z.enum(predictionQualities),
  /** Why it is weak, in English; `quality_findings` has the same as codes with numbers. */
  quality_reason: z.string().nullable(),
  quality_findings: z.array(qualityFindingSchema),
  computed_at: z.string(),
});
export type ProfilePredictions = z.infer<typeof profilePredictionsSchema>;

export const churnThresholdsSchema = z.object({
  high: z.number().describe('churn_risk is high when the score is below this'),
  medium: z.number().describe('medium when below this (and not high); low otherwise'),
  score: z.string().describe('what is compared with the thresholds'),
});

export const fitQualitySchema = z.object({
  level: z.enum(predictionQualities),
  /**
   * Failed checks: parameters_at_bounds, no_dropout_signal, short_history; too_little_data when
   * the rules were used for want of buyers.
   */
  failed: z.array(z.string()),
  reason: z.string().nullable(),
  /** The failed checks (or why the rules were used) as codes with their numbers. */
  findings: z.array(qualityFindingSchema),
  /** ln L of the nested no-dropout model (NBD) and 2·(ln L_BG/NBD − ln L_NBD); null for rules. */
  noDropoutLogLikelihood: z.number().nullable(),
  likelihoodRatio: z.number().nullable(),
  windowWeeks: z.number().nullable(),
  medianGapWeeks: z.number().nullable(),
});

/** What the fit's data covers: scores are as of the store's data, not only the clock. */
export const asOfSchema = z.object({
  /** The last counted order the fit read; null with no order. */
  dataEndsAt: z.string().nullable(),
  /** The instant x, t_x and T were computed at: the clock, or the data's end when stale. */
  asOf: z.string(),
  /** Whether the data ends long before the clock (an imported history, a stopped feed). */
  stale: z.boolean(),
  daysBehindClock: z.number().nullable(),
  note: z.string().nullable(),
});

/** Fit 90 days before the data ends, forecast those 90 days, compare (btyd/holdout.ts). */
export const holdoutSchema = z.object({
  cutAt: z.string(),
  endsAt: z.string(),
  horizonDays: z.number().int(),
  customers: z.number().int(),
  method: z.enum(predictionMethods),
  quality: z.enum(predictionQualities),
  /** Repeat purchase-days in the window: forecast, what happened, each customer's own past rate. */
  forecast: z.number(),
  actual: z.number(),
  naive: z.number(),
  /** Mean absolute error per customer of the forecast and of the own-past-rate forecast. */
  modelMae: z.number(),
  naiveMae: z.number(),
  beatsNaive: z.boolean(),
});

export const customerValueRunSchema = z.object({
  id: z.string(),
  method: z.enum(predictionMethods),
  /** Why the rules were used; null when the models were fitted. */
  reason: z.string().nullable(),
  /** `reason` as a code (too_little_data, fit_did_not_settle) and its numbers. */
  reasonCode: z.enum(rulesReasonCodes).nullable(),
  reasonParams: z.record(z.string(), z.number()).nullable(),
  fittedAt: z.string(),
  /** Customers (profiles with at least one counted order) and how many of them bought again. */
  customers: z.number().int(),
  repeatCustomers: z.number().int(),
  scoredProfiles: z.number().int(),
  parameters: z.object({
    bg_nbd: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() }).nullable(),
    gamma_gamma: z.object({ p: z.number(), q: z.number(), gamma: z.number() }).nullable(),
    rules: z.object({
      store_gap_weeks: z.number(),
      default_gap: z.boolean(),
      store_mean_value: z.number(),
    }),
    annual_discount_rate: z.number(),
    time_unit: z.literal('week'),
  }),
  /** BG/NBD log-likelihood at the fitted parameters (null for the rules). */
  logLikelihood: z.number().nullable(),
  models: z.object({
    bg_nbd: z
      .object({
        customers: z.number().int(),
        repeatCustomers: z.number().int(),
        logLikelihood: z.number(),
        optimizer: z.string(),
        evaluations: z.number().int(),
        converged: z.boolean(),
      })
      .nullable(),
    gamma_gamma: z
      .object({
        customers: z.number().int(),
        logLikelihood: z.number(),
        optimizer: z.string(),
        evaluations: z.number().int(),
        converged: z.boolean(),
      })
      .nullable(),
    /** Why spend per order is not the Gamma-Gamma expectation, when it is not. */
    spendNote: z.string().nullable(),
  }),
  durationMs: z.number(),
  /** Whether the fit identifies dropout; null for runs recorded before the checks existed. */
  quality: fitQualitySchema.nullable(),
  asOf: asOfSchema,
  /** The store's own 90-day holdout check; null when it could not run (holdoutNote says why). */
  holdout: holdoutSchema.nullable(),
  holdoutNote: z.string().nullable(),
  /** `holdoutNote` as a code: no customer at all, or none had bought before the cut. */
  holdoutNoteCode: z.enum(holdoutNoteCodes).nullable(),
});
export type CustomerValueRun = z.infer<typeof customerValueRunSchema>;

/** A requested fit (fit-jobs.ts), with the run it produced once it succeeded. */
export const customerValueFitSchema = fitJobSchema.extend({
  /** The run it produced (status succeeded). */
  run: customerValueRunSchema.nullable(),
});
export type CustomerValueFit = z.infer<typeof customerValueFitSchema>;

export const customerValueStatusSchema = z.object({
  lastRun: customerValueRunSchema.nullable(),
  thresholds: churnThresholdsSchema,
  minimumData: z.object({ buyers: z.number().int(), repeatBuyers: z.number().int() }),
  schedule: z.string(),
  /** The latest fit requested or run (daily or on demand), with its status and progress. */
  latestFit: customerValueFitSchema.nullable(),
});
export type CustomerValueStatus = z.infer<typeof customerValueStatusSchema>;

export const explanationStepSchema = z.object({
  quantity: z.string(),
  formula: z.string(),
  value: z.union([z.number(), z.string(), z.null()]),
  terms: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});

export const predictionExplanationSchema = z.object({
  profileId: z.string(),
  method: z.enum(predictionMethods),
  reason: z.string().nullable(),
  reasonCode: z.enum(rulesReasonCodes).nullable(),
  reasonParams: z.record(z.string(), z.number()).nullable(),
  computedAt: z.string(),
  inputs: z.object({
    x: z.number().int().describe('repeat purchase-days (same-day orders merged)'),
    t_x: z.number().describe('weeks from the first to the last purchase day'),
    T: z.number().describe('weeks from the first purchase day to the day of computation'),
    recency_weeks: z.number().describe('T - t_x'),
    monetary: z.number().nullable().describe('mean value of the repeat purchase-days'),
    average_order_value: z.number().describe('mean value over all purchase-days'),
  }),
  parameters: customerValueRunSchema.shape.parameters,
  thresholds: churnThresholdsSchema,
  predictions: profilePredictionsSchema,
  steps: z.array(explanationStepSchema),
  run: customerValueRunSchema.pick({
    id: true,
    fittedAt: true,
    customers: true,
    repeatCustomers: true,
    logLikelihood: true,
    quality: true,
    asOf: true,
  }),
});
export type PredictionExplanation = z.infer<typeof predictionExplanationSchema>;
