/**
 * Customer value for a store: decide between the models (BG/NBD + Gamma-Gamma) and the
 * transparent rules, fit, and turn one customer's summary into the profile's predictions. Pure
 * math, no I/O; the insights service feeds it summaries and stores what it returns.
 */
import { customerValueLimits } from '@comeback/contracts';
import {
  BgNbdData,
  conditionalExpectedPurchases,
  fitBgNbd,
  medianWeeksToNextPurchase,
  probabilityAlive,
  probabilityOfPurchase,
  type BgNbdFit,
  type BgNbdParams,
} from './bg-nbd.js';
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
} from './gamma-gamma.js';
import { assessFit, type FitQuality, type FitQualityLevel } from './fit-quality.js';
import { scoreByRules, storeRules, type StoreRules } from './rules.js';
import { DAYS_PER_WEEK, type CustomerSummary } from './summaries.js';

/** Below these a store gets the rules: too few customers to estimate four parameters well. */
export const MIN_BUYERS = customerValueLimits.minBuyers;
export const MIN_REPEAT_BUYERS = customerValueLimits.minRepeatBuyers;
/** churn_risk: high when the score is below `high`, medium below `medium`, else low. */
export const CHURN_THRESHOLDS = { high: 0.3, medium: 0.7 } as const;
export const WEEKS_90D = 90 / DAYS_PER_WEEK;
export const WEEKS_365D = 365 / DAYS_PER_WEEK;
/** Fitted log-parameters beyond ±25 mean the likelihood ran off to a boundary. */
const SANE_PARAM = Math.exp(25);

export type ChurnRisk = 'low' | 'medium' | 'high';
/** What churn_risk compares with the thresholds ('rules_p_alive': the rules', on a weak fit). */
export type ChurnBasis = 'p_alive' | 'p_order_365d' | 'rules_p_alive';

export interface ModelOptions {
  /** Yearly rate for discounting the CLV month by month; 0 (the default) does not discount. */
  annualDiscountRate?: number;
}

export type CustomerValueModel =
  | {
      method: 'bg_nbd';
      bgNbd: BgNbdFit;
      /** Null when the spend model could not be used; spendNote says why. */
      gammaGamma: GammaGammaFit | null;
      spendNote: string | null;
      /** Whether the fit identifies dropout (fit-quality.ts); weak: churn follows the rules. */
      quality: FitQuality;
      rules: StoreRules;
      annualDiscountRate: number;
    }
  | {
      method: 'rules';
      reason: string;
      /** A fit that was tried and rejected, for the record. */
      rejectedFit: BgNbdFit | null;
      rules: StoreRules;
      annualDiscountRate: number;
    };

function sane(values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v) && v > 1 / SANE_PARAM && v < SANE_PARAM);
}

/** Fits the models when the data suffice, otherwise (or when the fit fails) chooses the rules. */
export function fitCustomerValue(
  customers: readonly CustomerSummary[],
  opts: ModelOptions = {},
): CustomerValueModel {
  const rules = storeRules(customers);
  const annualDiscountRate = opts.annualDiscountRate ?? 0;
  const repeat = customers.filter((c) => c.x > 0).length;
  const asRules = (reason: string, rejectedFit: BgNbdFit | null = null): CustomerValueModel => ({
    method: 'rules',
    reason,
    rejectedFit,
    rules,
    annualDiscountRate,
  });
  if (customers.length < MIN_BUYERS || repeat < MIN_REPEAT_BUYERS) {
    return asRules(
      `too little data for the models: ${customers.length} buyers of which ${repeat} bought ` +
        `again; needs at least ${MIN_BUYERS} buyers and ${MIN_REPEAT_BUYERS} repeat buyers`,
    );
  }
  const data = new BgNbdData(customers);
  const bgNbd = fitBgNbd(data);
  const { r, alpha, a, b } = bgNbd.params;
  if (!bgNbd.converged || !Number.isFinite(bgNbd.logLikelihood) || !sane([r, alpha, a, b])) {
    return asRules(
      'the BG/NBD fit did not settle on finite parameters (the purchase pattern does not ' +
        'identify the model); using the rules instead',
      bgNbd,
    );
  }
  const spenders = customers.flatMap((c) =>
    c.x > 0 && c.monetary !== null && c.monetary > 0 ? [{ x: c.x, m: c.monetary }] : [],
  );
  let gammaGamma: GammaGammaFit | null = null;
  let spendProblem: string | null = null;
  if (spenders.length < MIN_REPEAT_BUYERS) {
    spendProblem = `only ${spenders.length} repeat buyers with a positive spend`;
  } else {
    const fit = fitGammaGamma(spenders);
    const { p, q, gamma } = fit.params;
    if (!fit.converged || !sane([p, q, gamma])) {
      spendProblem = 'the Gamma-Gamma fit did not converge (order values vary too little?)';
    } else if (q <= 1) {
      spendProblem = `the Gamma-Gamma fit has q = ${q.toFixed(3)} ≤ 1 (no finite mean spend)`;
    } else gammaGamma = fit;
  }
  const spendNote =
    spendProblem && `${spendProblem}; spend per order is each customer's own average`;
  const quality = assessFit(bgNbd, customers, data);
  return { method: 'bg_nbd', bgNbd, gammaGamma, spendNote, quality, rules, annualDiscountRate };
}

/** How far a prediction can be trusted, and why not when it cannot. */
export interface PredictionQuality {
  level: FitQualityLevel;
  reason: string | null;
}

/** What scoring needs: the parameters only (a stored run is turned back into this). */
export interface ScoringModel {
  method: 'bg_nbd' | 'rules';
  bgNbd: BgNbdParams | null;
  gammaGamma: GammaGammaParams | null;
  rules: StoreRules;
  annualDiscountRate: number;
  /** Weak: P(alive), churn risk and the next order come from the rules (dropout unidentified). */
  quality: PredictionQuality;
}

export function scoringModelOf(model: CustomerValueModel): ScoringModel {
  return model.method === 'bg_nbd'
    ? {
        method: 'bg_nbd',
        bgNbd: model.bgNbd.params,
        gammaGamma: model.gammaGamma?.params ?? null,
        rules: model.rules,
        annualDiscountRate: model.annualDiscountRate,
        quality: { level: model.quality.level, reason: model.quality.reason },
      }
    : {
        method: 'rules',
        bgNbd: null,
        gammaGamma: null,
        rules: model.rules,
        annualDiscountRate: model.annualDiscountRate,
        // The rules are what a store gets when the models cannot be fitted: never strong.
        quality: { level: 'weak', reason: model.reason },
      };
}

/** A customer as scoring sees them (a CustomerSummary, or one read back from storage). */
export type ScoringInput = Pick<CustomerSummary, 'x' | 'tx' | 'T' | 'monetary' | 'averageValue'>;

export interface CustomerPrediction {
  pAlive: number;
  expectedOrders90d: number;
  expectedOrders365d: number;
  /** Expected value of one future order. */
  spend: number;
  clv365d: number;
  churnRisk: ChurnRisk;
  churnBasis: ChurnBasis;
  churnScore: number;
  /** Weeks from now to the expected next order; null when not expected within 365 days. */
  nextOrderWeeks: number | null;
  quality: PredictionQuality;
}

export function churnRiskOf(score: number): ChurnRisk {
  if (score < CHURN_THRESHOLDS.high) return 'high';
  if (score < CHURN_THRESHOLDS.medium) return 'medium';
  return 'low';
}

/**
 * Σ over the 12 months of the year ahead of (expected orders in that month) · spend, each
 * divided by (1 + rate)^(month / 12). With rate 0 this is expected orders in 365 days · spend.
 */
export function discountedValue(
  expectedBy: (weeks: number) => number,
  spend: number,
  annualRate: number,
): number {
  if (annualRate === 0) return expectedBy(WEEKS_365D) * spend;
  let value = 0;
  let before = 0;
  for (let month = 1; month <= 12; month++) {
    const upTo = expectedBy((WEEKS_365D * month) / 12);
    value += ((upTo - before) * spend) / Math.pow(1 + annualRate, month / 12);
    before = upTo;
  }
  return value;
}

/** One customer's predictions under the chosen model. */
export function predictCustomer(model: ScoringModel, c: ScoringInput): CustomerPrediction {
  if (model.method === 'rules' || model.bgNbd === null) {
    const s = scoreByRules(model.rules, c, WEEKS_365D);
    return {
      pAlive: s.pAlive,
      expectedOrders90d: s.expectedOrders(WEEKS_90D),
      expectedOrders365d: s.expectedOrders(WEEKS_365D),
      spend: s.spend,
      clv365d: discountedValue(s.expectedOrders, s.spend, model.annualDiscountRate),
      churnRisk: churnRiskOf(s.pAlive),
      churnBasis: 'p_alive',
      churnScore: s.pAlive,
      nextOrderWeeks: s.nextOrderWeeks,
      quality: model.quality,
    };
  }
  const p = model.bgNbd;
  const pAlive = probabilityAlive(p, c);
  const expectedBy = (weeks: number) => conditionalExpectedPurchases(p, weeks, c);
  const expectedOrders365d = expectedBy(WEEKS_365D);
  const spend = spendOf(model, c);
  const clv365d =
    model.annualDiscountRate === 0
      ? expectedOrders365d * spend
      : discountedValue(expectedBy, spend, model.annualDiscountRate);
  if (model.quality.level === 'weak') {
    // Dropout is not identified: the purchase rate (expected orders, CLV) still comes from the
    // fit, but whether the customer is still active is the rules' gap-based judgement.
    const s = scoreByRules(model.rules, c, WEEKS_365D);
    return {
      pAlive: s.pAlive,
      expectedOrders90d: expectedBy(WEEKS_90D),
      expectedOrders365d,
      spend,
      clv365d,
      churnRisk: churnRiskOf(s.pAlive),
      churnBasis: 'rules_p_alive',
      churnScore: s.pAlive,
      nextOrderWeeks: s.nextOrderWeeks,
      quality: model.quality,
    };
  }
  const { basis: churnBasis, score: churnScore } = churnScoreOf(p, c, pAlive);
  const next = medianWeeksToNextPurchase(p, c);
  return {
    pAlive,
    expectedOrders90d: expectedBy(WEEKS_90D),
    expectedOrders365d,
    spend,
    clv365d,
    churnRisk: churnRiskOf(churnScore),
    churnBasis,
    churnScore,
    nextOrderWeeks: next !== null && next <= WEEKS_365D ? next : null,
    quality: model.quality,
  };
}

/**
 * BG/NBD never lets a customer drop out before a repeat purchase, so P(alive) is 1 for every
 * one-time buyer, however long ago they bought; their churn risk uses the chance of an order
 * within 365 days instead.
 */
export function churnScoreOf(
  p: BgNbdParams,
  c: ScoringInput,
  pAlive: number,
): { basis: ChurnBasis; score: number } {
  return c.x > 0
    ? { basis: 'p_alive', score: pAlive }
    : { basis: 'p_order_365d', score: probabilityOfPurchase(p, WEEKS_365D, c) };
}

/** Spend per future order: Gamma-Gamma when available, else the customer's (or store's) mean. */
export function spendOf(model: ScoringModel, c: ScoringInput): number {
  const fromModel = model.gammaGamma
    ? conditionalExpectedSpend(model.gammaGamma, { x: c.x, m: c.monetary })
    : null;
  if (fromModel !== null) return fromModel;
  return c.averageValue > 0 ? c.averageValue : model.rules.storeMeanValue;
}
